"""``scripts/ensure-browser.sh`` (run by ``make test``), every branch, without touching the
machine's browser: the script runs with a PATH of its own (only the tools it needs, plus fakes
of ``apt-get``, ``id`` and a Python whose ``-m playwright install chromium`` "downloads" a fake
Chromium), ``ZHENGWU_SYSTEM_CHROMIUM`` pointing at a path that does not exist until the fake
``apt-get`` creates it, and the path file in a temporary directory. Each test checks what the
script said, what it wrote for ``tests/browser/conftest.py``, and which fakes it called.

The real download is not exercised here (network); see docs/decisions for what happened when
it was tried on the development machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser.chromium import ROOT, chromium_path

SCRIPT = ROOT / "scripts" / "ensure-browser.sh"
TOOLS = ("bash", "mkdir", "dirname", "head", "rm", "cat", "chmod", "env")
FAKE_CHROMIUM = '#!/bin/bash\necho "Chromium 999.0.0 fake"\n'


def _executable(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)
    return path


class Sandbox:
    """A PATH, a Debian path, a Playwright cache and call logs, all under ``tmp``."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.bin = tmp / "bin"
        self.bin.mkdir()
        for tool in TOOLS:
            (self.bin / tool).symlink_to(shutil.which(tool) or f"/usr/bin/{tool}")
        self.system = tmp / "usr-bin" / "chromium"  # does not exist yet
        self.cache = tmp / "ms-playwright"
        self.bundled = self.cache / "chromium-1" / "chrome-linux" / "chrome"
        self.out = tmp / "var" / "chromium-path"
        self.apt_log = tmp / "apt.log"
        self.py_log = tmp / "py.log"
        self.uid(0)
        self.python(download_works=True)

    def uid(self, uid: int) -> None:
        _executable(self.bin / "id", f'#!/bin/bash\n[ "$1" = -u ] && echo {uid}\n')

    def apt(self, *, works: bool) -> None:
        """A fake apt-get recording its arguments; ``install`` puts a Chromium at the Debian
        path when ``works``."""
        install = (
            f'mkdir -p "{self.system.parent}"; printf %s \'{FAKE_CHROMIUM}\' > "{self.system}"; '
            f'chmod 755 "{self.system}"; exit 0'
            if works
            else "exit 100"
        )
        _executable(
            self.bin / "apt-get",
            f'#!/bin/bash\necho "$*" >> "{self.apt_log}"\n'
            f'if [ "$1" = install ]; then {install}; fi\nexit 0\n',
        )

    def python(self, *, download_works: bool) -> None:
        """A fake Python: ``-`` answers Playwright's executable path (under the cache, as
        Playwright does, whether or not it exists); ``-m playwright install chromium`` records
        the call and, when ``download_works``, creates that Chromium."""
        download = (
            f'mkdir -p "{self.bundled.parent}"; printf %s \'{FAKE_CHROMIUM}\' > "{self.bundled}";'
            f' chmod 755 "{self.bundled}"; exit 0'
            if download_works
            else "exit 1"
        )
        _executable(
            self.tmp / "python",
            f'#!/bin/bash\necho "$*" >> "{self.py_log}"\n'
            f'if [ "$1" = - ]; then cat > /dev/null; echo "{self.bundled}"; exit 0; fi\n'
            f'if [ "$*" = "-m playwright install chromium" ]; then {download}; fi\nexit 2\n',
        )

    def run(self, **env: str) -> subprocess.CompletedProcess[str]:
        environ = {
            "PATH": str(self.bin),
            "HOME": str(self.tmp),
            "PY": str(self.tmp / "python"),
            "ZHENGWU_SYSTEM_CHROMIUM": str(self.system),
            "ZHENGWU_BROWSER_PATH_FILE": str(self.out),
            "PLAYWRIGHT_BROWSERS_PATH": str(self.cache),
            **env,
        }
        return subprocess.run(
            [str(self.bin / "bash"), str(SCRIPT)],
            env=environ,
            cwd=self.tmp,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def written(self) -> str:
        return self.out.read_text().strip() if self.out.exists() else ""

    def calls(self, log: Path) -> list[str]:
        return log.read_text().splitlines() if log.exists() else []


@pytest.fixture
def box(tmp_path):
    return Sandbox(tmp_path)


def test_zhengwu_chromium_is_used_first(box):
    fake = _executable(box.tmp / "my-chrome", FAKE_CHROMIUM)
    result = box.run(ZHENGWU_CHROMIUM=str(fake))
    assert result.returncode == 0
    assert f"using ZHENGWU_CHROMIUM: {fake} (Chromium 999.0.0 fake)" in result.stdout
    assert box.written() == str(fake)
    assert box.calls(box.py_log) == []


def test_a_broken_override_is_said_and_the_installed_browser_used(box):
    _executable(box.system, FAKE_CHROMIUM)
    result = box.run(ZHENGWU_CHROMIUM=str(box.tmp / "nowhere" / "chrome"))
    assert "does not run; looking further" in result.stdout
    assert f"found an installed browser: {box.system}" in result.stdout
    assert box.written() == str(box.system)


def test_a_chromium_on_path_is_found(box):
    _executable(box.bin / "chromium-browser", FAKE_CHROMIUM)
    result = box.run()
    assert f"found an installed browser: {box.bin / 'chromium-browser'}" in result.stdout


def test_an_earlier_playwright_download_is_reused_without_fetching(box):
    _executable(box.bundled, FAKE_CHROMIUM)
    box.apt(works=True)
    result = box.run()
    assert f"found Playwright's downloaded Chromium: {box.bundled}" in result.stdout
    assert box.written() == str(box.bundled)
    assert box.calls(box.apt_log) == []
    assert "-m playwright install chromium" not in box.calls(box.py_log)


def test_as_root_with_apt_debian_chromium_is_installed(box):
    box.apt(works=True)
    result = box.run()
    assert "installing Debian's chromium with apt-get" in result.stdout
    assert f"installed Debian's chromium: {box.system}" in result.stdout
    assert box.calls(box.apt_log) == ["install -y --no-install-recommends chromium"]
    assert box.written() == str(box.system)
    assert "-m playwright install chromium" not in box.calls(box.py_log)


def test_apt_failing_falls_back_to_playwrights_download(box):
    box.apt(works=False)
    result = box.run()
    assert box.calls(box.apt_log) == [
        "install -y --no-install-recommends chromium",
        "update -qq",
        "install -y --no-install-recommends chromium",
    ]
    assert "apt-get could not install chromium" in result.stdout
    assert f"downloaded Playwright's Chromium: {box.bundled}" in result.stdout
    assert "-m playwright install chromium" in box.calls(box.py_log)
    assert box.written() == str(box.bundled)


def test_not_root_apt_is_left_alone_and_playwright_downloads(box):
    box.apt(works=True)
    box.uid(1000)
    result = box.run()
    assert box.calls(box.apt_log) == []
    assert "we are not root: not using it" in result.stdout
    assert f"downloaded Playwright's Chromium: {box.bundled}" in result.stdout


def test_without_apt_playwright_downloads(box):
    result = box.run()
    assert "apt-get" not in result.stdout
    assert f"downloaded Playwright's Chromium: {box.bundled}" in result.stdout
    assert box.written() == str(box.bundled)


def test_nothing_works_says_so_removes_the_path_and_does_not_fail(box):
    box.out.parent.mkdir(parents=True)
    box.out.write_text("/stale/chrome\n")
    box.python(download_works=False)
    result = box.run()
    assert result.returncode == 0
    assert "Playwright's download failed" in result.stdout
    assert "NO BROWSER" in result.stdout and "will be SKIPPED" in result.stdout
    assert not box.out.exists()


def test_conftest_uses_what_the_script_found(box, tmp_path):
    box.apt(works=True)
    box.run()
    assert chromium_path({"ZHENGWU_BROWSER_PATH_FILE": str(box.out)}) == str(box.system)
    # $ZHENGWU_CHROMIUM wins; without a path file, Debian's path.
    assert chromium_path({"ZHENGWU_CHROMIUM": "/x/chrome"}) == "/x/chrome"
    missing = str(tmp_path / "none")
    assert chromium_path({"ZHENGWU_BROWSER_PATH_FILE": missing}) == "/usr/bin/chromium"


@pytest.mark.skipif(not os.access(SCRIPT, os.R_OK), reason="script missing")
def test_makefile_runs_the_script_before_the_tests():
    makefile = (ROOT / "Makefile").read_text()
    assert "test: sync ensure-browser" in makefile
    assert "@bash scripts/ensure-browser.sh" in makefile
