"""Every URL of the organisation centre (and of 经办人申请 under /register/applications/), walked
by everybody who must not get in: anonymous visitors are sent to sign in; an outsider (legal
representative of another organisation), an operator of another organisation and — on the
pages of the legal representative and administrators — a plain operator get 404, and
nothing changes."""

import pytest
from django.urls import reverse

from zhengwu.accounts.models import Membership
from zhengwu.orgcentre import urls as orgcentre_urls
from zhengwu.registrations.tests.factories import OperatorApplicationFactory

# (url name, method, needs a member id, managers only)
ORG_URLS = [
    ("orgcentre:dashboard", "get", False, False),
    ("orgcentre:operators", "get", False, True),
    ("orgcentre:operator_add", "get", False, True),
    ("orgcentre:operator_add", "post", False, True),
    ("orgcentre:operator", "get", True, True),
    ("orgcentre:operator", "post", True, True),
    ("orgcentre:operator_disable", "post", True, True),
    ("orgcentre:operator_enable", "post", True, True),
    ("orgcentre:operator_resend", "post", True, True),
    ("orgcentre:admin_grant", "post", True, True),
    ("orgcentre:admin_revoke", "post", True, True),
    ("orgcentre:applications", "get", False, True),
    ("orgcentre:sms_code", "post", False, True),
]
#: Pages of the signed-in user's own account (no organisation in the URL).
OWN_URLS = [
    ("orgcentre:index", "get"),
    ("orgcentre:account", "get"),
    ("orgcentre:account_password", "post"),
    ("orgcentre:account_mobile", "post"),
    ("orgcentre:account_sms_code", "post"),
]
APPLICATION_URLS = [
    ("registrations:approve", "post"),
    ("registrations:approve_status", "get"),
    ("registrations:reject", "post"),
]
FORM = {
    "real_name": "赵某",
    "id_type": "resident_id",
    "id_number": "11010519491231002X",
    "mobile": "13957177001",
    "sms_code": "123456",
    "username": "walker_01",
    "reason": "非本单位员工",
}


def test_every_organisation_centre_url_is_walked():
    """A new URL must be added to the walk below."""
    names = {f"orgcentre:{p.name}" for p in orgcentre_urls.urlpatterns}
    walked = (
        {name for name, *_ in ORG_URLS}
        | {name for name, _ in OWN_URLS}
        | {
            "orgcentre:activate"  # public: the token is the credential (test_operator_add)
        }
    )
    assert names == walked


def _org_url(name, personas, member):
    kwargs = {"org_id": personas.organisation.pk}
    if name in {n for n, _m, needs_member, _ in ORG_URLS if needs_member}:
        kwargs["member_id"] = member.pk
    return reverse(name, kwargs=kwargs)


def _state(personas):
    return sorted(
        Membership.objects.filter(organisation=personas.organisation).values_list(
            "pk", "role", "is_active"
        )
    )


#: Every URL of an organisation's resources: the organisation centre's and 经办人申请's.
WALK = [*ORG_URLS, *[(name, method, False, True) for name, method in APPLICATION_URLS]]


@pytest.mark.parametrize("who", ["outsider", "other_operator", "operator", "anonymous"])
@pytest.mark.parametrize(("name", "method", "needs_member", "managers_only"), WALK)
def test_organisation_urls_are_hidden_from_strangers(
    client, personas, other_operator, who, name, method, needs_member, managers_only
):
    member = Membership.objects.get(organisation=personas.organisation, user=personas.operator)
    application = OperatorApplicationFactory(organisation=personas.organisation)
    before = _state(personas)
    user = {
        "outsider": personas.outsider,
        "other_operator": other_operator,
        "operator": personas.operator,
    }.get(who)
    if user is not None:
        client.force_login(user)
    if name.startswith("registrations:"):
        url = reverse(name, kwargs={"pk": application.pk})
    else:
        url = _org_url(name, personas, member)
    response = getattr(client, method)(url, FORM if method == "post" else None)
    if who == "anonymous":
        assert response.status_code == 302 and "/login/" in response["Location"]
    elif who == "operator" and not managers_only:
        assert response.status_code == 200
    else:
        assert response.status_code == 404, (who, name, method)
    assert _state(personas) == before
    application.refresh_from_db()
    assert application.status == "pending" and not application.approval_face_token


@pytest.mark.parametrize(("name", "method"), OWN_URLS)
def test_own_account_urls_send_anonymous_visitors_to_sign_in(client, db, name, method):
    response = getattr(client, method)(reverse(name))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize(("name", "method"), OWN_URLS)
def test_own_account_urls_are_404_for_staff_without_an_organisation(client, personas, name, method):
    client.force_login(personas.reviewer)
    assert getattr(client, method)(reverse(name)).status_code == 404


@pytest.mark.parametrize("who", ["outsider", "other_operator", "operator"])
def test_the_application_list_shows_nothing_of_another_organisation(
    client, personas, other_operator, who
):
    application = OperatorApplicationFactory(organisation=personas.organisation)
    client.force_login(
        {"outsider": personas.outsider, "operator": personas.operator}.get(who, other_operator)
    )
    response = client.get(reverse("registrations:applications"))
    assert f"application-{application.pk}" not in response.content.decode()


def test_managers_see_the_pages(client, personas):
    """The positive twin: the legal representative and the administrator get in."""
    member = Membership.objects.get(organisation=personas.organisation, user=personas.operator)
    for user in (personas.legal_representative, personas.administrator):
        client.force_login(user)
        for name, method, _needs_member, _managers in ORG_URLS:
            if method == "get":
                response = client.get(_org_url(name, personas, member))
                assert response.status_code == 200, (user, name)
