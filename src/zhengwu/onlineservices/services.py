"""Writes of online applications (SVC-2, SVC-2a): the applicant's and the department's steps.

Every state change goes through ``core.workflow.transition`` (row lock, legal move, history,
audit); the SMS the applicant must receive is queued in the same transaction. Department steps
take the ``version`` the person saw: a case changed meanwhile is refused
(``application.stale``), so nobody decides on what they did not see.
"""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import JSONField, OuterRef, QuerySet, Subquery
from django.db.models.functions import JSONArray
from django.http import Http404
from django.utils import timezone

from zhengwu.accounts.models import Membership, Organisation, User
from zhengwu.audit.services import record_event
from zhengwu.core import sqlcache
from zhengwu.core.errors import IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from zhengwu.core.sqlcache import CompiledQuery
from zhengwu.core.workflow import transition
from zhengwu.licences.constants import LicenceStatus
from zhengwu.licences.models import Licence
from zhengwu.notifications.services import sms_send
from zhengwu.registry.constants import Status as RegistryStatus
from zhengwu.registry.models import MarketEntity
from zhengwu.uploads.models import UploadKind
from zhengwu.uploads.services import upload_attach, upload_store
from zhengwu.workdays.services import add_working_days, working_days_between

from . import constants as c
from . import permissions, results
from .constants import ApplicantKind, Decision, Handler, Rating, Status
from .formschema import clean_form
from .models import (
    Application,
    ApplicationMaterial,
    Evaluation,
    Extension,
    Material,
    ServiceItem,
    Suspension,
)


class StaleCase(IllegalTransition):
    code = "application.stale"
    message = "该办件已被他人处理，请刷新后再操作"


def _today() -> datetime.date:
    return timezone.localdate()


def _reason(text: str, *, label: str, field: str = "reason") -> str:
    value = (text or "").strip()
    if not value:
        raise ValidationFailed(f"请填写{label}", code=f"{field}.required", field=field)
    if len(value) > 2000:
        raise ValidationFailed(f"{label}不能超过 2000 个字", code=f"{field}.too_long", field=field)
    return value


# --- known facts (never asked again) -----------------------------------------------------------


_NOT_READ: Any = object()


def known_facts(
    *, user: Any, organisation: Organisation | None, register: Any = _NOT_READ
) -> dict[str, str]:
    """What the portal already knows of the applicant: the unit from the register and the
    account, the person from the account (SVC-2: filled in, not asked again). ``register`` is
    the unit's (name, region code) in the register when the caller read it already (``None``:
    not in the register)."""
    facts = {"user.real_name": user.real_name or "", "user.mobile": user.mobile or ""}
    if organisation is not None:
        facts |= {
            "organisation.name": organisation.name,
            "organisation.uscc": organisation.uscc or "",
            "organisation.legal_rep_name": organisation.legal_rep_name,
        }
        entity = (
            MarketEntity.objects.filter(uscc=organisation.uscc or "")
            .values_list("name", "region_code")
            .first()
            if register is _NOT_READ
            else register
        )
        if entity is not None:
            facts |= {"organisation.name": entity[0], "register.region_code": entity[1]}
    return facts


def _register_read(application: Application) -> Any:
    """The unit's (name, region code) in the register if read with the case (``register_entry``,
    a JSON pair), else not read."""
    entry = getattr(application, "register_entry", _NOT_READ)
    if entry is _NOT_READ or entry is None:
        return entry
    return (entry[0], entry[1])


def _entity_status(organisation: Organisation | None) -> str | None:
    if organisation is None or not organisation.uscc:
        return None
    return (
        MarketEntity.objects.filter(uscc=organisation.uscc).values_list("status", flat=True).first()
    )


# --- the applicant -----------------------------------------------------------------------------


