"""Step-1 drafts live in a sealed token until step 2 is submitted (draft_store, decision 0017)."""

import json

import pytest

from zhengwu.audit.models import AuditEvent
from zhengwu.core.crypto import decrypt_str, encrypt_str
from zhengwu.core.errors import NotFound
from zhengwu.registrations.errors import DraftExpired
from zhengwu.registrations.models import RegistrationDraft
from zhengwu.registrations.wizard import draft_store, selectors

pytestmark = pytest.mark.django_db


def test_step1_writes_no_row_and_the_token_carries_the_draft(start, entity):
    draft = start()
    assert not RegistrationDraft.objects.exists()
    token = draft_store.seal(draft)
    found = selectors.draft_get(draft_id=draft.pk, step="user", token=token)
    assert found._state.adding  # not a row yet
    assert (found.pk, found.uscc, found.organisation_name) == (draft.pk, entity.uscc, entity.name)
    assert found.legal_rep_id_number == entity.legal_rep_id_number
    assert found.legal_rep_id_number_hash == draft.legal_rep_id_number_hash
    assert found.expires_at == draft.expires_at
    # The verified check is audited although no row exists.
    event = AuditEvent.objects.get(event_type="registration.info_verified")
    assert event.subject_id == str(draft.pk)


def test_the_token_is_opaque(start, entity):
    token = draft_store.seal(start())
    for clear in (entity.legal_rep_id_number, entity.legal_rep_name, entity.uscc, entity.name):
        assert clear not in token
    assert len(token) < draft_store.MAX_TOKEN_LENGTH


def test_first_step2_submission_writes_the_row(start, submit_user):
    draft = start()
    submit_user(selectors.draft_get(draft_id=draft.pk, token=draft_store.seal(draft)))
    row = RegistrationDraft.objects.get(pk=draft.pk)
    assert row.step == "face" and row.legal_rep_id_number == draft.legal_rep_id_number
    # From now on the row answers, with or without the token.
    assert selectors.draft_get(draft_id=draft.pk).step == "face"
    assert not selectors.draft_get(draft_id=draft.pk, token="")._state.adding


def test_a_token_is_good_only_for_its_own_draft(start):
    draft, other = start(), start()
    with pytest.raises(NotFound):
        selectors.draft_get(draft_id=draft.pk, token=draft_store.seal(other))


def test_a_changed_field_breaks_the_seal(start, entity):
    """The register confirmed the unit: a client cannot swap in another unit's data."""
    draft = start()
    kid, _, body = draft_store.seal(draft).partition("$")
    flipped = body[:20] + ("A" if body[20] != "A" else "B") + body[21:]
    with pytest.raises(NotFound):
        selectors.draft_get(draft_id=draft.pk, token=f"{kid}${flipped}")


def test_other_sealed_data_is_not_a_draft_token(start):
    """Field ciphertexts share the keys; only a token sealed for this purpose is accepted."""
    draft = start()
    payload = json.loads(decrypt_str(draft_store.seal(draft)))
    for change in ({"purpose": "something.else"}, {"id": "not-a-uuid"}):
        forged = encrypt_str(json.dumps({**payload, **change}))
        assert draft_store.unseal(draft.pk, forged) is None
    missing = {k: v for k, v in payload.items() if k != "uscc"}
    assert draft_store.unseal(draft.pk, encrypt_str(json.dumps(missing))) is None
    assert draft_store.unseal(draft.pk, encrypt_str(draft.legal_rep_id_number)) is None


@pytest.mark.parametrize("token", ["", None, "x" * 5000, "b1$AAAA", "nokeyid", 42])
def test_junk_tokens_are_refused(start, token):
    draft = start()
    assert draft_store.unseal(draft.pk, token) is None
    with pytest.raises(NotFound):
        selectors.draft_get(draft_id=draft.pk, token=token)


@pytest.mark.parametrize(
    "draft_id", ["", "not-a-uuid", None, "00000000-0000-0000-0000-000000000000"]
)
def test_unknown_ids_are_not_found(draft_id):
    with pytest.raises(NotFound):
        selectors.draft_get(draft_id=draft_id)


def test_an_expired_token_says_expired(start, time_machine):
    draft = start()
    token = draft_store.seal(draft)
    time_machine.move_to(draft.expires_at)
    with pytest.raises(DraftExpired):
        selectors.draft_get(draft_id=draft.pk, token=token)
    assert not RegistrationDraft.objects.exists()  # abandoned: nothing left behind


def test_step1_audits_its_lookup_as_a_relaxed_event(start, monkeypatch):
    """Step 1 changes nothing but its audit row: that row is written ``relaxed`` (decision
    0028), so step 1 does not wait for a WAL flush on PostgreSQL."""
    from zhengwu.audit import services as audit
    from zhengwu.registrations.wizard import services

    seen: list[dict] = []

    def spy(event_type, **kwargs):  # type: ignore[no-untyped-def]
        seen.append({"type": event_type, **kwargs})
        return audit.record_event(event_type, **kwargs)

    monkeypatch.setattr(services, "record_event", spy)
    start()
    (event,) = [e for e in seen if e["type"] == "registration.info_verified"]
    assert event["relaxed"] is True
