"""Back-office pages (journey 6): queues, the case page, the decision. Reviewers only:
anonymous visitors are sent to sign in, everybody else gets 404."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhengwu.audit.services import record_event
from zhengwu.core.errors import NotFound, ZhengwuError
from zhengwu.core.workflow import history
from zhengwu.registrations.agent import reviews as agent_reviews
from zhengwu.registrations.agent import selectors as agent_selectors
from zhengwu.registrations.agent.constants import (
    AGENT_UPLOAD_KINDS,
    AGENT_UPLOAD_LABELS,
    AgentStatus,
)
from zhengwu.registrations.manual import reviews as manual_reviews
from zhengwu.registrations.manual import selectors as manual_selectors
from zhengwu.registrations.manual.constants import MANUAL_UPLOAD_KINDS, ManualStatus
from zhengwu.registrations.models.natural import NaturalReviewStatus
from zhengwu.registrations.natural import reviews as natural_reviews
from zhengwu.uploads.models import UploadKind

from .constants import EVENT_CASE_VIEWED
from .forms import AgentDecisionForm, DecisionForm, NaturalDecisionForm
from .permissions import is_reviewer
from .queues import queue_get, queues
from .selectors import (
    agent_registration_get_for_reviewer,
    manual_case_get_for_reviewer,
    natural_review_get_for_reviewer,
)


def reviewer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_reviewer(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@reviewer_required
def index(request: HttpRequest) -> HttpResponse:
    return redirect("reviews:queue", key=queues()[0].key)


@reviewer_required
def queue(request: HttpRequest, key: str) -> HttpResponse:
    """A queue sorted by deadline, overdue cases marked (逾期), filtered by status."""
    current = queue_get(key)
    if current is None:
        raise Http404
    statuses = dict(current.statuses)
    status = request.GET.get("status", current.default_status)
    if status not in statuses and status != "":
        status = current.default_status
    return render(
        request,
        "reviews/queue.html",
        {
            "queue": current,
            "queues": queues(),
            "status": status,
            "statuses": current.statuses,
            "items": current.items(status),
        },
    )


def _history_rows(obj: Any, choices: Any) -> list[dict[str, Any]]:
    """The case's transitions with their states' Chinese labels."""
    labels = dict(choices)
    return [
        {
            "at": row.at,
            "actor_label": row.actor_label,
            "from_label": labels.get(row.from_state, row.from_state),
            "to_label": labels.get(row.to_state, row.to_state),
            "reason": row.reason,
        }
        for row in history(obj)
    ]


def _decide(
    form: Any, *, approve: Callable[[], Any], reject: Callable[[dict[str, Any]], Any]
) -> bool:
    """Run the decision the valid ``form`` asks for; a refusal (``ZhengwuError``) becomes a
    form error beside its field. True when the decision was recorded."""
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        if data["decision"] == "approve":
            approve()
        else:
            reject(data)
    except ZhengwuError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return False
    return True


def _get_or_404(get: Callable[..., Any], request: HttpRequest, pk: int) -> Any:
    """The case by ``get`` (a ``*_get_for_reviewer`` selector), or 404."""
    try:
        return get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc


def _show(request: HttpRequest, case: Any, template: str, context: dict[str, Any]) -> HttpResponse:
    """The case page; every view audited (ACC-8)."""
    record_event(
        EVENT_CASE_VIEWED,
        actor=request.user,
        subject=case,
        after={"status": case.status},
    )
    return render(request, template, context)


def _decided(
    request: HttpRequest,
    case: Any,
    form: Any,
    *,
    approve: Callable[[], Any],
    reject: Callable[[dict[str, Any]], Any],
    page: str,
    context: Callable[[Any, Any], dict[str, Any]],
) -> HttpResponse:
    """After a decision: back to the case page ``reviews:<page>``; a refused one shows the
    page again (``reviews/<page>.html``) with the error beside its field, status 400."""
    if _decide(form, approve=approve, reject=reject):
        return redirect(f"reviews:{page}", pk=case.pk)
    case.refresh_from_db()
    return render(request, f"reviews/{page}.html", context(case, form), status=400)


def _case_context(case: Any, form: DecisionForm) -> dict[str, Any]:
    uploads = manual_selectors.manual_uploads(case)
    return {
        "case": case,
        "form": form,
        "uploads": [
            (UploadKind(kind).label, uploads.get(kind))
            for kind in MANUAL_UPLOAD_KINDS
            if uploads.get(kind)
        ],
        "history": _history_rows(case, ManualStatus.choices),
    }


@reviewer_required
def manual_case(request: HttpRequest, pk: int) -> HttpResponse:
    """The entered data (masked) beside the uploaded images; every view audited (ACC-8)."""
    case = _get_or_404(manual_case_get_for_reviewer, request, pk)
    return _show(request, case, "reviews/manual_case.html", _case_context(case, DecisionForm()))


@reviewer_required
@require_POST
def manual_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """通过 / 不通过: one service call; a second decision is refused by the transition helper."""
    case = _get_or_404(manual_case_get_for_reviewer, request, pk)
    actor: Any = request.user
    return _decided(
        request,
        case,
        DecisionForm(request.POST),
        approve=lambda: manual_reviews.manual_verification_approve(case=case, actor=actor),
        reject=lambda data: manual_reviews.manual_verification_reject(
            case=case,
            actor=actor,
            reason_code=data["reason_code"],
            reason_text=data["reason_text"],
            reupload_kinds=data["reupload_kinds"] or None,
        ),
        page="manual_case",
        context=_case_context,
    )


# --- 个人实名人工审核 (REG-11) -------------------------------------------------------------------


def _natural_context(review: Any, form: NaturalDecisionForm) -> dict[str, Any]:
    return {
        "review": review,
        "draft": review.draft,
        "form": form,
        "history": _history_rows(review, NaturalReviewStatus.choices),
    }


@reviewer_required
def natural_case(request: HttpRequest, pk: int) -> HttpResponse:
    """The person's data (ID number and mobile masked); every view audited (ACC-8)."""
    review = _get_or_404(natural_review_get_for_reviewer, request, pk)
    context = _natural_context(review, NaturalDecisionForm())
    return _show(request, review, "reviews/natural_case.html", context)


