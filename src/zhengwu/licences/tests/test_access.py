"""LIC-2: viewing or downloading needs the legal representative's face check, for a short
window stored server-side; operators ask and the LR grants; another unit's licence is 404."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from zhengwu.accounts.tests.factories import MembershipFactory, UserFactory, make_personas
from zhengwu.audit.models import AuditEvent
from zhengwu.licences.models import LicenceAccess, LicenceAccessRequest
from zhengwu.notifications.models import SmsMessage

from .factories import LicenceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():  # type: ignore[no-untyped-def]
    personas = make_personas()
    licence = LicenceFactory(
        holder_uscc=personas.organisation.uscc, holder_name=personas.organisation.name
    )
    other = LicenceFactory()  # another unit's licence
    return personas, licence, other


def _login(client, user) -> None:  # type: ignore[no-untyped-def]
    client.force_login(user)


def _face(client, org_pk: int, **data):  # type: ignore[no-untyped-def]
    """Start the face check and poll it once (the sandbox passes 测试通过 names at once)."""
    response = client.post(reverse("licences:face_start", args=[org_pk]), data)
    assert response.status_code == 200, response.content.decode()
    token = response.context["token"]
    return client.get(reverse("licences:face_status", args=[token]))


def test_list_shows_the_units_licences_with_status(client, cast) -> None:  # type: ignore[no-untyped-def]
    personas, licence, other = cast
    LicenceFactory(
        holder_uscc=personas.organisation.uscc,
        expired=True,
        licence_type="food_business",
        number="JY1",
    )
    _login(client, personas.operator)
    page = client.get(reverse("licences:index")).content.decode()
    assert licence.number in page and other.number not in page
    assert "有效" in page and "已过期" in page
    assert "营业执照" in page and "食品经营许可证" in page


def test_download_without_face_check_is_refused(client, cast) -> None:  # type: ignore[no-untyped-def]
    personas, licence, _ = cast
    _login(client, personas.legal_representative)
    assert client.get(reverse("licences:download", args=[licence.pk])).status_code == 403
    assert client.get(reverse("licences:detail", args=[licence.pk])).status_code == 403


def test_legal_representative_face_check_opens_a_window(client, cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZHENGWU_LICENCE_ACCESS_MINUTES = 10
    personas, licence, _ = cast
    _login(client, personas.legal_representative)
    status = _face(client, personas.organisation.pk)
    assert "人脸识别通过" in status.content.decode()
    access = LicenceAccess.objects.get()
    assert access.user == personas.legal_representative
    assert access.expires_at - access.verified_at == datetime.timedelta(minutes=10)
    response = client.get(reverse("licences:download", args=[licence.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert client.get(reverse("licences:detail", args=[licence.pk])).status_code == 200
    events = set(AuditEvent.objects.values_list("event_type", flat=True))
    assert {"licences.face_verified", "licences.downloaded", "licences.viewed"} <= events


def test_window_expires(client, cast) -> None:  # type: ignore[no-untyped-def]
    personas, licence, _ = cast
    _login(client, personas.legal_representative)
    _face(client, personas.organisation.pk)
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=11)):
        client.force_login(personas.legal_representative)
        assert client.get(reverse("licences:download", args=[licence.pk])).status_code == 403


def test_failed_face_check_opens_nothing(client) -> None:  # type: ignore[no-untyped-def]
    membership = MembershipFactory(
        legal_representative=True,
        organisation__legal_rep_name="测试不通过",
    )
    org, user = membership.organisation, membership.user
    user.id_number, user.id_number_hash = org.legal_rep_id_number, org.legal_rep_id_number_hash
    user.save()
    _login(client, user)
    status = _face(client, org.pk)
    assert "未通过" in status.content.decode()
    assert not LicenceAccess.objects.exists()
    assert AuditEvent.objects.filter(event_type="licences.face_failed").exists()


def test_only_the_legal_representative_can_start_the_face_check(client, cast) -> None:  # type: ignore[no-untyped-def]
    personas, _, _ = cast
    for user in (personas.operator, personas.administrator):
        _login(client, user)
        response = client.post(reverse("licences:face_start", args=[personas.organisation.pk]))
        assert response.status_code == 403
    assert not LicenceAccess.objects.exists()


def test_lr_membership_with_a_different_id_number_is_refused(client, cast) -> None:  # type: ignore[no-untyped-def]
    """The face check is bound to the LR's ID number as registered, not to the role alone."""
    personas, _, _ = cast
    impostor = MembershipFactory(organisation=personas.organisation, legal_representative=True).user
    _login(client, impostor)
    response = client.post(reverse("licences:face_start", args=[personas.organisation.pk]))
    assert response.status_code == 403


