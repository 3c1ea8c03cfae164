"""Step-1 drafts wait in the cache until step 2 is submitted (draft_store, decision 0017)."""

import pytest
from django.core.cache import cache

from zhengwu.audit.models import AuditEvent
from zhengwu.core.errors import NotFound
from zhengwu.registrations import draft_store, services
from zhengwu.registrations.errors import DraftExpired
from zhengwu.registrations.models import RegistrationDraft

pytestmark = pytest.mark.django_db


def test_step1_writes_no_row_and_the_draft_is_found_in_the_cache(start, entity):
    draft = start()
    assert not RegistrationDraft.objects.exists()
    found = services.draft_get(draft_id=draft.pk, step="user")
    assert found._state.adding  # not a row yet
    assert (found.pk, found.uscc, found.organisation_name) == (draft.pk, entity.uscc, entity.name)
    assert found.legal_rep_id_number == entity.legal_rep_id_number
    assert found.legal_rep_id_number_hash == draft.legal_rep_id_number_hash
    assert found.expires_at == draft.expires_at
    # The verified check is audited although no row exists yet.
    event = AuditEvent.objects.get(event_type="registration.info_verified")
    assert event.subject_id == str(draft.pk)


def test_the_cache_holds_the_draft_encrypted(start, entity):
    draft = start()
    stored = cache.get(f"{draft_store.KEY_PREFIX}{draft.pk}")
    assert isinstance(stored, str)
    for clear in (entity.legal_rep_id_number, entity.legal_rep_name, entity.uscc):
        assert clear not in stored


def test_first_step2_submission_writes_the_row_and_drops_the_cache_entry(
    start, submit_user, django_capture_on_commit_callbacks
):
    draft = start()
    with django_capture_on_commit_callbacks(execute=True):
        submit_user(draft)
    row = RegistrationDraft.objects.get(pk=draft.pk)
    assert row.step == "face" and row.legal_rep_id_number == draft.legal_rep_id_number
    assert cache.get(f"{draft_store.KEY_PREFIX}{draft.pk}") is None
    assert services.draft_get(draft_id=draft.pk).step == "face"


def test_a_cache_that_refuses_the_write_falls_back_to_the_row(start, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(draft_store.cache, "set", refuse)
    draft = start()
    assert RegistrationDraft.objects.filter(pk=draft.pk, step="user").exists()
    assert services.draft_get(draft_id=draft.pk).pk == draft.pk


def test_an_unreadable_cache_means_start_again(start, monkeypatch):
    draft = start()

    def fail(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(draft_store.cache, "get", fail)
    with pytest.raises(NotFound) as exc:
        services.draft_get(draft_id=draft.pk)
    assert exc.value.code == "registration.not_found"


def test_a_tampered_or_moved_entry_is_not_a_draft(start):
    draft = start()
    other = start()
    key = f"{draft_store.KEY_PREFIX}{draft.pk}"
    cache.set(key, cache.get(f"{draft_store.KEY_PREFIX}{other.pk}"), 60)  # another draft's
    with pytest.raises(NotFound):
        services.draft_get(draft_id=draft.pk)
    cache.set(key, "b1$bm90LWEtdmFsaWQtdG9rZW4", 60)
    with pytest.raises(NotFound):
        services.draft_get(draft_id=draft.pk)


@pytest.mark.parametrize("draft_id", ["", "not-a-uuid", None, "00000000-0000-0000-0000-000000000000"])
def test_unknown_ids_are_not_found(draft_id):
    with pytest.raises(NotFound):
        services.draft_get(draft_id=draft_id)


def test_an_expired_cached_draft_says_expired_then_is_gone(start, time_machine):
    draft = start()
    time_machine.move_to(draft.expires_at)
    with pytest.raises(DraftExpired):
        services.draft_get(draft_id=draft.pk)
    time_machine.shift(draft_store.EXPIRED_GRACE_SECONDS + 1)
    with pytest.raises(NotFound):
        services.draft_get(draft_id=draft.pk)
    assert not RegistrationDraft.objects.exists()  # abandoned: nothing left behind
