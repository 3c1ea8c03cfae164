"""EC-1 / EC-2 pages: the 企业码 entry, the claim page, the code page and its channel."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from zhengwu.accounts.models import Organisation
from zhengwu.accounts.tests.factories import MembershipFactory
from zhengwu.enterprise import services
from zhengwu.enterprise.models import EnterpriseCode

pytestmark = pytest.mark.django_db


def test_entry_requires_sign_in(client):
    response = client.get(reverse("enterprise:entry"))
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_first_visit_offers_the_claim_then_the_code_page_opens_directly(client, personas):
    """EC-1: 领码 once; afterwards the 企业码 entry opens the code page without a claim step."""
    client.force_login(personas.operator)
    org = personas.organisation
    response = client.get(reverse("enterprise:entry"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("enterprise:unit", args=[org.pk])
    assert "领码" in response.text and 'action="/code/u/' in response.text
    response = client.post(reverse("enterprise:claim", args=[org.pk]))
    assert response.status_code == 302
    assert EnterpriseCode.objects.filter(organisation=org).count() == 1
    client.force_login(personas.legal_representative)
    response = client.get(reverse("enterprise:entry"), follow=True)
    assert reverse("enterprise:claim", args=[org.pk]) not in response.text
    assert "<svg" in response.text and org.name in response.text
    assert reverse("enterprise:png", args=[org.pk]) in response.text


def test_repeated_claim_click_lands_on_the_code_page(client, personas):
    client.force_login(personas.operator)
    url = reverse("enterprise:claim", args=[personas.organisation.pk])
    client.post(url)
    response = client.post(url)
    assert response.status_code == 302
    assert EnterpriseCode.objects.count() == 1


def test_claim_requires_post(client, personas):
    client.force_login(personas.operator)
    response = client.get(reverse("enterprise:claim", args=[personas.organisation.pk]))
    assert response.status_code == 405


def test_other_units_pages_are_not_found(client, personas):
    client.force_login(personas.outsider)
    org = personas.organisation
    assert client.get(reverse("enterprise:unit", args=[org.pk])).status_code == 404
    assert client.post(reverse("enterprise:claim", args=[org.pk])).status_code == 404
    assert client.get(reverse("enterprise:png", args=[org.pk])).status_code == 404
    assert not EnterpriseCode.objects.exists()


def test_closed_unit_cannot_claim(client, personas):
    org = personas.organisation
    Organisation.objects.filter(pk=org.pk).update(status=Organisation.Status.CLOSED)
    client.force_login(personas.operator)
    response = client.post(reverse("enterprise:claim", args=[org.pk]))
    assert response.status_code == 409
    assert "单位已注销" in response.text
    assert not EnterpriseCode.objects.exists()


def test_member_of_several_units_chooses(client, personas):
    second = MembershipFactory(user=personas.operator, administrator=True).organisation
    client.force_login(personas.operator)
    response = client.get(reverse("enterprise:entry"))
    assert response.status_code == 200
    assert personas.organisation.name in response.text and second.name in response.text


def test_account_without_unit_is_told_so(client, db):
    from zhengwu.accounts.tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get(reverse("enterprise:entry"))
    assert response.status_code == 200
    assert "尚未关联任何单位" in response.text


def test_channel_lists_services_pending_matters_and_licences(client, personas):
    """EC-2: the code page shows what the unit can start, its pending matters, its licences."""
    from zhengwu.registrations.tests.factories import OperatorApplicationFactory

    org = personas.organisation
    services.claim_code(organisation=org, actor=personas.operator)
    OperatorApplicationFactory(organisation=org)
    client.force_login(personas.administrator)
    response = client.get(reverse("enterprise:unit", args=[org.pk]))
    text = response.text
    assert "可办服务" in text and "单位中心" in text and "/org/" in text
    assert "经办人申请待审核" in text
    assert reverse("registrations:applications") in text


def test_channel_lists_the_units_licences(client, personas):
    """EC-2: the unit's licences come from ``zhengwu.licences`` (by USCC)."""
    from zhengwu.licences.tests.factories import LicenceFactory

    org = personas.organisation
    services.claim_code(organisation=org, actor=personas.operator)
    client.force_login(personas.operator)
    response = client.get(reverse("enterprise:unit", args=[org.pk]))
    assert "暂无电子证照" in response.text
    licence = LicenceFactory(holder_uscc=org.uscc, holder_name=org.name)
    response = client.get(reverse("enterprise:unit", args=[org.pk]))
    assert "暂无电子证照" not in response.text
    assert "营业执照" in response.text and licence.number in response.text


def test_operator_sees_pending_matters_without_the_approval_link(client, personas):
    from zhengwu.registrations.tests.factories import OperatorApplicationFactory

    org = personas.organisation
    services.claim_code(organisation=org, actor=personas.operator)
    OperatorApplicationFactory(organisation=org)
    client.force_login(personas.operator)
    text = client.get(reverse("enterprise:unit", args=[org.pk])).text
    assert "经办人申请待审核" in text
    assert reverse("registrations:applications") not in text


def test_revoked_code_page_says_so_and_offers_no_download(client, personas):
    org = personas.organisation
    code = services.claim_code(organisation=org, actor=personas.operator)
    EnterpriseCode.objects.filter(pk=code.pk).update(status="revoked", version=2)
    client.force_login(personas.operator)
    response = client.get(reverse("enterprise:unit", args=[org.pk]))
    assert "已作废" in response.text
    assert reverse("enterprise:png", args=[org.pk]) not in response.text
    assert client.get(reverse("enterprise:png", args=[org.pk])).status_code == 404


def test_code_page_queries_do_not_grow_with_its_lists(
    client, personas, django_assert_max_num_queries
):
    from zhengwu.licences.tests.factories import LicenceFactory
    from zhengwu.registrations.tests.factories import OperatorApplicationFactory

    org = personas.organisation
    services.claim_code(organisation=org, actor=personas.operator)
    client.force_login(personas.administrator)
    url = reverse("enterprise:unit", args=[org.pk])
    client.get(url)  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(5):
        OperatorApplicationFactory(organisation=org)
        LicenceFactory(holder_uscc=org.uscc, holder_name=org.name)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.text.count("经办人申请待审核") == 5
