"""``LocalRegistry``: the register provider backed by the local mirror (``registry.MarketEntity``).

The embedded default, and a production choice where the province ships the register as files
(``manage.py registry_import``). Personal data is compared through the blind indexes: the ID
number typed by the applicant is normalised (a legacy 15-digit resident ID upgraded to its
18-digit form) and hashed. Only for HK/Macao and Taiwan permits, whose numbers carry an issue
count that changes at each renewal, a hash mismatch is followed by a comparison of the lifelong
part (``person_key``) with the decrypted registered number.
"""

from __future__ import annotations

import hmac
import unicodedata
import weakref
from functools import cache
from types import ModuleType
from typing import Any

from django.db import DatabaseError, connections, router

from zhengwu.core import sqlcache
from zhengwu.core.crypto import blind_index
from zhengwu.core.masking import mask_mobile
from zhengwu.identifiers import InvalidIdentifier, hkmo_permit, mobile, tw_permit, uscc
from zhengwu.registry.constants import EntityType, IdType, Status
from zhengwu.registry.models import MarketEntity
from zhengwu.registry.services.rows import ID_PURPOSE, PHONE_PURPOSE, id_number_key

from .base import (
    UNIT_NAME_LABEL,
    CheckField,
    FieldMismatch,
    MobileProblem,
    RegistryCheck,
    RegistryEntity,
    RegistryError,
    RegistryProvider,
    RegistryQuery,
    masked_id,
)

_PERMITS: dict[str, ModuleType] = {IdType.HKMO_PERMIT: hkmo_permit, IdType.TW_PERMIT: tw_permit}
# Separators people type between the parts of a minority or foreign name (买买提·艾力).
_NAME_DOTS = dict.fromkeys(map(ord, "•・．.。･‧∙"), "·")

# The one wording of each REG-3 verdict (decision 0018): the pages and the API show these.
NOT_FOUND = "统一社会信用代码未在登记信息中查到，统一社会信用代码实名认证失败"
LEGAL_REP_FAILED = "法定代表人信息实名认证失败"


def name_mismatch(label: str) -> str:
    return f"{label}与登记信息不一致，{label}实名认证失败"


def inactive(status_label: str) -> str:
    return f"该单位登记状态为“{status_label}”，不能注册法人账号"


def comparable_name(text: str) -> str:
    """Unit and person names as compared: NFKC (full-width brackets and letters become ASCII),
    no whitespace, one kind of middle dot, Latin letters upper-case."""
    return "".join(unicodedata.normalize("NFKC", text).split()).translate(_NAME_DOTS).upper()


class LocalRegistry(RegistryProvider):
    """Reads ``MarketEntity`` (see the module docstring). Stateless."""

    def lookup(self, code: str) -> RegistryEntity | None:
        row = self._row(code)
        return _entity(row) if row is not None else None

    def verify(self, query: RegistryQuery) -> RegistryCheck:
        row = self._row(query.uscc)
        if row is None:
            return RegistryCheck(
                found=False,
                mismatches=(FieldMismatch(CheckField.USCC, NOT_FOUND, "registry.not_found"),),
            )
        entity = _entity(row)
        label = UNIT_NAME_LABEL
        mismatches: list[FieldMismatch] = []
        if row.status != Status.ACTIVE:
            status_label = str(Status(row.status).label)
            mismatches.append(
                FieldMismatch(CheckField.STATUS, inactive(status_label), "registry.inactive")
            )
        if comparable_name(query.name) != comparable_name(row.name):
            mismatches.append(
                FieldMismatch(CheckField.NAME, name_mismatch(label), "registry.name_mismatch")
            )
        # One message for every part of the legal representative (seed 001: 法定代表人信息实名
        # 认证失败): the register does not say which part of a person's data it holds.
        if comparable_name(query.legal_rep_name) != comparable_name(row.legal_rep_name):
            mismatches.append(
                FieldMismatch(
                    CheckField.LEGAL_REP_NAME, LEGAL_REP_FAILED, "registry.legal_rep_mismatch"
                )
            )
        if query.legal_rep_id_type and query.legal_rep_id_type != row.legal_rep_id_type:
            mismatches.append(
                FieldMismatch(
                    CheckField.LEGAL_REP_ID_TYPE, LEGAL_REP_FAILED, "registry.legal_rep_mismatch"
                )
            )
        if not self._same_id(row, query.legal_rep_id_number):
            mismatches.append(
                FieldMismatch(
                    CheckField.LEGAL_REP_ID_NUMBER, LEGAL_REP_FAILED, "registry.legal_rep_mismatch"
                )
            )
        mobile_matches = None
        if query.mobile is not None:
            mobile_matches = (
                bool(row.registered_phone_hash)
                and not row.is_phone_landline
                and (
                    hmac.compare_digest(
                        blind_index(mobile.normalise(query.mobile), purpose=PHONE_PURPOSE),
                        row.registered_phone_hash,
                    )
                )
            )
        phone = row.registered_phone or ""
        return RegistryCheck(
            found=True,
            mismatches=tuple(mismatches),
            entity=entity,
            registered_mobile="" if row.is_phone_landline else phone,
            is_phone_landline=row.is_phone_landline,
            is_id_number_legacy=row.is_id_number_legacy,
            mobile_matches=mobile_matches,
            mobile_problems=_mobile_problems(row, mobile_matches),
        )

    # -- helpers ---------------------------------------------------------------------------
    @staticmethod
    def _row(code: str) -> MarketEntity | None:
        normalised = uscc.normalise(code) if isinstance(code, str) else ""
        if len(normalised) != 18:
            return None
        try:
            return _fetch_by_uscc(normalised)
        except DatabaseError as exc:
            raise RegistryError(permanent=False, provider_code=type(exc).__name__) from exc

    @staticmethod
    def _same_id(row: MarketEntity, number: str) -> bool:
        """Compare under the register's ID type, by blind index of the comparison key."""
        try:
            _stored, key, _legacy = id_number_key(row.legal_rep_id_type, number)
        except InvalidIdentifier:
            return False
        if hmac.compare_digest(blind_index(key, purpose=ID_PURPOSE), row.legal_rep_id_number_hash):
            return True
        permit = _PERMITS.get(row.legal_rep_id_type)
        if permit is None:
            return False
        try:  # the same permit holder after a renewal: compare the lifelong part
            return permit.person_key(key) == permit.person_key(row.legal_rep_id_number or "")
        except InvalidIdentifier:
            return False


