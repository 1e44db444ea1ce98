"""Demo organizations and accounts: every name, code, phone and address is fictional.

Credit codes come from ``make_credit_code`` seeded with a (plausible) administrative division
code minus 110000, so each seed is distinct and the code carries a sensible division.
"""

from __future__ import annotations

from matchmaker.domain import make_credit_code


def _code(division: int, prefix: str) -> str:
    return make_credit_code(division - 110000, prefix=prefix)


ORGANIZATIONS = [
    # ---- the service agency (admin) ----
    {
        "key": "jjjzx", "name": "京津冀技术转移服务中心（示例）", "kind": "agency",
        "region": "beijing", "city": "西城区", "credit_code": _code(110102, "12"),
        "profile": "面向京津冀三地提供成果登记、需求征集、供需对接和技术合同登记辅导的区域性服务机构。",
        "verified": True,
    },
    # ---- Beijing: universities and institutes ----
    {
        "key": "jhlg", "name": "京华理工大学", "kind": "university",
        "region": "beijing", "city": "海淀区", "credit_code": _code(110108, "12"),
        "profile": "以材料、冶金与机械工程见长的理工科大学，设有铸造工程、热能工程两个省部级重点实验室。",
        "verified": True,
    },
    {
        "key": "ydyj", "name": "燕都冶金工程研究院", "kind": "institute",
        "region": "beijing", "city": "石景山区", "credit_code": _code(110107, "12"),
        "profile": "从事炼钢、连铸和特殊钢品种开发的工程研究院，拥有30吨级电炉—精炼—连铸中试线。",
        "verified": True,
    },
    {
        "key": "jbhg", "name": "京北化工大学", "kind": "university",
        "region": "beijing", "city": "朝阳区", "credit_code": _code(110105, "12"),
        "profile": "化工类高校，在催化、分离和高分子材料方向有多项中试成果。",
        "verified": False,
    },
    {
        "key": "xszb", "name": "西山智能装备研究院", "kind": "institute",
        "region": "beijing", "city": "门头沟区", "credit_code": _code(110109, "12"),
        "profile": "聚焦重型装备状态监测、起重运输自动化和工业机器人应用的新型研发机构。",
        "verified": True,
    },
    {
        "key": "jjyy", "name": "京畿医药科技大学", "kind": "university",
        "region": "beijing", "city": "大兴区", "credit_code": _code(110115, "12"),
        "profile": "医药类高校，设有微生物制药工程中心和药物制剂中试平台。",
        "verified": False,
    },
    {
        "key": "byxx", "name": "北苑信息工程大学", "kind": "university",
        "region": "beijing", "city": "昌平区", "credit_code": _code(110114, "12"),
        "profile": "信息类高校，在工业互联网、机器视觉和城市数字化方向承担多项应用研究项目。",
        "verified": True,
    },
    {
        "key": "ybny", "name": "燕北农业科学研究院", "kind": "institute",
        "region": "beijing", "city": "通州区", "credit_code": _code(110112, "12"),
        "profile": "从事作物育种、节水农业和农产品采后保鲜研究的农业科研机构。",
        "verified": False,
    },
    {
        "key": "jxhj", "name": "京西环境与能源研究院", "kind": "institute",
        "region": "beijing", "city": "房山区", "credit_code": _code(110111, "12"),
        "profile": "面向钢铁、焦化、制药等行业开展烟气治理、工业废水处理和固废资源化的研究院。",
        "verified": True,
    },
    # ---- Tianjin: universities and institutes ----
    {
        "key": "jghy", "name": "津沽海洋工程研究院", "kind": "institute",
        "region": "tianjin", "city": "滨海新区", "credit_code": _code(120116, "12"),
        "profile": "从事海洋工程装备、防腐材料和海上新能源技术研究的工程研究院。",
        "verified": True,
    },
    {
        "key": "hhgy", "name": "海河工业大学", "kind": "university",
        "region": "tianjin", "city": "西青区", "credit_code": _code(120111, "12"),
        "profile": "以材料成形、焊接和电机电控为特色的工科大学。",
        "verified": False,
    },
    {
        "key": "jnjh", "name": "津南精细化工研究所", "kind": "institute",
        "region": "tianjin", "city": "津南区", "credit_code": _code(120112, "12"),
        "profile": "从事化工分离、废水资源化和助剂开发的研究所，有蒸发结晶与吸附中试装置。",
        "verified": False,
    },
    {
        "key": "bcxny", "name": "滨城新能源汽车技术研究院", "kind": "institute",
        "region": "tianjin", "city": "东丽区", "credit_code": _code(120110, "12"),
        "profile": "围绕动力电池系统、热管理和储能电池管理开展工程化开发的研究院。",
        "verified": True,
    },
    {
        "key": "jhqg", "name": "津河轻工大学", "kind": "university",
        "region": "tianjin", "city": "河西区", "credit_code": _code(120103, "12"),
        "profile": "轻工类高校，在纺织染整、纤维检测和食品加工方向有较强的工程积累。",
        "verified": False,
    },
    {
        "key": "jgjc", "name": "津港建筑材料科学研究院", "kind": "institute",
        "region": "tianjin", "city": "北辰区", "credit_code": _code(120113, "12"),
        "profile": "从事水泥窑节能减排、固废建材化利用和新型墙体材料研究的科研院所。",
        "verified": True,
    },
    # ---- Hebei: firms ----
    {
        "key": "jdgt", "name": "冀东新型钢铁材料有限公司", "kind": "firm",
        "region": "hebei", "city": "唐山", "credit_code": _code(130207, "91"),
        "profile": "年产铁水380万吨的钢铁联合企业，拥有2座1800立方米高炉和2台265平方米烧结机。",
        "verified": True,
    },
    {
        "key": "tsjx", "name": "唐山瀚岳重型装备有限公司", "kind": "firm",
        "region": "hebei", "city": "唐山", "credit_code": _code(130203, "91"),
        "profile": "生产矿山破碎设备、大型减速机和港口起重机结构件的装备制造企业。",
        "verified": False,
    },
    {
        "key": "hdgt", "name": "邯郸峰泉特钢有限公司", "kind": "firm",
        "region": "hebei", "city": "邯郸", "credit_code": _code(130404, "91"),
        "profile": "以轴承钢、齿轮钢和弹簧钢为主导产品的特钢企业，年产特钢棒材120万吨。",
        "verified": True,
    },
    {
        "key": "hdjh", "name": "邯郸滏阳煤焦化有限公司", "kind": "firm",
        "region": "hebei", "city": "邯郸", "credit_code": _code(130406, "91"),
        "profile": "年产焦炭150万吨的独立焦化企业，配套焦炉煤气净化和化产回收装置。",
        "verified": False,
    },
    {
        "key": "sjzyy", "name": "石家庄禾辰药业有限公司", "kind": "firm",
        "region": "hebei", "city": "石家庄", "credit_code": _code(130111, "91"),
        "profile": "以发酵类抗生素原料药和口服固体制剂为主的制药企业，有发酵罐总容积2400立方米。",
        "verified": True,
    },
    {
        "key": "sjzdz", "name": "石家庄泰睿电子科技有限公司", "kind": "firm",
        "region": "hebei", "city": "石家庄", "credit_code": _code(130108, "91"),
        "profile": "从事多层印制电路板和电源模块贴装加工的电子制造企业。",
        "verified": False,
    },
    {
        "key": "bdqp", "name": "保定骏驰汽车零部件有限公司", "kind": "firm",
        "region": "hebei", "city": "保定", "credit_code": _code(130606, "91"),
        "profile": "为整车厂配套底盘结构件和电池包壳体的零部件企业。",
        "verified": True,
    },
    {
        "key": "bdxn", "name": "保定蓝岭新能源科技有限公司", "kind": "firm",
        "region": "hebei", "city": "保定", "credit_code": _code(130602, "91"),
        "profile": "生产光伏组件并承建工商业储能电站的新能源企业，组件年产能2吉瓦。",
        "verified": False,
    },
    {
        "key": "czhg", "name": "沧州临港澜石化工有限公司", "kind": "firm",
        "region": "hebei", "city": "沧州", "credit_code": _code(130983, "91"),
        "profile": "位于临港化工园区，主要装置为60万吨/年丙烷脱氢和配套罐区。",
        "verified": True,
    },
    {
        "key": "czzz", "name": "沧州泊远铸造机械有限公司", "kind": "firm",
        "region": "hebei", "city": "沧州", "credit_code": _code(130981, "91"),
        "profile": "生产泵阀壳体和机床床身铸件的铸造企业，年产灰铸铁和球墨铸铁件3万吨。",
        "verified": False,
    },
    {
        "key": "lfsj", "name": "廊坊启衡数据科技有限公司", "kind": "firm",
        "region": "hebei", "city": "廊坊", "credit_code": _code(131003, "91"),
        "profile": "为园区制造企业提供设备联网、数据中台和安全生产信息化服务的科技型中小企业。",
        "verified": True,
    },
    {
        "key": "xtfz", "name": "邢台棉韵纺织有限公司", "kind": "firm",
        "region": "hebei", "city": "邢台", "credit_code": _code(130534, "91"),
        "profile": "从事棉针织面料染整和羊绒纱线加工的纺织企业，日染色能力60吨。",
        "verified": False,
    },
    {
        "key": "xtjc", "name": "邢台太行新型建材有限公司", "kind": "firm",
        "region": "hebei", "city": "邢台", "credit_code": _code(130582, "91"),
        "profile": "拥有日产4500吨熟料水泥线、年产30万立方米加气混凝土砌块线，并参股一条浮法玻璃生产线的建材企业。",
        "verified": True,
    },
    {
        "key": "hsny", "name": "衡水丰穗农业科技有限公司", "kind": "firm",
        "region": "hebei", "city": "衡水", "credit_code": _code(131102, "91"),
        "profile": "经营小麦玉米规模化种植、奶牛养殖和农业社会化服务的农业企业，流转土地1.2万亩。",
        "verified": False,
    },
    {
        "key": "xajz", "name": "雄安数城建设科技有限公司", "kind": "firm",
        "region": "hebei", "city": "雄安新区", "credit_code": _code(130629, "91"),
        "profile": "承担片区数字化建设与运营服务的科技企业，业务包括城市信息模型和市政设施运维。",
        "verified": True,
    },
    {
        "key": "cdsp", "name": "承德杏乡食品有限公司", "kind": "firm",
        "region": "hebei", "city": "承德", "credit_code": _code(130802, "91"),
        "profile": "以山杏仁、山楂为原料生产植物蛋白饮料和果制品的食品企业。",
        "verified": False,
    },
    {
        "key": "zjkny", "name": "张家口坝上风电运维有限公司", "kind": "firm",
        "region": "hebei", "city": "张家口", "credit_code": _code(130722, "91"),
        "profile": "负责坝上地区约600兆瓦风电场运维的企业，并参与风电制氢示例项目前期工作。",
        "verified": True,
    },
]