def application_start(
    *, actor: User, item: ServiceItem, organisation: Organisation | None = None
) -> Application:
    """Open a draft (暂存) of ``item`` for the account, for ``organisation`` when a unit applies.

    A unit applies only through a membership; a unit deregistered (注销) or revoked in the
    register cannot apply; an item for persons only takes natural-person accounts.
    """
    if not item.is_published:
        raise NotFound("事项不存在")
    if organisation is None:
        if (
            actor.kind != User.Kind.NATURAL_PERSON
            or item.applicant_kind == ApplicantKind.LEGAL_PERSON
        ):
            raise PermissionDenied(
                f"“{item.name}”须以法人账号为单位申请", code="application.legal_person_only"
            )
    else:
        from .selectors import organisations_for_applicant

        if organisation not in organisations_for_applicant(actor):
            raise NotFound("单位不存在")
        if item.applicant_kind == ApplicantKind.NATURAL_PERSON:
            raise PermissionDenied(
                f"“{item.name}”须以个人账号申请", code="application.natural_person_only"
            )
        status = _entity_status(organisation)
        if status is not None and status != RegistryStatus.ACTIVE:
            label = RegistryStatus(status).label
            raise PermissionDenied(
                f"{organisation.name}的登记状态为“{label}”，不能申请办理",
                code="application.entity_inactive",
            )
    with transaction.atomic():
        application = Application.objects.create(
            item=item,
            department=item.department,
            applicant=actor,
            organisation=organisation,
            applicant_name=organisation.name if organisation else actor.real_name,
            applicant_uscc=(organisation.uscc or "") if organisation else "",
        )
        record_event(
            c.EVENT_DRAFT_SAVED, actor=actor, subject=application, after={"item": item.code}
        )
    return application


def _own_draft(
    application: Application,
    actor: User,
    *states: str,
    base: QuerySet[Application] | None = None,
) -> Application:
    """The case re-read for ``actor`` (404 for strangers) with what a step needs joined in
    (item, department, organisation; the applicant is ``actor`` in the usual case)."""
    if actor.is_staff:
        helped = (
            (base if base is not None else Application.objects)
            .select_related("item", "department", "organisation", "applicant")
            .filter(pk=application.pk, helped_by=actor)
            .first()
        )
    else:
        helped = None
    # 404 for strangers; the window staff member who helps (帮办) edits the draft too
    if helped is not None:
        application = helped
        if application.status not in (states or (Status.DRAFT,)):
            raise _not_editable(application)
        return application
    found = (
        (base if base is not None else Application.objects)
        .select_related("item", "department", "organisation")
        .filter(pk=application.pk)
        .first()
    )
    return _own_found(found, actor, *states)


def _not_editable(application: Application) -> IllegalTransition:
    return IllegalTransition(
        f"办件当前状态为“{application.get_status_display()}”，不能修改",
        code="application.not_editable",
    )


def _own_found(found: Application | None, actor: User, *states: str) -> Application:
    """The case read for ``actor`` if it is theirs (404 for strangers) and in ``states``."""
    from .selectors import CLAIM_ROLES

    # the rule of ``selectors.applications_for_user`` (one read, the membership only when
    # the account is not the applicant): its own cases and those of the units it acts for
    if found is None or not (
        found.applicant_id == actor.pk
        or (
            found.organisation_id is not None
            and Membership.objects.filter(
                user=actor,
                organisation_id=found.organisation_id,
                is_active=True,
                role__in=CLAIM_ROLES,
            ).exists()
        )
    ):
        raise Http404
    application = found
    if application.applicant_id == actor.pk:
        application.applicant = actor  # the same row: no second read of the account
    if application.status not in (states or (Status.DRAFT,)):
        raise _not_editable(application)
    return application


def application_save(*, actor: User, application: Application, data: dict[str, Any]) -> Application:
    """暂存: keep what is filled in (each filled field checked, required ones not yet)."""
    application = _own_draft(application, actor, Status.DRAFT, Status.CORRECTION)
    known = known_facts(user=application.applicant, organisation=application.organisation)
    cleaned = clean_form(application.item.form_schema, data, known=known, partial=True)
    Application.objects.filter(pk=application.pk).update(form_data=cleaned)
    application.form_data = cleaned
    return application


def _material_of(application: Application, material_id: int) -> Material:
    material = Material.objects.filter(pk=material_id, item_id=application.item_id).first()
    if material is None:
        raise ValidationFailed("材料不属于该事项", code="material.unknown", field="material")
    return material


