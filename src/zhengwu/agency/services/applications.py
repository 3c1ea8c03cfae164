"""Applications of agency units (AG-5 … AG-8): the unit's side (start, 暂存, 提交, 删除申报材料)
and the authority's (受理/不予受理, 复核, 通知, 打印). Every state change goes through
``core.workflow.transition``; SMS go to the 领取人 of the unit's live login image."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, Final

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from zhengwu.audit.services import record_event
from zhengwu.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from zhengwu.core.models import Transition
from zhengwu.core.workflow import history, transition
from zhengwu.notifications.services import sms_send
from zhengwu.workdays.errors import CalendarNotCovered
from zhengwu.workdays.selectors import add_working_days

from ..errors import UnitRevoked
from ..models import (
    CHANGEABLE_FIELDS,
    ONLINE_ITEMS,
    AgencyUnit,
    Application,
    Article,
    Item,
    LoginImage,
)
from . import attachments
from .importing import row_hash

S = Application.Status

#: AG-6: the materials each item needs (required when the certificate has a validity period).
MATERIALS: Final[dict[str, tuple[str, ...]]] = {
    Item.CHANGE: ("变更事项的批准文件",),
    Item.REISSUE: ("遗失声明", "情况说明"),
    Item.REPLACE: ("换领情况说明",),
    Item.REVOKE: ("撤销（撤并）的批准文件",),
}
#: Working days the authority has for each of its steps (shown in the back office, CAL-1).
DEADLINE_DAYS: Final[dict[str, int]] = {
    S.PENDING: 5,
    S.IN_REVIEW: 3,
    S.REVIEW_RETURNED: 3,
    S.TO_NOTIFY: 2,
    S.TO_PRINT: 10,
}
FIELD_LIMITS: Final[dict[str, int]] = {"name": 200, "head": 100, "address": 300}
REASON_MAX: Final = 500
REPLY_MAX: Final = 500
UNIT_ACTOR: Final = "agency_unit"


# --- reading ----------------------------------------------------------------------------------
def open_application(unit: AgencyUnit) -> Application | None:
    return unit.applications.exclude(status=S.DONE).first()


def past_applications(unit: AgencyUnit) -> list[Application]:
    return list(unit.applications.filter(status=S.DONE))


def progress(application: Application) -> list[Transition]:
    return list(history(application).order_by("at", "pk"))


def latest_reply(application: Application) -> str:
    return application.reply


def deadline(application: Application) -> datetime.date | None:
    """The working-day deadline of the authority's current step (CAL-1), or ``None``."""
    days = DEADLINE_DAYS.get(application.status)
    if days is None:
        return None
    entered = (
        history(application)
        .filter(to_state=application.status)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    start = timezone.localdate(entered) if entered else timezone.localdate()
    try:
        return add_working_days(start, days)
    except CalendarNotCovered:  # the database check check_calendar_coverage reports it
        return None


def missing_materials(application: Application) -> list[str]:
    """AG-6: materials still to upload; none when the certificate is long-term."""
    if application.unit.is_long_term:
        return []
    present = set(application.attachments.values_list("material", flat=True))
    return [m for m in MATERIALS[application.item] if m not in present]


# --- the unit's side --------------------------------------------------------------------------
def start(unit: AgencyUnit, item: str) -> Application:
    """Open an application for ``item``; one open application per unit (DB constraint)."""
    if not unit.is_active:
        raise UnitRevoked("该单位的统一社会信用代码已撤销，不能再申请办理业务")
    if item not in ONLINE_ITEMS:
        raise ValidationFailed(
            "申请初领和证书延期需要现场办理", code="agency.item.on_site", field="item"
        )
    existing = open_application(unit)
    if existing is not None:
        raise IllegalTransition(
            f"本单位已有正在办理的{existing.get_item_display()}（{existing.get_status_display()}），"
            "同一时间只能办理一项申请",
            code="agency.application.open_exists",
        )
    try:
        with transaction.atomic():
            application = Application.objects.create(unit=unit, item=item)
            record_event("agency.application.started", actor=UNIT_ACTOR, subject=application)
    except IntegrityError:
        raise IllegalTransition(
            "本单位已有正在办理的申请，同一时间只能办理一项申请",
            code="agency.application.open_exists",
        ) from None
    return application


def _clean_changes(unit: AgencyUnit, changes: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in changes.items():
        if key not in CHANGEABLE_FIELDS:
            raise ValidationFailed(
                f"“{key}”不是可变更的事项", code="agency.change.field", field=key
            )
        label = CHANGEABLE_FIELDS[key]
        value = (value or "").strip()
        if not value:
            raise ValidationFailed(
                f"请填写变更后的{label}", code="agency.change.empty", field=f"new_{key}"
            )
        if len(value) > FIELD_LIMITS[key]:
            raise ValidationFailed(
                f"变更后的{label}不能超过 {FIELD_LIMITS[key]} 个字",
                code="agency.change.too_long",
                field=f"new_{key}",
            )
        if value == getattr(unit, key):
            raise ValidationFailed(
                f"变更后的{label}与登记的{label}相同", code="agency.change.same", field=f"new_{key}"
            )
        out[key] = value
    return out


def _locked_editable(application: Application, what: str) -> Application:
    locked = Application.objects.select_for_update().select_related("unit").get(pk=application.pk)
    if not locked.is_editable:
        raise IllegalTransition(
            f"申请已提交（当前状态：{locked.get_status_display()}），不能{what}",
            code="agency.application.locked",
        )
    if not locked.unit.is_active:
        raise UnitRevoked("该单位的统一社会信用代码已撤销，不能再办理业务")
    return locked


def save_draft(
    application: Application,
    *,
    version: int,
    reason: str = "",
    changes: dict[str, str] | None = None,
) -> Application:
    """暂存: save the entry form. ``version`` is the version the form was loaded with; a
    save from an older page (another tab saved in between) is refused, nothing written."""
    with transaction.atomic():
        locked = _locked_editable(application, "修改")
        reason = (reason or "").strip()
        if len(reason) > REASON_MAX:
            raise ValidationFailed(
                f"申请理由不能超过 {REASON_MAX} 个字", code="agency.reason.too_long", field="reason"
            )
        clean = _clean_changes(locked.unit, changes or {}) if locked.item == Item.CHANGE else {}
        updated = Application.objects.filter(pk=locked.pk, version=version).update(
            reason=reason, changes=clean, version=F("version") + 1, updated_at=timezone.now()
        )
        if updated != 1:
            raise IllegalTransition(
                "申请已在其他窗口修改并保存，请刷新页面后再修改",
                code="agency.application.stale",
            )
        record_event(
            "agency.application.saved",
            actor=UNIT_ACTOR,
            subject=locked,
            after={"fields": sorted(clean), "reason": bool(reason)},
        )
    application.refresh_from_db()
    return application


def submit(application: Application) -> Application:
    """提交: the saved form must be complete and, for a certificate with a validity period,
    every material attached (AG-6)."""
    with transaction.atomic():
        locked = _locked_editable(application, "重复提交")
        if locked.item == Item.CHANGE:
            if not locked.changes:
                raise ValidationFailed(
                    "请至少选择一项变更事项，填写变更后的内容并暂存后再提交",
                    code="agency.change.none",
                    field="changes",
                )
        elif not locked.reason:
            raise ValidationFailed(
                "请填写申请理由并暂存后再提交", code="agency.reason.required", field="reason"
            )
        missing = missing_materials(locked)
        if missing:
            raise ValidationFailed(
                f"本单位的统一社会信用代码证书有有效期，提交前请上传附件：{'、'.join(missing)}",
                code="agency.attachments.required",
                field="attachments",
            )
        transition(
            locked,
            S.PENDING,
            actor=UNIT_ACTOR,
            event_type="agency.application.submitted",
            changes={"submitted_at": timezone.now()},
        )
    application.refresh_from_db()
    return application


def delete(application: Application) -> None:
    """AG-8 删除申报材料: the whole current application and its attachments, while it is
    未提交 or 未通过."""
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if not locked.is_editable:
            raise IllegalTransition(
                f"申请已提交赋码机关办理（当前状态：{locked.get_status_display()}），"
                "不能删除申报材料；如需撤回请联系赋码机关",
                code="agency.application.not_deletable",
            )
        names = list(locked.attachments.values_list("storage_name", flat=True))
        record_event(
            "agency.application.deleted",
            actor=UNIT_ACTOR,
            subject=locked,
            after={"item": locked.item, "attachments": len(names)},
        )
        Transition.objects.filter(
            subject_type=Application._meta.label_lower, subject_id=str(locked.pk)
        ).delete()
        locked.delete()
        transaction.on_commit(lambda: attachments.delete_files(names))


# --- the authority's side ---------------------------------------------------------------------
def _reply(text: str, *, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationFailed("请填写回复信息", code="agency.reply.required", field="reply")
    if len(text) > REPLY_MAX:
        raise ValidationFailed(
            f"回复信息不能超过 {REPLY_MAX} 个字", code="agency.reply.too_long", field="reply"
        )
    return text


def _recipient(unit: AgencyUnit) -> str | None:
    image = LoginImage.objects.filter(unit=unit, revoked_at__isnull=True).first()
    return image.recipient_mobile if image else None


def _sms(application: Application, template: str, actor: Any, **params: Any) -> None:
    mobile = _recipient(application.unit)
    if mobile:
        sms_send(
            mobile=mobile,
            template=template,
            params={
                "organisation": application.unit.name,
                "item": application.get_item_display().removeprefix("申请"),
                **params,
            },
            actor=actor,
            subject=application,
        )


def accept(application: Application, *, actor: Any, reply: str = "") -> Application:
    """受理 (待受理 → 待复核; also 复核退回 → 待复核 after correcting)."""
    text = _reply(reply, required=False)
    with transaction.atomic():
        if application.status == S.REVIEW_RETURNED and application.accepted_by_id != actor.pk:
            raise PermissionDenied(
                "复核退回的申请由原受理人重新受理", code="agency.accept.not_acceptor"
            )
        transition(
            application,
            S.IN_REVIEW,
            actor=actor,
            reason=text,
            event_type="agency.application.accepted",
            changes={
                "accepted_by": actor,
                "accepted_at": timezone.now(),
                "reply": text or "申请已受理，正在复核。",
            },
        )
        _sms(application, "agency_coding.accepted", actor)
    return application


def refuse(application: Application, *, actor: Any, reply: str) -> Application:
    """不予受理 (→ 未通过): the unit edits according to the reply and resubmits."""
    text = _reply(reply, required=True)
    with transaction.atomic():
        transition(
            application,
            S.REJECTED,
            actor=actor,
            reason=text,
            event_type="agency.application.refused",
            changes={"reply": text},
        )
        _sms(application, "agency_coding.returned", actor, reason=text[:60])
    return application


def review(application: Application, *, actor: Any, approve: bool, reply: str = "") -> Application:
    """复核 by a second person: 通过 → 待通知, 退回 → 复核退回 (back to the acceptor)."""
    text = _reply(reply, required=not approve)
    if application.accepted_by_id == actor.pk:
        raise PermissionDenied("复核须由受理人以外的工作人员办理", code="agency.review.same_person")
    with transaction.atomic():
        transition(
            application,
            S.TO_NOTIFY if approve else S.REVIEW_RETURNED,
            actor=actor,
            reason=text,
            event_type="agency.application.reviewed"
            if approve
            else "agency.application.review_returned",
            changes={"reviewed_by": actor},
        )
    return application


def notify(application: Application, *, actor: Any, reply: str = "") -> Application:
    """通知 (→ 待打印): tells the unit to send the signed, stamped form (SMS)."""
    text = _reply(reply, required=False) or (
        f"申请已复核通过。请点击“下载表格”下载《{application.form_title}》，"
        f"签字盖章后面交或邮寄至{application.unit.authority}。"
    )
    with transaction.atomic():
        transition(
            application,
            S.TO_PRINT,
            actor=actor,
            reason=text,
            event_type="agency.application.notified",
            changes={"reply": text},
        )
        _sms(
            application,
            "agency_coding.to_print",
            actor,
            form=application.form_title,
            authority=application.unit.authority,
        )
    return application


@dataclass
class Completed:
    application: Application
    licence: Any


def complete(application: Application, *, actor: Any) -> Completed:
    """打印: completes the case — the register changes (变更), a new certificate number (补领,
    换领), or the unit is 已撤销 and its login image revoked (撤销); a notice is published for
    补领 and 撤销; the certificate is issued as an electronic licence (not for 撤销)."""
    from zhengwu.licences.constants import LicenceType
    from zhengwu.licences.models import Licence
    from zhengwu.licences.services import licence_issue, licence_revoke

    from . import login

    licence = None
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        unit = AgencyUnit.objects.select_for_update().get(pk=locked.unit_id)
        before = {k: getattr(unit, k) for k in (*CHANGEABLE_FIELDS, "certificate_number")}
        if locked.status != S.TO_PRINT:
            raise IllegalTransition(
                f"当前状态为“{locked.get_status_display()}”，不能打印办结",
                code="illegal_transition",
            )
        new_number = ""
        if locked.item == Item.CHANGE:
            for key, value in locked.changes.items():
                setattr(unit, key, value)
            unit.certificate_version += 1
        elif locked.item in (Item.REISSUE, Item.REPLACE):
            new_number = f"{unit.region_code}{timezone.localdate():%y}{locked.pk:08d}"
            unit.certificate_number = new_number
            unit.certificate_version += 1
        else:  # 撤销
            unit.status = "revoked"
            for image in LoginImage.objects.filter(unit=unit, revoked_at__isnull=True):
                login.revoke_image(image, actor=actor, reason="单位统一社会信用代码已撤销")
        unit.row_hash = row_hash(
            {k: getattr(unit, k) for k in ("uscc", "name", "kind", "head", "address",
                                           "region_code", "authority", "valid_until",
                                           "certificate_number", "certificate_version",
                                           "status")}
        )  # fmt: skip
        unit.save()
        issuer = agency_issuer()
        for old in Licence.objects.filter(
            holder_uscc=unit.uscc,
            issuer=issuer,
            licence_type=LicenceType.CREDIT_CODE_CERTIFICATE,
            status="valid",
        ):
            licence_revoke(licence=old, reason=f"{locked.get_item_display()}办结", actor=actor)
        if locked.item != Item.REVOKE:
            licence = licence_issue(
                issuer=issuer,
                licence_type=LicenceType.CREDIT_CODE_CERTIFICATE,
                holder_uscc=unit.uscc,
                holder_name=unit.name,
                issued_on=timezone.localdate(),
                valid_until=unit.valid_until,
                number=f"{unit.certificate_number}-{unit.certificate_version}",
                particulars={
                    "证书编号": unit.certificate_number,
                    "类别": unit.get_kind_display(),
                    "负责人": unit.head,
                    "住所": unit.address,
                    "有效期": unit.validity_label,
                },
                source="staff",
                actor=actor,
            )
        transition(
            locked,
            S.DONE,
            actor=actor,
            event_type="agency.application.completed",
            changes={
                "completed_at": timezone.now(),
                "before": before,
                "new_certificate_number": new_number,
                "licence_identifier": licence.identifier if licence else "",
                "reply": "申请已办结。",
            },
        )
        if locked.item in (Item.REISSUE, Item.REVOKE):
            _publish_notice(locked, unit, actor)
    application.refresh_from_db()
    return Completed(application=application, licence=licence)


def _publish_notice(application: Application, unit: AgencyUnit, actor: Any) -> Article:
    from .articles import sanitise

    if application.item == Item.REISSUE:
        title = f"关于{unit.name}统一社会信用代码证书遗失补领的公告"
        body = (
            f"<p>{unit.name}（统一社会信用代码：{unit.uscc}）的统一社会信用代码证书遗失，"
            f"已申请补领。原证书（编号 {application.before.get('certificate_number', '')}）"
            f"自本公告发布之日起作废，新证书编号为 {unit.certificate_number}。</p>"
        )
    else:
        title = f"关于撤销{unit.name}统一社会信用代码的公告"
        body = (
            f"<p>经申请，{unit.name}（统一社会信用代码：{unit.uscc}）的统一社会信用代码"
            "自本公告发布之日起撤销，其统一社会信用代码证书同时作废。</p>"
        )
    body += f"<p>{unit.authority}</p>"
    article = Article.objects.create(
        category=Article.Category.NOTICE,
        title=title,
        body=sanitise(body),
        published_by=actor,
        application=application,
    )
    record_event("agency.notice.published", actor=actor, subject=article)
    return article


def agency_issuer() -> Any:
    """The issuer of the agencies' electronic credit-code certificates (the authority)."""
    from zhengwu.licences.models import Issuer

    code = getattr(settings, "ZHENGWU_AGENCY_ISSUER_USCC", "11330000MB0000019E")
    name = getattr(settings, "ZHENGWU_AGENCY_ISSUER_NAME", "机构编制委员会办公室（赋码机关）")
    issuer, _ = Issuer.objects.get_or_create(uscc=code, defaults={"name": name})
    return issuer
