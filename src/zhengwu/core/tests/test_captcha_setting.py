"""``ZHENGWU_CAPTCHA_TEST_MODE`` switches the captcha sandbox alone (decision 0025)."""

import json
import os
import subprocess
import sys

import pytest


def _captcha_test_mode(**env: str) -> bool:
    """``CAPTCHA_TEST_MODE`` of the embedded settings, read in a separate interpreter (they are
    computed at import)."""
    code = (
        "import json; from zhengwu.settings import base; print(json.dumps(base.CAPTCHA_TEST_MODE))"
    )
    environment = {k: v for k, v in os.environ.items() if k != "ZHENGWU_CAPTCHA_TEST_MODE"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**environment, "ZHENGWU_VAR_DIR": "/tmp/zhengwu-test-var", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return bool(json.loads(out.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"ZHENGWU_SANDBOX": "1"}, True),
        ({"ZHENGWU_SANDBOX": "0"}, False),
        ({"ZHENGWU_SANDBOX": "1", "ZHENGWU_CAPTCHA_TEST_MODE": "0"}, False),
    ],
)
def test_the_captcha_sandbox_follows_the_sandbox_unless_set(env, expected):
    assert _captcha_test_mode(**env) is expected