USERS = [
    # The four demo accounts named in the README.
    {"email": "admin@example.com", "name": "周文涛", "phone": "010-5555 0100", "org": "jjjzx", "role": "admin"},
    {"email": "bj-inst@example.com", "name": "刘敏", "phone": "010-5555 0123", "org": "jhlg", "role": "member"},
    {"email": "tj-inst@example.com", "name": "孙海燕", "phone": "022-5555 0201", "org": "jghy", "role": "member"},
    {"email": "hb-firm@example.com", "name": "王建国", "phone": "0315-5555 0456", "org": "jdgt", "role": "member"},
    # One member for every other organization.
    {"email": "zhao.lei@ydyj.example.com", "name": "赵磊", "phone": "010-5555 0131", "org": "ydyj", "role": "member"},
    {"email": "chen.jing@jbhg.example.com", "name": "陈静", "phone": "010-5555 0142", "org": "jbhg", "role": "member"},
    {"email": "ma.xiaodong@xszb.example.com", "name": "马晓东", "phone": "010-5555 0153", "org": "xszb", "role": "member"},
    {"email": "he.yun@jjyy.example.com", "name": "何芸", "phone": "010-5555 0164", "org": "jjyy", "role": "member"},
    {"email": "song.kai@byxx.example.com", "name": "宋凯", "phone": "010-5555 0175", "org": "byxx", "role": "member"},
    {"email": "tian.shuqin@ybny.example.com", "name": "田淑琴", "phone": "010-5555 0186", "org": "ybny", "role": "member"},
    {"email": "guo.peng@jxhj.example.com", "name": "郭鹏", "phone": "010-5555 0197", "org": "jxhj", "role": "member"},
    {"email": "lv.hongbo@hhgy.example.com", "name": "吕洪波", "phone": "022-5555 0212", "org": "hhgy", "role": "member"},
    {"email": "fan.li@jnjh.example.com", "name": "范丽", "phone": "022-5555 0223", "org": "jnjh", "role": "member"},
    {"email": "deng.yu@bcxny.example.com", "name": "邓宇", "phone": "022-5555 0234", "org": "bcxny", "role": "member"},
    {"email": "xu.qian@jhqg.example.com", "name": "许倩", "phone": "022-5555 0245", "org": "jhqg", "role": "member"},
    {"email": "cao.zhiqiang@jgjc.example.com", "name": "曹志强", "phone": "022-5555 0256", "org": "jgjc", "role": "member"},
    {"email": "li.gang@tsjx.example.com", "name": "李刚", "phone": "0315-5555 0467", "org": "tsjx", "role": "member"},
    {"email": "yang.fan@hdgt.example.com", "name": "杨帆", "phone": "0310-5555 0311", "org": "hdgt", "role": "member"},
    {"email": "zhang.hui@hdjh.example.com", "name": "张辉", "phone": "0310-5555 0322", "org": "hdjh", "role": "member"},
    {"email": "gao.ping@sjzyy.example.com", "name": "高萍", "phone": "0311-5555 0333", "org": "sjzyy", "role": "member"},
    {"email": "han.bin@sjzdz.example.com", "name": "韩斌", "phone": "0311-5555 0344", "org": "sjzdz", "role": "member"},
    {"email": "feng.yan@bdqp.example.com", "name": "冯艳", "phone": "0312-5555 0355", "org": "bdqp", "role": "member"},
    {"email": "jiang.tao@bdxn.example.com", "name": "姜涛", "phone": "0312-5555 0366", "org": "bdxn", "role": "member"},
    {"email": "wei.dong@czhg.example.com", "name": "魏东", "phone": "0317-5555 0377", "org": "czhg", "role": "member"},
    {"email": "shi.jun@czzz.example.com", "name": "史军", "phone": "0317-5555 0388", "org": "czzz", "role": "member"},
    {"email": "luo.na@lfsj.example.com", "name": "罗娜", "phone": "0316-5555 0399", "org": "lfsj", "role": "member"},
    {"email": "zheng.xiuying@xtfz.example.com", "name": "郑秀英", "phone": "0319-5555 0410", "org": "xtfz", "role": "member"},
    {"email": "wu.qiang@xtjc.example.com", "name": "武强", "phone": "0319-5555 0421", "org": "xtjc", "role": "member"},
    {"email": "sun.guihua@hsny.example.com", "name": "孙桂华", "phone": "0318-5555 0432", "org": "hsny", "role": "member"},
    {"email": "pan.yue@xajz.example.com", "name": "潘悦", "phone": "0312-5555 0443", "org": "xajz", "role": "member"},
    {"email": "du.xiaomei@cdsp.example.com", "name": "杜晓梅", "phone": "0314-5555 0454", "org": "cdsp", "role": "member"},
    {"email": "yuan.haitao@zjkny.example.com", "name": "袁海涛", "phone": "0313-5555 0465", "org": "zjkny", "role": "member"},
]
