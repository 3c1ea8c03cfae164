"""Demo catalogue (SVC-1): the departments of seed 002 (舒城县市场监督管理局 and its 股室, and the
departments of 企业开办) and 36 realistic items, the five named items among them.

``catalogue_demo_load()`` is idempotent (items are matched by code) and is run by
``manage.py catalogue_demo``, which ``demo_data`` calls.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from zhengwu.identifiers import generate
from zhengwu.licences.models import Issuer

from .constants import ApplicantKind, Handler, ItemKind
from .models import Department, Material, ServiceItem, Theme

SAMR = "shucheng-amr"
ADDRESS = "舒城县政务服务中心一楼市场监管窗口（城关镇梅河路）"
PHONE = "0564-8621234"

DEPARTMENTS = [
    (SAMR, "舒城县市场监督管理局", 1),
    ("shucheng-psb", "舒城县公安局", 2),
    ("shucheng-tax", "国家税务总局舒城县税务局", 3),
    ("shucheng-hrss", "舒城县人力资源和社会保障局", 4),
]

THEMES = [
    ("start", "开办企业", 1),
    ("food", "食品经营", 2),
    ("change", "变更登记", 3),
    ("close", "注销退出", 4),
    ("equipment", "特种设备", 5),
    ("quality", "质量与标准", 6),
    ("advertising", "广告与商标", 7),
    ("other", "其他", 9),
]

GENERIC_PROCESS = ["网上申请", "受理", "审查", "决定", "办结（电子结果送达）"]

ENTITY_FIELDS: list[dict[str, Any]] = [
    {"name": "unit_name", "label": "单位名称", "type": "text", "prefill": "organisation.name"},
    {"name": "uscc", "label": "统一社会信用代码", "type": "uscc", "prefill": "organisation.uscc"},
    {
        "name": "legal_rep",
        "label": "法定代表人（负责人）",
        "type": "text",
        "prefill": "organisation.legal_rep_name",
    },
    {"name": "contact_mobile", "label": "联系人手机号", "type": "mobile", "required": True},
]

FOOD_LICENCE_FORM: list[dict[str, Any]] = [
    *ENTITY_FIELDS,
    {"name": "premises", "label": "经营场所", "type": "text", "required": True, "max_length": 200},
    {
        "name": "business_form",
        "label": "主体业态",
        "type": "choice",
        "required": True,
        "choices": ["销售", "餐饮服务", "单位食堂"],
    },
    {"name": "business_scope", "label": "经营项目", "type": "textarea", "required": True},
    {
        "name": "online_sales",
        "label": "是否网络经营",
        "type": "choice",
        "required": True,
        "choices": ["否", "是"],
    },
    {
        "name": "website",
        "label": "网站或网店地址",
        "type": "text",
        "required": True,
        "show_if": {"field": "online_sales", "equals": "是"},
    },
    {"name": "safety_officer", "label": "食品安全管理人员", "type": "text", "required": True},
    {
        "name": "safety_officer_id",
        "label": "管理人员身份证号",
        "type": "resident_id",
        "required": True,
    },
]

FOOD_FILING_FORM: list[dict[str, Any]] = [
    *ENTITY_FIELDS,
    {"name": "premises", "label": "经营场所", "type": "text", "required": True},
    {"name": "start_date", "label": "开始经营日期", "type": "date", "required": True},
]

INDIVIDUAL_BUSINESS_FORM: list[dict[str, Any]] = [
    {"name": "operator_name", "label": "经营者姓名", "type": "text", "prefill": "user.real_name"},
    {
        "name": "operator_mobile",
        "label": "经营者手机号",
        "type": "mobile",
        "prefill": "user.mobile",
    },
    {"name": "business_name", "label": "个体工商户名称", "type": "text", "required": True},
    {
        "name": "region_code",
        "label": "经营场所所在地",
        "type": "choice",
        "required": True,
        "choices": [["341523", "舒城县"]],
    },
    {"name": "premises", "label": "经营场所", "type": "text", "required": True},
    {"name": "business_scope", "label": "经营范围", "type": "textarea", "required": True},
    {"name": "capital", "label": "资金数额（万元）", "type": "number", "min": 0, "max": 100000},
]

ENTERPRISE_OPENING_FORM: list[dict[str, Any]] = [
    {"name": "founder_name", "label": "法定代表人", "type": "text", "prefill": "user.real_name"},
    {
        "name": "founder_mobile",
        "label": "法定代表人手机号",
        "type": "mobile",
        "prefill": "user.mobile",
    },
    {
        "name": "company_name",
        "label": "企业名称",
        "type": "text",
        "required": True,
        "max_length": 100,
    },
    {
        "name": "company_type",
        "label": "企业类型",
        "type": "choice",
        "required": True,
        "choices": [
            ["limited_company", "有限责任公司"],
            ["joint_stock_company", "股份有限公司"],
            ["sole_proprietorship", "个人独资企业"],
        ],
    },
    {
        "name": "region_code",
        "label": "住所所在地",
        "type": "choice",
        "required": True,
        "choices": [["341523", "舒城县"]],
    },
    {"name": "premises", "label": "住所", "type": "text", "required": True, "max_length": 200},
    {
        "name": "registered_capital",
        "label": "注册资本（万元）",
        "type": "number",
        "required": True,
        "min": 0,
        "max": 10000000,
    },
    {"name": "business_scope", "label": "经营范围", "type": "textarea", "required": True},
    {
        "name": "seal_count",
        "label": "刻制印章枚数",
        "type": "number",
        "min": 1,
        "max": 10,
    },
]

SPECIAL_EQUIPMENT_FORM: list[dict[str, Any]] = [
    *ENTITY_FIELDS,
    {
        "name": "equipment_kind",
        "label": "设备种类",
        "type": "choice",
        "required": True,
        "choices": ["电梯", "压力容器", "锅炉", "起重机械", "场（厂）内专用机动车辆"],
    },
    {"name": "product_number", "label": "产品编号", "type": "text", "required": True},
    {"name": "location", "label": "设备使用地点", "type": "text", "required": True},
]

GENERIC_FORM: list[dict[str, Any]] = [
    *ENTITY_FIELDS,
    {"name": "details", "label": "申请事项说明", "type": "textarea", "required": True},
]


@dataclass(frozen=True)
class DemoItem:
    code: str
    name: str
    section: str
    kind: str
    themes: tuple[str, ...]
    statutory: int
    promised: int
    materials: tuple[tuple[str, bool, str], ...]  # name, required, licence type standing in
    high_frequency: bool = False
    fully_online: bool = True
    department: str = SAMR
    applicant_kind: str = ApplicantKind.LEGAL_PERSON
    handler: str = Handler.GENERIC
    separate_decider: bool = False
    legal_basis: str = "《中华人民共和国行政许可法》"
    form: tuple[dict[str, Any], ...] = tuple(GENERIC_FORM)


BL = "business_licence"
APPROVAL = "行政审批股"
FOOD = "食品安全监管室"
EQUIP = "特种设备安全监察股"
SUPERVISION = "企业监管室"

ITEMS = [
    # The five named items of SVC-2 (seed 002 二.5-8, 10).
    DemoItem(
        "340000-SCJG-XK-001",
        "个体工商户设立登记",
        APPROVAL,
        ItemKind.REGISTRATION,
        ("start",),
        15,
        1,
        (
            ("个体工商户登记（备案）申请书", True, ""),
            ("经营者身份证明", True, ""),
            ("经营场所证明", True, ""),
        ),
        high_frequency=True,
        applicant_kind=ApplicantKind.NATURAL_PERSON,
        handler=Handler.INDIVIDUAL_BUSINESS,
        legal_basis="《促进个体工商户发展条例》《中华人民共和国市场主体登记管理条例》",
        form=tuple(INDIVIDUAL_BUSINESS_FORM),
    ),
    DemoItem(
        "340000-SCJG-XK-002",
        "食品经营许可（新办）",
        FOOD,
        ItemKind.LICENSING,
        ("food",),
        20,
        10,
        (
            ("食品经营许可申请书", True, ""),
            ("营业执照", True, BL),
            ("经营场所平面布局图", True, ""),
            ("食品安全管理制度文本", True, ""),
        ),
        high_frequency=True,
        handler=Handler.FOOD_LICENCE,
        separate_decider=True,
        legal_basis="《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》",
        form=tuple(FOOD_LICENCE_FORM),
    ),
    DemoItem(
        "340000-SCJG-BA-003",
        "食品经营备案（仅销售预包装食品）",
        FOOD,
        ItemKind.FILING,
        ("food",),
        1,
        1,
        (("仅销售预包装食品备案信息采集表", True, ""), ("营业执照", True, BL)),
        high_frequency=True,
        handler=Handler.FOOD_FILING,
        legal_basis="《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》",
        form=tuple(FOOD_FILING_FORM),
    ),
    DemoItem(
        "340000-SCJG-XK-004",
        "特种设备使用登记",
        EQUIP,
        ItemKind.LICENSING,
        ("equipment",),
        15,
        5,
        (("特种设备使用登记表", True, ""), ("产品合格证", True, ""), ("监督检验证明", True, "")),
        high_frequency=True,
        handler=Handler.SPECIAL_EQUIPMENT,
        legal_basis="《中华人民共和国特种设备安全法》第三十三条；《特种设备使用管理规则》",
        form=tuple(SPECIAL_EQUIPMENT_FORM),
    ),
    DemoItem(
        "340000-SCJG-YW-005",
        "企业开办（一日办结）",
        APPROVAL,
        ItemKind.PUBLIC_SERVICE,
        ("start",),
        1,
        1,
        (("公司登记（备案）申请书", True, ""), ("公司章程", True, ""), ("股东身份证明", True, "")),
        high_frequency=True,
        applicant_kind=ApplicantKind.NATURAL_PERSON,
        handler=Handler.ENTERPRISE_OPENING,
        legal_basis="《安徽省优化营商环境条例》；《企业开办提升行动方案》",
        form=tuple(ENTERPRISE_OPENING_FORM),
    ),
    DemoItem(
        "340000-SCJG-DJ-006",
        "企业普通注销登记",
        APPROVAL,
        ItemKind.REGISTRATION,
        ("close",),
        3,
        1,
        (("注销登记申请书", True, ""), ("清算报告", True, "")),
        high_frequency=True,
        handler=Handler.DEREGISTRATION,
        legal_basis="《中华人民共和国市场主体登记管理条例》第三十一条至第三十三条",
    ),
    # Other items of the county's market-supervision catalogue.
    DemoItem(
        "340000-SCJG-DJ-007",
        "有限责任公司设立登记",
        APPROVAL,
        ItemKind.REGISTRATION,
        ("start",),
        15,
        1,
        (("公司登记（备案）申请书", True, ""), ("公司章程", True, "")),
        high_frequency=True,
    ),
    DemoItem(
        "340000-SCJG-DJ-008",
        "有限责任公司变更登记",
        APPROVAL,
        ItemKind.REGISTRATION,
        ("change",),
        15,
        1,
        (("公司登记（备案）申请书", True, ""), ("营业执照", True, BL)),
        high_frequency=True,
    ),
    DemoItem(
        "340000-SCJG-DJ-009",
        "个体工商户变更登记",
        APPROVAL,
        ItemKind.REGISTRATION,
        ("change",),
        15,
        1,
        (("个体工商户变更登记申请书", True, ""), ("营业执照", True, BL)),
        high_frequency=True,
    ),
    DemoItem(
        "340000-SCJG-DJ-010",
        "个体工商户注销登记",
        APPROVAL,
        ItemKind.REGISTRATION,
        ("close",),
        15,
        1,
        (("个体工商户注销登记申请书", True, ""),),
        high_frequency=True,
    ),
    DemoItem(
        "340000-SCJG-DJ-011",
        "企业简易注销登记",
        APPROVAL,
        ItemKind.REGISTRATION,
        ("close",),
        3,
        1,
        (("简易注销全体投资人承诺书", True, ""),),
        high_frequency=True,
    ),
    DemoItem(
        "340000-SCJG-DJ-012",
        "个人独资企业设立登记",
        APPROVAL,
        ItemKind.REGISTRATION,
        ("start",),
        15,
        1,
        (("个人独资企业登记（备案）申请书", True, ""), ("投资人身份证明", True, "")),
    ),
    DemoItem(
        "340000-SCJG-DJ-013",
        "合伙企业设立登记",
        APPROVAL,
        ItemKind.REGISTRATION,
        ("start",),
        15,
        1,
        (("合伙企业登记（备案）申请书", True, ""), ("合伙协议", True, "")),
    ),
    DemoItem(
        "340000-SCJG-DJ-014",
        "农民专业合作社设立登记",
        APPROVAL,
        ItemKind.REGISTRATION,
        ("start",),
        15,
        1,
        (("农民专业合作社登记申请书", True, ""), ("合作社章程", True, ""), ("成员名册", True, "")),
    ),
    DemoItem(
        "340000-SCJG-DJ-015",
        "分公司设立登记",
        APPROVAL,
        ItemKind.REGISTRATION,
        ("start",),
        15,
        1,
        (("分公司登记申请书", True, ""), ("隶属企业营业执照", True, BL)),
    ),
    DemoItem(
        "340000-SCJG-DJ-016",
        "企业备案（章程、董事、监事、经理）",
        APPROVAL,
        ItemKind.FILING,
        ("change",),
        15,
        1,
        (("公司备案申请书", True, ""), ("营业执照", False, BL)),
    ),
    DemoItem(
        "340000-SCJG-DJ-017",
        "营业执照补领、换发",
        APPROVAL,
        ItemKind.REGISTRATION,
        ("change",),
        15,
        1,
        (("营业执照补领申请书", True, ""),),
    ),
    DemoItem(
        "340000-SCJG-DJ-018",
        "股权出质设立登记",
        APPROVAL,
        ItemKind.REGISTRATION,
        ("other",),
        15,
        1,
        (("股权出质设立登记申请书", True, ""), ("质押合同", True, "")),
    ),
    DemoItem(
        "340000-SCJG-DJ-019",
        "动产抵押登记",
        APPROVAL,
        ItemKind.REGISTRATION,
        ("other",),
        3,
        1,
        (("动产抵押登记书", True, ""), ("抵押合同", True, "")),
    ),
    DemoItem(
        "340000-SCJG-XK-020",
        "食品经营许可（变更）",
        FOOD,
        ItemKind.LICENSING,
        ("food", "change"),
        20,
        10,
        (("食品经营许可变更申请书", True, ""), ("食品经营许可证", True, "food_business")),
        high_frequency=True,
        separate_decider=True,
    ),
    DemoItem(
        "340000-SCJG-XK-021",
        "食品经营许可（延续）",
        FOOD,
        ItemKind.LICENSING,
        ("food",),
        20,
        10,
        (("食品经营许可延续申请书", True, ""), ("食品经营许可证", True, "food_business")),
        high_frequency=True,
        separate_decider=True,
    ),
    DemoItem(
        "340000-SCJG-XK-022",
        "食品经营许可（注销）",
        FOOD,
        ItemKind.LICENSING,
        ("food", "close"),
        20,
        5,
        (("食品经营许可注销申请书", True, ""),),
    ),
    DemoItem(
        "340000-SCJG-XK-023",
        "食品生产许可（新办）",
        FOOD,
        ItemKind.LICENSING,
        ("food",),
        20,
        15,
        (("食品生产许可申请书", True, ""), ("营业执照", True, BL), ("生产工艺流程图", True, "")),
        separate_decider=True,
    ),
    DemoItem(
        "340000-SCJG-BA-024",
        "食品小作坊登记",
        FOOD,
        ItemKind.FILING,
        ("food",),
        15,
        10,
        (("食品小作坊登记申请表", True, ""), ("营业执照", True, BL)),
    ),
    DemoItem(
        "340000-SCJG-BA-025",
        "小餐饮经营备案",
        FOOD,
        ItemKind.FILING,
        ("food",),
        5,
        1,
        (("小餐饮备案表", True, ""), ("营业执照", True, BL)),
        high_frequency=True,
    ),
    DemoItem(
        "340000-SCJG-XK-026",
        "特种设备使用登记（变更）",
        EQUIP,
        ItemKind.LICENSING,
        ("equipment", "change"),
        15,
        5,
        (
            ("特种设备使用登记变更申请表", True, ""),
            ("特种设备使用登记证", True, "special_equipment"),
        ),
    ),
    DemoItem(
        "340000-SCJG-XK-027",
        "特种设备使用登记（注销）",
        EQUIP,
        ItemKind.LICENSING,
        ("equipment", "close"),
        15,
        5,
        (("特种设备停用、注销申请表", True, ""),),
    ),
    DemoItem(
        "340000-SCJG-XK-028",
        "特种设备安装改造维修告知",
        EQUIP,
        ItemKind.FILING,
        ("equipment",),
        5,
        1,
        (("特种设备安装改造维修告知单", True, ""), ("施工单位资质证明", True, "")),
    ),
    DemoItem(
        "340000-SCJG-XK-029",
        "特种设备作业人员资格认定",
        EQUIP,
        ItemKind.LICENSING,
        ("equipment",),
        20,
        15,
        (("作业人员资格申请表", True, ""), ("身份证明", True, ""), ("考试合格证明", True, "")),
        applicant_kind=ApplicantKind.NATURAL_PERSON,
    ),
    DemoItem(
        "340000-SCJG-QR-030",
        "计量器具强制检定",
        SUPERVISION,
        ItemKind.CONFIRMATION,
        ("quality",),
        20,
        10,
        (("强制检定计量器具登记表", True, ""),),
    ),
    DemoItem(
        "340000-SCJG-XK-031",
        "工业产品生产许可证（省级下放事项）",
        SUPERVISION,
        ItemKind.LICENSING,
        ("quality",),
        20,
        15,
        (("工业产品生产许可证申请书", True, ""), ("营业执照", True, BL)),
        separate_decider=True,
    ),
    DemoItem(
        "340000-SCJG-BA-032",
        "广告发布登记",
        SUPERVISION,
        ItemKind.FILING,
        ("advertising",),
        20,
        5,
        (("广告发布登记申请表", True, ""), ("营业执照", True, BL)),
    ),
    DemoItem(
        "340000-SCJG-QT-033",
        "商标专用权质押登记受理",
        SUPERVISION,
        ItemKind.OTHER,
        ("advertising",),
        5,
        3,
        (("商标专用权质权登记申请书", True, ""), ("质押合同", True, "")),
    ),
    DemoItem(
        "340000-SCJG-QT-034",
        "企业年度报告公示修正",
        SUPERVISION,
        ItemKind.OTHER,
        ("other",),
        10,
        3,
        (("年报修正申请", True, ""),),
        high_frequency=True,
    ),
    DemoItem(
        "340000-SCJG-QT-035",
        "移出经营异常名录",
        SUPERVISION,
        ItemKind.OTHER,
        ("other",),
        5,
        3,
        (("移出经营异常名录申请书", True, ""),),
    ),
    DemoItem(
        "340000-GA-XK-036",
        "印章刻制备案",
        "治安管理大队",
        ItemKind.FILING,
        ("start",),
        1,
        1,
        (("印章刻制申请表", True, ""), ("营业执照", True, BL)),
        department="shucheng-psb",
    ),
    DemoItem(
        "340000-SW-QT-037",
        "发票领用",
        "纳税服务股",
        ItemKind.PUBLIC_SERVICE,
        ("start",),
        1,
        1,
        (("发票领用申请表", True, ""),),
        high_frequency=True,
        department="shucheng-tax",
    ),
    DemoItem(
        "340000-RS-QT-038",
        "单位参保登记",
        "社会保险经办中心",
        ItemKind.PUBLIC_SERVICE,
        ("start",),
        1,
        1,
        (("社会保险登记表", True, ""), ("营业执照", True, BL)),
        department="shucheng-hrss",
    ),
]


@transaction.atomic
def catalogue_demo_load() -> int:
    """Create or refresh the demo departments, themes and items; return the item count."""
    departments = {}
    for code, name, order in DEPARTMENTS:
        departments[code], _ = Department.objects.update_or_create(
            code=code, defaults={"name": name, "order": order}
        )
    # The issuer in whose name 准予 issues electronic licences (食品经营许可证 …).
    issuer_uscc = generate.uscc(random.Random(SAMR), prefix="11", region="341523")
    issuer, _ = Issuer.objects.get_or_create(
        uscc=issuer_uscc, defaults={"name": "舒城县市场监督管理局"}
    )
    Department.objects.filter(code=SAMR).update(issuer=issuer)
    themes = {}
    for code, name, order in THEMES:
        themes[code], _ = Theme.objects.update_or_create(
            code=code, defaults={"name": name, "order": order}
        )
    for spec in ITEMS:
        department = departments[spec.department]
        item, _ = ServiceItem.objects.update_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "department": department,
                "section": spec.section,
                "kind": spec.kind,
                "applicant_kind": spec.applicant_kind,
                "is_fully_online": spec.fully_online,
                "is_high_frequency": spec.high_frequency,
                "statutory_days": spec.statutory,
                "promised_days": spec.promised,
                "conditions": f"申请人符合{spec.name}的法定条件，申请材料齐全、符合法定形式。",
                "process": GENERIC_PROCESS,
                "fee": "不收费",
                "legal_basis": spec.legal_basis,
                "contacts": PHONE,
                "address": ADDRESS,
                "needs_separate_decider": spec.separate_decider,
                "handler": spec.handler,
                "form_schema": list(spec.form),
            },
        )
        item.themes.set([themes[code] for code in spec.themes])
        for order, (name, required, licence_type) in enumerate(spec.materials, start=1):
            Material.objects.update_or_create(
                item=item,
                name=name,
                defaults={"is_required": required, "licence_type": licence_type, "order": order},
            )
    return len(ITEMS)
