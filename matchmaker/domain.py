"""The pool's fixed vocabulary, in one place: codes stored in the database, labels in zh and en.

Pure Python (no Flask) so that forms, models, the demo data, imports and the matcher's adapters
all agree on one list. A label is a ``(zh, en)`` pair; ``label(table, code, locale)`` picks one.
"""

from __future__ import annotations

from collections.abc import Mapping

Label = tuple[str, str]

REGIONS: dict[str, Label] = {
    "beijing": ("北京", "Beijing"),
    "tianjin": ("天津", "Tianjin"),
    "hebei": ("河北", "Hebei"),
}

# City or district per region; the stored value is the Chinese name, the English one is pinyin.
CITIES: dict[str, dict[str, str]] = {
    "beijing": {
        "东城区": "Dongcheng",
        "西城区": "Xicheng",
        "朝阳区": "Chaoyang",
        "丰台区": "Fengtai",
        "石景山区": "Shijingshan",
        "海淀区": "Haidian",
        "门头沟区": "Mentougou",
        "房山区": "Fangshan",
        "通州区": "Tongzhou",
        "顺义区": "Shunyi",
        "昌平区": "Changping",
        "大兴区": "Daxing",
        "怀柔区": "Huairou",
        "平谷区": "Pinggu",
        "密云区": "Miyun",
        "延庆区": "Yanqing",
    },
    "tianjin": {
        "和平区": "Heping",
        "河东区": "Hedong",
        "河西区": "Hexi",
        "南开区": "Nankai",
        "河北区": "Hebei District (Tianjin)",
        "红桥区": "Hongqiao",
        "东丽区": "Dongli",
        "西青区": "Xiqing",
        "津南区": "Jinnan",
        "北辰区": "Beichen",
        "武清区": "Wuqing",
        "宝坻区": "Baodi",
        "滨海新区": "Binhai New Area",
        "宁河区": "Ninghe",
        "静海区": "Jinghai",
        "蓟州区": "Jizhou",
    },
    "hebei": {
        "石家庄": "Shijiazhuang",
        "唐山": "Tangshan",
        "秦皇岛": "Qinhuangdao",
        "邯郸": "Handan",
        "邢台": "Xingtai",
        "保定": "Baoding",
        "张家口": "Zhangjiakou",
        "承德": "Chengde",
        "沧州": "Cangzhou",
        "廊坊": "Langfang",
        "衡水": "Hengshui",
        "雄安新区": "Xiong'an New Area",
        "定州": "Dingzhou",
        "辛集": "Xinji",
    },
}

ORG_KINDS: dict[str, Label] = {
    "university": ("高校", "University"),
    "institute": ("科研院所", "Research institute"),
    "firm": ("企业", "Firm"),
    "agency": ("服务机构", "Service agency"),
}
# Who posts what: achievements come from the supply side, needs from firms.
SUPPLY_KINDS = frozenset({"university", "institute", "agency"})
DEMAND_KINDS = frozenset({"firm"})

# The nine strategic emerging industries (2018 classification) plus Hebei's traditional industries.
FIELDS: dict[str, Label] = {
    "it": ("新一代信息技术", "Next-generation IT"),
    "hi_equipment": ("高端装备制造", "High-end equipment"),
    "materials": ("新材料", "New materials"),
    "bio": ("生物", "Biotechnology"),
    "nev": ("新能源汽车", "New-energy vehicles"),
    "energy": ("新能源", "New energy"),
    "environment": ("节能环保", "Energy saving & environment"),
    "digital_creative": ("数字创意", "Digital creative"),
    "services": ("相关服务业", "Related services"),
    "steel": ("钢铁", "Steel"),
    "petrochem": ("石化化工", "Petrochemicals"),
    "building_materials": ("建材", "Building materials"),
    "textile": ("纺织服装", "Textiles & apparel"),
    "food": ("食品", "Food"),
    "equipment": ("装备制造", "Equipment manufacturing"),
    "pharma": ("医药", "Pharmaceuticals"),
    "agriculture": ("现代农业", "Modern agriculture"),
}

# Transfer modes of the law on promoting the transformation of achievements (art. 16).
TRANSFER_MODES: dict[str, Label] = {
    "assignment": ("转让", "Assignment"),
    "license": ("许可", "Licence"),
    "equity": ("作价投资", "Equity for IP"),
    "joint": ("合作实施", "Joint implementation"),
    "development": ("技术开发", "Technology development"),
    "service": ("技术服务", "Technical service"),
}

