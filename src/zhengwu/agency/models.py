"""The register of agencies, mass organisations and public institutions (机关、群团和事业单位
赋码登记库), the login QR images (AG-4) and the units' sign-ins."""

from __future__ import annotations

import datetime
from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Q
from django.db.models.functions import Length, Now
from django.db.models.lookups import Exact

from zhengwu.registry.models import _digits_only

from .constants import KIND_PREFIX, Kind, UnitStatus


def _kind_agrees_with_uscc() -> Q:
    return reduce(or_, (Q(kind=kind, uscc__startswith=p) for kind, p in KIND_PREFIX.items()))


class AgencyUnit(models.Model):
    """One unit of the register. ``valid_until`` is the certificate's end date; ``None`` means
    长期 (long-term), which decides whether attachments are required (AG-6)."""

    # A plain varchar: registry's char(18) USCCField breaks Django's PostgreSQL bulk insert
    # (UNNEST casts to ``char[]``, i.e. char(1), and truncates the codes).
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("名称", max_length=200)
    kind = models.CharField("类别", max_length=32, choices=Kind.choices)
    head = models.CharField("负责人", max_length=100)
    address = models.CharField("住所", max_length=300)
    region_code = models.CharField("行政区划代码", max_length=6)
    authority = models.CharField("赋码机关", max_length=100)
    valid_until = models.DateField("证书有效期至", null=True, blank=True, help_text="空表示长期")
    certificate_number = models.CharField("证书编号", max_length=40)
    certificate_version = models.PositiveIntegerField("证书版本号", default=1)
    status = models.CharField(
        "状态", max_length=16, choices=UnitStatus.choices, default=UnitStatus.ACTIVE
    )
    row_hash = models.CharField("内容摘要", max_length=64, editable=False, blank=True)
    created_at = models.DateTimeField("创建时间", db_default=Now(), editable=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "机关、群团和事业单位"
        verbose_name_plural = "机关、群团和事业单位"
        ordering = ["uscc"]
        permissions = [("handle_agency", "办理机关赋码业务")]
        indexes = [models.Index(fields=["name"], name="agency_unit_name")]
        constraints = [
            models.CheckConstraint(
                condition=Q(Exact(Length("uscc"), 18)), name="agency_unit_uscc_length"
            ),
            models.CheckConstraint(
                condition=_digits_only("region_code", 6), name="agency_unit_region_6_digits"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="agency_unit_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=UnitStatus.values), name="agency_unit_status_valid"
            ),
            # The USCC prefix fits the kind (registration authority 1), as REG-2 does.
            models.CheckConstraint(
                condition=_kind_agrees_with_uscc(), name="agency_unit_kind_uscc"
            ),
            models.CheckConstraint(
                condition=Q(certificate_version__gte=1), name="agency_unit_version_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.uscc}）"

    @property
    def is_long_term(self) -> bool:
        return self.valid_until is None

    @property
    def validity_label(self) -> str:
        return "长期" if self.valid_until is None else f"至 {self.valid_until:%Y-%m-%d}"

    @property
    def is_active(self) -> bool:
        return self.status == UnitStatus.ACTIVE

    def validity_expired(self, today: datetime.date) -> bool:
        return self.valid_until is not None and self.valid_until < today
