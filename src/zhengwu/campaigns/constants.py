"""Vocabulary of the campaigns (专项行动, SVC-4): measures, population categories, events."""

from __future__ import annotations

from typing import Final

from django.db import models
from django.utils.translation import gettext_lazy as _


class Measure(models.TextChoices):
    """What counts as done for an entity."""

    #: The market entity has an active legal-person account (an active ``Organisation``).
    REGISTERED = "registered", _("注册")
    #: EC-4: the unit holds a valid enterprise code.
    CODE = "code", _("领码")


class Category(models.TextChoices):
    """The population categories of seed 002 一 (二): 企业法人（包括个体工商户、个人独资企业、
    合伙企业、农民专业合作社）. Derived from the register's entity type and legal-person type."""

    ENTERPRISE = "enterprise", _("企业法人")
    SOLE_PROPRIETORSHIP = "sole_proprietorship", _("个人独资企业")
    PARTNERSHIP = "partnership", _("合伙企业")
    INDIVIDUAL_BUSINESS = "individual_business", _("个体工商户")
    COOPERATIVE = "cooperative", _("农民专业合作社")
    OTHER = "other", _("其他")


#: The seed's population: every category but ``other``.
DEFAULT_POPULATION: Final = [c.value for c in Category if c != Category.OTHER]

#: The seed's milestones: 40 % by 31 August, 70 % by 31 October (of the campaign's year).
DEFAULT_MILESTONES: Final = ((8, 31, 40), (10, 31, 70))

#: Friday (Monday = 0) at 11:00: the table is frozen an hour before "每周五上午下班前".
DEFAULT_REPORT_WEEKDAY: Final = 4
DEFAULT_REPORT_HOUR: Final = 11

VIEW_PERMISSION: Final = "campaigns.view_campaign_figures"
REVEAL_PERMISSION: Final = "campaigns.reveal_phone"
CAMPAIGN_GROUP: Final = "专项行动统计员"

EVENT_EXPORTED: Final = "campaigns.exported"
EVENT_SNAPSHOT_TAKEN: Final = "campaigns.snapshot_taken"
EVENT_BULLETIN_DOWNLOADED: Final = "campaigns.bulletin_downloaded"
EVENT_PHONE_REVEALED: Final = "campaigns.phone_revealed"
EVENT_ASSIST_STARTED: Final = "campaigns.assist_started"
EVENT_ASSIST_RECORDED: Final = "campaigns.assist_recorded"
