"""Fixtures: the sandbox provider with keys under a fresh VAR_DIR, and a letter to sign."""

from __future__ import annotations

import pytest

from zhengwu.documents import build_pdf
from zhengwu.integrations.esign import get_esign
from zhengwu.integrations.esign.sandbox import SandboxESignProvider

from .support import SIGNER_NAME


@pytest.fixture
def esign(settings, tmp_path) -> SandboxESignProvider:
    """The configured provider (the sandbox), keeping its keys under ``tmp_path``."""
    settings.VAR_DIR = tmp_path
    provider = get_esign()
    assert isinstance(provider, SandboxESignProvider)
    return provider


@pytest.fixture(scope="session")
def letter() -> bytes:
    """An unsigned authorisation letter (授权委托书) as REG-10 will generate it."""
    return build_pdf(
        title="授权委托书",
        paragraphs=[
            "兹委托李四作为我单位的经办人，代表我单位在政务服务网办理法人用户注册相关事宜。"
        ],
        fields=[
            ("单位名称", "杭州市西湖区某某科技有限公司"),
            ("统一社会信用代码", "91330106MA2H3XXXXU"),
            ("法定代表人", SIGNER_NAME),
        ],
        qr_payload="https://zw.example.gov.cn/registrations/verify/abc",
        qr_caption="扫码核验",
        footer="政务服务网",
    )
