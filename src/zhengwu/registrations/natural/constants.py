"""Constants of the natural-person channel (REG-11)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NaturalReturnReason(models.TextChoices):
    """Templates of the 退回原因 of a natural-person manual review (REG-11)."""

    ID_UNCLEAR = "id_unclear", _("证件信息无法核实")
    ID_MISMATCH = "id_mismatch", _("姓名与证件号码不一致")
    ID_EXPIRED = "id_expired", _("证件已过期")
    OTHER = "other", _("其他")
