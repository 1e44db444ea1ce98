"""Demo connections: interests between published demo postings, their conversations and deals.

Fictional like the rest of the demo data (see README.md). Each entry names its need and achievement
by title; ``initiator`` says which side's organization expressed the interest ("need" or
"achievement"); every message and move names the side that wrote it. Times are Beijing time
relative to the day the demo is loaded ("today-84 14:00": 84 days earlier at 14:00), after both
postings were published. The mix shows each stage a desk meets: two interests waiting for a
reply (one for bj-inst@, one for hb-firm@), conversations under way or on hold, a decline with
its reason, a negotiation closed without a deal, and four signed deals (Beijing/Tianjin → Hebei).
"""

from __future__ import annotations

CONNECTIONS = [
    {
        "need": "转炉钢渣堆存量大，寻求钢渣高附加值综合利用技术",
        "achievement": "转炉钢渣稳定化处理与钢渣微粉复合胶凝材料",
        "initiator": "need",
        "created": "today-235 09:30",
        "message": "我公司钢渣堆存约80万吨，希望了解钢渣稳定化处理的中试数据和钢渣微粉在商混站的应用情况，能否安排一次技术交流？",
        "accepted": "today-233 15:10",
        "messages": [
            (
                "achievement",
                "today-232 10:05",
                "感谢关注。我院在唐山有一条年处理20万吨钢渣的示范线，处理后游离氧化钙低于2%，下周可安排现场参观。",
            ),
            ("need", "today-230 16:40", "好的，我们拟派技术部3人参观，并带上近三个月的钢渣成分化验单。"),
            (
                "achievement",
                "today-195 11:00",
                "技术许可合同草案已发至贵司邮箱，许可费分两期支付，首期在生产线调试合格后支付。",
            ),
            ("need", "today-166 09:20", "合同已经法务审核，可以安排签署。"),
        ],
        "deal": {
            "contract_type": "license",
            "amount_wan": "120",
            "signed_on": "today-158",
            "registration_no": "2026130203000187",
            "recorded": ("need", "today-157 10:00"),
        },
    },
    {
        "need": "2号高炉煤气布袋除尘出口含尘偏高、滤袋寿命短",
        "achievement": "高炉煤气干法布袋除尘用PTFE覆膜滤料及长寿命运行技术",
        "initiator": "achievement",
        "created": "today-84 14:00",
        "message": "看到贵司2号高炉的除尘需求。我院PTFE覆膜滤料在同类高炉上已连续运行30个月以上，出口含尘稳定低于5mg/m³，希望进一步了解工况。",
        "accepted": "today-82 08:50",
        "messages": [
            (
                "need",
                "today-82 09:05",
                "欢迎。2号高炉容积1780立方米，布袋除尘器共14个箱体，目前滤袋平均寿命不到一年。贵院能否先做一个箱体的对比试验？",
            ),
            (
                "achievement",
                "today-80 14:30",
                "可以。建议先更换1个箱体做6个月对比，滤料费用由我院承担，贵司负责安装并记录在线粉尘仪数据。",
            ),
            ("need", "today-53 10:15", "试验箱体已于昨天换装完成，粉尘仪数据每周发给您。"),
            ("achievement", "today-11 16:00", "前六周数据很好：出口含尘均值3.1mg/m³，压差比对照箱体低约400Pa。"),
        ],
    },
    {
        "need": "棒材加热炉煤气单耗高、钢坯烧损大",
        "achievement": "轧钢蓄热式加热炉智能燃烧控制系统",
        "initiator": "need",
        "created": "today-7 10:30",
        "message": "我厂棒材线加热炉为蓄热式，煤气单耗约1.35GJ/t，氧化烧损1.2%左右，想了解贵校智能燃烧控制系统的改造周期和投资。",
    },
    {
        "need": "坝上风电场冬季叶片覆冰停机，发电量损失大",
        "achievement": "风电机组叶片覆冰监测与电热除冰系统",
        "initiator": "need",
        "created": "today-209 11:00",
        "message": "我场共66台2MW机组，冬季覆冰停机损失约占全年发电量的4%，希望了解电热除冰系统的改造方案和已有业绩。",
        "accepted": "today-208 09:40",
        "messages": [
            (
                "achievement",
                "today-207 10:00",
                "可先选3台机组试点。加热膜可在叶片厂预埋，也可现场后贴；覆冰监测数据可接入贵场SCADA。",
            ),
            ("need", "today-139 15:30", "试点方案已通过集团技术评审，请报价。"),
            ("achievement", "today-121 09:10", "报价单和技术许可合同草案已发送，含三年运维培训。"),
        ],
        "deal": {
            "contract_type": "license",
            "amount_wan": "150",
            "signed_on": "today-87",
            "registration_no": "2026130700000412",
            "recorded": ("achievement", "today-86 09:30"),
        },
    },
    {
        "need": "球墨铸铁泵体铸件缩松、气孔多，废品率高",
        "achievement": "铸件充型凝固数值模拟与缩松气孔缺陷工艺优化服务",
        "initiator": "achievement",
        "created": "today-153 09:00",
        "message": "我们可以先对贵厂泵体铸件做一次充型凝固模拟，找出缩松位置并给出冒口和冷铁方案，首轮模拟约两周。",
        "accepted": "today-152 14:20",
        "messages": [
            ("need", "today-151 08:30", "好的，泵体三维模型和现行工艺卡已发送。"),
            (
                "achievement",
                "today-134 17:00",
                "模拟显示缩松集中在法兰根部热节，建议增加两处冷铁并把浇注温度降低20℃，详见报告。",
            ),
            ("need", "today-113 10:00", "按新工艺试浇20件，缩松明显减少，但气孔仍在，初步判断与树脂砂发气量有关。"),
        ],
        "moves": [("on_hold", "need", "today-111 11:00", "等旧砂再生设备改造完成后再继续试验。")],
    },
    {
        "need": "加气混凝土砌块用硅砂涨价，想用周边铁尾矿替代",
        "achievement": "铁尾矿砂制备B06级蒸压加气混凝土砌块技术",
        "initiator": "need",
        "created": "today-182 10:00",
        "message": "周边铁尾矿资源丰富，想在现有加气砌块线上用铁尾矿砂替代一半以上硅砂，请问配方和蒸压制度需要做哪些调整？",
        "accepted": "today-181 09:00",
        "messages": [
            ("achievement", "today-180 14:00", "我院可派工程师驻厂一个月调试配方，请先寄送周边两种尾矿的样品做化验。"),
            ("need", "today-132 16:20", "驻厂调试后试产的B06级砌块，抗压强度和干密度均达标，准备签订技术服务合同。"),
        ],
        "deal": {
            "contract_type": "service",
            "amount_wan": "45",
            "signed_on": "today-122",
            "registration_no": "",
            "recorded": ("need", "today-121 09:00"),
        },
    },
    {
        "need": "园区中小企业老旧设备联网难，数据采不上来",
        "achievement": "多协议工业边缘网关与设备数据采集平台",
        "initiator": "need",
        "created": "today-237 13:30",
        "message": "园区内有40多家中小企业，设备品牌和年代杂，PLC协议五花八门。贵校的边缘网关能否覆盖西门子S7-200、三菱FX和Modbus老设备？",
        "accepted": "today-236 10:10",
        "messages": [
            (
                "achievement",
                "today-235 09:00",
                "这几种协议都已适配，另可通过加装电流互感器采集没有通信口的老设备开停机状态。",
            ),
            ("need", "today-154 11:40", "三家试点企业已联网运行一个月，数据完整率在98%以上，准备在园区推广。"),
        ],
        "deal": {
            "contract_type": "license",
            "amount_wan": "38",
            "signed_on": "today-144",
            "registration_no": "2026131000000093",
            "recorded": ("need", "today-144 17:00"),
        },
    },
    {
        "need": "流转土地中有3000亩轻中度盐碱地，小麦产量低",
        "achievement": "耐盐碱高产冬小麦新品种“燕丰9号”",
        "initiator": "need",
        "created": "today-274 09:00",
        "message": "我们在衡水有3000亩轻中度盐碱地，希望引进燕丰9号并获得栽培技术指导，请问今年秋播能否供种？",
        "declined": (
            "today-271 10:30",
            "燕丰9号今年的原种已全部签约，无法保证秋播供种；明年夏收后可优先安排，届时欢迎再联系。",
        ),
    },
    {
        "need": "杏仁露常温存放三个月后出现脂肪上浮和底部沉淀",
        "achievement": "杏仁核桃植物蛋白饮料高压均质与复配稳定技术",
        "initiator": "need",
        "created": "today-275 15:00",
        "message": "我厂杏仁露常温存放三个月后出现脂肪上浮和沉淀，客户投诉较多，想了解贵校的高压均质和稳定剂复配方案。",
        "accepted": "today-273 09:30",
        "messages": [
            (
                "achievement",
                "today-272 10:00",
                "建议采用两级高压均质（40MPa/10MPa）并调整单甘酯与结冷胶的复配比例，可先在我校中试线做对比样。",
            ),
            ("need", "today-225 14:00", "对比样加速试验效果很好，但高压均质机的投资超出了今年的预算。"),
        ],
        "moves": [("closed_no_deal", "need", "today-217 09:00", "设备投资超出今年预算，双方约定明年再议。")],
    },
    {
        "need": "265平方米烧结机烟气脱硫脱硝超低排放改造",
        "achievement": "烧结烟气活性焦一体化脱硫脱硝及副产硫资源化技术",
        "initiator": "achievement",
        "created": "today-6 15:00",
        "message": "关于贵司265平方米烧结机的超低排放改造：我院活性焦一体化工艺可同时脱硫脱硝，副产硫酸可回用。期待交流同规模项目的运行数据。",
    },
]

# A colleague of hb-firm@ who asked to join its firm: the member approves or refuses on "我的机构".
JOIN_REQUEST = {
    "org": "jdgt",
    "email": "li.xin@jdgt.example.com",
    "name": "李欣",
    "phone": "0315-5555 0457",
    "message": "我是设备部新入职的工程师，负责高炉除尘改造项目，请批准我加入公司账号。",
    "created": "today-3 09:15",
}
