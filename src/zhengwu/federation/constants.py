"""Vocabulary of the other sign-in methods (ACC-6): methods, audit events, failure codes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Method(models.TextChoices):
    """The three federated sign-in methods of ACC-6 (seed 001 二, seed 003 二)."""

    NATIONAL_ACCOUNT = "national_account", _("国家政务服务平台账号")
    LICENCE_SCAN = "licence_scan", _("电子营业执照扫码")
    CERTIFICATE = "certificate", _("法人数字证书")


#: Audit event of every attempt: ``after = {"method": ..., "result": ...}`` (ACC-8).
EVENT_SIGN_IN = "federation.sign_in"

#: ``result`` of a successful attempt; failures carry the error code.
RESULT_SUCCESS = "success"
RESULT_NO_ACCOUNT = "federation.no_account"

#: Backend recorded on sessions opened by these methods (the password backend's class, so that
#: ``get_user`` works without a federation backend; no password is ever checked through it).
SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"
SESSION_METHOD_KEY = "federation_method"
