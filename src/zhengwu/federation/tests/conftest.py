import pytest
from django.test import Client

from zhengwu.accounts.tests.factories import make_personas


@pytest.fixture(autouse=True)
def _sandbox_keys(settings, tmp_path):
    """Sandbox keys (IdP key, CA, test certificates) in a directory of this test only."""
    settings.VAR_DIR = tmp_path
    settings.ZHENGWU_SITE_URL = "http://testserver"
    settings.ZHENGWU_FEDERATION_NATIONAL_BACKEND = (
        "zhengwu.federation.tests.support.SandboxProviderOverTestClient"
    )


@pytest.fixture
def personas(db):
    return make_personas()


@pytest.fixture
def client():
    return Client()
