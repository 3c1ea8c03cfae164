"""Staff groups created after migrate with an app's permissions (core.permissions)."""

import gc

import pytest
from django.apps import apps as global_apps
from django.contrib.auth.models import Group
from django.db.models.signals import post_migrate

from zhengwu.core.permissions import connect_staff_group, ensure_group

pytestmark = pytest.mark.django_db

APP = "core_testapp"  # the test app's model ``Case`` has Django's default permissions


def test_ensure_group_creates_the_group_with_the_permissions():
    group = ensure_group("测试人员", APP, ["view_case", "change_case"])
    assert group is not None
    assert Group.objects.get(name="测试人员") == group
    assert set(group.permissions.values_list("content_type__app_label", "codename")) == {
        (APP, "view_case"),
        (APP, "change_case"),
    }


def test_ensure_group_is_idempotent_and_adds_to_an_existing_group():
    ensure_group("测试人员", APP, ["view_case"])
    ensure_group("测试人员", APP, ["view_case"])
    ensure_group("测试人员", APP, ["change_case"])
    group = Group.objects.get(name="测试人员")
    assert sorted(group.permissions.values_list("codename", flat=True)) == [
        "change_case",
        "view_case",
    ]


def test_ensure_group_takes_only_the_named_apps_permissions():
    # ``view_case`` exists in core_testapp only; another app's label finds nothing.
    assert ensure_group("测试人员", "signin", ["view_case"]) is None
    assert not Group.objects.filter(name="测试人员").exists()


def test_ensure_group_makes_no_group_while_the_permissions_are_missing():
    assert ensure_group("测试人员", APP, ["no_such_permission"]) is None
    assert not Group.objects.filter(name="测试人员").exists()


@pytest.fixture
def connected():
    config = global_apps.get_app_config(APP)
    connect_staff_group(config, "测试人员", ["view_case"])
    connect_staff_group(config, "测试人员", ["view_case"])  # a second ready(): no second handler
    yield config
    post_migrate.disconnect(sender=config, dispatch_uid=f"zhengwu.staff_group.{APP}.测试人员")


def test_connect_staff_group_creates_the_group_after_migrate(connected):
    gc.collect()  # the handler is held strongly: it survives garbage collection
    responses = post_migrate.send(
        sender=connected,
        app_config=connected,
        verbosity=0,
        interactive=False,
        using="default",
        apps=global_apps,
        plan=[],
    )
    ours = [r for r, _ in responses if getattr(r, "__name__", "") == "create_group"]
    assert len(ours) == 1
    group = Group.objects.get(name="测试人员")
    assert list(group.permissions.values_list("codename", flat=True)) == ["view_case"]
