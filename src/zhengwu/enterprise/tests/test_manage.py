"""EC-3 back office: 企业码管理员 revoke and reissue codes; audited; nobody else can."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.shortcuts import resolve_url
from django.urls import reverse

from zhengwu.accounts.tests.factories import UserFactory
from zhengwu.audit.models import AuditEvent
from zhengwu.core.workflow import history
from zhengwu.enterprise import services
from zhengwu.enterprise.constants import CODE_ADMIN_GROUP, EVENT_REISSUED, EVENT_REVOKED
from zhengwu.enterprise.errors import ManageNotAllowed, ReasonRequired
from zhengwu.enterprise.models import EnterpriseCode

pytestmark = pytest.mark.django_db


@pytest.fixture
def code(personas):
    return services.claim_code(organisation=personas.organisation, actor=personas.operator)


@pytest.fixture
def code_admin(db):
    user = UserFactory(staff=True, username="code_admin")
    user.groups.add(Group.objects.get(name=CODE_ADMIN_GROUP))
    return user


def test_group_holds_both_permissions(code_admin):
    assert code_admin.has_perm("enterprise.manage_code")
    assert code_admin.has_perm("enterprise.view_campaign")


def test_revoke_through_the_page(client, code, code_admin):
    client.force_login(code_admin)
    response = client.post(
        reverse("enterprise:manage_revoke", args=[code.pk]), {"reason": "单位申请作废"}
    )
    assert response.status_code == 302
    code.refresh_from_db()
    assert code.status == "revoked" and code.version == 2
    event = AuditEvent.objects.get(event_type=EVENT_REVOKED)
    assert event.actor_id == code_admin.pk and event.after["reason"] == "单位申请作废"
    [row] = history(code)
    assert (row.from_state, row.to_state, row.reason) == ("active", "revoked", "单位申请作废")
    page = client.get(reverse("enterprise:manage_code", args=[code.pk])).text
    assert "已作废" in page and "单位申请作废" in page


def test_reissue_a_revoked_code(client, code, code_admin):
    services.revoke_code(code=code, actor=code_admin, reason="冒用")
    client.force_login(code_admin)
    client.post(reverse("enterprise:manage_reissue", args=[code.pk]), {"reason": "核实后恢复"})
    code.refresh_from_db()
    assert code.status == "active" and code.version == 3
    assert AuditEvent.objects.filter(event_type=EVENT_REISSUED, outcome="success").count() == 1


def test_reason_is_required_and_shown_beside_the_field(client, code, code_admin):
    client.force_login(code_admin)
    response = client.post(reverse("enterprise:manage_revoke", args=[code.pk]), {"reason": " "})
    assert response.status_code == 400
    assert "请填写原因" in response.text and 'aria-invalid="true"' in response.text
    code.refresh_from_db()
    assert code.status == "active" and code.version == 1
    with pytest.raises(ReasonRequired):
        services.revoke_code(code=code, actor=code_admin, reason="")


def test_revoking_twice_names_the_state(client, code, code_admin):
    services.revoke_code(code=code, actor=code_admin, reason="冒用")
    client.force_login(code_admin)
    response = client.post(reverse("enterprise:manage_revoke", args=[code.pk]), {"reason": "再次"})
    assert response.status_code == 409
    assert "已作废" in response.text
    code.refresh_from_db()
    assert code.version == 2


@pytest.mark.parametrize("who", ["operator", "legal_representative", "reviewer"])
def test_others_cannot_revoke(client, code, personas, who):
    user = getattr(personas, who)
    client.force_login(user)
    assert client.get(reverse("enterprise:manage")).status_code == 404
    response = client.post(reverse("enterprise:manage_revoke", args=[code.pk]), {"reason": "x"})
    assert response.status_code == 404
    with pytest.raises(ManageNotAllowed):
        services.revoke_code(code=code, actor=user, reason="x")
    code.refresh_from_db()
    assert code.status == "active" and code.version == 1
    assert AuditEvent.objects.filter(event_type=EVENT_REVOKED, outcome="failure").exists()


def test_permission_without_staff_flag_is_not_enough(code):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=CODE_ADMIN_GROUP))
    with pytest.raises(ManageNotAllowed):
        services.revoke_code(code=code, actor=user, reason="x")


def test_anonymous_is_sent_to_sign_in(client, code):
    response = client.get(reverse("enterprise:manage"))
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_search_by_uscc_and_name(client, code, code_admin, personas):
    client.force_login(code_admin)
    org = personas.organisation
    text = client.get(reverse("enterprise:manage"), {"q": org.uscc.lower()}).text
    assert org.name in text
    text = client.get(reverse("enterprise:manage"), {"q": "不存在的单位"}).text
    assert org.name not in text and "没有找到企业码" in text


def test_reissue_of_an_active_code_changes_the_version(code, code_admin):
    services.reissue_code(code=code, actor=code_admin, reason="海报遗失")
    fresh = EnterpriseCode.objects.get(pk=code.pk)
    assert fresh.status == "active" and fresh.version == 2


def test_admin_lists_codes_read_only(client, code, personas):
    from django.contrib.auth.models import Permission

    staff = UserFactory(staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_enterprisecode"))
    client.force_login(staff)
    response = client.get("/admin/enterprise/enterprisecode/")
    assert response.status_code == 200 and personas.organisation.name in response.text
    page = client.get(f"/admin/enterprise/enterprisecode/{code.pk}/change/")
    assert page.status_code == 200 and 'name="status"' not in page.text
    assert code.public_id not in page.text


def test_entry_leads_code_admins_to_the_back_office(client, code_admin):
    client.force_login(code_admin)
    text = client.get("/code/").text
    assert "/code/manage/" in text and "/code/campaign/" in text
