"""帮办 at the counter (SVC-2a/SVC-4): staff start, the unit registers, the account records who
helped; a wrong USCC is refused with a clear message."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from zhengwu.accounts.tests.factories import OrganisationFactory, UserFactory
from zhengwu.audit.models import AuditEvent
from zhengwu.campaigns import services
from zhengwu.campaigns.constants import EVENT_ASSIST_RECORDED, EVENT_ASSIST_STARTED
from zhengwu.campaigns.models import AssistedRegistration
from zhengwu.registrations.tests.factories import MarketEntityFactory

pytestmark = pytest.mark.django_db


def test_staff_start_and_the_organisation_records_the_helper(client):
    entity = MarketEntityFactory()
    staff = UserFactory(staff=True, username="window1")
    client.force_login(staff)
    response = client.post(reverse("campaigns:assist"), {"uscc": entity.uscc.lower()})
    assert response.status_code == 302 and response["Location"] == "/register/"
    record = AssistedRegistration.objects.get(uscc=entity.uscc)
    assert record.helped_by == staff and record.organisation is None
    org = OrganisationFactory(uscc=entity.uscc)  # what the wizard creates at its end …
    record.refresh_from_db()
    assert record.organisation is None  # … no model signal counts it
    services.assist_complete(org)  # … the wizard's explicit call does
    record.refresh_from_db()
    assert record.organisation == org and record.completed_at is not None
    assert org.assisted_registration.helped_by == staff
    assert AuditEvent.objects.filter(event_type=EVENT_ASSIST_STARTED).count() == 1
    assert AuditEvent.objects.filter(event_type=EVENT_ASSIST_RECORDED).count() == 1


def test_assist_complete_is_idempotent_and_ignores_unassisted_units():
    assert services.assist_complete(OrganisationFactory()) is None
    entity = MarketEntityFactory()
    services.assist_start(uscc=entity.uscc, helper=UserFactory(staff=True))
    org = OrganisationFactory(uscc=entity.uscc)
    services.assist_complete(org)
    first = AssistedRegistration.objects.get(uscc=entity.uscc).completed_at
    again = services.assist_complete(org)  # a second call (agent or manual approval path)
    assert again is not None and again.completed_at == first
    assert AuditEvent.objects.filter(event_type=EVENT_ASSIST_RECORDED).count() == 1


@pytest.mark.parametrize("value", ["", "123", "91330106MA2B00000X"])
def test_wrong_uscc_is_refused(client, value):
    client.force_login(UserFactory(staff=True))
    response = client.post(reverse("campaigns:assist"), {"uscc": value})
    assert response.status_code == 400
    assert "统一社会信用代码格式或校验位有误" in response.content.decode()
    assert not AssistedRegistration.objects.exists()


def test_only_staff_may_assist(client):
    client.force_login(UserFactory())
    assert client.get(reverse("campaigns:assist")).status_code == 404


def test_a_counter_visit_older_than_the_window_is_not_counted():
    entity = MarketEntityFactory()
    record = services.assist_start(uscc=entity.uscc, helper=UserFactory(staff=True))
    AssistedRegistration.objects.filter(pk=record.pk).update(
        started_at=timezone.now() - services.ASSIST_WINDOW - datetime.timedelta(minutes=1)
    )
    services.assist_complete(OrganisationFactory(uscc=entity.uscc))
    record.refresh_from_db()
    assert record.organisation is None and record.completed_at is None


def test_a_unit_registered_before_the_counter_visit_is_not_counted():
    """帮办 counts the registration the visit led to, not an account that already existed."""
    entity = MarketEntityFactory()
    org = OrganisationFactory(uscc=entity.uscc)
    services.assist_start(uscc=entity.uscc, helper=UserFactory(staff=True))
    assert services.assist_complete(org) is None
    assert AssistedRegistration.objects.get(uscc=entity.uscc).organisation is None