def test_operator_requests_and_lr_grants(client, cast) -> None:  # type: ignore[no-untyped-def]
    personas, licence, _ = cast
    _login(client, personas.operator)
    assert (
        client.post(reverse("licences:request_create", args=[personas.organisation.pk])).status_code
        == 200
    )
    request = LicenceAccessRequest.objects.get()
    sms = SmsMessage.objects.get(template_code="licences.access_requested")
    assert sms.mobile_hash == personas.legal_representative.mobile_hash
    # A second click does not send a second SMS.
    assert (
        client.post(reverse("licences:request_create", args=[personas.organisation.pk])).status_code
        == 400
    )
    assert client.get(reverse("licences:download", args=[licence.pk])).status_code == 403

    _login(client, personas.legal_representative)
    status = _face(client, personas.organisation.pk, request=request.pk)
    assert "人脸识别通过" in status.content.decode()
    request.refresh_from_db()
    assert request.status == "granted"
    access = LicenceAccess.objects.get()
    assert access.user == personas.operator and access.granted_by == personas.legal_representative

    _login(client, personas.operator)
    assert client.get(reverse("licences:download", args=[licence.pk])).status_code == 200


def test_operator_cannot_grant_their_own_request(client, cast) -> None:  # type: ignore[no-untyped-def]
    personas, _, _ = cast
    _login(client, personas.operator)
    client.post(reverse("licences:request_create", args=[personas.organisation.pk]))
    request = LicenceAccessRequest.objects.get()
    response = client.post(
        reverse("licences:face_start", args=[personas.organisation.pk]), {"request": request.pk}
    )
    assert response.status_code == 403


def test_lr_declines(client, cast) -> None:  # type: ignore[no-untyped-def]
    personas, _, _ = cast
    _login(client, personas.operator)
    client.post(reverse("licences:request_create", args=[personas.organisation.pk]))
    request = LicenceAccessRequest.objects.get()
    _login(client, personas.legal_representative)
    client.post(reverse("licences:request_decline", args=[personas.organisation.pk, request.pk]))
    request.refresh_from_db()
    assert request.status == "declined"


def test_another_organisations_licence_is_404_on_every_url(client, cast) -> None:  # type: ignore[no-untyped-def]
    personas, _, other = cast
    _login(client, personas.legal_representative)
    _face(client, personas.organisation.pk)  # even with an open window for their own unit
    assert client.get(reverse("licences:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("licences:download", args=[other.pk])).status_code == 404
    outsider_org = personas.outsider.memberships.get().organisation
    for name in ("face_start", "request_create"):
        assert client.post(reverse(f"licences:{name}", args=[outsider_org.pk])).status_code == 404
    assert (
        client.post(reverse("licences:request_decline", args=[outsider_org.pk, 1])).status_code
        == 404
    )


def test_face_status_of_someone_elses_check_is_404(client, cast) -> None:  # type: ignore[no-untyped-def]
    personas, _, _ = cast
    _login(client, personas.legal_representative)
    token = client.post(reverse("licences:face_start", args=[personas.organisation.pk])).context[
        "token"
    ]
    _login(client, personas.operator)
    assert client.get(reverse("licences:face_status", args=[token])).status_code == 404
    assert not LicenceAccess.objects.exists()


def test_licence_pages_need_sign_in(client, cast) -> None:  # type: ignore[no-untyped-def]
    _, licence, _ = cast
    for url in (
        reverse("licences:index"),
        reverse("licences:detail", args=[licence.pk]),
        reverse("licences:download", args=[licence.pk]),
    ):
        assert client.get(url).status_code == 302


def test_ended_membership_closes_the_window(client, cast) -> None:  # type: ignore[no-untyped-def]
    personas, licence, _ = cast
    _login(client, personas.legal_representative)
    _face(client, personas.organisation.pk)
    personas.legal_representative.memberships.update(is_active=False)
    assert client.get(reverse("licences:download", args=[licence.pk])).status_code == 404


def test_staff_without_permission_cannot_manage(client) -> None:  # type: ignore[no-untyped-def]
    _login(client, UserFactory(staff=True))
    assert client.get(reverse("licences:manage")).status_code == 403


def test_home_page_links_to_my_licences(client) -> None:  # type: ignore[no-untyped-def]
    """The 我的证照 entry of the home page is live (LIVE_ENTRIES)."""
    page = client.get("/").content.decode()
    assert f'href="{reverse("licences:index")}"' in page


def test_list_query_count_does_not_grow_with_the_licences(
    client, cast, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    """我的证照 costs the same number of queries for 1 licence as for 12."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    personas, _, _ = cast
    _login(client, personas.operator)
    client.get(reverse("licences:index"))  # the session's first write (idle timeout) is not ours
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("licences:index"))
    for n in range(11):
        LicenceFactory(holder_uscc=personas.organisation.uscc, number=f"N{n}")
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("licences:index")).content.decode()
    assert page.count('id="licence-') == 12
    assert len(many.captured_queries) == len(one.captured_queries)
