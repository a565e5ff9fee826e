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
                            "处置方办结诉求时都安排回访电话告知结果（不再只按基础概率），告知的报告人中一部分建议被采纳。"
                            "回访耗费网格员工时，采纳耗费社区工作人员工时，当天工时不够的就不做。被告知和被采纳按“发声权重”"
                            "进入感知绩效，信任只按期望—失验规则变化。零效应版本：付出这些工时，但居民什么也没得到。"),
    "devolved_authority": ("赋权下沉（项目审批权、资金使用权）",
                           "社区（及片区）获得对更多诉求类别的决定权；资金是转移而非新增：街道日预算的一部分平均分给各社区。"
                           "零效应版本：资金转移，决定权不变。"),
    "digital_platform": ("数字平台（一网协同）",
                         "居民的报告渠道取线下渠道与按数字素养折算的线上渠道之高者；平台派出的报告按平台准确率派单，"
                         "共享案卷缩短转办时间。平台运行费是申报的新增资源（平台资金），每次派单耗费街道工时，当天派不出的按原方式派单。"
                         "零效应版本：出资、派单照付，规则不变。"),
    "gig_worker_platform": ("小哥议事平台",
                            "新就业群体获得可随时使用的报告渠道；各社区每隔若干天开一次线上议事会（耗费社区工作人员工时）。"
                            "是否参加由与任何活动相同的参与决策决定，只是接单间隙的线上议事占用的是“线上议事可用时间”。"
                            "参加即当天参与，也是报告自己诉求的机会，并加强参会者之间的关系。零效应版本：照开照付，无人受影响。"),
    "proactive_analysis": ("民生诉求主动研判（未诉先办）",
                           "每天查找同一小区、同一类别在时间窗内的未结报告聚集；网格员按工时搜寻该小区，发现一定比例的同类潜在诉求；"
                           "聚集中的诉求合并处置，后续每件只需部分工时。研判运行费为申报的新增资源。零效应版本：照付照搜，一无所获。"),
    "five_level_grid": ("五级党建网格",
                        "楼栋长和小区党员骨干成为户、楼、小区范围简单诉求的一线处置人（用党员志愿工时），社区与街道之间增设片区"
                        "（由街道人员承担）；网格增加的是可以处置的人，而不是工时。另有每周网格会议的党员工时。零效应版本：只开会。"),
    "whistle_summon": ("街乡吹哨、部门报到",
                       "街道受理需要两个部门的诉求时，同时召集两个部门（召集耗费街道工时），被召集的部门优先完成各自那一部分（耗费部门工时），"
                       "不再依次转办。零效应版本：街道付出召集工时，然后照旧依次转办。"),
    "regional_party_building": ("区域化党建（资源统筹）",
                                "辖区单位和企业向共享资金池注资（申报的新增资源）；处置方预算不足以处理高成本诉求时，可从资金池全额支取，"
                                "每次支取耗费街道工时。零效应版本：照常注资，但不许支取。"),
    "vanguard_linkage": ("先锋党员联动",
                         "在职党员每天花一定工时联系群众，按与党员关系强度和实际投入工时的比例发现并代报邻居的潜在诉求；"
                         "党员志愿者可在小区层面处置简单诉求。只有真正花了工时的党员才记为志愿服务。零效应版本：花了工时，一无所获。"),
    "flexible_coverage": ("党组织灵活覆盖（单独建、联合建、区域联建、行业统建）",
                          "每名党员在本社区外来和新就业居民中有若干潜在联系对象（起初是陌生人）；党员每天花工时联系，"
                          "每次联系加强一条关系，不联系则关系逐渐淡化。零效应版本：花了工时，没有联系对象。"),
    "emotional_outreach": ("情感联络（入户走访、定期回访）",
                           "网格员和在职党员按工时入户走访：网格员先访有未结诉求的居民，再访近期诉求结束的居民，再访其他人；"
                           "党员走访分配给自己的联系户。走访只是接触：走访者得知居民未报告的诉求，有未结诉求的居民得知进展而更有耐心，"
                           "党员与联系户的关系加强（生人变熟人）。走访本身不计为绩效体验。零效应版本：走访照付，一无所得。"),
    "community_activities": ("议事会与社区活动",
                             "社区工作人员和党员有工时时，每个小区每隔“间隔天数”开一次议事会；参与中的居民按概率出席，"
                             "出席即当天参与，出席者之间关系加强；出席者平均信任超过“同意所需信任”时，同意小区的集体诉求。"
                             "零效应版本：会议照备照付，无人受影响。"),
    "responsibility_lists": ("权责清单、事务清单、问题清单",
                             "清单写明一部分事项（“清单覆盖比例”）的责任部门：这些事项派单不会错、也不能推诿，其余事项维持原比率。"
                             "这一“概率下降”规则的大小取决于对清单覆盖比例的假设。维护清单耗费社区工作人员工时。零效应版本：只付维护工时。"),
    "supervision": ("监督问责",
                    "街道每天上午按工时抽查前一天的办结，抽查能发现纸面办结并重新打开；处置方根据实际抽查频率估计被查出的可能，"
                    "承压时纸面办结的概率相应下降（威慑）。零效应版本：照常抽查，查出的不处理，处置方也不理会。"),
    "callback_ranking": ("考核排名（按回访结果）",
                         "街道每隔“排名周期天数”按回访认定解决的办结比例给社区、片区和职能部门排名，排在末位（“末位比例”）的"
                         "被点名并开会约谈，耗费街道和被点名单位的工时；被约谈的单位下一周期少用答复办结（努力），"
                         "承压时却更多纸面办结，因为未被发现的纸面办结在回访中算作已解决（应付考核）。"
                         "零效应版本：照常排名、约谈并付出工时，处置方不作反应。"),
    "leadership_intensity": ("引领强度（引领观与治理观的平衡）",
                             "社区党组织每天最多投入“引领强度”×“引领工时”小时（先用党员志愿工时，再用干部工时）于集体诉求，"
                             "并包办其中比例为“引领强度”的“包办指数”次方的诉求（大包大揽）；包办的诉求同样需要同意、质量和预算，"
                             "所在单元参与中的居民效能感下降（挤出）；剩余工时用于协调居民自治。零效应版本：投入工时，什么也不做。"),
    "events": ("外部事件时间线",
               "“情绪氛围”事件在持续期间每天按“影响速率”×强度把每位居民的信任向上（正值）或向下（负值）拉动；"
               "“危机”每天额外增加强度×常规数量的公共安全或照护诉求；“拆迁”同样增加小区范围的邻里纠纷和物业诉求。"
               "额外诉求来自独立随机流，常规诉求不变（共同随机数）。零效应版本：忽略时间线。"),
}