IP_TYPES: dict[str, Label] = {
    "invention": ("发明专利", "Invention patent"),
    "utility": ("实用新型", "Utility model"),
    "design": ("外观设计", "Design patent"),
    "software": ("软件著作权", "Software copyright"),
    "ic_layout": ("集成电路布图设计", "IC layout design"),
    "plant_variety": ("植物新品种", "Plant variety"),
    "know_how": ("技术秘密", "Know-how"),
    "none": ("无", "None"),
}

# GB/T 22900 technology readiness levels, with the stage names officers actually use.
TRL: dict[int, Label] = {
    1: ("基本原理", "Basic principles"),
    2: ("技术概念", "Technology concept"),
    3: ("概念验证", "Proof of concept"),
    4: ("实验室验证", "Laboratory validation"),
    5: ("模拟环境验证", "Validation in a relevant environment"),
    6: ("中试/工程样机", "Pilot / engineering prototype"),
    7: ("实际环境验证", "Demonstration in the real environment"),
    8: ("定型/小批量", "System qualified / small batch"),
    9: ("产业化", "Industrialised"),
}
# One line per level for people who do not live with the scale (an SME engineer choosing a minimum).
TRL_HELP: dict[int, Label] = {
    1: ("发现并报告了基本科学原理", "Basic scientific principles observed and reported"),
    2: ("提出了技术概念和应用设想", "A technology concept and its application formulated"),
    3: ("关键功能经分析或实验得到验证", "Key functions proven by analysis or experiment"),
    4: ("部件或原理样机在实验室环境中验证", "Components or a breadboard validated in the laboratory"),
    5: ("部件或样品在模拟使用环境中验证", "Components or samples validated in a simulated environment"),
    6: ("工程样机或中试产品在相关环境中演示", "Engineering prototype or pilot product shown in a relevant environment"),
    7: ("样机在实际使用环境中运行验证", "Prototype running in the real operating environment"),
    8: ("产品定型，完成小批量试生产与鉴定", "Product finalised; small-batch production qualified"),
    9: ("在实际应用中稳定批量生产或运行", "In stable volume production or operation"),
}
TRL_PHASE: dict[int, Label] = {
    1: ("研发阶段", "R&D"),
    2: ("研发阶段", "R&D"),
    3: ("研发阶段", "R&D"),
    4: ("小试", "Lab scale"),
    5: ("小试", "Lab scale"),
    6: ("中试", "Pilot"),
    7: ("中试", "Pilot"),
    8: ("产业化", "Industrial"),
    9: ("产业化", "Industrial"),
}

ACHIEVEMENT_STATUSES: dict[str, Label] = {
    "draft": ("草稿", "Draft"),
    "pending": ("待审核", "Pending review"),
    "needs_revision": ("待修改", "Needs revision"),
    "published": ("已发布", "Published"),
    "rejected": ("未通过", "Rejected"),
    "archived": ("已归档", "Archived"),
    "transferred": ("已转化", "Transferred"),
}
NEED_STATUSES: dict[str, Label] = {
    **{k: v for k, v in ACHIEVEMENT_STATUSES.items() if k != "transferred"},
    "fulfilled": ("已解决", "Fulfilled"),
}

ROLES: dict[str, Label] = {"member": ("成员", "Member"), "admin": ("管理员", "Administrator")}


def label(table: Mapping, code, locale: str = "zh") -> str:
    """The label of ``code`` in ``table`` for ``locale`` ("zh…" or "en…"); the code if unknown."""
    pair = table.get(code)
    if pair is None:
        return "" if code is None else str(code)
    return pair[1] if str(locale).startswith("en") else pair[0]


def city_label(city: str | None, locale: str = "zh") -> str:
    """A city or district in the reader's language (stored in Chinese)."""
    if not city:
        return ""
    if not str(locale).startswith("en"):
        return city
    for names in CITIES.values():
        if city in names:
            return names[city]
    return city


def trl_label(level: int | None, locale: str = "zh") -> str:
    """ "TRL 6 · 中试/工程样机": the level with its stage name."""
    if level is None:
        return ""
    return f"TRL {level} · {label(TRL, level, locale)}"


