"""The About tab's texts and the mechanism switches' one-line rules, in English and Chinese
(key -> (English, Chinese)), as in ``sim.app.ui_text``. Numbers the model knows (residents,
warm-up days, the outcome window) are filled in from the scenario; outcome definitions in
English are the registry's (``sim.outcomes.registry``), in Chinese :data:`OUTCOME_DEFS`.
"""

from __future__ import annotations

#: Mechanism key -> its rule in one line (the switch's tooltip); ``tests/test_app_about.py``
#: checks every registered mechanism has one.
TIPS: dict[str, tuple[str, str]] = {
    "service_closed_loop": ("Every closure is followed up with a call telling the reporter the outcome, and some told "
                            "reporters' suggestions are adopted.",
                            "每件办结的诉求都回访告知报告人结果，其中部分人的建议被采纳。"),
    "devolved_authority": ("Communities may decide more categories of issue themselves, with part of the street's budget "
                           "moved to them.", "社区可自行决定更多类别的诉求，街道预算的一部分转给社区。"),
    "digital_platform": ("Residents can report online (as their digital literacy allows); the platform routes reports more "
                         "accurately and shortens hand-offs.", "居民可按数字素养在线报告；平台派单更准确，转办更快。"),
    "gig_worker_platform": ("Gig workers get a channel they can use on the move, and online sessions they can join between jobs.",
                            "新就业群体获得随时可用的报告渠道，并可在接单间隙参加线上议事。"),
    "proactive_analysis": ("A cluster of similar open reports in a compound starts a search that finds hidden issues of the "
                           "same kind, handled together.", "同一小区同类未结报告形成聚集时，网格员搜寻同类潜在诉求并合并处置。"),
    "five_level_grid": ("Building heads and compound party stewards handle simple issues first-hand; area offices sit "
                        "between community and street.", "楼栋长和小区党员骨干就地处置简单诉求，社区与街道之间增设片区。"),
    "whistle_summon": ("The street office summons both departments of a cross-department issue at once instead of referring "
                       "it from one to the other.", "跨部门诉求由街道同时召集两个部门，不再依次转办。"),
    "regional_party_building": ("Local units and firms fund a shared pool that handlers draw on when a costly fix exceeds "
                                "their budget.", "辖区单位和企业注资共享资金池，处置方预算不足以处理高成本诉求时可以支取。"),
    "vanguard_linkage": ("Party members keep in touch with neighbours, notice their unreported issues and report them.",
                         "在职党员联系邻居，发现并代报其未报告的诉求。"),
    "flexible_coverage": ("Each party member gets contacts among migrant and gig residents and strengthens those ties by "
                          "keeping in touch.", "每名党员在外来和新就业居民中有联系对象，经常联系使关系加强。"),
    "emotional_outreach": ("Grid workers and party members visit households, learn of unreported issues and strengthen ties.",
                           "网格员和党员入户走访，得知未报告的诉求，并加强彼此关系。"),
    "community_activities": ("Compounds hold regular meetings: attending is taking part, strengthens ties and can approve "
                             "collective issues.", "各小区定期开议事会：出席即参与，能加强关系，并可同意集体诉求。"),
    "responsibility_lists": ("Lists name the responsible office for a share of matters, so those reports are neither misrouted "
                             "nor passed on.", "清单写明部分事项的责任部门，这些诉求既不会派错，也不能推诿。"),
    "supervision": ("The street office audits closures: paper closures it finds are reopened, and frequent audits deter them.",
                    "街道抽查办结：查出的纸面办结被重新打开，抽查频繁则纸面办结减少。"),
    "callback_ranking": ("Every month the street office ranks handlers by how many closures the hotline's callback counts "
                         "as resolved: those at the bottom reply less, and close on paper more.",
                         "街道每月按回访认定解决的办结比例给处置方排名：末位单位少用答复办结，却更多纸面办结。"),
    "leadership_intensity": ("The party organisation spends hours on collective issues, taking some over (which crowds out "
                             "residents' efficacy) and coordinating the rest.",
                             "社区党组织投入工时处理集体诉求：部分包办（挤出居民效能感），其余协调居民自治。"),
    "events": ("Outside events on a timeline: moods that pull trust up or down, crises and demolitions that bring extra issues.",
               "时间线上的外部事件：拉动信任升降的情绪氛围，以及带来额外诉求的危机和拆迁。"),
}