#: Parameter field name -> short Chinese name (the same name in every mechanism).
PARAM_NAMES: dict[str, str] = {
    "enabled": "启用", "null_variant": "零效应版本", "feedback_probability": "回访概率", "adoption_rate": "建议采纳率",
    "hours_per_adoption": "每条采纳工时", "extra_categories": "新增决定权类别", "budget_transfer_share": "下沉预算比例",
    "digital_access": "线上渠道可及性", "routing_accuracy": "派单准确率", "handoff_days": "转办天数",
    "funding_per_community_day": "每社区日运行经费", "dispatch_hours": "每次派单工时", "channel_access": "渠道可及性",
    "session_interval_days": "议事间隔天数", "session_availability": "线上议事可用时间", "hours_per_session": "每次议事工时",
    "ties_per_attendee": "每名出席者加强关系数", "tie_gain": "关系强度增量", "cluster_threshold": "聚集阈值",
    "window_days": "时间窗天数", "recall": "搜寻检出率", "search_hours": "每次搜寻工时", "batch_share": "合并处置工时比例",
    "head_hours_per_week": "每栋每周网格会议工时", "hours_per_summons": "每次召集工时", "pool_per_10k": "每万人日注资",
    "resource_threshold": "支取成本阈值", "hours_per_draw": "每次支取工时", "notice_probability": "发现概率",
    "hours_per_member_day": "每名党员日工时", "contacts_per_member": "每名党员潜在联系对象",
    "hours_per_contact": "每次联系工时", "contact_gain": "每次联系关系增量",
    "visits_per_grid_worker_day": "网格员日走访数", "visits_per_member_month": "党员月走访数",
    "contact_households_per_member": "每名党员联系户数", "hours_per_visit": "每次走访工时", "interval_days": "间隔天数",
    "attendance": "出席率", "consent_threshold": "同意所需信任", "staff_hours_per_meeting": "每次会议工作人员工时",
    "member_hours_per_meeting": "每次会议党员工时", "coverage": "清单覆盖比例", "hours_per_day": "每日工时",
    "audit_rate": "抽查比例", "hours_per_audit": "每次抽查工时", "sensitivity": "抽查查出率", "memory_days": "估计抽查频率的天数",
    "period_days": "排名周期天数", "bottom_share": "末位比例", "min_closures": "参与排名最少办结数",
    "effort_response": "努力反应", "gaming": "应付考核程度", "hours_per_ranking": "每次排名工时",
    "hours_per_review": "每次约谈工时", "review_first": "约谈优先于办件", "assessed_duty_priority": "考核下上级任务先办比例",
    "level": "引领强度", "steering_hours": "引领工时", "takeover_exponent": "包办指数", "hours_per_takeover": "每件包办工时",
    "hours_per_coordination": "每件协调工时", "crowd_out": "挤出效应", "consult_days": "征询有效天数", "timeline": "事件时间线",
    "seed": "随机种子", "days": "天数", "residents": "居民人数",
}

