"""AG-5 … AG-8: the application workflow, its refusals and its effects."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import TestCase

from zhengwu.agency.constants import UnitStatus
from zhengwu.agency.errors import UnitRevoked
from zhengwu.agency.models import Application, Article, Attachment, Item, LoginImage
from zhengwu.agency.services import applications as svc
from zhengwu.agency.services import attachments
from zhengwu.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from zhengwu.core.workflow import history
from zhengwu.licences.models import Licence
from zhengwu.licences.verification import licence_verify
from zhengwu.notifications.models import SmsMessage
from zhengwu.uploads.tests.samples import jpeg

from .conftest import issue, office_user
from .factories import AgencyUnitFactory

pytestmark = pytest.mark.django_db
S = Application.Status


def pdf() -> bytes:
    from zhengwu.documents.pdf import build_pdf

    return build_pdf(title="批准文件", paragraphs=["同意变更。"])


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.fixture
def acceptor(db):
    return office_user()


@pytest.fixture
def reviewer(db):
    return office_user()


def change_submitted(unit, staff) -> Application:
    issue(unit, staff)
    application = svc.start(unit, Item.CHANGE)
    svc.save_draft(application, version=1, changes={"name": "杭州市西湖区数据局"})
    if not unit.is_long_term:
        attachments.attach(
            application, material="变更事项的批准文件", file=upload("批准.pdf", pdf())
        )
    return svc.submit(application)


def test_full_change_case_changes_the_register_and_issues_a_licence(unit, acceptor, reviewer):
    application = change_submitted(unit, acceptor)
    svc.accept(application, actor=acceptor)
    svc.review(application, actor=reviewer, approve=True)
    svc.notify(application, actor=acceptor)
    assert application.status == S.TO_PRINT and "签字盖章" in application.reply
    done = svc.complete(application, actor=acceptor)
    unit.refresh_from_db()
    assert unit.name == "杭州市西湖区数据局" and unit.certificate_version == 2
    assert done.application.status == S.DONE
    assert [t.to_state for t in history(application)] == [
        S.PENDING, S.IN_REVIEW, S.TO_NOTIFY, S.TO_PRINT, S.DONE,
    ]  # fmt: skip
    licence = Licence.objects.get(identifier=done.application.licence_identifier)
    assert licence.holder_name == "杭州市西湖区数据局"
    assert licence_verify(identifier=licence.identifier).found
    codes = set(SmsMessage.objects.values_list("template_code", flat=True))
    assert {"agency_coding.accepted", "agency_coding.to_print"} <= codes
    assert not Article.objects.exists()  # no notice for a 变更


def test_submit_needs_attachments_with_a_validity_period_and_names_them(unit, acceptor):
    issue(unit, acceptor)
    application = svc.start(unit, Item.REISSUE)
    svc.save_draft(application, version=1, reason="证书遗失")
    with pytest.raises(ValidationFailed, match="遗失声明、情况说明") as exc:
        svc.submit(application)
    assert exc.value.code == "agency.attachments.required"
    application.refresh_from_db()
    assert application.status == S.DRAFT


def test_long_term_unit_submits_without_attachments(acceptor):
    unit = AgencyUnitFactory(long_term=True)
    issue(unit, acceptor)
    application = svc.start(unit, Item.REISSUE)
    svc.save_draft(application, version=1, reason="证书遗失")
    assert svc.submit(application).status == S.PENDING


def test_attachments_are_checked_by_content_and_encrypted(unit, acceptor):
    application = svc.start(unit, Item.CHANGE)
    with pytest.raises(ValidationFailed, match="JPEG 图片或 PDF"):
        attachments.attach(
            application, material="变更事项的批准文件", file=upload("a.pdf", b"<html>not pdf")
        )
    with pytest.raises(ValidationFailed, match="损坏"):
        attachments.attach(
            application, material="变更事项的批准文件", file=upload("b.pdf", b"%PDF-1.4 junk")
        )
    att = attachments.attach(
        application, material="变更事项的批准文件", file=upload("c.jpg", jpeg())
    )
    assert att.content_type == "image/jpeg"
    from django.core.files.storage import default_storage

    with default_storage.open(att.storage_name, "rb") as fh:
        raw = fh.read()
    assert not raw.startswith(b"\xff\xd8") and attachments.content_of(att).startswith(b"\xff\xd8")
    assert Attachment.objects.count() == 1


def test_editing_after_submit_is_refused(unit, acceptor):
    application = change_submitted(unit, acceptor)
    with pytest.raises(IllegalTransition, match="不能修改") as exc:
        svc.save_draft(application, version=application.version, changes={"head": "赵六"})
    assert exc.value.code == "agency.application.locked"


def test_two_tabs_saving_the_same_draft(unit):
    application = svc.start(unit, Item.CHANGE)
    svc.save_draft(application, version=1, changes={"head": "赵六"})  # tab 1
    with pytest.raises(IllegalTransition, match="其他窗口") as exc:  # tab 2, loaded at version 1
        svc.save_draft(application, version=1, changes={"head": "钱七"})
    assert exc.value.code == "agency.application.stale"
    application.refresh_from_db()
    assert application.changes == {"head": "赵六"}


def test_one_open_application_per_unit(unit):
    svc.start(unit, Item.CHANGE)
    with pytest.raises(IllegalTransition, match="同一时间只能办理一项"):
        svc.start(unit, Item.REPLACE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(unit=unit, item=Item.REPLACE)


def test_same_person_cannot_accept_and_review(unit, acceptor):
    application = change_submitted(unit, acceptor)
    svc.accept(application, actor=acceptor)
    with pytest.raises(PermissionDenied, match="受理人以外"):
        svc.review(application, actor=acceptor, approve=True)
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=application.pk).update(reviewed_by=acceptor)


def test_refused_application_is_edited_and_resubmitted(unit, acceptor):
    application = change_submitted(unit, acceptor)
    svc.refuse(application, actor=acceptor, reply="住所应填写完整门牌号")
    assert application.status == S.REJECTED
    assert SmsMessage.objects.filter(template_code="agency_coding.returned").exists()
    application.refresh_from_db()
    svc.save_draft(
        application, version=application.version, changes={"address": "文三路 100 号 2 幢"}
    )
    assert svc.submit(application).status == S.PENDING


def test_review_returned_goes_back_to_the_acceptor(unit, acceptor, reviewer):
    application = change_submitted(unit, acceptor)
    svc.accept(application, actor=acceptor)
    svc.review(application, actor=reviewer, approve=False, reply="材料不全")
    assert application.status == S.REVIEW_RETURNED
    with pytest.raises(PermissionDenied):
        svc.accept(application, actor=reviewer)
    svc.accept(application, actor=acceptor)
    assert application.status == S.IN_REVIEW


def test_delete_while_draft_or_refused_only(unit, acceptor):
    application = svc.start(unit, Item.CHANGE)
    att = attachments.attach(
        application, material="变更事项的批准文件", file=upload("c.jpg", jpeg())
    )
    from django.core.files.storage import default_storage

    with TestCase.captureOnCommitCallbacks(execute=True):
        svc.delete(application)
    assert not Application.objects.exists() and not default_storage.exists(att.storage_name)
    submitted = change_submitted(unit, acceptor)
    svc.accept(submitted, actor=acceptor)
    with pytest.raises(IllegalTransition, match="不能删除申报材料") as exc:
        svc.delete(submitted)
    assert exc.value.code == "agency.application.not_deletable"
    assert Application.objects.filter(pk=submitted.pk).exists()


def test_no_application_for_a_revoked_unit():
    with pytest.raises(UnitRevoked):
        svc.start(AgencyUnitFactory(revoked=True), Item.CHANGE)
    assert not Application.objects.exists()


def test_initial_and_renewal_are_on_site_only(unit):
    with pytest.raises(ValidationFailed, match="需要现场办理"):
        svc.start(unit, Item.INITIAL)


def _through(application, acceptor, reviewer):
    svc.accept(application, actor=acceptor)
    svc.review(application, actor=reviewer, approve=True)
    svc.notify(application, actor=acceptor)
    return svc.complete(application, actor=acceptor)


def test_reissue_gives_a_new_number_and_publishes_a_notice(acceptor, reviewer):
    unit = AgencyUnitFactory(long_term=True)
    issue(unit, acceptor)
    old_number = unit.certificate_number
    application = svc.start(unit, Item.REISSUE)
    svc.save_draft(application, version=1, reason="证书遗失")
    svc.submit(application)
    done = _through(application, acceptor, reviewer)
    unit.refresh_from_db()
    assert unit.certificate_number != old_number
    assert done.application.new_certificate_number == unit.certificate_number
    notice = Article.objects.get(category=Article.Category.NOTICE)
    assert "遗失补领" in notice.title and old_number in notice.body


def test_revoke_marks_the_unit_and_revokes_its_image(acceptor, reviewer):
    unit = AgencyUnitFactory(long_term=True)
    issue(unit, acceptor)
    application = svc.start(unit, Item.REVOKE)
    svc.save_draft(application, version=1, reason="机构撤并")
    svc.submit(application)
    _through(application, acceptor, reviewer)
    unit.refresh_from_db()
    assert unit.status == UnitStatus.REVOKED
    assert not LoginImage.objects.filter(unit=unit, revoked_at__isnull=True).exists()
    assert Article.objects.filter(title__contains="撤销").exists()
    with pytest.raises(UnitRevoked):
        svc.start(unit, Item.CHANGE)


def test_change_validation_names_the_field(unit):
    application = svc.start(unit, Item.CHANGE)
    with pytest.raises(ValidationFailed, match="与登记的名称相同") as exc:
        svc.save_draft(application, version=1, changes={"name": unit.name})
    assert exc.value.field == "new_name"
    with pytest.raises(ValidationFailed, match="请至少选择一项"):
        svc.submit(application)


def test_workflow_document_matches_the_generated_diagram():
    from pathlib import Path

    from zhengwu.agency.diagrams import APPLICATION_SMS, application_mermaid

    doc = Path(__file__).resolve().parents[4] / "docs" / "workflows" / "agency-coding.md"
    assert application_mermaid() in doc.read_text(encoding="utf-8")
    assert set(APPLICATION_SMS) == {S.IN_REVIEW, S.REJECTED, S.TO_PRINT}
