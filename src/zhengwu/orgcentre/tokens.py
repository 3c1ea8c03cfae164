"""One-time set-password links for accounts an administrator opens (ACC-5, REG-8).

An account added in the organisation centre has no usable password; the person receives an
SMS link to set one. The token is Django's password-reset construction with its own salt (a
reset token never opens this page and the reverse) and its own lifetime
(``ZHENGWU_ORG_ACTIVATION_HOURS``). It is single-use: it signs the password hash, which
changes when the password is set.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode


def activation_hours() -> int:
    return int(settings.ZHENGWU_ORG_ACTIVATION_HOURS)


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "zhengwu.orgcentre.tokens.ActivationTokenGenerator"

    def check_token(self, user: Any, token: str | None) -> bool:
        """Signature as Django's, lifetime ``ZHENGWU_ORG_ACTIVATION_HOURS``."""
        if not (user and token):
            return False
        try:
            ts_b36, _ = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return (self._num_seconds(self._now()) - ts) <= activation_hours() * 3600


activation_token = ActivationTokenGenerator()


def activation_link(user: Any) -> str:
    """The absolute link the SMS carries (``ZHENGWU_SITE_URL`` + the set-password page)."""
    path = reverse(
        "orgcentre:activate",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": activation_token.make_token(user),
        },
    )
    return settings.ZHENGWU_SITE_URL.rstrip("/") + path