def application_attach_file(
    *, actor: User, application: Application, material_id: int, file: Any
) -> ApplicationMaterial:
    """Upload one material; the file is checked by its content (``uploads``), whatever its
    name or declared type says, and replaces the earlier one."""
    application = _own_draft(application, actor, Status.DRAFT, Status.CORRECTION)
    material = _material_of(application, material_id)
    upload = upload_store(
        file=file,
        kind=UploadKind.OTHER,
        actor=actor,
        field=f"material_{material.pk}",
        label=material.name,
    )
    with transaction.atomic():
        upload_attach(upload=upload, subject=application, actor=actor)
        ApplicationMaterial.objects.filter(application=application, material=material).delete()
        return ApplicationMaterial.objects.create(
            application=application, material=material, upload=upload
        )


def licences_for_material(*, application: Application, material: Material) -> list[Licence]:
    """The valid electronic licences of the applicant unit that stand in for ``material``."""
    if not material.licence_type or not application.applicant_uscc:
        return []
    today = _today()
    return [
        licence
        for licence in Licence.objects.filter(
            holder_uscc=application.applicant_uscc,
            licence_type=material.licence_type,
            status=LicenceStatus.VALID,
        )
        if licence.valid_until is None or licence.valid_until >= today
    ]


def application_attach_licence(
    *, actor: User, application: Application, material_id: int, licence_id: int
) -> ApplicationMaterial:
    """电子证照免提交 (SVC-2a): a licence the unit holds stands in for the material."""
    application = _own_draft(application, actor, Status.DRAFT, Status.CORRECTION)
    material = _material_of(application, material_id)
    field = f"material_{material.pk}"
    licence = next(
        (
            x
            for x in licences_for_material(application=application, material=material)
            if x.pk == licence_id
        ),
        None,
    )
    if licence is None:
        raise ValidationFailed(
            f"{material.name}：所选电子证照不可用", code="material.licence_unavailable", field=field
        )
    with transaction.atomic():
        ApplicationMaterial.objects.filter(application=application, material=material).delete()
        return ApplicationMaterial.objects.create(
            application=application, material=material, licence=licence
        )


def _missing_materials(item_id: Any, application_id: Any) -> QuerySet[Material]:
    """The item's required materials not attached to the case, in the guide's order."""
    return (
        Material.objects.filter(item_id=item_id, is_required=True)
        .exclude(
            pk__in=ApplicationMaterial.objects.filter(application_id=application_id).values(
                "material_id"
            )
        )
        .order_by("order", "pk")
    )


def _check_materials(application: Application) -> None:
    """Every required material is attached (uploaded or a licence standing in): the first
    one missing is named. Read with the case by ``application_submit_by_id`` (annotation
    ``missing_material_id``), else one query."""
    missing_id = getattr(application, "missing_material_id", _NOT_READ)
    if missing_id is not _NOT_READ:
        # the name only when one is missing (the refusal's message): one subquery, not two
        missing = (
            (
                missing_id,
                Material.objects.filter(pk=missing_id).values_list("name", flat=True).first() or "",
            )
            if missing_id is not None
            else None
        )
    else:
        missing = (
            _missing_materials(application.item_id, application.pk)
            .values_list("pk", "name")
            .first()
        )
    if missing is not None:
        pk, name = missing
        raise ValidationFailed(f"请提交{name}", code="material.required", field=f"material_{pk}")


def _notify(application: Application, template: str, actor: Any, **params: Any) -> None:
    mobile = application.applicant.mobile
    if not mobile:
        return
    sms_send(
        mobile=mobile,
        template=template,
        params={"item": application.item.name, "number": application.number, **params},
        actor=actor,
        subject=application,
    )


def _new_number() -> str:
    today = _today()  # its fields, not ``strftime``: the same digits at a fifth of the cost
    return f"{today.year:04d}{today.month:02d}{today.day:02d}{secrets.randbelow(10**8):08d}"


def application_submit(
    *, actor: User, application: Application, data: dict[str, Any]
) -> Application:
    """提交 a draft: the full form check and the required materials, then 待受理 with a case
    number. A second submission of the same draft finds it no longer a draft and is refused,
    so one draft makes one case (the move is a conditional update; numbers are unique)."""
    return _submit_draft(actor, _own_draft(application, actor), data)


