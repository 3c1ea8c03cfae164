"""The sandbox captcha: with CAPTCHA_TEST_MODE the answer PASSED is accepted, without it not."""

import pytest
from captcha.fields import CaptchaField
from django import forms
from django.test import override_settings

pytestmark = pytest.mark.django_db


class SignInForm(forms.Form):
    captcha = CaptchaField()


def _form(answer):
    return SignInForm(data={"captcha_0": "unknown-hashkey", "captcha_1": answer})


def test_passed_is_accepted_in_the_sandbox(settings):
    """The test settings run the sandbox (CAPTCHA_TEST_MODE on): PASSED, any case, passes."""
    assert settings.CAPTCHA_TEST_MODE is True
    assert _form("PASSED").is_valid()
    assert _form("passed").is_valid()


def test_wrong_answer_is_refused_even_in_the_sandbox():
    """Test mode accepts only the word PASSED, not any answer."""
    assert not _form("ABCD").is_valid()


def test_passed_is_refused_without_test_mode():
    """With CAPTCHA_TEST_MODE off (production) PASSED is an ordinary wrong answer.

    The library copies the setting at import; ``zhengwu.integrations.captcha`` keeps its copy
    in step with ``override_settings``, so this works like any setting and is restored after.
    """
    with override_settings(CAPTCHA_TEST_MODE=False):
        form = _form("PASSED")
        assert not form.is_valid()
        assert "captcha" in form.errors
    assert _form("PASSED").is_valid()