#: The day's phases in the order ``GovernanceModel.step`` runs them: (core phase or
#: mechanism phase, name, what happens); the mechanisms acting in each come from the registry.
PHASES: tuple[tuple[str, tuple[str, str], tuple[str, str]], ...] = (
    ("new_day", ("New day", "新的一天"), ("Hours and budgets are refilled; duties handed down from above take their "
                                           "first share (if the scenario sets any); casework hours are held back.",
                                           "工时和预算补足；上级交办任务先占去一部分工时（如情景设定）；再预留办案工时。")),
    ("events", ("Events", "外部事件"), ("Outside events on the timeline act, if any.", "时间线上的外部事件起作用（如有）。")),
    ("arrive", ("Issues arise", "产生诉求"), ("New issues arise for residents: latent, nobody knows yet.",
                                              "居民产生新的诉求：潜在状态，尚无人知晓。")),
    ("detect", ("Detect", "发现"), ("Grid workers patrol, residents report, mechanisms find more.",
                                    "网格员巡查，居民报告，各机制发现更多诉求。")),
    ("route", ("Route", "派单"), ("Reports go to a handler, now and then the wrong one.", "报告派给处置方，偶尔派错。")),
    ("handle", ("Handle", "处置"), ("Handlers work their queues with the hours and budget they have; the rest of "
                                    "the duties from above take what casework left.",
                                    "处置方用现有工时和预算处理排队的诉求；其余上级交办任务再用办案剩下的工时。")),
    ("close", ("Close and feel", "办结与体验"), ("Residents compare what they got with what they expected: trust and "
                                                 "efficacy move; some give up waiting.",
                                                 "居民把所得与期望相比，信任和效能感随之变化；有人不再等待。")),
    ("social", ("Social life", "社会生活"), ("Self-governance; being visited or attending a meeting counts as how one "
                                             "is treated (if the scenario weights it); those who took part learn that "
                                             "they can; trust spreads along ties, each decides to take part; once a "
                                             "year the committee is elected; ties and moods drift back.",
                                             "居民自治；被走访或出席会议也算一次受到怎样对待的体验（如情景设定权重）；"
                                             "参与过的人更相信自己能参与；信任沿关系传播，每人决定是否参与；"
                                             "每年选举一次居委会；关系和情绪逐渐回落。")),
)
#: Phase -> the statements of ``GovernanceModel.step`` it stands for, as ``ast.unparse`` writes
#: them (``tests/test_app_about.py`` checks that every statement of the model's day is in one
#: phase, in the model's order, so a change to the day asks for its line here).
STEP_CALLS: dict[str, tuple[str, ...]] = {
    "new_day": ("self._new_day()",),
    "events": ("self._hooks('events')",),
    "arrive": ("lifecycle.arrive(self)",),
    "detect": ("lifecycle.detect(self)", "self._hooks('detect')"),
    "route": ("self._hooks('route')", "lifecycle.route(self)"),
    "handle": ("self._hooks('handle')", "lifecycle.handle(self)", "lifecycle.serve_duties(self, before_cases=False)"),
    "close": ("self._hooks('close')", "lifecycle.feedback_and_experience(self)", "lifecycle.abandon(self)"),
    "social": ("self._hooks('social')", "social.self_govern(self)", "social.treatment(self)", "social.learn(self)",
               "social.spread_trust(self)", "social.update_participation(self)", "social.hold_election(self)",
               "social.relax(self)"),
}
#: Decision points of ``sim.mechanisms.base.DECISIONS`` -> the phase they are taken in.
DECISION_PHASE: dict[str, str] = {"routing_accuracy": "route", "case_hours": "handle", "joint_work": "handle",
                                  "coordinate": "handle", "paper_closure": "handle",
                                  "reply_closure": "handle", "failed_fix": "handle", "shortfall": "handle", "adopt": "close"}

#: The agents, as the picture draws them: (mark, English, Chinese).
AGENTS: tuple[tuple[str, str, str], ...] = (
    ("resident", "residents (four groups)", "居民（四个群体）"),
    ("member", "party members (residents too)", "党员（也是居民）"),
    ("worker", "grid workers", "网格员"),
    ("handler", "handlers: community, street office, departments", "处置方：社区、街道、职能部门"),
)

#: Outcome name -> Chinese definition (the English is the registry's ``definition``).
OUTCOME_DEFS: dict[str, str] = {
    "trust_mean": "居民对基层治理信任的平均值。",
    "efficacy_mean": "居民政治效能感（觉得自己能影响公共事务）的平均值。",
    "participation_rate": "今天参与社区事务的居民比例（各人按自己的时间和效能感决定）。",
    "resolution_days_median": "诉求从产生到真正解决的天数的中位数。",
    "backlog": "已被发现、尚未结束的诉求件数。",
}
#: Chinese names of outcomes the charts do not show but the About tab explains.
OUTCOME_NAMES_ZH: dict[str, str] = {"efficacy_mean": "平均效能感"}