def _submit_base() -> QuerySet[Application]:
    """Cases with what 提交 checks read in the same statement: the first required material not
    attached (``missing_material_id``) and the unit's name and region in the register
    (``register_entry``, a JSON pair: one lookup of the register, not one per column)."""
    missing = _missing_materials(OuterRef("item_id"), OuterRef(OuterRef("pk")))
    entity = MarketEntity.objects.filter(uscc=OuterRef("organisation__uscc"))
    return Application.objects.annotate(
        missing_material_id=Subquery(missing.values("pk")[:1]),
        register_entry=Subquery(
            entity.values(entry=JSONArray("name", "region_code"))[:1], output_field=JSONField()
        ),
    )


#: What 提交 never reads of the item and the unit: the guide's texts, and the legal
#: representative's ID number (not decrypted on every submission).
_SUBMIT_UNREAD = (
    "item__conditions",
    "item__process",
    "item__fee",
    "item__legal_basis",
    "item__contacts",
    "item__address",
    "item__search_text",
    "organisation__legal_rep_id_number",
    "organisation__legal_rep_id_number_hash",
)
#: The one read of 提交 (``_submit_base`` with item, department, organisation and the applicant's
#: account joined: usually the signed-in account itself, see ``submit_read``), compiled once
#: per connection: building it was most of the request's CPU.
_SUBMIT_READ = CompiledQuery(
    lambda pk: (
        _submit_base()
        .select_related("item", "department", "organisation", "applicant")
        .defer(*_SUBMIT_UNREAD)
        .filter(pk=pk)[:1]
    ),
    pk=int,
)


def submit_read(*, pk: int) -> Application | None:
    """The case ``pk`` as 提交 reads it, its applicant's account joined, for nobody in
    particular: the caller (the API's authentication of 提交) passes it on to
    ``application_submit_by_id``, which decides whose it is."""
    found: Application | None = _SUBMIT_READ.first(pk=pk)
    return found


def application_submit_by_id(
    *, actor: User, pk: int, data: dict[str, Any], read: Any = _NOT_READ
) -> Application:
    """提交 (or resubmit after 补正) the case ``pk`` of ``actor``: the API's one read of the
    case serves the check, the step and the reply (docs/performance.md, 提交). ``read``: the
    case as ``submit_read(pk=pk)`` returned it (``None``: no such case), when the caller read
    it already."""
    states = (Status.DRAFT, Status.CORRECTION)
    if actor.is_staff:  # 帮办: the window staff member's drafts too
        application = _own_draft(Application(pk=pk), actor, *states, base=_submit_base())
    else:
        found = submit_read(pk=pk) if read is _NOT_READ else read
        if found is not None and found.pk != pk:
            raise ValueError("the case read is not the case submitted")
        application = _own_found(found, actor, *states)
    if application.status == Status.CORRECTION:
        return application_resubmit(actor=actor, application=application, data=data)
    return _submit_draft(actor, application, data)


def _submit_draft(actor: User, application: Application, data: dict[str, Any]) -> Application:
    known = known_facts(
        user=application.applicant,
        organisation=application.organisation,
        register=_register_read(application),
    )
    cleaned = clean_form(application.item.form_schema, data, known=known)
    _check_materials(application)
    if application.item.handler == Handler.DEREGISTRATION:
        from .entities import notice_period_check

        notice_period_check(application)
    if application.helped_by_id and application.assist_confirmed_at is None:
        raise PermissionDenied(
            "帮办的申请须由单位以短信验证码确认后提交", code="application.not_confirmed"
        )
    # On PostgreSQL the step's writes (the case, its history and audit rows, the SMS) are one
    # statement (``sqlcache.combined``, decision 0031; the SMS's task row, portal copy and
    # audit event left it with decisions 0034 and 0035); the ordinary transaction when they
    # cannot be (nothing is written then).
    combine = sqlcache.combinable()
    attempts = 0
    while attempts < 3:
        try:
            with sqlcache.combined() if combine else transaction.atomic():
                transition(
                    application,
                    Status.SUBMITTED,
                    actor=actor,
                    changes={
                        "form_data": cleaned,
                        "number": _new_number(),
                        "submitted_at": timezone.now(),
                    },
                )
                _notify(application, "application.submitted", actor)
            return application
        except IntegrityError:  # a number taken in the meantime: draw again
            attempts += 1
        except sqlcache.NotCombined:  # nothing written: the ordinary transaction
            combine = False
    raise IllegalTransition("办件编号生成失败，请重试", code="application.number")


