"""个人注册 pages (REG-11): the portal entry, the form with errors beside the fields, the
region selects, the face step, 人工审核 and the result page."""

import re

import pytest
from django.urls import reverse

from zhengwu.accounts.models import User
from zhengwu.accounts.tests.factories import PASSWORD, resident_id
from zhengwu.registrations.models import NaturalPersonReview

pytestmark = pytest.mark.django_db
MOBILE = "13957177777"


def _form(**overrides):
    data = {
        "id_type": "resident_id",
        "real_name": "赵测试通过",
        "id_number": resident_id(55),
        "valid_from": "2020-01-01",
        "long_term": "on",
        "province": "33",
        "city": "3301",
        "region": "330106",
        "mobile": MOBILE,
        "captcha_0": "x",
        "captcha_1": "PASSED",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "agreement": "on",
    }
    return {**data, **overrides}


def _sms_code(client):
    from zhengwu.notifications.models import SmsMessage

    client.post(reverse("registrations:natural_sms_code"), {"mobile": MOBILE})
    text = SmsMessage.objects.filter(template_code="verification_code.registration").last().text
    return re.search(r"验证码(\d{6})", text).group(1)


def test_portal_entry_leads_to_the_page(client):
    """The home entry 个人注册 is live."""
    html = client.get("/").content.decode()
    assert reverse("registrations:natural") in html
    page = client.get(reverse("registrations:natural"))
    assert page.status_code == 200 and "个人注册" in page.content.decode()


def test_errors_appear_beside_the_fields(client):
    """A wrong number is named on 证件号码, a missing region on 居住地."""
    response = client.post(
        reverse("registrations:natural"),
        _form(id_number="330106198001011234", region="", sms_code="123456"),
    )
    html = response.content.decode()
    assert "请选择居住地" in html and response.status_code == 200
    response = client.post(
        reverse("registrations:natural"), _form(id_number="123", sms_code="123456")
    )
    assert "证件号码：" in response.content.decode()


def test_region_selects_follow_the_province(client):
    """htmx: a province lists its cities, a city its counties; a municipality its districts."""
    html = client.get(
        reverse("registrations:natural_regions"), {"province": "33", "city": "3301"}
    ).content.decode()
    assert "杭州市" in html and "西湖区" in html
    html = client.get(reverse("registrations:natural_regions"), {"province": "11"}).content.decode()
    assert "东城区" in html


def test_journey_pass(client, django_capture_on_commit_callbacks):
    """Form → face (passes at once in the sandbox) → 注册成功."""
    with django_capture_on_commit_callbacks(execute=True):
        code = _sms_code(client)
    response = client.post(reverse("registrations:natural"), _form(sms_code=code))
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == reverse("registrations:natural_face")
    assert "svg" in client.get(reverse("registrations:natural_face")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        status = client.get(reverse("registrations:natural_face_status"))
    assert status["HX-Redirect"] == reverse("registrations:natural_result")
    assert "注册成功" in client.get(reverse("registrations:natural_result")).content.decode()
    assert User.objects.get(username=MOBILE).kind == "natural_person"


def test_journey_fail_then_manual_review(client, django_capture_on_commit_callbacks):
    """Face fails → 申请人工审核 is offered → the result page shows the status."""
    with django_capture_on_commit_callbacks(execute=True):
        code = _sms_code(client)
    client.post(reverse("registrations:natural"), _form(real_name="赵测试不通过", sms_code=code))
    client.get(reverse("registrations:natural_face"))
    status = client.get(reverse("registrations:natural_face_status")).content.decode()
    assert "申请人工审核" in status
    response = client.post(reverse("registrations:natural_review"))
    assert response["Location"] == reverse("registrations:natural_result")
    html = client.get(reverse("registrations:natural_result")).content.decode()
    review = NaturalPersonReview.objects.get()
    assert review.reference in html and "待审核" in html
    assert not User.objects.filter(kind="natural_person").exists()


def test_returned_review_shows_reasons_and_resubmits(
    client, personas, django_capture_on_commit_callbacks
):
    """退回: the result page shows the reason; 重新提交 puts the review back to 待审核."""
    from zhengwu.registrations.natural import reviews as natural_reviews

    with django_capture_on_commit_callbacks(execute=True):
        code = _sms_code(client)
    client.post(reverse("registrations:natural"), _form(real_name="赵测试不通过", sms_code=code))
    client.get(reverse("registrations:natural_face"))
    client.get(reverse("registrations:natural_face_status"))
    client.post(reverse("registrations:natural_review"))
    review = NaturalPersonReview.objects.get()
    natural_reviews.natural_review_reject(
        review=review, actor=personas.reviewer, reason_code="other", reason_text="证件照片不清晰"
    )
    html = client.get(reverse("registrations:natural_result")).content.decode()
    assert "已退回" in html and "证件照片不清晰" in html and "重新提交" in html
    client.post(reverse("registrations:natural_resubmit"))
    review.refresh_from_db()
    assert review.status == "pending"
    assert "待审核" in client.get(reverse("registrations:natural_result")).content.decode()


def test_the_page_asks_for_the_agreement_and_no_username_hint(client):
    """Seed 003: the agreement checkbox is on the page; the password hint does not speak of a
    username a natural person does not have."""
    html = client.get(reverse("registrations:natural")).content.decode()
    assert "我已阅读并同意《政务服务网用户注册协议》" in html and 'name="agreement"' in html
    assert "不能含用户名" not in html
    response = client.post(reverse("registrations:natural"), _form(agreement=""))
    assert "请阅读并同意《用户注册协议》" in response.content.decode()
