import pytest

from zhengwu.accounts.tests.factories import make_personas


@pytest.fixture
def personas(db):
    return make_personas()