def application_withdraw(*, actor: User, application: Application) -> Application:
    """Withdraw before acceptance (待受理 only)."""
    application = _own_draft(application, actor, Status.SUBMITTED)
    return transition(application, Status.WITHDRAWN, actor=actor)


def application_resubmit(
    *, actor: User, application: Application, data: dict[str, Any]
) -> Application:
    """Resubmit after 补正: the clock restarts and the planned end moves by the working days
    the case stood still (SVC-2a)."""
    application = _own_draft(application, actor, Status.CORRECTION)
    known = known_facts(user=application.applicant, organisation=application.organisation)
    cleaned = clean_form(application.item.form_schema, data, known=known)
    _check_materials(application)
    today = _today()
    with transaction.atomic():
        suspension = Suspension.objects.select_for_update().get(
            application=application, ended_on__isnull=True
        )
        days = working_days_between(suspension.started_on, today)
        suspension.ended_on, suspension.working_days = today, days
        suspension.save(update_fields=["ended_on", "working_days"])
        back_to = Status.ACCEPTED if application.accepted_on else Status.SUBMITTED
        due = add_working_days(application.due_on, days) if application.due_on else None
        transition(
            application,
            back_to,
            actor=actor,
            reason=f"补正后重新提交，暂停 {days} 个工作日",
            changes={
                "form_data": cleaned,
                "due_on": due,
                "suspended_on": None,
                "suspended_days": application.suspended_days + days,
                "version": application.version + 1,
            },
        )
    return application


# --- the department ----------------------------------------------------------------------------


def _locked_case(
    application: Application, version: int, actor: User, *, decide: bool = False
) -> Application:
    check = permissions.can_decide if decide else permissions.can_handle
    if not check(actor) or not permissions.can_work_on(actor, application.department_id):
        raise PermissionDenied()
    locked = (
        Application.objects.select_for_update()
        .select_related("item", "applicant")
        .get(pk=application.pk)
    )
    if locked.version != version:
        raise StaleCase()
    return locked


def application_accept(*, actor: User, application: Application, version: int) -> Application:
    """受理: the clock starts; the promised end is that many working days later (CAL-1)."""
    today = _today()
    with transaction.atomic():
        case = _locked_case(application, version, actor)
        due = add_working_days(today, case.item.promised_days)
        if case.item.handler == Handler.ENTERPRISE_OPENING:
            from .fanout import tasks_create

            tasks_create(case, due_on=due)
        transition(
            case,
            Status.ACCEPTED,
            actor=actor,
            changes={
                "accepted_on": today,
                "accepted_by": actor,
                "due_on": due,
                "version": case.version + 1,
            },
        )
        _notify(case, "application.accepted", actor, due=f"{due:%Y年%m月%d日}")
    return case


def application_not_accept(
    *, actor: User, application: Application, version: int, reason: str
) -> Application:
    """不予受理, with the reason the applicant reads."""
    text = _reason(reason, label="不予受理理由")
    with transaction.atomic():
        case = _locked_case(application, version, actor)
        transition(
            case,
            Status.NOT_ACCEPTED,
            actor=actor,
            reason=text,
            changes={"decision_reason": text, "version": case.version + 1},
        )
        _notify(case, "application.not_accepted", actor, reason=text[:60])
    return case


def application_request_correction(
    *, actor: User, application: Application, version: int, notice: str
) -> Application:
    """补正 (一次性告知): one notice listing everything to correct; the clock stops."""
    text = _reason(notice, label="补正告知内容", field="notice")
    today = _today()
    with transaction.atomic():
        case = _locked_case(application, version, actor)
        transition(
            case,
            Status.CORRECTION,
            actor=actor,
            reason=text,
            changes={
                "correction_notice": text,
                "suspended_on": today,
                "version": case.version + 1,
            },
        )
        Suspension.objects.create(application=case, reason=text, started_on=today, created_by=actor)
        _notify(case, "application.correction", actor)
    return case


