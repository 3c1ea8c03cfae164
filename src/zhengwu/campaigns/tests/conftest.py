import pytest
from django.contrib.auth.models import Group

from zhengwu.accounts.tests.factories import UserFactory
from zhengwu.campaigns.constants import CAMPAIGN_GROUP


@pytest.fixture
def viewer(db):
    user = UserFactory(staff=True, username="campaign_viewer")
    user.groups.add(Group.objects.get(name=CAMPAIGN_GROUP))
    return user
