"""Vocabulary of the online services (全程网办, SVC-1 … SVC-2b): kinds, states, moves, events."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemKind(models.TextChoices):
    """事项类型 of a service item, as the provincial catalogue names them."""

    LICENSING = "licensing", _("行政许可")
    CONFIRMATION = "confirmation", _("行政确认")
    FILING = "filing", _("备案")
    REGISTRATION = "registration", _("登记")
    PUBLIC_SERVICE = "public_service", _("公共服务")
    OTHER = "other", _("其他行政权力")


class ApplicantKind(models.TextChoices):
    """Who may apply: a legal-person account (a unit), a natural-person account, or both."""

    LEGAL_PERSON = "legal_person", _("法人")
    NATURAL_PERSON = "natural_person", _("自然人")
    BOTH = "both", _("法人和自然人")


class MaterialForm(models.TextChoices):
    ORIGINAL = "original", _("原件")
    COPY = "copy", _("复印件")
    ELECTRONIC = "electronic", _("电子材料")


class Handler(models.TextChoices):
    """What 准予 produces for an item (the named items of SVC-2); generic items produce a
    decision letter only."""

    GENERIC = "generic", _("通用（出具决定书）")
    FOOD_LICENCE = "food_licence", _("食品经营许可证")
    FOOD_FILING = "food_filing", _("食品经营备案凭证")
    INDIVIDUAL_BUSINESS = "individual_business", _("个体工商户营业执照")
    SPECIAL_EQUIPMENT = "special_equipment", _("特种设备使用登记证")
    DEREGISTRATION = "deregistration", _("注销登记")
    ENTERPRISE_OPENING = "enterprise_opening", _("企业开办（多部门并联）")


class Status(models.TextChoices):
    """办件状态 of an application (SVC-2)."""

    DRAFT = "draft", _("暂存")
    SUBMITTED = "submitted", _("待受理")
    WITHDRAWN = "withdrawn", _("已撤回")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    CORRECTION = "correction", _("待补正")
    ACCEPTED = "accepted", _("审查中")
    APPROVED = "approved", _("准予（待办结）")
    DENIED = "denied", _("不予许可（待办结）")
    COMPLETED = "completed", _("已办结")


#: The case diagram (docs/workflows/online-applications.md): ``manage.py workflow_diagram``.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED}),
    Status.SUBMITTED: frozenset(
        {Status.WITHDRAWN, Status.NOT_ACCEPTED, Status.CORRECTION, Status.ACCEPTED}
    ),
    # 补正 before acceptance returns to 待受理, during review to 审查中 (the service knows which).
    Status.CORRECTION: frozenset({Status.SUBMITTED, Status.ACCEPTED}),
    Status.ACCEPTED: frozenset({Status.CORRECTION, Status.APPROVED, Status.DENIED}),
    Status.APPROVED: frozenset({Status.COMPLETED}),
    Status.DENIED: frozenset({Status.COMPLETED}),
    Status.WITHDRAWN: frozenset(),
    Status.NOT_ACCEPTED: frozenset(),
    Status.COMPLETED: frozenset(),
}

#: States in which the department's clock runs (the case is in its hands, accepted).
CLOCK_RUNNING = frozenset({Status.ACCEPTED})
#: States shown in the department queue.
QUEUE_STATES = (
    Status.SUBMITTED,
    Status.CORRECTION,
    Status.ACCEPTED,
    Status.APPROVED,
    Status.DENIED,
)


class Decision(models.TextChoices):
    APPROVE = "approve", _("准予")
    DENY = "deny", _("不予")


class Rating(models.IntegerChoices):
    """好差评 (SVC-2b): the national five grades."""

    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    NEUTRAL = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


#: Grades that require a comment (SVC-2b: the two lowest).
RATINGS_NEEDING_COMMENT = frozenset({Rating.DISSATISFIED, Rating.VERY_DISSATISFIED})

# Form field types (forms as data).
FIELD_TYPES = (
    "text",
    "textarea",
    "number",
    "date",
    "choice",
    "boolean",
    "uscc",
    "resident_id",
    "mobile",
    "landline",
)

# Known facts an item's form field may be filled from (never asked again).
PREFILL_SOURCES = (
    "organisation.name",
    "organisation.uscc",
    "organisation.legal_rep_name",
    "user.real_name",
    "user.mobile",
    "register.region_code",
)

# Audit event types.
EVENT_ITEM_IMPORTED = "onlineservices.catalogue_imported"
EVENT_DRAFT_SAVED = "onlineservices.draft_saved"
EVENT_VIEWED = "onlineservices.case_viewed"
EVENT_RESULT_ISSUED = "onlineservices.result_issued"
EVENT_EXTENDED = "onlineservices.extended"
EVENT_RATED = "onlineservices.rated"

#: The SMS sent on entering each state (template, recipient): the notes of the diagram.
CASE_SMS: dict[str, tuple[str, str]] = {
    Status.SUBMITTED: ("application.submitted", "applicant"),
    Status.ACCEPTED: ("application.accepted", "applicant"),
    Status.NOT_ACCEPTED: ("application.not_accepted", "applicant"),
    Status.CORRECTION: ("application.correction", "applicant"),
    Status.COMPLETED: ("application.completed", "applicant"),
}
