"""Chinese for the words and texts the page takes from the model: mechanism names and rules,
parameter names and descriptions, outcome labels and units, resident groups, issue stages,
channels and categories. The English comes from the model itself (schema descriptions,
registry labels, docstrings), so it is written once; what is missing here is shown in
English (``tests/test_app_i18n.py`` checks that nothing the model has now is missing).
"""

from __future__ import annotations

#: Mechanism key -> (name, what it does in the model).
MECHANISMS: dict[str, tuple[str, str]] = {
    "service_closed_loop": ("服务闭环（建议—采纳—反馈）",
                            "诉求办结后，每位报告人都会得到结果反馈（不再只按基础反馈概率），且部分建议被采纳，"
                            "居民因此感到“被倾听”；被倾听通过 voice_weight 进入感知绩效，信任按期望—失验规则变化。每次反馈耗费工作人员工时。"),
    "devolved_authority": ("赋权下沉（项目审批权、资金使用权）",
                           "社区获得对更多诉求类别的决定权和更多的日常预算，原本须上报的诉求可以自行决定处理。"),
    "digital_platform": ("数字平台（一网协同）",
                         "居民的报告渠道可及性取二者之高：线下渠道，或按数字素养折算的线上渠道；平台受理后直接派单，"
                         "派单更准确；共享案卷缩短每次转办的时间。"),
    "gig_worker_platform": ("小哥议事平台",
                            "新就业群体获得可随时使用的渠道（渠道可及性提高）、可在接单间隙参与的议事（参与时间提高），"
                            "以及定期议事会；参会概率为 attendance × 信任，参会者的参与门槛随之降低。"),
    "proactive_analysis": ("民生诉求主动研判（未诉先办）",
                           "平台每天查找同一小区、同一类别在时间窗内的未结报告聚集；达到阈值的聚集促使处置方"
                           "（一）在该小区搜寻同类潜在诉求，（二）将聚集中的诉求合并为一件批量处理。"),
    "five_level_grid": ("五级党建网格",
                        "楼栋长和小区党员骨干成为户、楼、小区范围简单诉求的一线处置人，并在社区与街道之间增设片区；"
                        "没有该机制时，层级为街道—社区—居民。"),
    "whistle_summon": ("街乡吹哨、部门报到",
                       "需要多个部门的诉求不再在部门间来回转办，而由街道一次性召集所有相关部门，限期报到处置。"),
    "regional_party_building": ("区域化党建（资源统筹）",
                                "辖区单位和企业向共享资金池注资；处置方在预算不足以处理高成本诉求（成本不低于阈值）时，"
                                "可按先到先得从资金池全额支取。"),
    "vanguard_linkage": ("先锋党员联动",
                         "党员以 1 − exp(−notice_probability × 与党员关系强度之和) 的日概率发现熟人的潜在诉求并代为报告；"
                         "党员还动员其关系网络，作为小区层面处理简单诉求的志愿力量。"),
    "flexible_coverage": ("党组织灵活覆盖（单独建、联合建、区域联建、行业统建）",
                          "党组织覆盖新经济组织和新社会组织，并借此联系外来人口和新就业群体：每名党员与同社区的"
                          "外来或新就业居民建立约 ties_per_member 条强度为 tie_strength 的关系，供信任传播、先锋发现和参与使用。"),
    "emotional_outreach": ("情感联络（入户走访、定期回访）",
                           "网格员和党员走访近 30 天内有诉求办结或放弃的居民（不足时随机补足），信任最低者优先；"
                           "走访让居民被倾听（感知绩效按 voice_weight 提高），并加强其最弱的一条关系（引荐邻居：生人变熟人）。走访耗费工时。"),
    "community_activities": ("议事会与社区活动",
                             "每个小区每隔 interval_days 天召开一次议事会，参与中的居民按概率出席；出席者彼此加强关系，"
                             "当出席者平均信任超过 consent_threshold 时，小区内未结的集体诉求（楼栋或小区范围）获得所需的同意。"),
    "responsibility_lists": ("权责清单、事务清单、问题清单",
                             "权责清晰使首次派单更常正确，并降低有权处置方仍将诉求转出（推诿扯皮）的概率。"),
    "supervision": ("监督问责",
                    "在监督下，承压的处置方较少“纸面办结”，并有一定比例的办结被抽查；被查出的纸面办结会被重新打开、退回处置方。"),
    "leadership_intensity": ("引领强度（引领观与治理观的平衡）",
                             "每个社区党组织每天有 level × steering_hours 小时处理集体诉求（楼栋、小区范围，单一部门），"
                             "并直接包办其中 level ** takeover_exponent 的比例（大包大揽）；包办的诉求用引领工时解决，"
                             "居民不参与也不获得效能感，所在单元参与中的居民效能感下降（挤出）；剩余工时用于协调居民自治其余集体诉求，"
                             "使社区的协调水平高于放任时的 base_coordination。"),
    "events": ("外部事件时间线",
               "“情绪氛围”事件在持续期间每天按 influence_rate × 强度把每位居民的信任向上（正值）或向下（负值）拉动；"
               "“危机”每天额外增加 强度 × 常规数量的公共安全或照护诉求；“拆迁”同样增加小区范围的邻里纠纷和物业诉求。"
               "额外诉求来自独立随机流，常规诉求不变（共同随机数）。"),
}