# Per database connection (each thread has its own): the SELECT, the field names in column
# order and the converters of ``_fetch_by_uscc``; gone with the connection object.
_plans: weakref.WeakKeyDictionary[Any, tuple[str, list[str], dict[int, Any]]] = (
    weakref.WeakKeyDictionary()
)


def _fetch_by_uscc(code: str) -> MarketEntity | None:
    """The register row of ``code``: one primary-key SELECT whose SQL, column order and field
    converters (decryption, SQLite dates and booleans) are worked out once per database
    connection. The ORM's per-call work (``filter().first()`` compiles the query and adds an
    ORDER BY; ``raw()`` maps its columns and model fields anew) cost more than the round
    trip on step 1 of the registration (docs/performance.md, bench/registration.py)."""
    connection = connections[router.db_for_read(MarketEntity)]
    plan = _plans.get(connection)
    if plan is None:
        compiler = MarketEntity.objects.filter(uscc=code).query.get_compiler(connection=connection)
        compiler.setup_query()
        converters = compiler.get_converters([col for col, _alias, _sql in compiler.select])
        names = [f.attname for f in MarketEntity._meta.concrete_fields]
        plan = _plans[connection] = (_select_by_uscc(), names, converters)
    sql, names, converters = plan
    # prepared once per connection on PostgreSQL (core.sqlcache, decision 0029)
    with sqlcache.cursor(connection) as cursor:
        cursor.execute(sql, [code])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for index, (functions, expression) in converters.items():
        for convert in functions:
            values[index] = convert(values[index], expression, connection)
    return MarketEntity.from_db(connection.alias, names, values)


@cache
def _select_by_uscc() -> str:
    """``SELECT <every column> FROM registry_marketentity WHERE uscc = %s`` (ANSI quoting,
    which PostgreSQL and SQLite share)."""
    meta = MarketEntity._meta
    columns = ", ".join(f'"{f.column}"' for f in meta.concrete_fields)
    return f'SELECT {columns} FROM "{meta.db_table}" WHERE "uscc" = %s'


def _entity(row: MarketEntity) -> RegistryEntity:
    return RegistryEntity(
        uscc=row.uscc,
        name=row.name,
        entity_type=row.entity_type,
        entity_type_label=str(EntityType(row.entity_type).label),
        legal_person_type=row.legal_person_type,
        status=row.status,
        status_label=str(Status(row.status).label),
        region_code=row.region_code,
        supervision_unit=row.supervision_unit,
        legal_rep_name=row.legal_rep_name,
        legal_rep_id_type=row.legal_rep_id_type,
        legal_rep_id_number_masked=masked_id(row.legal_rep_id_number or ""),
        registered_phone=row.registered_phone or "",
        is_phone_landline=row.is_phone_landline,
        is_id_number_legacy=row.is_id_number_legacy,
        registered_on=row.registered_on,
    )


def _mobile_problems(row: MarketEntity, matches: bool | None) -> tuple[FieldMismatch, ...]:
    """REG-5 problems, most actionable first, each on the ``mobile`` field (seed 003 (8):
    “市监局备案号码为座机号 …”, “备案法人身份证号码为15位”)."""
    problems: list[FieldMismatch] = []
    if row.is_id_number_legacy:
        problems.append(
            FieldMismatch(
                CheckField.MOBILE,
                "市场监管部门登记的法定代表人身份证号码为15位旧号码，请先到当地市场监管部门"
                "将其更新为18位号码后再注册",
                MobileProblem.REGISTRY_LEGACY_ID,
            )
        )
    phone = row.registered_phone or ""
    if row.is_phone_landline or (phone and mobile.is_landline(phone)):
        problems.append(
            FieldMismatch(
                CheckField.MOBILE,
                "市场监管部门登记的联系电话为固定电话，无法接收短信验证码。请先到当地市场监管部门"
                "将其变更为11位在用手机号后再注册",
                MobileProblem.REGISTRY_LANDLINE,
            )
        )
    elif not row.registered_phone_hash:
        problems.append(
            FieldMismatch(
                CheckField.MOBILE,
                "未查到您在市场监管部门登记的手机号，请先到当地市场监管部门登记手机号后再注册",
                MobileProblem.REGISTRY_NO_PHONE,
            )
        )
    elif matches is False:
        problems.append(
            FieldMismatch(
                CheckField.MOBILE,
                f"手机号与市场监管部门登记的手机号（{mask_mobile(phone)}）不一致，请使用登记的"
                "手机号注册；如该号码已不再使用，请先到当地市场监管部门变更",
                MobileProblem.MISMATCH,
            )
        )
    return tuple(problems)
