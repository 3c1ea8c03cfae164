"""The wizard's pages: errors beside the fields, the manual-channel offer, 经办人申请."""

import pytest

from zhengwu.registrations.tests.conftest import step1_data, step2_data

pytestmark = pytest.mark.django_db


def _step1_form(entity, **overrides):
    data = step1_data(entity, **overrides)
    data["agreement"] = "on" if data.pop("agreement_accepted") else ""
    return data


def test_step_1_page_shows_the_seed_labels(client):
    body = client.get("/register/").content.decode()
    for label in [
        "信息认证",
        "创建用户",
        "实名认证",
        "注册成功",
        "统一社会信用代码",
        "法定代表人证件号码",
    ]:
        assert label in body


def test_registry_failure_is_shown_beside_the_field_with_the_manual_channel(client, entity):
    """REG-3 on the page: the message under the field and a link to 人工认证渠道."""
    body = client.post("/register/", _step1_form(entity, legal_rep_name="张三")).content.decode()
    assert "法定代表人信息实名认证失败" in body and 'href="/register/manual/"' in body


def test_step_2_requires_the_image_captcha(client, entity):
    """REG-4: the captcha is checked before anything else is spent."""
    assert client.post("/register/", _step1_form(entity)).status_code == 302
    data = {**step2_data(entity), "sms_code": "123456", "captcha_0": "x", "captcha_1": "wrong"}
    body = client.post("/register/user/", data).content.decode()
    assert "验证码错误" in body


def test_wizard_pages_follow_the_draft(client, entity, send_code):
    """Step 2 → 实名认证 page with the QR code; no draft → back to step 1."""
    assert client.get("/register/user/").status_code == 302
    client.post("/register/", _step1_form(entity))
    data = {
        **step2_data(entity),
        "sms_code": send_code(entity.registered_phone),
        "captcha_0": "x",
        "captcha_1": "PASSED",
    }
    response = client.post("/register/user/", data)
    assert response.status_code == 302 and response["Location"] == "/register/face/"
    body = client.get("/register/face/").content.decode()
    assert "<svg" in body and "face/status" in body
    response = client.get("/register/face/status", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == "/register/done/"
    assert "注册成功" in client.get("/register/done/").content.decode()


def test_applications_page_needs_sign_in_and_scopes_to_the_organisation(client, personas):
    from zhengwu.registrations.tests.factories import OperatorApplicationFactory

    mine = OperatorApplicationFactory(organisation=personas.organisation, real_name="赵六")
    assert client.get("/register/applications/").status_code == 302
    client.force_login(personas.outsider)
    assert "赵六" not in client.get("/register/applications/").content.decode()
    assert (
        client.post(f"/register/applications/{mine.pk}/reject", {"reason": "x"}).status_code == 404
    )
    client.force_login(personas.administrator)
    assert "赵六" in client.get("/register/applications/").content.decode()
    body = client.post(f"/register/applications/{mine.pk}/reject", {"reason": "非本单位"}).content
    assert "已拒绝" in body.decode()


def test_home_entry_leads_to_the_role_choice_then_the_wizard_or_the_agent_path(client):
    assert 'href="/register/legal/"' in client.get("/").content.decode()
    choice = client.get("/register/legal/").content.decode()
    assert 'href="/register/"' in choice and 'href="/register/agent/"' in choice
    assert 'href="/register/agent/"' in client.get("/register/").content.decode()
