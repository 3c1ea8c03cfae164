"""scripts/ensure-browser.sh (run by `make test`): finds the browser and says what it did."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import zhengwu

ROOT = Path(zhengwu.__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "ensure-browser.sh"


def _run(tmp_path: Path, **env: str) -> tuple[str, Path]:
    out = tmp_path / "chromium-path"
    result = subprocess.run(
        ["bash", str(SCRIPT)],
        cwd=ROOT,
        env={**os.environ, "ZHENGWU_BROWSER_PATH_FILE": str(out), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0  # never fails make test
    return result.stdout, out


def test_uses_zhengwu_chromium_and_records_it(tmp_path):
    fake = tmp_path / "my-chromium"
    fake.write_text("#!/bin/sh\necho 'Chromium 999.0 fake'\n")
    fake.chmod(0o755)
    stdout, out = _run(tmp_path, ZHENGWU_CHROMIUM=str(fake))
    assert "using ZHENGWU_CHROMIUM" in stdout and "Chromium 999.0 fake" in stdout
    assert out.read_text().strip() == str(fake)


def test_a_broken_zhengwu_chromium_is_reported_and_passed_over(tmp_path):
    stdout, out = _run(tmp_path, ZHENGWU_CHROMIUM=str(tmp_path / "missing"))
    assert "does not run; looking further" in stdout
    assert "ensure-browser:" in stdout.splitlines()[-1]
    if out.exists():  # whatever was found instead runs
        found = out.read_text().strip()
        assert found != str(tmp_path / "missing")
        assert subprocess.run([found, "--version"], capture_output=True).returncode == 0
    else:
        assert "NO BROWSER" in stdout and "SKIPPED" in stdout
