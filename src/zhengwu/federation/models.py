"""Tables of the other sign-in methods (ACC-6).

* ``SignInFlow``: one started federated sign-in on the portal side (an OIDC ``state``, a
  licence-scan session, a certificate challenge). It is consumed by one conditional UPDATE,
  so a replayed callback, a second poll or a second signature can never sign in twice.
* ``SandboxIdpGrant``: an authorisation code issued by the sandbox identity provider.
* ``SandboxLicenceScan``: a sign-in session of the sandbox e-business-licence app.

The sandbox tables stand in for state that real providers keep on their side.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengwu.core.fields import EncryptedTextField
from zhengwu.core.masking import mask_id_number, mask_name

from .constants import Method


class SignInFlow(models.Model):
    """A federated sign-in in progress, bound to one browser session by ``token``.

    ``token`` is the OIDC ``state``, the challenge id or the portal's scan id; ``provider_ref``
    the provider's own reference (the licence-scan token); ``secret`` what must not leak (the
    OIDC nonce and PKCE verifier, the certificate challenge) — encrypted at rest.
    """

    method = models.CharField(_("登录方式"), max_length=24, choices=Method.choices)
    token = models.CharField(_("流程标识"), max_length=64, unique=True)
    provider_ref = models.CharField(_("服务方流水号"), max_length=128, blank=True)
    secret = EncryptedTextField(_("流程密钥"), blank=True)
    next_url = models.CharField(_("登录后页面"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("发起时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("过期时间"), db_index=True)
    consumed_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("其他方式登录流程")
        verbose_name_plural = _("其他方式登录流程")
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=Method.values), name="federation_flow_method_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.method}:{self.token[:8]}"


class SandboxIdpGrant(models.Model):
    """An authorisation code of the sandbox identity provider: single use, 60 seconds."""

    code_hash = models.CharField(_("授权码摘要"), max_length=64, unique=True)
    client_id = models.CharField(_("客户端"), max_length=100)
    redirect_uri = models.CharField(_("回调地址"), max_length=500)
    code_challenge = models.CharField(_("PKCE 挑战"), max_length=128)
    nonce = models.CharField(_("nonce"), max_length=128)
    claims = EncryptedTextField(_("身份声明"))
    created_at = models.DateTimeField(_("签发时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("过期时间"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("沙箱授权码")
        verbose_name_plural = _("沙箱授权码")

    def __str__(self) -> str:
        return f"{self.client_id} {self.created_at:%Y-%m-%d %H:%M:%S}"


class SandboxLicenceScan(models.Model):
    """One sign-in session of the sandbox e-business-licence app (电子营业执照)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待扫码确认")
        CONFIRMED = "confirmed", _("已确认")
        CANCELLED = "cancelled", _("已取消")
        EXPIRED = "expired", _("已过期")

    token = models.CharField(_("令牌"), max_length=64, unique=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    enterprise_name = models.CharField(_("企业名称"), max_length=200, blank=True)
    legal_rep_name = EncryptedTextField(_("法定代表人"), blank=True)
    legal_rep_id_type = models.CharField(_("证件类型"), max_length=32, blank=True)
    legal_rep_id_number = EncryptedTextField(_("证件号码"), blank=True)
    created_at = models.DateTimeField(_("发起时间"), default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("过期时间"))
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    # Documented failure: the phone page's 模拟服务异常 makes every poll a transient error.
    is_faulty = models.BooleanField(_("模拟服务异常"), default=False)

    class Meta:
        verbose_name = _("沙箱电子营业执照扫码")
        verbose_name_plural = _("沙箱电子营业执照扫码")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "confirmed", "cancelled", "expired"]),
                name="federation_sandbox_scan_status_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.token[:8]} {self.status}"

    @property
    def masked_legal_rep_name(self) -> str:
        return mask_name(self.legal_rep_name or "")

    @property
    def masked_legal_rep_id_number(self) -> str:
        return mask_id_number(self.legal_rep_id_number or "")