#: The About tab's text, section by section (Markdown; ``{residents}``, ``{warmup}``,
#: ``{days}``, ``{window}`` filled in).
ABOUT: dict[str, tuple[str, str]] = {
    "about.what_title": ("What is it?", "这是什么？"),
    "about.what": (
        "An agent-based model of a Chinese urban street (街道) of {residents} residents and the way its issues (诉求) "
        "are found, routed and solved. It asks which of the party-building-led governance mechanisms described in the "
        "article change residents' **trust**, their sense of **efficacy** and their **participation**, and at what cost "
        "in hours and money. Every mechanism can be switched on alone or together, and each has a *null variant* that "
        "pays its costs without its rule, so an effect can be told from the cost of producing it.",
        "这是一个城市街道（{residents} 名居民）的主体建模：居民的诉求怎样被发现、派单和解决。它要回答：文章所述的各项党建引领"
        "治理机制，哪些能改变居民的**信任**、**效能感**和**参与**，又要付出多少工时和经费。每项机制都可以单独或组合开启；"
        "每项机制还有“零效应版本”，照付成本而不起作用，用来区分效应本身和产生效应的成本。"),
    "about.how_title": ("How it works", "模型如何运行"),
    "about.how": (
        "Each simulated day runs the phases below in order, for every resident at once. Issues arise, are found and "
        "handled with finite hours; what residents experience against what they expected moves their trust and efficacy, "
        "trust spreads along social ties, and each resident decides whether to take part. A mechanism changes the rules "
        "agents follow or adds actions to a phase, always paying with hours or budget.\n\n"
        "**The warm-up.** Before day 0 the street runs {warmup} days under the old regime (every mechanism off), so day 0 "
        "starts from a settled street, not from nothing; the scenario's mechanisms switch on at day 0. Days, issues and "
        "charts count from day 0.",
        "每个模拟日按下图的顺序运行各阶段，所有居民同时进行。诉求产生、被发现，并用有限的工时处置；居民的实际体验与期望之差"
        "改变其信任和效能感，信任沿社会关系传播，每位居民再决定是否参与。机制改变主体遵循的规则，或在某个阶段增加行动，"
        "都要付出工时或经费。\n\n"
        "**预热期。**第 0 天之前，街道先在旧体制下（所有机制关闭）运行 {warmup} 天，所以第 0 天是一个稳定的街道，而不是从零开始；"
        "情景中的机制在第 0 天开启。天数、诉求和图表都从第 0 天起计。"),
    "about.phases_title": ("The agents and the day's phases", "主体与每天的各个阶段"),
    "about.phases_note": ("On the right of each phase: the mechanisms that act in it; ✓ marks those on now. Hover a "
                          "mechanism's switch in the sidebar for its rule.",
                          "每个阶段右侧列出在该阶段起作用的机制；✓ 表示当前已开启。鼠标停在侧栏的机制开关上可看到其规则。"),
    "about.outcomes_title": ("What the outcomes mean", "各项结果的含义"),
    "about.outcomes_head": ("| Outcome | Unit | Better when | Meaning |", "| 结果 | 单位 | 怎样更好 | 含义 |"),
    "about.higher": ("higher", "越高越好"),
    "about.lower": ("lower", "越低越好"),
    "about.neither": ("neither", "无所谓好坏"),
    "about.outcomes_note": (
        "Resolution time is the median over issues resolved in the last {window} days. By-group lines follow the resident "
        "groups: local residents, migrant tenants, gig workers and the elderly.",
        "解决天数为近 {window} 天内解决的诉求的中位数。分群体的线按居民群体划分：本地居民、外来租户、新就业群体和老年人。"),
    "about.use_title": ("How to use it", "如何使用"),
    "about.use": (
        "- **Run**: Play, Step and Reset in the sidebar; the speed is in simulated days per second.\n"
        "- **Change**: switch mechanisms and move their parameters under Settings (hover a switch for its rule). A change "
        "restarts the run from day 0 on the same seed, and the run before it stays on the Outcomes charts as a faint "
        "dashed line.\n"
        "- **Compare**: Side by side runs another scenario, or these settings plus one change, on the same seed; every "
        "chart shows B − A.\n"
        "- **Look closer**: Distribution shows how trust, efficacy and participation spread over each group today; "
        "Neighbourhood draws one building and its ties; Resident shows one person and their issues; Issues shows where "
        "issues are and who found them; Mechanisms cites the article.\n"
        "- **Keep it**: export the settings as a scenario file (it runs with govsim run) or download the charts' series "
        "as CSV.",
        "- **运行**：侧栏中的“播放”“单步”“重置”；速度以每秒模拟的天数计。\n"
        "- **修改**：在“参数设置”中开关机制、调整参数（鼠标停在开关上可看到其规则）。修改后以相同随机种子从第 0 天重新运行，"
        "修改前的运行以浅色虚线留在“结果”图中。\n"
        "- **对照**：“对照”页在相同随机种子下并排运行另一个情景，或“当前设置再加一项修改”；每张图都显示 B − A。\n"
        "- **细看**：“分布”页显示今天各群体的信任、效能感和参与分布；“邻里”页画出一栋楼及其社会关系；“居民”页显示一位居民及其诉求；"
        "“诉求”页显示诉求所处阶段和发现渠道；“机制”页给出文章出处。\n"
        "- **保存**：把当前设置导出为情景文件（可用 govsim run 运行），或把图中序列下载为 CSV。"),
    "about.notice_title": ("Things to notice", "值得注意"),
    "about.notice": (
        "- Trust moves slowly: it is an average over {residents} people, each anchored in their own experience. A change of "
        "0.01 in a year is a real effect here; the charts' y-axes never zoom in below a tenth of the scale, so small "
        "stays small.\n"
        "- The groups differ: migrant tenants and gig workers have less time and weaker ties, so the same mechanism can "
        "help one group and not another. Watch the coloured lines, and the Distribution tab.\n"
        "- Mechanisms cost hours. A mechanism that takes grid workers' or staff hours can slow casework: resolution time "
        "or backlog may rise while trust rises.\n"
        "- Side by side uses common random numbers: the same issues arise in both runs, so B − A is the change's effect, "
        "not luck; it still wanders day to day through knock-on effects.",
        "- 信任变化很慢：它是 {residents} 人的平均值，每个人都以自己的经历为依据。一年变化 0.01 在这里已是实在的效应；"
        "图的纵轴最窄也覆盖量表的十分之一，小的变化看起来也小。\n"
        "- 各群体不同：外来租户和新就业群体时间更少、关系更弱，同一机制可能帮到一个群体而帮不到另一个。请看彩色的分群体曲线和“分布”页。\n"
        "- 机制要花工时。占用网格员或工作人员工时的机制可能拖慢办案：信任上升的同时，解决天数或积压也可能上升。\n"
        "- 对照使用共同随机数：两次运行产生相同的诉求，所以 B − A 是修改的效应而不是运气；但连锁反应仍会让它逐日波动。"),
    "about.try_title": ("Things to try", "试一试"),
    "about.try": ("Each button runs the current settings side by side with the change it names, from day 0; press Play "
                  "on the Side by side tab.",
                  "每个按钮都把当前设置与按钮所说的修改从第 0 天起并排运行；然后在“对照”页点“播放”。"),
}