# 统一社会信用代码 (GB 32100-2015): 18 characters, the last a mod-31 check character.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    """The check character for the first 17 characters of a credit code."""
    total = sum(CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    """True when ``code`` has 18 characters of the alphabet and a correct check character."""
    if not isinstance(code, str) or len(code) != 18:
        return False
    if any(c not in CREDIT_CODE_ALPHABET for c in code):
        return False
    return credit_code_check_char(code[:17]) == code[17]


def make_credit_code(seed: int, prefix: str = "91") -> str:
    """A well-formed (check digit valid) credit code derived from ``seed``, for demo and tests."""
    body = prefix + f"{110000 + seed % 900000:06d}"  # registration authority + admin division
    n = seed + 1
    while len(body) < 17:
        n = (n * 1103515245 + 12345) % 2**31  # a small LCG: deterministic, well spread
        body += CREDIT_CODE_ALPHABET[(n >> 8) % 31]
    return body + credit_code_check_char(body)


# Connect: interests, deals, feedback and notifications.
INTEREST_STATUSES: dict[str, Label] = {
    "proposed": ("待回复", "Awaiting reply"),
    "declined": ("已婉拒", "Declined"),
    "withdrawn": ("已撤回", "Withdrawn"),
    "negotiating": ("洽谈中", "Negotiating"),
    "on_hold": ("暂缓", "On hold"),
    "deal_signed": ("已成交", "Deal signed"),
    "closed_no_deal": ("未成交关闭", "Closed without a deal"),
}
CONTRACT_TYPES: dict[str, Label] = {
    "assignment": ("技术转让", "Technology assignment"),
    "license": ("技术许可", "Technology licence"),
    "development": ("技术开发", "Technology development"),
    "service": ("技术服务", "Technical service"),
    "consulting": ("技术咨询", "Technical consulting"),
    "equity": ("作价投资", "Equity for IP"),
}
FEEDBACK_REASONS: dict[str, Label] = {
    "too_early": ("技术成熟度不够", "Too early a stage"),
    "field_mismatch": ("领域不符", "Field mismatch"),
    "budget": ("价格/预算不合适", "Price or budget"),
    "already_known": ("已经了解", "Already known"),
    "other": ("其他", "Other"),
}
MATCH_REASONS: dict[str, Label] = {
    "same_field": ("同一领域", "Same field"),
    "trl_ok": ("成熟度满足需求", "Maturity meets the need"),
    "mode_match": ("合作方式一致", "Transfer mode wanted"),
    "price_overlap": ("价格与预算有交集", "Price fits the budget"),
    "price_negotiable": ("价格面议", "Price negotiable"),
    "to_hebei": ("京津成果→河北需求", "Beijing/Tianjin → Hebei"),
    "deadline_ok": ("需求仍在有效期", "Need still open"),
}
# The audit log in words (its rows keep the codes).
AUDIT_ACTIONS: dict[str, Label] = {
    "publish": ("发布", "Published"),
    "reject": ("驳回", "Rejected"),
    "request_revision": ("退回修改", "Sent back for revision"),
    "unpublish": ("撤回审核", "Taken back into review"),
    "edit": ("编辑内容", "Edited"),
    "merge": ("合并重复", "Merged a duplicate"),
    "not_duplicate": ("标记为不重复", "Marked not a duplicate"),
    "archive": ("归档", "Archived"),
    "verify": ("认证机构", "Verified the organization"),
    "suspend": ("暂停机构", "Suspended the organization"),
    "unsuspend": ("恢复机构", "Restored the organization"),
    "activate": ("启用账号", "Reactivated the account"),
    "deactivate": ("停用账号", "Deactivated the account"),
    "role_change": ("更改角色", "Changed the role"),
    "curate_pair": ("推荐或排除配对", "Recommended or dismissed a pair"),
    "contact_reveal": ("查看联系方式", "Looked at contact details"),
    "import": ("批量导入", "Imported a file"),
    "end_sessions": ("结束全部会话", "Ended every session"),
    "purge": ("按保留期限删除", "Deleted by retention"),
    "anonymise": ("匿名化账号", "Anonymised the account"),
    "organization_register": ("注册机构", "Registered the organization"),
    "join_request": ("申请加入机构", "Asked to join"),
    "join_approve": ("批准加入", "Approved a request to join"),
    "join_refuse": ("拒绝加入", "Refused a request to join"),
    "join_cancel": ("撤销加入申请", "Cancelled a request to join"),
    "member_remove": ("移出成员", "Removed a member"),
    "challenge_create": ("创建榜单", "Created a challenge"),
    "challenge_edit": ("编辑榜单", "Edited a challenge"),
    "challenge_confirm": ("确认出资份额", "Confirmed a sponsor's share"),
    "challenge_submit": ("提交榜单审核", "Submitted a challenge for review"),
    "challenge_return": ("退回榜单修改", "Sent a challenge back"),
    "challenge_publish": ("发榜", "Published a challenge"),
    "challenge_evaluate": ("截止揭榜、开始评审", "Closed bidding, started evaluation"),
    "challenge_close": ("榜单未授榜关闭", "Closed a challenge without award"),
    "challenge_award": ("授榜", "Awarded a challenge"),
    "expert_appoint": ("聘请评审专家", "Appointed an expert"),
    "proposal_submit": ("提交揭榜方案", "Submitted a proposal"),
    "proposal_edit": ("修改揭榜方案", "Edited a proposal"),
    "proposal_withdraw": ("撤回揭榜方案", "Withdrew a proposal"),
    "proposal_score": ("评分", "Scored a proposal"),
    "milestone_deliver": ("提交里程碑成果", "Delivered a milestone"),
    "milestone_accept": ("验收里程碑", "Accepted a milestone"),
}
DECISIONS: dict[str, Label] = {
    "recommended": ("推荐给双方", "recommended"),
    "dismissed": ("不再推荐", "dismissed"),
    "pending": ("待处理", "pending"),
    "approved": ("已批准", "approved"),
    "refused": ("已拒绝", "refused"),
    "cancelled": ("已撤销", "cancelled"),
}
AUDIT_TARGETS: dict[str, Label] = {
    "achievement": ("科技成果", "Achievement"),
    "need": ("技术需求", "Need"),
    "organization": ("机构", "Organization"),
    "user": ("用户", "User"),
    "interest": ("对接意向", "Interest"),
    "file": ("文件", "File"),
    "challenge": ("揭榜挂帅榜单", "Challenge"),
    "proposal": ("揭榜方案", "Proposal"),
    "milestone": ("里程碑", "Milestone"),
}
AUDIT_FIELDS: dict[str, Label] = {
    "status": ("状态", "status"),
    "verified": ("已认证", "verified"),
    "suspended": ("已暂停", "suspended"),
    "active": ("启用", "active"),
    "role": ("角色", "role"),
    "merged_into": ("合并到", "merged into"),
    "interests_moved": ("迁移的对接意向", "interests moved"),
    "decision": ("决定", "decision"),
    "achievement_id": ("科技成果", "achievement"),
    "other_id": ("另一条", "the other"),
    "shown": ("查看", "shown"),
    "user_id": ("用户", "user"),
    "request": ("申请", "request"),
    "request_id": ("申请编号", "request"),
    "title": ("标题", "title"),
    "field": ("领域", "field"),
    "keywords": ("关键词", "keywords"),
}

NOTIFICATION_EVENTS: dict[str, Label] = {
    "strong_suggestion": ("新的强匹配推荐", "New strong suggestion"),
    "interest_received": ("收到对接意向", "Interest received"),
    "interest_accepted": ("对接意向被接受", "Interest accepted"),
    "interest_declined": ("对接意向被婉拒", "Interest declined"),
    "new_message": ("新的洽谈消息", "New message"),
    "posting_published": ("发布已通过审核", "Posting approved"),
    "posting_rejected": ("发布未通过或需修改", "Posting rejected or sent back"),
    "saved_search": ("订阅的检索有新结果", "New results for a saved search"),
    "pair_recommended": ("平台推荐对接", "Pair recommended by the platform"),
    "posting_expiring": ("发布即将到期归档", "Posting about to be archived"),
    "posting_archived": ("发布已归档", "Posting archived"),
    "posting_merged": ("重复发布已合并", "Duplicate posting merged"),
    "join_requested": ("加入机构申请", "Request to join your organization"),
    "join_approved": ("加入机构申请已批准", "Request to join approved"),
    "join_refused": ("加入机构申请未获批准", "Request to join refused"),
    "challenge_share": ("请确认榜单出资份额", "Confirm your share of a challenge"),
    "challenge_opened": ("新榜单与本单位成果匹配", "A new challenge fits your achievements"),
    "challenge_changed": ("榜单状态变化", "A challenge changed status"),
    "proposal_received": ("收到揭榜方案", "Proposal received"),
    "proposal_decided": ("揭榜结果", "Challenge result"),
    "milestone_changed": ("里程碑交付或验收", "Milestone delivered or accepted"),
}

# Open challenges (揭榜挂帅): a sponsor's problem with indicators, budget and deadline; teams bid.
CHALLENGE_STATUSES: dict[str, Label] = {
    "draft": ("草稿", "Draft"),
    "review": ("待审核", "In review"),
    "open": ("揭榜中", "Open"),
    "evaluating": ("评审中", "Evaluating"),
    "awarded": ("已授榜", "Awarded"),
    "closed_without_award": ("未授榜关闭", "Closed without award"),
}
PUBLIC_CHALLENGE_STATUSES = ("open", "evaluating", "awarded", "closed_without_award")
PROPOSAL_STATUSES: dict[str, Label] = {
    "submitted": ("已提交", "Submitted"),
    "withdrawn": ("已撤回", "Withdrawn"),
    "awarded": ("中榜", "Awarded"),
    "not_awarded": ("未中榜", "Not awarded"),
}
MILESTONE_STATUSES: dict[str, Label] = {
    "planned": ("计划中", "Planned"),
    "delivered": ("已交付待验收", "Delivered"),
    "accepted": ("已验收", "Accepted"),
    "late": ("已逾期", "Late"),
}
