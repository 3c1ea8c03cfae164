"""The organisation-centre pages over HTTP: masked data, errors beside the fields, redirects,
account settings (password with the REG-4 rules, own mobile with an SMS code)."""

import re

from django.urls import reverse

from zhengwu.accounts.constants import (
    EVENT_MOBILE_CHANGED,
    EVENT_PASSWORD_CHANGE_FAILED,
    EVENT_PASSWORD_CHANGED,
    Role,
)
from zhengwu.accounts.identity import mobile_hash
from zhengwu.accounts.models import Membership, MobileClaim
from zhengwu.accounts.tests.factories import PASSWORD, resident_id
from zhengwu.audit.models import AuditEvent
from zhengwu.registrations.tests.factories import OperatorApplicationFactory


def _org(personas, name, **kwargs):
    return reverse(name, kwargs={"org_id": personas.organisation.pk, **kwargs})


def test_operators_page_masks_id_numbers_and_mobiles(client, personas):
    """ACC-7: no clear ID number or mobile on the page."""
    client.force_login(personas.administrator)
    html = client.get(_org(personas, "orgcentre:operators")).content.decode()
    for user in (personas.legal_representative, personas.administrator, personas.operator):
        assert user.id_number not in html and user.mobile not in html
        assert user.masked_id_number in html and user.masked_mobile in html


def test_only_the_legal_representative_sees_the_administrator_buttons(client, personas):
    client.force_login(personas.administrator)
    assert "设为管理员" not in client.get(_org(personas, "orgcentre:operators")).content.decode()
    client.force_login(personas.legal_representative)
    assert "设为管理员" in client.get(_org(personas, "orgcentre:operators")).content.decode()


def test_an_administrator_posting_a_grant_is_refused_with_the_reason(client, personas):
    member = Membership.objects.get(user=personas.operator)
    client.force_login(personas.administrator)
    response = client.post(_org(personas, "orgcentre:admin_grant", member_id=member.pk))
    assert response.status_code == 403
    assert "只有法定代表人可以授权或取消管理员" in response.content.decode()
    member.refresh_from_db()
    assert member.role == Role.OPERATOR


def test_the_legal_representative_grants_through_the_page(client, personas):
    member = Membership.objects.get(user=personas.operator)
    client.force_login(personas.legal_representative)
    response = client.post(
        _org(personas, "orgcentre:admin_grant", member_id=member.pk), follow=True
    )
    assert "已授权“operator1”为管理员" in response.content.decode()
    member.refresh_from_db()
    assert member.role == Role.ADMINISTRATOR


