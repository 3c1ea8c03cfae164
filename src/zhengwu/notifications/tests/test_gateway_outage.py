"""Ten minutes of whole-gateway outage (sandbox switch), simulated with time-machine: every
message is delivered once when the gateway is back, and verification codes that expired
meanwhile end ``expired``, not sent (OPS-2, issue 15 "faults")."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from zhengwu.audit.models import AuditEvent
from zhengwu.integrations.models import SandboxSms
from zhengwu.integrations.sms.sandbox import gateway_outage, set_gateway_outage
from zhengwu.notifications.models import SmsMessage
from zhengwu.notifications.services import sms_send, verification_code_send

pytestmark = pytest.mark.django_db
Status = SmsMessage.Status


def _deliveries(message):
    return SandboxSms.objects.filter(reference=f"sms-{message.pk}", status="delivered").count()


def test_ten_minutes_of_gateway_outage(frozen, django_capture_on_commit_callbacks):
    set_gateway_outage(True)
    sent = {}

    def send_notice():
        with django_capture_on_commit_callbacks(execute=True):
            return sms_send(
                mobile="13812345678", template="account.locked", params={"username": "zhangsan"}
            )

    def send_code(mobile):
        with django_capture_on_commit_callbacks(execute=True):
            return verification_code_send(mobile=mobile, purpose="registration").message

    # t = 0: a notice and a code; t = 4 min: a code; t = 8 min: a code (expires at 13 min)
    sent["notice"] = send_notice()
    sent["code_at_0"] = send_code("13912345678")
    for second in range(30, 20 * 60 + 1, 30):
        frozen.shift(timedelta(seconds=30))
        if second == 4 * 60:
            sent["code_at_4"] = send_code("13712345678")
        if second == 8 * 60:
            sent["code_at_8"] = send_code("13612345678")
        if second == 10 * 60:
            set_gateway_outage(False)  # the outage ends
        call_command("sms_retry", stdout=StringIO())  # cron, every half minute here

    for message in sent.values():
        message.refresh_from_db()
    # sent once, after the outage
    for key in ("notice", "code_at_8"):
        assert sent[key].status == Status.SENT, key
        assert _deliveries(sent[key]) == 1, key
    assert sent["notice"].attempts == 6  # 0, 30 s, 1.5, 3.5, 7.5 min failed; 15.5 min sent
    # expired while the gateway was down: marked so, never sent
    for key in ("code_at_0", "code_at_4"):
        assert sent[key].status == Status.EXPIRED, key
        assert _deliveries(sent[key]) == 0, key
    assert AuditEvent.objects.filter(event_type="sms.expired").count() == 2
    # every refused request is on the sandbox phone with the outage as its reason
    refused = SandboxSms.objects.filter(status="failed")
    assert refused.count() >= 7
    assert set(refused.values_list("error", flat=True)) == {"短信网关暂时不可用"}


def test_outage_switch_from_the_command(capsys):
    call_command("sms_sandbox_outage", "on")
    assert gateway_outage()
    call_command("sms_sandbox_outage", "status")
    call_command("sms_sandbox_outage", "off")
    assert not gateway_outage()
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "sandbox SMS gateway: DOWN",
        "sandbox SMS gateway: DOWN",
        "sandbox SMS gateway: up",
    ]


def test_outage_setting_holds_the_gateway_down(settings):
    settings.ZHENGWU_SMS_SANDBOX_OUTAGE = True
    assert gateway_outage()


def test_outage_switch_from_the_sandbox_page(client):
    page = client.get("/sandbox/sms/")
    assert "模拟短信网关故障" in page.content.decode()
    response = client.post("/sandbox/sms/outage", {"outage": "on"})
    assert response.status_code == 302 and gateway_outage()
    page = client.get("/sandbox/sms/").content.decode()
    assert "短信网关故障模拟中" in page and "恢复短信网关" in page
    client.post("/sandbox/sms/outage", {"outage": "off"})
    assert not gateway_outage()
    assert client.post("/sandbox/sms/outage", {"outage": "maybe"}).status_code == 400
    assert client.get("/sandbox/sms/outage").status_code == 405


def test_outage_switch_page_is_off_without_the_sandbox(client, settings):
    settings.ZHENGWU_SANDBOX = False
    assert client.post("/sandbox/sms/outage", {"outage": "on"}).status_code == 404
    assert not gateway_outage()
