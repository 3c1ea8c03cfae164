"""Reads of the catalogue and of cases, scoped to the person asking (SVC-1, SVC-2)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from zhengwu.accounts.constants import Role
from zhengwu.accounts.models import Membership, Organisation, User

from . import permissions
from .constants import QUEUE_STATES, Status
from .models import Application, Department, Material, ServiceItem, Theme, search_key

#: Every active member of a unit may apply for it and follow its cases.
CLAIM_ROLES = frozenset({Role.LEGAL_REPRESENTATIVE, Role.ADMINISTRATOR, Role.OPERATOR})

# --- catalogue (SVC-1) -------------------------------------------------------------------------


def items_search(
    *,
    query: str = "",
    department: str = "",
    theme: str = "",
    fully_online: bool = False,
    high_frequency: bool = False,
) -> QuerySet[ServiceItem]:
    """Published items matching a Chinese name fragment (食品, 注销 …) and the filters.

    The fragment is normalised like ``ServiceItem.search_text`` and compared with ``contains``:
    the same result on SQLite and PostgreSQL, no word segmentation needed.
    """
    items = ServiceItem.objects.filter(is_published=True).select_related("department")
    key = search_key(query)
    if key:
        items = items.filter(search_text__contains=key)
    if department:
        items = items.filter(department__code=department)
    if theme:
        items = items.filter(themes__code=theme)
    if fully_online:
        items = items.filter(is_fully_online=True)
    if high_frequency:
        items = items.filter(is_high_frequency=True)
    return items.order_by("department__order", "code")


def departments_with_counts() -> QuerySet[Department]:
    return Department.objects.annotate(
        item_count=Count("items", filter=Q(items__is_published=True))
    ).order_by("order", "code")


def themes_with_counts() -> QuerySet[Theme]:
    return Theme.objects.annotate(
        item_count=Count("items", filter=Q(items__is_published=True))
    ).order_by("order", "code")


def item_get(code: str) -> ServiceItem:
    item = (
        ServiceItem.objects.filter(code=code, is_published=True)
        .select_related("department")
        .prefetch_related(Prefetch("materials", queryset=Material.objects.order_by("order", "pk")))
        .first()
    )
    if item is None:
        raise Http404
    return item


# --- applicants --------------------------------------------------------------------------------


def organisations_for_applicant(user: Any) -> list[Organisation]:
    """The units a legal-person account may apply for (any claim role, active)."""
    if not getattr(user, "is_authenticated", False) or user.kind != User.Kind.LEGAL_PERSON:
        return []
    return [
        m.organisation
        for m in Membership.objects.filter(user=user, is_active=True, role__in=CLAIM_ROLES)
        .select_related("organisation")
        .order_by("organisation__name")
    ]


def applications_for_user(user: Any) -> QuerySet[Application]:
    """我的办件: the cases the account started, plus every case of the units it acts for.

    The selector the workspace panel (portal 我的办件) calls; newest first.
    """
    if not getattr(user, "is_authenticated", False):
        return Application.objects.none()
    org_ids = Membership.objects.filter(
        user=user, is_active=True, role__in=CLAIM_ROLES
    ).values_list("organisation_id", flat=True)
    return (
        Application.objects.filter(Q(applicant=user) | Q(organisation_id__in=org_ids))
        .select_related("item", "department")
        .order_by("-id")
    )


def application_get_for_user(user: Any, pk: int) -> Application:
    """One case of the person asking; anyone else's is a 404 (never 403: no existence leak)."""
    application = applications_for_user(user).filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


# --- department side ---------------------------------------------------------------------------


def departments_for_staff(user: Any) -> QuerySet[Department]:
    if not (permissions.can_handle(user) or permissions.can_decide(user)):
        return Department.objects.none()
    if user.is_superuser:
        return Department.objects.all()
    return user.service_departments.all()  # type: ignore[no-any-return]


def queue(
    *,
    department: Department,
    status: str = "",
    overdue_only: bool = False,
    before_id: int | None = None,
    today: Any = None,
    limit: int = 50,
) -> list[Application]:
    """The department's open cases, newest first, keyset-paged on ``id`` (``before_id``): the
    page cost does not grow with the depth or the filter (index ``os_app_queue``, or the
    primary key read backwards; plans in docs/performance.md). Only the columns the queue
    shows are read (``QUEUE_FIELDS``): the case's form and the item's schema and guide are
    wide JSON/text columns that cost more to decode than the page's query."""
    cases = Application.objects.filter(department=department)
    cases = cases.filter(status=status) if status else cases.filter(status__in=QUEUE_STATES)
    if overdue_only:
        cases = cases.filter(status=Status.ACCEPTED, due_on__lt=today)
    if before_id:
        cases = cases.filter(id__lt=before_id)
    return list(cases.select_related("item").only(*QUEUE_FIELDS).order_by("-id")[:limit])


#: The columns of a queue row (desk.html): number, item, applicant, state, deadline.
QUEUE_FIELDS = (
    "id",
    "number",
    "status",
    "due_on",
    "applicant_name",
    "department_id",
    "item_id",
    "item__code",
    "item__name",
)


def application_get_for_staff(user: Any, pk: int) -> Application:
    application = (
        Application.objects.select_related("item", "department", "organisation", "applicant")
        .filter(pk=pk)
        .exclude(status=Status.DRAFT)
        .first()
    )
    if application is None or not permissions.can_work_on(user, application.department_id):
        raise Http404
    return application


# --- 好差评 figures (SVC-2b) --------------------------------------------------------------------


def evaluation_figures(*, user: Any) -> dict[str, list[dict[str, Any]]]:
    """Per item and per department of the staff member: count, average, lowest two grades."""
    from django.db.models import Avg

    departments = departments_for_staff(user)
    rows = Application.objects.filter(department__in=departments, evaluation__isnull=False)

    def figures(*keys: str) -> list[dict[str, Any]]:
        return list(
            rows.values(*keys)
            .annotate(
                count=Count("evaluation"),
                average=Avg("evaluation__rating"),
                poor=Count("evaluation", filter=Q(evaluation__rating__lte=2)),
            )
            .order_by(*keys)
        )

    return {
        "departments": figures("department__name"),
        "items": figures("department__name", "item__name"),
    }


def application_get_for_editor(user: Any, pk: int) -> Application:
    """A case of the person asking, or a draft they help a unit with at the counter (帮办)."""
    if getattr(user, "is_staff", False):
        helped = (
            Application.objects.select_related("item", "department")
            .filter(pk=pk, helped_by=user)
            .first()
        )
        if helped is not None:
            return helped
    return application_get_for_user(user, pk)


def open_tasks(*, department: Department) -> list[Any]:
    """The department's open parallel tasks (企业开办), oldest deadline first."""
    from .models import CaseTask

    return list(
        CaseTask.objects.filter(department=department, done_at__isnull=True)
        .select_related("application", "application__item")
        .order_by("due_on", "pk")[:100]
    )