def test_add_page_sends_the_administrator_to_the_pending_application(client, personas):
    """REG-8 administrator case, over HTTP."""
    application = OperatorApplicationFactory(
        organisation=personas.organisation, id_number=resident_id(31337)
    )
    client.force_login(personas.administrator)
    response = client.post(
        _org(personas, "orgcentre:operator_add"),
        {
            "real_name": "赵测试通过",
            "id_type": "resident_id",
            "id_number": resident_id(31337),
            "mobile": "13957166001",
            "sms_code": "123456",
            "username": "zhao_add",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(
        _org(personas, "orgcentre:applications") + f"#application-{application.pk}"
    )
    page = client.get(response["Location"]).content.decode()
    assert "当前添加的经办人已提交了账号注册申请，请前往【经办人申请】去审核" in page
    assert reverse("registrations:approve", kwargs={"pk": application.pk}) in page


def test_add_page_shows_errors_beside_the_fields(client, personas):
    client.force_login(personas.administrator)
    response = client.post(
        _org(personas, "orgcentre:operator_add"),
        {
            "real_name": "钱",
            "id_type": "resident_id",
            "id_number": resident_id(5),
            "mobile": personas.operator.mobile,
            "sms_code": "123456",
            "username": "qian_ok",
        },
    )
    html = response.content.decode()
    assert re.search(r'id="mobile-error">同一企业/组织下的账号绑定的手机号不可重复<', html)


def test_sms_code_button_answers_in_place(client, personas, django_capture_on_commit_callbacks):
    client.force_login(personas.administrator)
    url = _org(personas, "orgcentre:sms_code")
    state_url = reverse("registrations:sms_state")
    response = client.post(url, {"mobile": "13957166002"})
    body = response.content.decode()
    # Not "sent" before the gateway said so: the fragment polls the state.
    assert "短信验证码已发送" not in body and "正在发送短信验证码" in body and state_url in body
    taken = client.post(url, {"mobile": personas.operator.mobile})
    assert taken.status_code == 400
    assert "同一企业/组织下的账号绑定的手机号不可重复" in taken.content.decode()


# --- 账户设置 ---


def test_account_page_masks_own_details(client, personas):
    client.force_login(personas.operator)
    html = client.get(reverse("orgcentre:account")).content.decode()
    assert personas.operator.masked_id_number in html
    assert personas.operator.id_number not in html and personas.operator.mobile not in html


def test_password_change_checks_the_old_password_and_the_reg4_rules(client, personas):
    client.force_login(personas.operator)
    url = reverse("orgcentre:account_password")
    wrong = client.post(
        url, {"old_password": "nope", "password": "Xy#2026abc", "password_confirm": "Xy#2026abc"}
    )
    assert "原密码不正确" in wrong.content.decode()
    assert AuditEvent.objects.filter(event_type=EVENT_PASSWORD_CHANGE_FAILED).exists()
    weak = client.post(
        url, {"old_password": PASSWORD, "password": "abcdefgh", "password_confirm": "abcdefgh"}
    )
    assert "密码须含数字、大写字母、小写字母、特殊字符中的三种及以上" in weak.content.decode()
    with_mobile = f"Aa#{personas.operator.mobile}"
    refused = client.post(
        url, {"old_password": PASSWORD, "password": with_mobile, "password_confirm": with_mobile}
    )
    assert "密码不能包含手机号" in refused.content.decode()
    ok = client.post(
        url, {"old_password": PASSWORD, "password": "Xy#2026abc", "password_confirm": "Xy#2026abc"}
    )
    assert ok.status_code == 302
    personas.operator.refresh_from_db()
    assert personas.operator.check_password("Xy#2026abc")
    assert AuditEvent.objects.filter(event_type=EVENT_PASSWORD_CHANGED).exists()
    # Still signed in (session hash updated).
    assert client.get(reverse("orgcentre:account")).status_code == 200


def test_own_mobile_change_with_code_moves_the_claim(client, personas, send_code):
    client.force_login(personas.operator)
    url = reverse("orgcentre:account_mobile")
    taken = client.post(url, {"mobile": personas.administrator.mobile, "sms_code": "123456"})
    assert "同一企业/组织下的账号绑定的手机号不可重复" in taken.content.decode()
    code = send_code("13957155001")
    assert client.post(url, {"mobile": "13957155001", "sms_code": code}).status_code == 302
    personas.operator.refresh_from_db()
    assert personas.operator.mobile == "13957155001"
    claim = MobileClaim.objects.get(holder=f"accounts.user:{personas.operator.pk}")
    assert claim.mobile_hash == mobile_hash("13957155001")
    event = AuditEvent.objects.get(event_type=EVENT_MOBILE_CHANGED)
    assert "13957155001" not in str(event.after)


def test_a_plain_operator_sees_the_dashboard_without_management_links(client, personas):
    client.force_login(personas.operator)
    html = client.get(_org(personas, "orgcentre:dashboard")).content.decode()
    assert "经办人管理" not in html and "账户设置" in html


def test_index_goes_straight_to_the_only_organisation(client, personas):
    client.force_login(personas.operator)
    response = client.get(reverse("orgcentre:index"))
    assert response["Location"] == _org(personas, "orgcentre:dashboard")


def test_the_portal_header_links_legal_person_users_to_the_organisation_centre(client, personas):
    client.force_login(personas.operator)
    assert (
        f'href="{reverse("orgcentre:index")}"'
        in client.get(reverse("orgcentre:account")).content.decode()
    )
    client.force_login(personas.reviewer)
    assert f'href="{reverse("orgcentre:index")}"' not in client.get("/").content.decode()


def test_the_set_password_link_can_be_sent_again_until_a_password_is_set(
    client, personas, send_code
):
    from zhengwu.notifications.models import SmsMessage
    from zhengwu.orgcentre import services

    added = services.operator_add(
        actor=personas.administrator,
        organisation=personas.organisation,
        real_name="钱新人",
        id_type="resident_id",
        id_number=resident_id(1357),
        mobile="13957122001",
        sms_code=send_code("13957122001"),
        username="qian_resend",
    )
    client.force_login(personas.administrator)
    url = _org(personas, "orgcentre:operator_resend", member_id=added.pk)
    assert (
        "重新发送设置密码链接" in client.get(_org(personas, "orgcentre:operators")).content.decode()
    )
    assert client.post(url).status_code == 302
    assert SmsMessage.objects.filter(template_code="operator.account_opened").count() == 2
    added.user.set_password("Xy#2026abc")
    added.user.save()
    refused = client.post(url)
    assert refused.status_code == 400 and "该经办人已设置密码" in refused.content.decode()
