"""The local mirror of the market-supervision register (市场主体登记库)."""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any

from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Length, Now
from django.db.models.lookups import Exact

from zhengwu.core.fields import EncryptedTextField, hash_field
from zhengwu.core.masking import mask_id_number, mask_mobile

from .constants import LEGAL_PERSON_TYPE, USCC_PREFIXES, EntityType, IdType, LegalPersonType, Status


class _TrimChars(Func):
    """``TRIM(text, characters)``: ``text`` without the given characters at either end.

    The same call on PostgreSQL (the SQL-standard ``TRIM`` with a list, i.e. ``btrim``) and
    SQLite (``trim(X, Y)``)."""

    function = "TRIM"
    arity = 2
    output_field = models.CharField()


def _digits_only(field: str, length: int) -> Q:
    """``field`` is exactly ``length`` ASCII digits: nothing is left once the digits are
    trimmed from both ends (a character that is not a digit stops the trim). Works the same on
    PostgreSQL and SQLite (SQLite has no regular expressions without a user function). One
    ``TRIM`` costs PostgreSQL a fifth of the ten nested ``REPLACE`` calls it replaces
    (checked on every imported register row)."""
    stripped = _TrimChars(F(field), Value("0123456789"))
    return Q(Exact(Length(field), length)) & Q(Exact(Length(stripped), 0))


def _type_agrees_with_category() -> Q:
    groups: dict[str, list[str]] = {}
    for entity_type, category in LEGAL_PERSON_TYPE.items():
        groups.setdefault(category, []).append(entity_type)
    return reduce(
        or_,
        (Q(legal_person_type=cat, entity_type__in=sorted(types)) for cat, types in groups.items()),
    )


def _category_agrees_with_uscc() -> Q:
    return reduce(
        or_,
        (
            Q(legal_person_type=cat)
            & reduce(or_, (Q(uscc__startswith=prefix) for prefix in prefixes))
            for cat, prefixes in USCC_PREFIXES.items()
        ),
    )


class USCCField(models.CharField):
    """A USCC column: ``char(18)``, since every code has exactly 18 characters.

    Also keeps PostgreSQL from adding Django's second ``varchar_pattern_ops`` index to a
    ``varchar`` primary key (for LIKE queries nobody runs on codes), which cost ~3 s per million
    imported rows.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["max_length"] = 18
        super().__init__(*args, **kwargs)

    def db_type(self, connection: Any) -> str:
        return "char(18)"


class MarketEntity(models.Model):
    """One registered market entity (or other legal person) as the register knows it.

    Written only by ``registry.services.importing`` (bulk, never row by row); read by the
    registry provider (``zhengwu.integrations.registry.local``) for REG-3 and REG-5 checks.

    The USCC is the primary key: GB 32100 gives an entity one code for life. The legal
    representative's ID number and the registered phone are personal data (ACC-7): stored
    encrypted, compared and searched only through their ``*_hash`` blind indexes, the same
    portal-wide hashes as ``accounts.identity`` (purposes ``id_number`` and ``mobile``). A legacy
    15-digit resident ID is hashed in its 18-digit form (``registry.services.rows.id_number_key``),
    so the registration check matches what the person types today.
    ``row_hash`` is a keyed hash of every imported value: a re-import skips unchanged rows.

    The blind indexes are compared, never searched: nothing in the portal looks the register
    up by person, so they carry no database index (data minimisation, and an index on random
    64-character keys costs 1-6 s per million imported rows). A feature that needs the search
    adds the index in a migration. The timestamps are set by the database (``db_default``):
    all rows of one import share the statement's time.
    """

    uscc = USCCField("统一社会信用代码", primary_key=True)
    name = models.CharField("名称", max_length=200)
    entity_type = models.CharField("市场主体类型", max_length=32, choices=EntityType.choices)
    legal_person_type = models.CharField("法人类型", max_length=32, choices=LegalPersonType.choices)
    status = models.CharField("登记状态", max_length=16, choices=Status.choices)
    region_code = models.CharField("住所所在行政区划代码", max_length=6)
    supervision_unit = models.CharField("监管单位", max_length=100, blank=True)
    legal_rep_name = models.CharField("法定代表人", max_length=100)
    legal_rep_id_type = models.CharField(
        "法定代表人证件类型", max_length=32, choices=IdType.choices
    )
    legal_rep_id_number = EncryptedTextField("法定代表人证件号码")
    legal_rep_id_number_hash = hash_field(verbose_name="证件号码索引", db_index=False)
    registered_phone = EncryptedTextField("联系电话", blank=True)
    registered_phone_hash = hash_field(verbose_name="联系电话索引", blank=True, db_index=False)
    is_phone_landline = models.BooleanField("联系电话为固定电话", default=False)
    is_id_number_legacy = models.BooleanField("证件号码为15位旧号码", default=False)
    registered_on = models.DateField("成立日期")
    row_hash = models.CharField("内容摘要", max_length=64, editable=False)
    created_at = models.DateTimeField("创建时间", db_default=Now(), editable=False)
    updated_at = models.DateTimeField("更新时间", db_default=Now(), editable=False)

    class Meta:
        verbose_name = "市场主体"
        verbose_name_plural = "市场主体"
        constraints = [
            models.CheckConstraint(
                condition=Q(Exact(Length("uscc"), 18)), name="registry_me_uscc_length"
            ),
            models.CheckConstraint(
                condition=_digits_only("region_code", 6), name="registry_me_region_6_digits"
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="registry_me_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(entity_type__in=EntityType.values), name="registry_me_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(legal_rep_id_type__in=IdType.values), name="registry_me_id_type_valid"
            ),
            # REG-2: the type, its legal-person category and the USCC prefix agree.
            models.CheckConstraint(
                condition=_type_agrees_with_category(), name="registry_me_type_category"
            ),
            models.CheckConstraint(
                condition=_category_agrees_with_uscc(), name="registry_me_category_uscc"
            ),
            # Only a resident ID has a legacy 15-digit form (GB 11643-1989).
            models.CheckConstraint(
                condition=Q(is_id_number_legacy=False) | Q(legal_rep_id_type=IdType.RESIDENT_ID),
                name="registry_me_legacy_is_resident_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.uscc}）"

    @property
    def is_active(self) -> bool:
        return self.status == Status.ACTIVE

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.legal_rep_id_number or "")

    @property
    def masked_phone(self) -> str:
        return mask_mobile(self.registered_phone or "")


class ImportCheckpoint(models.Model):
    """How far a batched ``registry_import`` of one export file got (committed batches).

    A re-run of the same file (same fingerprint: size, first and last 64 KiB) whose checkpoint
    is unfinished resumes at ``next_offset`` / ``next_line``; a finished one is imported again
    in full (unchanged rows are skipped by their row hash).
    """

    fingerprint = models.CharField(max_length=64, unique=True)
    file_name = models.CharField(max_length=255)
    size = models.BigIntegerField()
    next_offset = models.BigIntegerField()
    next_line = models.BigIntegerField()
    rows = models.BigIntegerField(default=0)
    finished = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.file_name} @ {self.next_line}"