#: Things to try: (mechanism switched on, what to watch). Each loads "these settings plus this
#: change" side by side.
TRIES: tuple[tuple[str, tuple[str, str]], ...] = (
    ("supervision", ("Audits reopen paper closures: watch resolution time, and 'closed on paper' on the Issues tab.",
                     "抽查重新打开纸面办结：看解决天数，以及“诉求”页中的“纸面办结”。")),
    ("whistle_summon", ("Cross-department issues stop bouncing between departments: watch resolution time and backlog.",
                        "跨部门诉求不再在部门之间来回转：看解决天数和积压。")),
    ("community_activities", ("Meetings make attending residents take part: watch participation, and trust after it.",
                              "议事会让出席者参与：看参与率，以及随后的信任。")),
    ("emotional_outreach", ("Visits find issues nobody reported: watch backlog first, then trust by group.",
                            "走访发现无人报告的诉求：先看积压，再看分群体的信任。")),
    ("digital_platform", ("Online reporting helps the digitally literate: compare the elderly's line with the migrants'.",
                          "线上报告帮助数字素养高的人：比较老年人和外来租户的曲线。")),
    ("leadership_intensity", ("The party organisation takes collective issues over: watch participation and efficacy "
                              "(Distribution tab) for crowding out.",
                              "党组织包办集体诉求：在“分布”页看参与和效能感是否被挤出。")),
)