@reviewer_required
@require_POST
def natural_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """通过 / 不通过 (退回): one service call; a second decision is refused."""
    review = _get_or_404(natural_review_get_for_reviewer, request, pk)
    actor: Any = request.user
    return _decided(
        request,
        review,
        NaturalDecisionForm(request.POST),
        approve=lambda: natural_reviews.natural_review_approve(review=review, actor=actor),
        reject=lambda data: natural_reviews.natural_review_reject(
            review=review,
            actor=actor,
            reason_code=data["reason_code"],
            reason_text=data["reason_text"],
        ),
        page="natural_case",
        context=_natural_context,
    )


# --- 代理注册 (REG-10) ----------------------------------------------------------------------------


def _agent_context(application: Any, form: AgentDecisionForm) -> dict[str, Any]:
    uploads = agent_selectors.agent_uploads(application)
    return {
        "application": application,
        "form": form,
        "uploads": [
            (AGENT_UPLOAD_LABELS[kind], uploads[kind])
            for kind in AGENT_UPLOAD_KINDS
            if kind in uploads
        ],
        "history": _history_rows(application, AgentStatus.choices),
    }


@reviewer_required
def agent_case(request: HttpRequest, pk: int) -> HttpResponse:
    """The entered data (masked) and the signed letter; every view audited (ACC-8)."""
    application = _get_or_404(agent_registration_get_for_reviewer, request, pk)
    context = _agent_context(application, AgentDecisionForm())
    return _show(request, application, "reviews/agent_case.html", context)


@reviewer_required
def agent_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed authorisation letter, for reviewers only; audited."""
    application = _get_or_404(agent_registration_get_for_reviewer, request, pk)
    record_event(
        "agent_registration.letter_viewed",
        actor=request.user,
        subject=application,
        after={"signed": True, "by": "reviewer"},
    )
    response = HttpResponse(bytes(application.signed_pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{application.reference}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@reviewer_required
@require_POST
def agent_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """通过 / 不通过: one service call; a second decision is refused."""
    application = _get_or_404(agent_registration_get_for_reviewer, request, pk)
    actor: Any = request.user
    return _decided(
        request,
        application,
        AgentDecisionForm(request.POST),
        approve=lambda: agent_reviews.agent_registration_approve(
            application=application, actor=actor
        ),
        reject=lambda data: agent_reviews.agent_registration_reject(
            application=application,
            actor=actor,
            reason_code=data["reason_code"],
            reason_text=data["reason_text"],
        ),
        page="agent_case",
        context=_agent_context,
    )