#: Parameter field name -> short Chinese name (the same name in every mechanism).
PARAM_NAMES: dict[str, str] = {
    "enabled": "启用", "feedback_probability": "反馈概率", "adoption_rate": "建议采纳率", "extra_categories": "新增决定权类别",
    "budget_multiplier": "预算倍数", "digital_access": "线上渠道可及性", "routing_accuracy": "派单准确率", "handoff_days": "转办天数",
    "budget_per_day": "每日预算", "channel_access": "渠道可及性", "session_interval_days": "议事间隔天数", "attendance": "出席率",
    "threshold_drop": "参与门槛降幅", "availability": "可参与时间", "hours_per_session": "每次议事工时", "cluster_threshold": "聚集阈值",
    "window_days": "时间窗天数", "recall": "搜寻检出率", "building_cases_per_day": "楼栋长日处置件数",
    "compound_cases_per_day": "小区骨干日处置件数", "hours_per_case": "每件工时", "deadline_days": "报到期限天数",
    "hours_per_summons": "每次召集工时", "pool_per_10k": "每万人日注资", "resource_threshold": "支取成本阈值",
    "notice_probability": "发现概率", "volunteer_cases_per_member": "党员志愿日处置件数", "hours_per_day": "每日工时",
    "ties_per_member": "每名党员新增关系", "hours_per_member": "每名党员日工时", "tie_strength": "关系强度",
    "visits_per_grid_worker": "网格员日走访数", "visits_per_member": "党员日走访数", "tie_gain": "关系强度增量",
    "hours_per_visit": "每次走访工时", "interval_days": "间隔天数", "ties_per_attendee": "每名出席者加强关系数",
    "consent_threshold": "同意所需信任", "hours_per_meeting": "每次会议工时", "buck_passing": "推诿概率",
    "pressure_multiplier": "压力下纸面办结倍数", "audit_rate": "抽查比例", "hours_per_audit": "每次抽查工时", "level": "引领强度",
    "steering_hours": "引领工时", "takeover_exponent": "包办指数", "hours_per_takeover": "每件包办工时",
    "hours_per_coordination": "每件协调工时", "crowd_out": "挤出效应", "timeline": "事件时间线",
    "seed": "随机种子", "days": "天数", "residents": "居民人数",
}