def application_extend(
    *, actor: User, application: Application, version: int, days: int, reason: str
) -> Application:
    """延长 the time limit by ``days`` working days; only a person with that right."""
    if not permissions.can_extend(actor):
        raise PermissionDenied("您没有延长办理时限的权限", code="application.extend_denied")
    text = _reason(reason, label="延长理由")
    if not isinstance(days, int) or not 1 <= days <= 60:
        raise ValidationFailed("延长天数应为 1 至 60 个工作日", code="days.invalid", field="days")
    with transaction.atomic():
        case = _locked_case(application, version, actor)
        if case.status != Status.ACCEPTED or case.due_on is None:
            raise IllegalTransition("只有审查中的办件可以延长时限", code="application.not_running")
        due = add_working_days(case.due_on, days)
        Application.objects.filter(pk=case.pk).update(
            due_on=due, extended_days=case.extended_days + days, version=case.version + 1
        )
        Extension.objects.create(application=case, days=days, reason=text, granted_by=actor)
        record_event(
            c.EVENT_EXTENDED,
            actor=actor,
            subject=case,
            before={"due_on": case.due_on.isoformat()},
            after={"due_on": due.isoformat(), "days": days, "reason": text},
        )
        case.due_on, case.version = due, case.version + 1
    return case


def application_decide(
    *, actor: User, application: Application, version: int, decision: str, reason: str = ""
) -> Application:
    """准予 / 不予 after review. Where the item says so, the acceptor may not decide."""
    if decision not in Decision.values:
        raise ValidationFailed("请选择准予或不予", code="decision.invalid", field="decision")
    text = (reason or "").strip()
    if decision == Decision.DENY:
        text = _reason(reason, label="不予许可理由")
    with transaction.atomic():
        case = _locked_case(application, version, actor, decide=True)
        if case.tasks.filter(done_at__isnull=True).exists():
            raise IllegalTransition(
                "并联任务尚未全部办结，不能作出决定", code="application.tasks_open"
            )
        if case.item.needs_separate_decider and case.accepted_by_id == actor.pk:
            raise PermissionDenied(
                "本事项的决定须由受理人以外的人员作出", code="application.same_person"
            )
        to = Status.APPROVED if decision == Decision.APPROVE else Status.DENIED
        transition(
            case,
            to,
            actor=actor,
            reason=text,
            changes={
                "decision": decision,
                "decision_reason": text,
                "decided_by": actor,
                "version": case.version + 1,
            },
        )
    return case


def application_complete(*, actor: User, application: Application, version: int) -> Application:
    """办结: issue the result of an approved case (licence in 我的证照 …) and tell the applicant."""
    with transaction.atomic():
        case = _locked_case(application, version, actor)
        complete_locked(case, actor=actor)
    return case


def complete_locked(case: Application, *, actor: Any) -> Application:
    """办结 of a case already locked and checked by the caller (the desk, or the last task of
    a fanned-out case)."""
    licence = None
    if case.status == Status.APPROVED:
        licence = results.issue(case, actor=actor)
    transition(
        case,
        Status.COMPLETED,
        actor=actor,
        changes={
            "completed_at": timezone.now(),
            "result_licence": licence,
            "version": case.version + 1,
        },
    )
    outcome = "准予" if case.decision == Decision.APPROVE else "不予许可"
    _notify(case, "application.completed", actor, result=outcome)
    return case


# --- 好差评 (SVC-2b) ----------------------------------------------------------------------------


def evaluation_create(
    *, actor: User, application: Application, rating: Any, comment: str = ""
) -> Evaluation:
    """Rate a completed case once (非常满意 … 非常不满意); a comment for the two lowest grades."""
    from .selectors import application_get_for_user

    application = application_get_for_user(actor, application.pk)
    if application.status != Status.COMPLETED:
        raise IllegalTransition("办结后才能评价", code="evaluation.not_completed")
    try:
        grade = Rating(int(rating))
    except (TypeError, ValueError):
        raise ValidationFailed("请选择评价等级", code="rating.invalid", field="rating") from None
    text = (comment or "").strip()
    if grade in c.RATINGS_NEEDING_COMMENT and not text:
        raise ValidationFailed(
            "选择“不满意”或“非常不满意”时请填写评价内容", code="comment.required", field="comment"
        )
    if len(text) > 500:
        raise ValidationFailed(
            "评价内容不能超过 500 个字", code="comment.too_long", field="comment"
        )
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(
                application=application, rating=grade, comment=text
            )
            record_event(
                c.EVENT_RATED, actor=actor, subject=application, after={"rating": int(grade)}
            )
    except IntegrityError:  # one per case (one-to-one column), also under a double click
        raise IllegalTransition("该办件已评价", code="evaluation.exists") from None
    return evaluation
