"""Vocabulary of the register of agencies and public institutions (机关、群团和事业单位)."""

from __future__ import annotations

from typing import Final

from django.db import models


class Kind(models.TextChoices):
    """Unit kind; each has the USCC prefix of registration authority 1 (机构编制) it fits."""

    AGENCY = "agency", "机关"
    PUBLIC_INSTITUTION = "public_institution", "事业单位"
    MASS_ORGANISATION = "mass_organisation", "群团组织"
    OTHER = "other", "其他"


class UnitStatus(models.TextChoices):
    ACTIVE = "active", "正常"
    REVOKED = "revoked", "已撤销"


#: GB 32100: authority 1 (机构编制), category 1 机关, 2 事业单位, 3 群众团体,
#: 9 其他. Used by the database check constraint (AG register, as REG-2 for the market register).
KIND_PREFIX: Final[dict[str, str]] = {
    Kind.AGENCY: "11",
    Kind.PUBLIC_INSTITUTION: "12",
    Kind.MASS_ORGANISATION: "13",
    Kind.OTHER: "19",
}

#: The words a validity column uses for a certificate without an end date.
LONG_TERM_WORDS: Final = frozenset({"长期", "长期有效", "永久", ""})