#: "mechanism.field" (or "field" for every mechanism, or a run key) -> Chinese description.
PARAM_HELP: dict[str, str] = {
    "enabled": "开启该机制。",
    "seed": "主随机种子；各用途的随机流由它拆分得到。",
    "days": "模拟天数。",
    "population.residents": "街道居民人数（一个街道有数万至约十万人）。",
    "service_closed_loop.feedback_probability": "诉求办结时报告人获知结果的概率。",
    "service_closed_loop.adoption_rate": "报告人建议被采纳的比例（上海：98.3–98.5%）。",
    "devolved_authority.extra_categories": "赋权后社区可自行决定的诉求类别。",
    "devolved_authority.budget_multiplier": "社区日常预算的倍数（下沉资金）。",
    "digital_platform.digital_access": "完全具备数字素养的居民通过平台的渠道可及性。",
    "digital_platform.routing_accuracy": "平台把报告派给有权处置方的概率。",
    "digital_platform.handoff_days": "有共享案卷时一次转办所需天数。",
    "digital_platform.budget_per_day": "平台每个社区每天的预算成本。",
    "gig_worker_platform.channel_access": "新就业群体通过平台的渠道可及性。",
    "gig_worker_platform.session_interval_days": "两次议事会之间的天数。",
    "gig_worker_platform.attendance": "受邀的新就业群体出席议事会的比例（再乘以信任）。",
    "gig_worker_platform.threshold_drop": "每次议事后出席者参与门槛的降幅。",
    "gig_worker_platform.availability": "可在平台上、接单间隙议事后，新就业群体用于参与的时间。",
    "gig_worker_platform.hours_per_session": "每个社区每次议事耗费的工作人员工时。",
    "proactive_analysis.cluster_threshold": "同一小区同一类别构成聚集的未结报告数。",
    "proactive_analysis.window_days": "计入聚集的报告回溯天数。",
    "proactive_analysis.recall": "搜寻能找到的该小区同类潜在诉求比例。",
    "proactive_analysis.budget_per_day": "研判每个社区每天的预算成本。",
    "five_level_grid.building_cases_per_day": "楼栋长每天处置的件数。",
    "five_level_grid.compound_cases_per_day": "小区党员骨干每天处置的件数。",
    "five_level_grid.hours_per_case": "一线处置一件诉求耗费的党员工时。",
    "whistle_summon.deadline_days": "被召集部门须在多少天内报到。",
    "whistle_summon.hours_per_summons": "一次召集耗费每个部门的工时。",
    "regional_party_building.pool_per_10k": "成员单位每天按每万名居民注入资金池的预算。",
    "regional_party_building.resource_threshold": "可以从资金池支取的诉求成本下限。",
    "vanguard_linkage.notice_probability": "每单位关系强度每天发现邻居潜在诉求的概率。",
    "vanguard_linkage.volunteer_cases_per_member": "每名党员的志愿网络每天处置的简单诉求件数。",
    "vanguard_linkage.hours_per_day": "党员每天用于联动的工时。",
    "flexible_coverage.ties_per_member": "每名党员与外来和新就业居民新建的关系数。",
    "flexible_coverage.hours_per_member": "每名党员每天维持覆盖关系的工时。",
    "flexible_coverage.tie_strength": "覆盖关系的强度。",
    "emotional_outreach.visits_per_grid_worker": "网格员每天走访户数。",
    "emotional_outreach.visits_per_member": "党员每天走访户数。",
    "emotional_outreach.tie_gain": "一次走访或引荐为关系增加的强度。",
    "emotional_outreach.hours_per_visit": "一次走访耗费的工时。",
    "community_activities.interval_days": "一个小区两次议事会之间的天数。",
    "community_activities.attendance": "参与中的居民出席的概率。",
    "community_activities.ties_per_attendee": "每名出席者在会上加强的关系数。",
    "community_activities.tie_gain": "每条被加强关系增加的强度。",
    "community_activities.consent_threshold": "集体诉求获得同意所需的出席者平均信任。",
    "community_activities.hours_per_meeting": "一次会议耗费的党员和工作人员工时。",
    "responsibility_lists.routing_accuracy": "有清单时首次派单正确的概率。",
    "responsibility_lists.buck_passing": "有权处置方仍把诉求转出的概率。",
    "responsibility_lists.hours_per_day": "每个社区每天维护清单的工作人员工时。",
    "supervision.pressure_multiplier": "承压时纸面办结概率的倍数。",
    "supervision.audit_rate": "被抽查的办结比例。",
    "supervision.hours_per_audit": "一次抽查耗费的工时。",
    "leadership_intensity.level": "引领强度：党组织引领能力的使用比例（0 放任，1 完全引领）。",
    "leadership_intensity.steering_hours": "社区党组织在完全引领时每天的引领工时（班子成员与积极分子）。",
    "leadership_intensity.takeover_exponent": "包办的集体诉求比例 = 强度 ** 指数（>1：强度低时党组织主要是协调）。",
    "leadership_intensity.hours_per_takeover": "包办解决一件集体诉求所需的党员工时。",
    "leadership_intensity.hours_per_coordination": "协调一件居民自治的集体诉求一天所需的党员工时。",
    "leadership_intensity.crowd_out": "所在单元的集体诉求被包办时，参与中的居民失去的效能感比例。",
    "events.timeline": "事件列表，顺序不限。",
}

#: Outcome name -> Chinese label (the English label is the registry's).
OUTCOMES: dict[str, str] = {
    "trust_mean": "平均信任", "participation_rate": "参与率", "resolution_days_median": "解决天数（中位数）",
    "backlog": "积压诉求",
}
#: Registry unit text -> Chinese.
UNITS: dict[str, str] = {"0–1 scale": "0–1 量表", "share": "比例", "days": "天", "issues": "件"}

GROUPS: dict[str, str] = {"local": "本地居民", "migrant": "外来租户", "gig": "新就业群体", "elderly": "老年人"}
STAGES: dict[str, str] = {
    "latent": "潜在（未被知晓）", "reported": "已发现、待派单", "queued": "排队等待", "handled": "正在处置",
    "resolved": "已解决", "false_closed": "纸面办结", "abandoned": "已放弃",
}
CHANNELS: dict[str, str] = {"none": "未发现", "self_report": "居民自报", "grid_patrol": "网格巡查", "party_member": "党员发现",
                            "proactive": "主动研判"}
CATEGORIES: dict[str, str] = {
    "sanitation": "环境卫生", "pets": "宠物", "lift_renovation": "加装电梯与改造", "parking": "停车", "property": "物业",
    "neighbour_dispute": "邻里纠纷", "care": "照护", "public_safety": "公共安全",
}
TIE_KINDS: dict[str, str] = {"household": "同户", "building": "同楼", "compound": "同小区", "community": "同社区",
                             "long_range": "远距离"}