#: "mechanism.field" (or "field" for every mechanism, or a run key) -> Chinese description.
PARAM_HELP: dict[str, str] = {
    "enabled": "开启该机制。",
    "null_variant": "零效应版本：机制照常运行并付出成本，但其行为规则关闭（效应应随之消失）。",
    "seed": "主随机种子；各用途的随机流由它拆分得到。",
    "days": "模拟天数（预热之后）。",
    "population.residents": "街道居民人数（一个街道有数万至约十万人）。",
    "service_closed_loop.feedback_probability": "处置方办结诉求时安排回访电话的概率。",
    "service_closed_loop.adoption_rate": "被告知的报告人中建议被采纳的比例（假设；上海 98.3–98.5% 是对筛选后的重要建议而言，是上限）。",
    "service_closed_loop.hours_per_adoption": "处理一条被采纳建议耗费的社区工作人员工时。",
    "devolved_authority.extra_categories": "赋权后社区可自行决定的诉求类别。",
    "devolved_authority.budget_transfer_share": "从街道日预算转给各社区的比例（下沉资金）。",
    "digital_platform.digital_access": "完全具备数字素养的居民通过平台的渠道可及性。",
    "digital_platform.routing_accuracy": "平台把报告派给有权处置方的概率（假设）。",
    "digital_platform.handoff_days": "有共享案卷时一次转办所需天数。",
    "digital_platform.funding_per_community_day": "每个社区每天用于平台运行的经费（申报的新增资源）。",
    "digital_platform.dispatch_hours": "在平台上派出一份报告耗费的街道工时。",
    "gig_worker_platform.channel_access": "新就业群体通过平台的渠道可及性。",
    "gig_worker_platform.session_interval_days": "一个社区两次线上议事之间的天数。",
    "gig_worker_platform.session_availability": "新就业群体能在接单间隙参加线上议事的天数比例（其线下可用时间在情景文件的行为参数中设定）。",
    "gig_worker_platform.hours_per_session": "一次议事耗费的社区工作人员工时。",
    "gig_worker_platform.ties_per_attendee": "每名参会者与其他参会者加强的关系数。",
    "gig_worker_platform.tie_gain": "每条被加强关系增加的强度。",
    "gig_worker_platform.funding_per_community_day": "每个社区每天用于平台的经费（申报的新增资源）。",
    "proactive_analysis.cluster_threshold": "同一小区同一类别构成聚集的未结报告数。",
    "proactive_analysis.window_days": "计入聚集的报告回溯天数。",
    "proactive_analysis.recall": "搜寻能找到的该小区同类潜在诉求比例。",
    "proactive_analysis.search_hours": "为一个聚集搜寻一个小区耗费的网格员工时。",
    "proactive_analysis.batch_share": "合并处置中后续每件诉求所需工时占一件的比例（假设）。",
    "proactive_analysis.funding_per_community_day": "每个社区每天用于研判的经费（申报的新增资源）。",
    "five_level_grid.head_hours_per_week": "每栋楼每周网格会议和汇报耗费的党员工时。",
    "whistle_summon.hours_per_summons": "组织一次召集（电话、现场联合会商）耗费的街道工时。",
    "regional_party_building.pool_per_10k": "成员单位每天按每万名居民注入资金池的预算（申报的新增资源）。",
    "regional_party_building.resource_threshold": "可以从资金池支取的诉求成本下限。",
    "regional_party_building.hours_per_draw": "安排一次支取耗费的街道工时。",
    "vanguard_linkage.notice_probability": "全力投入时，每单位与党员关系强度每天发现邻居潜在诉求的概率。",
    "vanguard_linkage.hours_per_member_day": "在职党员每天联系群众的工时（0.05：每年 50 小时志愿时间中的约 18 小时）。",
    "flexible_coverage.contacts_per_member": "每名党员在本社区外来和新就业居民中的潜在联系对象数。",
    "flexible_coverage.hours_per_member_day": "在职党员每天用于联系的工时（0.02：每年约 7 小时）。",
    "flexible_coverage.hours_per_contact": "一次联系耗费的工时。",
    "flexible_coverage.contact_gain": "一次联系为关系增加的强度。",
    "emotional_outreach.visits_per_grid_worker_day": "网格员每天计划的入户走访次数。",
    "emotional_outreach.visits_per_member_month": "在职党员每月入户走访次数（梅州碧桂园社区 2020：850 名党员数月走访 2205 户）。",
    "emotional_outreach.contact_households_per_member": "分配给每名党员的联系户数（梅州：每名党员约 2.6 户）。",
    "emotional_outreach.hours_per_visit": "一次走访耗费的工时。",
    "emotional_outreach.tie_gain": "一次党员走访为党员—居民关系增加的强度。",
    "community_activities.interval_days": "一个小区两次议事会之间的天数（佛山 2020：每个社区每月 2–3 次志愿活动）。",
    "community_activities.attendance": "参与中的居民出席的概率。",
    "community_activities.ties_per_attendee": "每名出席者在会上加强的关系数。",
    "community_activities.tie_gain": "每条被加强关系增加的强度。",
    "community_activities.consent_threshold": "集体诉求获得同意所需的出席者平均信任。",
    "community_activities.staff_hours_per_meeting": "一次会议耗费的社区工作人员工时。",
    "community_activities.member_hours_per_meeting": "一次会议耗费的党员志愿工时。",
    "responsibility_lists.coverage": "清单写明责任部门的事项比例（假设）。",
    "responsibility_lists.hours_per_day": "每个社区每天维护清单的工作人员工时。",
    "supervision.audit_rate": "街道计划抽查的办结比例。",
    "supervision.hours_per_audit": "一次抽查耗费的街道工时。",
    "supervision.sensitivity": "一次抽查查出纸面办结的概率。",
    "supervision.memory_days": "处置方据以判断抽查频率的天数。",
    "callback_ranking.period_days": "两次排名之间的天数（北京 2019：每月一次）。",
    "callback_ranking.bottom_share": "排名中被点名的末位单位比例（只要有单位参与排名且比例大于 0，至少点名一个）。",
    "callback_ranking.min_closures": "单位在周期内参与排名所需的最少办结数。",
    "callback_ranking.effort_response": "被点名单位下一周期用答复办结失败诉求的减少程度（答复办结概率 ×（1 − 该值）；假设）。",
    "callback_ranking.gaming": "被点名单位下一周期承压时纸面办结的增加程度（纸面办结概率 ×（1 + 该值），最多为 1；假设）。",
    "callback_ranking.hours_per_ranking": "编制一次排名耗费的街道工时。",
    "callback_ranking.hours_per_review": "被点名单位一次约谈会耗费的本单位工时。",
    "callback_ranking.assessed_duty_priority": "排名公布后，被考核单位在当天办件之前先办上级交办任务的比例（不高于情景本身的比例；0：先办群众诉求，上级任务用办件剩下的工时；1：不变；假设）。",
    "callback_ranking.review_first": "约谈是街道的召集，先于当天办件（被考核的事优先）；关闭：只用未为当天办件预留的工时，如同计划活动。",
    "leadership_intensity.level": "引领强度：党组织引领能力的使用比例（0 放任，1 完全引领）。",
    "leadership_intensity.steering_hours": "完全引领时社区党组织每天可投入的工时，先用在职党员，再用干部（假设：最多一个全职岗位）。",
    "leadership_intensity.takeover_exponent": "包办的集体诉求比例 = 强度 ** 指数（>1：强度低时党组织主要是协调）。",
    "leadership_intensity.hours_per_takeover": "包办解决一件集体诉求所需的工时。",
    "leadership_intensity.hours_per_coordination": "协调一件居民自治的集体诉求一天所需的工时。",
    "leadership_intensity.crowd_out": "所在单元的集体诉求未经征询被包办时，参与中的居民失去的效能感（外部与内部）比例。",
    "leadership_intensity.consult_days": "包办前这么多天内开过会、参加过活动或被走访过的居民算被征询过，不因包办失去效能感（0：无人被征询，同第一版模型）。",
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
                            "proactive": "主动研判", "outreach": "入户走访发现"}
CATEGORIES: dict[str, str] = {
    "sanitation": "环境卫生", "pets": "宠物", "lift_renovation": "加装电梯与改造", "parking": "停车", "property": "物业",
    "neighbour_dispute": "邻里纠纷", "care": "照护", "public_safety": "公共安全",
}
TIE_KINDS: dict[str, str] = {"household": "同户", "building": "同楼", "compound": "同小区", "community": "同社区",
                             "long_range": "远距离"}
