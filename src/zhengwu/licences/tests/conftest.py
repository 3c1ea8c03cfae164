"""Temporary licence signing keys for every test of the app (never the developer's ones)."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhengwu.licences.keys import create_keys


@pytest.fixture(scope="session")
def licence_key_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("licence-keys")
    create_keys(signer_path=directory / "signer.pem", ca_path=directory / "ca.pem")
    return directory


@pytest.fixture(autouse=True)
def _licence_keys(settings, licence_key_dir: Path) -> None:  # type: ignore[no-untyped-def]
    settings.ZHENGWU_LICENCE_SIGNING_KEY = str(licence_key_dir / "signer.pem")
    settings.ZHENGWU_LICENCE_CA_CERT = str(licence_key_dir / "ca.pem")
    settings.ZHENGWU_SITE_URL = "https://zwfw.example.cn"
