"""REG-8 in the database: one holder per mobile per organisation, with expiry."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengwu.accounts.errors import MobileTaken
from zhengwu.accounts.identity import mobile_hash
from zhengwu.accounts.models import MobileClaim
from zhengwu.accounts.services import (
    mobile_claim_acquire,
    mobile_claim_release,
    mobile_claim_transfer,
    mobile_claims_purge,
)

# Refusals write durable audit events (the "audit" connection on PostgreSQL).
pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")
MOBILE = "13957100001"


def _acquire(holder, key="uscc:X", minutes=30):
    expires = timezone.now() + timedelta(minutes=minutes) if minutes is not None else None
    return mobile_claim_acquire(
        organisation_key=key, mobile=MOBILE, holder=holder, expires_at=expires
    )


def test_second_holder_in_same_organisation_is_refused_with_the_seed_message():
    """同一企业/组织下的账号绑定的手机号不可重复, field mobile."""
    _acquire("a")
    with pytest.raises(MobileTaken) as exc:
        _acquire("b")
    assert exc.value.message == "同一企业/组织下的账号绑定的手机号不可重复"
    assert exc.value.field == "mobile"


def test_same_mobile_in_another_organisation_is_allowed():
    """The rule is per organisation."""
    _acquire("a", key="uscc:X")
    _acquire("b", key="uscc:Y")
    assert MobileClaim.objects.count() == 2


def test_expired_claim_of_an_abandoned_wizard_frees_the_mobile(time_machine):
    """A wizard abandoned half-way locks the mobile only until its expiry."""
    _acquire("abandoned", minutes=30)
    time_machine.move_to(timezone.now() + timedelta(minutes=31))
    claim = _acquire("new")
    assert claim.holder == "new"
    assert list(MobileClaim.objects.values_list("holder", flat=True)) == ["new"]


def test_claim_without_expiry_never_expires(time_machine):
    """Accounts and pending applications hold their mobile until released."""
    _acquire("account", minutes=None)
    time_machine.move_to(timezone.now() + timedelta(days=400))
    with pytest.raises(MobileTaken):
        _acquire("other")


def test_same_holder_renews_its_claim():
    _acquire("a")
    _acquire("a", minutes=60)
    assert MobileClaim.objects.count() == 1


def test_transfer_and_release():
    """A claim moves wizard → application; a rejection releases it."""
    _acquire("draft")
    mobile_claim_transfer(
        organisation_key="uscc:X", mobile=MOBILE, from_holder="draft", to_holder="app"
    )
    claim = MobileClaim.objects.get()
    assert (claim.holder, claim.expires_at) == ("app", None)
    assert mobile_claim_release(holder="app") == 1
    _acquire("someone")


def test_database_refuses_a_duplicate_even_without_the_service():
    """The unique constraint, not Python, is the guard."""
    MobileClaim.objects.create(organisation_key="k", mobile_hash=mobile_hash(MOBILE), holder="a")
    with pytest.raises(IntegrityError), transaction.atomic():
        MobileClaim.objects.create(
            organisation_key="k", mobile_hash=mobile_hash(MOBILE), holder="b"
        )


def test_purge_deletes_only_expired(time_machine):
    _acquire("old", key="uscc:1", minutes=1)
    _acquire("live", key="uscc:2", minutes=None)
    time_machine.move_to(timezone.now() + timedelta(minutes=2))
    assert mobile_claims_purge() == 1
    assert MobileClaim.objects.get().holder == "live"
