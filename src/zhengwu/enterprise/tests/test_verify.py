"""EC-3: the public verification page and its signed, revocable token."""

from __future__ import annotations

import pytest
from django.core import signing
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from zhengwu.accounts.tests.factories import MembershipFactory, UserFactory
from zhengwu.enterprise import services
from zhengwu.enterprise.constants import TOKEN_SALT
from zhengwu.enterprise.models import EnterpriseCode
from zhengwu.enterprise.tokens import make_token, read_token
from zhengwu.registrations.tests.factories import MarketEntityFactory
from zhengwu.registry.constants import Status
from zhengwu.registry.models import MarketEntity

pytestmark = pytest.mark.django_db


@pytest.fixture
def code(personas):
    return services.claim_code(organisation=personas.organisation, actor=personas.operator)


@pytest.fixture
def code_admin(db):
    from django.contrib.auth.models import Group

    user = UserFactory(staff=True, username="code_admin")
    user.groups.add(Group.objects.get(name="企业码管理员"))
    return user


def test_anonymous_scan_shows_name_uscc_and_status(client, code, personas):
    org = personas.organisation
    response = client.get(code.verification_path())
    assert response.status_code == 200
    text = response.text
    assert "该企业码真实有效" in text
    assert org.name in text and org.uscc in text and "存续" in text
    assert timezone.localtime(code.claimed_at).strftime("%Y-%m-%d") in text


def test_page_shows_no_personal_data(client, code, personas):
    """No legal representative, operator, ID number or mobile on the public page."""
    text = client.get(code.verification_path()).text
    org = personas.organisation
    for secret in [
        org.legal_rep_name,
        org.legal_rep_id_number,
        personas.operator.real_name,
        personas.operator.mobile,
        personas.operator.id_number,
    ]:
        assert secret not in text


def test_token_holds_no_organisation_data(code, personas):
    token = code.token
    assert personas.organisation.uscc not in token
    assert personas.organisation.name not in token
    # The signed value is the random code id and the version, nothing else.
    assert token.rpartition(":")[0] == f"{code.public_id}.{code.version}"
    assert len(code.public_id) >= 22


def test_registry_status_is_shown(client, code, personas):
    """The status comes from the register when it knows the unit (注销 after deregistration)."""
    MarketEntityFactory(uscc=personas.organisation.uscc, status=Status.DEREGISTERED)
    text = client.get(code.verification_path()).text
    assert "注销" in text and "存续" not in text


def test_tampered_signature_is_refused(client, code, personas):
    token = code.token
    value, _, signature = token.rpartition(":")
    forged = f"{value}:{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}"
    response = client.get(reverse("enterprise:verify", args=[forged]))
    assert response.status_code == 404
    assert personas.organisation.name not in response.text


def test_other_codes_id_with_this_signature_is_refused(client, code, personas):
    other_org = MembershipFactory(legal_representative=True).organisation
    other = services.claim_code(organisation=other_org, actor=other_org.memberships.get().user)
    _, _, signature = code.token.rpartition(":")
    forged = f"{other.public_id}.{other.version}:{signature}"
    response = client.get(reverse("enterprise:verify", args=[forged]))
    assert response.status_code == 404
    assert other_org.name not in response.text


def test_token_signed_with_another_key_is_refused(client, code):
    forged = signing.Signer(key="not-our-key", salt=TOKEN_SALT, algorithm="sha256").sign(
        f"{code.public_id}.{code.version}"
    )
    assert read_token(forged) is None
    assert client.get(reverse("enterprise:verify", args=[forged])).status_code == 404


@pytest.mark.parametrize("token", ["", "abc", "x.1", "x.1:", ":sig", "a" * 300])
def test_malformed_tokens_are_refused(token):
    assert read_token(token) is None


def test_revoked_code_says_so_and_old_token_is_dead(client, code, personas, code_admin):
    old = code.verification_path()
    services.revoke_code(code=code, actor=code_admin, reason="海报被冒用")
    response = client.get(old)
    assert response.status_code == 410
    assert "已作废" in response.text and "真实有效" not in response.text
    code.refresh_from_db()
    assert code.version == 2


def test_reissue_kills_earlier_tokens_and_the_new_one_verifies(client, code, code_admin, personas):
    old = code.verification_path()
    services.revoke_code(code=code, actor=code_admin, reason="海报被冒用")
    revoked_path = EnterpriseCode.objects.get(pk=code.pk).verification_path()
    services.reissue_code(code=code, actor=code_admin, reason="单位申请重新发放")
    code.refresh_from_db()
    for stale in (old, revoked_path):
        response = client.get(stale)
        assert response.status_code == 410
        assert "已失效" in response.text
        assert personas.organisation.name not in response.text
    response = client.get(code.verification_path())
    assert response.status_code == 200 and "真实有效" in response.text


def test_version_forged_upwards_is_refused(client, code):
    """Signing covers the version: a token with the next version can't be made by hand."""
    token = code.token
    _value, _, signature = token.rpartition(":")
    forged = f"{code.public_id}.{code.version + 1}:{signature}"
    assert client.get(reverse("enterprise:verify", args=[forged])).status_code == 404
    assert make_token(public_id=code.public_id, version=code.version) == token


@override_settings(ZHENGWU_CODE_VERIFY_LIMIT_PER_MINUTE=3)
def test_rate_limited_per_ip(client, code):
    path = code.verification_path()
    for _ in range(3):
        assert client.get(path, REMOTE_ADDR="203.0.113.7").status_code == 200
    response = client.get(path, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429
    assert "过于频繁" in response.text
    assert client.get(path, REMOTE_ADDR="203.0.113.8").status_code == 200


def test_page_is_not_cached(client, code):
    response = client.get(code.verification_path())
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_verification_page_fits_a_phone(client, code):
    text = client.get(code.verification_path()).text
    assert 'name="viewport"' in text and "width=device-width" in text


def test_market_entity_unknown_falls_back_to_the_organisation(client, code):
    assert not MarketEntity.objects.exists()
    assert "存续" in client.get(code.verification_path()).text


def test_facts_are_cached_and_dropped_on_revocation(
    client, code, code_admin, personas, django_assert_num_queries
):
    """The hot path: the second scan costs no query; a revocation shows at once."""
    path = code.verification_path()
    with django_assert_num_queries(1):
        assert client.get(path).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(path).status_code == 200
    services.revoke_code(code=code, actor=code_admin, reason="冒用")
    response = client.get(path)
    assert response.status_code == 410 and "已作废" in response.text


def test_page_sets_no_cookie(client, code):
    """No CSRF or session cookie for a scan (no form, no sign-in)."""
    response = client.get(code.verification_path())
    assert not response.cookies


def test_claim_date_is_the_local_date(client, personas):
    """The claim date on the page is China's date (Asia/Shanghai), also late in the UTC day."""
    import datetime

    import time_machine

    with time_machine.travel(datetime.datetime(2026, 6, 29, 17, 30, tzinfo=datetime.UTC)):
        code = services.claim_code(organisation=personas.organisation, actor=personas.operator)
    response = client.get(code.verification_path())
    assert "2026-06-30" in response.text
