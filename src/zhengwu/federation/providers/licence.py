"""电子营业执照扫码登录: the sandbox licence app.

``SandboxLicenceScanProvider`` keeps each sign-in session in ``SandboxLicenceScan``. The QR
payload is the URL of the sandbox "phone" page of that session
(``/sandbox/federation/licence-app/<token>/``), where a person picks an enterprise whose
e-business licence the app "holds" and confirms as its legal representative, or cancels.

Behaves like the real service: a session lives ``ZHENGWU_FEDERATION_LICENCE_SCAN_TTL_SECONDS``
(2 minutes) and then reports ``expired``; a confirmed or cancelled session never changes again;
an unknown token is ``SignInFailed`` (``federation.licence.unknown``); 模拟服务异常 on the phone
page makes every later poll of that session ``FederationProviderError(permanent=False)``
(``UNAVAILABLE``). The portal consumes a confirmed session once (``SignInFlow``), so the QR is
single-use.
"""

from __future__ import annotations

import secrets

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from zhengwu.integrations.conf import site_url

from .. import conf
from ..errors import FederationProviderError, SignInFailed
from ..models import SandboxLicenceScan
from .base import FederatedIdentity, LicenceScanProvider, ScanResult, ScanSession, ScanStatus


def phone_url(token: str) -> str:
    """The absolute URL the QR encodes (opened by the sandbox licence app)."""
    try:
        path = reverse("federation_sandbox:licence_app_scan", args=[token])
    except NoReverseMatch:  # sandbox pages not mounted: keep the documented path
        path = f"/sandbox/federation/licence-app/{token}/"
    return site_url() + path


class SandboxLicenceScanProvider(LicenceScanProvider):
    """The offline stand-in for the e-business-licence sign-in service."""

    def start_scan(self) -> ScanSession:
        scan = SandboxLicenceScan.objects.create(
            token=secrets.token_urlsafe(24), expires_at=timezone.now() + conf.licence_scan_ttl()
        )
        return ScanSession(
            token=scan.token, qr_payload=phone_url(scan.token), expires_at=scan.expires_at
        )

    def get_result(self, token: str) -> ScanResult:
        scan = SandboxLicenceScan.objects.filter(token=token).first()
        if scan is None:
            raise SignInFailed("扫码会话不存在", code="federation.licence.unknown")
        if scan.is_faulty:
            raise FederationProviderError(
                "电子营业执照服务暂时无法使用，请稍后再试",
                permanent=False,
                code="federation.licence.unavailable",
                provider_code="UNAVAILABLE",
            )
        if scan.status == SandboxLicenceScan.Status.PENDING and scan.expires_at <= timezone.now():
            SandboxLicenceScan.objects.filter(
                pk=scan.pk, status=SandboxLicenceScan.Status.PENDING
            ).update(status=SandboxLicenceScan.Status.EXPIRED)
            scan.refresh_from_db()
        status = ScanStatus(scan.status)
        if status != ScanStatus.CONFIRMED:
            return ScanResult(status=status)
        return ScanResult(
            status=status,
            identity=FederatedIdentity(
                subject=f"licence:{scan.uscc}",
                name=scan.legal_rep_name,
                id_type=scan.legal_rep_id_type,
                id_number=scan.legal_rep_id_number,
                uscc=scan.uscc,
                organisation_name=scan.enterprise_name,
            ),
        )


def sandbox_scan_fault(*, token: str) -> None:
    """The documented failure: from now on the service "is down" for session ``token``."""
    SandboxLicenceScan.objects.filter(token=token).update(is_faulty=True)


def sandbox_scan_decide(
    *,
    token: str,
    confirm: bool,
    uscc: str = "",
    enterprise_name: str = "",
    legal_rep_name: str = "",
    legal_rep_id_type: str = "",
    legal_rep_id_number: str = "",
) -> SandboxLicenceScan:
    """The licence app's answer for session ``token`` (the sandbox phone page calls this)."""
    now = timezone.now()
    with transaction.atomic():
        scan = SandboxLicenceScan.objects.select_for_update().filter(token=token).first()
        if scan is None:
            raise SignInFailed("扫码会话不存在", code="federation.licence.unknown")
        if scan.status != SandboxLicenceScan.Status.PENDING:
            raise SignInFailed(
                "该二维码已使用，请在电脑上刷新二维码", code="federation.licence.used"
            )
        expired = scan.expires_at <= now
        if expired:
            scan.status = SandboxLicenceScan.Status.EXPIRED
        elif confirm:
            scan.status = SandboxLicenceScan.Status.CONFIRMED
            scan.uscc = uscc
            scan.enterprise_name = enterprise_name
            scan.legal_rep_name = legal_rep_name
            scan.legal_rep_id_type = legal_rep_id_type
            scan.legal_rep_id_number = legal_rep_id_number
        else:
            scan.status = SandboxLicenceScan.Status.CANCELLED
        if not expired:
            scan.decided_at = now
        scan.save()
    if expired:
        raise SignInFailed("二维码已过期，请在电脑上刷新二维码", code="federation.licence.expired")
    return scan
