"""SMS templates: one per message the specification sends; every placeholder is required."""

import pytest
from django.test import override_settings

from zhengwu.notifications.errors import (
    TemplateParamMissing,
    TemplateParamUnexpected,
    TemplateUnknown,
)
from zhengwu.notifications.models import VerificationCode
from zhengwu.notifications.templates import AUTO_PARAMS, TEMPLATES, SmsTemplate, render

SPEC_MESSAGES = {
    "registration.succeeded",  # REG-7
    "operator_application.approval_requested",  # REG-7
    "operator_application.approved",  # REG-7
    "operator_application.rejected",  # REG-7
    "manual_review.received",  # REG-9, REG-11
    "manual_review.approved",
    "manual_review.rejected",
    "mandate.signature_requested",  # REG-10
    "mandate.signature_timed_out",
    "mandate.signature_refused",
    "account.locked",  # ACC-2
    "operator.details_changed",  # ACC-4
    "agency_coding.accepted",  # AG-7
    "agency_coding.returned",
    "agency_coding.notified",
    "agency_coding.to_print",
}


def _params(template: SmsTemplate) -> dict[str, str]:
    return {name: f"<{name}>" for name in template.required_params}


def test_every_message_of_the_specification_has_a_template():
    """REG-7, REG-9, REG-10, REG-11, ACC-2, ACC-4, AG-7 and one code template per purpose."""
    codes = {f"verification_code.{purpose}" for purpose in VerificationCode.Purpose.values}
    assert SPEC_MESSAGES | codes <= set(TEMPLATES)


@pytest.mark.parametrize("code", sorted(TEMPLATES))
def test_template_renders_with_signature_and_all_values(code):
    """Each template renders: signature first, every value in, no placeholder left."""
    template = TEMPLATES[code]
    text = render(code, _params(template))
    assert text.startswith("【政务服务网】")
    for name in template.required_params:
        assert f"<{name}>" in text
    assert "{" not in text and "}" not in text


@pytest.mark.parametrize(
    ("code", "name"),
    [(code, name) for code, t in sorted(TEMPLATES.items()) for name in t.required_params],
)
def test_missing_parameter_is_named(code, name):
    """Leaving out any one placeholder fails with an error naming it and the template."""
    params = _params(TEMPLATES[code])
    del params[name]
    with pytest.raises(TemplateParamMissing) as exc:
        render(code, params)
    assert exc.value.code == "sms.template_param_missing"
    assert exc.value.field == name
    assert f"“{name}”" in exc.value.message and code in exc.value.message


def test_empty_value_counts_as_missing():
    """A blank reason is as bad as none: the rejection SMS must say why (REG-9)."""
    with pytest.raises(TemplateParamMissing) as exc:
        render("manual_review.rejected", {"reference": "RG-1", "reason": "  "})
    assert exc.value.field == "reason"


def test_unexpected_parameter_is_named():
    """A parameter the template does not use (a typo) is refused, named."""
    with pytest.raises(TemplateParamUnexpected) as exc:
        render("operator_application.rejected", {"organisation": "甲公司", "reasn": "x"})
    assert exc.value.field == "reasn"


def test_unknown_template():
    """An unregistered code is a configuration error with a stable code."""
    with pytest.raises(TemplateUnknown) as exc:
        render("no.such.template", {})
    assert exc.value.code == "sms.template_unknown"


@override_settings(
    ZHENGWU_SMS_SIGNATURE="【浙江政务服务网】",
    ZHENGWU_PORTAL_NAME="浙里办",
    ZHENGWU_HOTLINE="96345",
)
def test_signature_portal_and_hotline_come_from_settings():
    """The signature, {portal} and {hotline} follow the settings; callers may not need them."""
    text = render("account.locked", {"username": "zhangsan"})
    assert text.startswith("【浙江政务服务网】") and "96345" in text
    assert "浙里办" in render("verification_code.sign_in", {"code": "123456", "minutes": 5})
    assert {"portal", "hotline"} == AUTO_PARAMS


def test_code_templates_render_code_and_lifetime():
    """Verification-code texts carry the code and its lifetime in minutes."""
    text = render("verification_code.password_reset", {"code": "012345", "minutes": 5})
    assert "验证码012345，5分钟内有效" in text


def test_placeholders_must_be_plain_names():
    """Format specs or attribute access in a template are refused when it is defined."""
    with pytest.raises(ValueError):
        SmsTemplate("x.y", "{code:>6}", "", "")
    with pytest.raises(ValueError):
        SmsTemplate("x.y", "{user.name}", "", "")
