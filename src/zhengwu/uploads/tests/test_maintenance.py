"""Attaching an upload to a case, deleting it, and purging files left without a row."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction

from zhengwu.audit.models import AuditEvent
from zhengwu.core.errors import IllegalTransition
from zhengwu.uploads.models import PrivateUpload
from zhengwu.uploads.selectors import get_upload_for_user
from zhengwu.uploads.services import (
    upload_attach,
    upload_delete,
    upload_purge_orphans,
    upload_store,
)

from . import samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def wizard_upload():
    return upload_store(
        file=samples.uploaded(samples.jpeg()), kind="licence_page", owner_token="wizard-token"
    )


def test_attach_records_the_case_and_the_new_account(wizard_upload, applicant):
    """Attaching sets the subject, gives an anonymous upload its applicant's account, and is
    audited; the account then sees the upload without the token."""
    upload = upload_attach(
        upload=wizard_upload, subject=("registrations.manualapplication", 42), owner=applicant
    )
    assert (upload.subject_type, upload.subject_id) == ("registrations.manualapplication", "42")
    assert upload.uploaded_by == applicant
    assert get_upload_for_user(upload_id=upload.pk, user=applicant) == upload
    assert AuditEvent.objects.filter(event_type="upload.attached").count() == 1
    # Again to the same case: nothing changes, nothing is recorded.
    upload_attach(upload=upload, subject=("registrations.manualapplication", 42))
    assert AuditEvent.objects.filter(event_type="upload.attached").count() == 1


def test_attach_does_not_change_the_uploader(licence_upload, applicant, outsider):
    """An upload that has an account keeps it."""
    upload = upload_attach(upload=licence_upload, subject=("cases.case", 1), owner=outsider)
    assert upload.uploaded_by == applicant


def test_attach_to_a_second_case_is_refused(licence_upload):
    """One upload belongs to one case."""
    upload_attach(upload=licence_upload, subject=("cases.case", 1))
    with pytest.raises(IllegalTransition) as info:
        upload_attach(upload=licence_upload, subject=("cases.case", 2))
    assert info.value.code == "upload.already_attached"


def test_delete_removes_row_and_file_after_commit(
    licence_upload, files_in, django_capture_on_commit_callbacks
):
    """Deleting removes the row at once and the file when the transaction commits."""
    with django_capture_on_commit_callbacks(execute=True):
        upload_delete(upload=licence_upload, reason="retention ended")
    assert not PrivateUpload.objects.exists()
    assert files_in() == []
    event = AuditEvent.objects.get(event_type="upload.deleted")
    assert event.after == {"reason": "retention ended"}


def test_rolled_back_delete_keeps_the_file(licence_upload, files_in):
    """If the deleting transaction rolls back, row and file are both still there."""
    with pytest.raises(RuntimeError), transaction.atomic():
        upload_delete(upload=licence_upload)
        raise RuntimeError("caller failed")
    assert PrivateUpload.objects.filter(pk=licence_upload.pk).exists()
    assert len(files_in()) == 1


def test_purge_removes_files_whose_transaction_rolled_back(applicant, files_in, time_machine):
    """A caller's rollback after ``upload_store`` leaves a file without a row; the purge
    deletes it once it is old enough, and keeps the files that have rows."""
    kept = upload_store(file=samples.uploaded(samples.jpeg()), kind="other", actor=applicant)
    with pytest.raises(RuntimeError), transaction.atomic():
        upload_store(file=samples.uploaded(samples.jpeg()), kind="other", actor=applicant)
        raise RuntimeError("registration failed later")
    assert PrivateUpload.objects.get() == kept
    assert len(files_in()) == 2

    assert upload_purge_orphans().orphans == ()  # too young: its row may be committing
    time_machine.move_to(timedelta(hours=2))
    report = upload_purge_orphans(dry_run=True)
    assert len(report.orphans) == 1 and len(files_in()) == 2
    assert upload_purge_orphans().orphans == report.orphans
    (remaining,) = files_in()
    assert str(remaining).endswith(kept.storage_name)


def test_purge_command(applicant, files_in, capsys):
    """``manage.py upload_purge_orphans --hours 0`` deletes orphan files and says how many."""
    with pytest.raises(RuntimeError), transaction.atomic():
        upload_store(file=samples.uploaded(samples.jpeg()), kind="other", actor=applicant)
        raise RuntimeError
    call_command("upload_purge_orphans", "--hours", "0")
    assert "deleted 1 orphan file(s)" in capsys.readouterr().out
    assert files_in() == []


def test_purge_with_an_empty_storage():
    """Nothing stored yet: nothing to do."""
    assert upload_purge_orphans().orphans == ()
