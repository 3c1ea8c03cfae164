"""SVC-4 weekly statistics: frozen once reported, caught up when missed, never recomputed."""

from __future__ import annotations

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse
from openpyxl import load_workbook

from zhengwu.accounts.tests.factories import OrganisationFactory, UserFactory
from zhengwu.audit.models import AuditEvent
from zhengwu.campaigns import services
from zhengwu.campaigns.constants import EVENT_EXPORTED, Measure
from zhengwu.campaigns.errors import WeekAlreadyReported, WeekNotDue
from zhengwu.campaigns.models import Snapshot, SnapshotRow
from zhengwu.registrations.tests.factories import MarketEntityFactory

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
START = datetime.date(2026, 6, 1)
FRI1, FRI2, FRI3 = datetime.date(2026, 6, 5), datetime.date(2026, 6, 12), datetime.date(2026, 6, 19)


def at(y: int, m: int, d: int, h: int = 9) -> datetime.datetime:
    return datetime.datetime(y, m, d, h, tzinfo=TZ)


@pytest.fixture
def campaign():
    return services.campaign_create(
        name="注册账号专项行动", measure=Measure.REGISTERED, start=START
    )


@pytest.fixture
def entities():
    return [
        MarketEntityFactory(supervision_unit="城关市场监管所", region_code="341523")
        for _ in range(4)
    ]


def register(entity, when):
    return OrganisationFactory(uscc=entity.uscc, created_at=when)


def test_a_reported_week_is_never_recomputed(campaign, entities):
    register(entities[0], at(2026, 6, 3))
    snapshot = services.take_snapshot(campaign, FRI1, now=at(2026, 6, 5, 12))
    # A later import: more registrations dated inside the reported week, more entities.
    register(entities[1], at(2026, 6, 4))
    MarketEntityFactory(supervision_unit="城关市场监管所", region_code="341523")
    with pytest.raises(WeekAlreadyReported) as caught:
        services.take_snapshot(campaign, FRI1, now=at(2026, 6, 6))
    assert "已上报" in caught.value.message
    services.catch_up(campaign, now=at(2026, 6, 6))
    figures = services.snapshot_figures(Snapshot.objects.get(pk=snapshot.pk))
    assert (figures.total.population, figures.total.done) == (4, 1)


def test_snapshot_rows_are_immutable(campaign, entities):
    register(entities[0], at(2026, 6, 3))
    snapshot = services.take_snapshot(campaign, FRI1, now=at(2026, 6, 5, 12))
    row = snapshot.rows.get()
    row.done = 4
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        SnapshotRow.objects.filter(pk=row.pk).update(done=4)
    with pytest.raises(PermissionError):
        SnapshotRow.objects.filter(pk=row.pk).delete()
    with pytest.raises(PermissionError):
        snapshot.delete()
    assert SnapshotRow.objects.get(pk=row.pk).done == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database trigger on PostgreSQL")
def test_postgresql_refuses_updates_of_snapshot_rows(campaign, entities):
    snapshot = services.take_snapshot(campaign, FRI1, now=at(2026, 6, 5, 12))
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE campaigns_snapshotrow SET done = 0 WHERE snapshot_id = %s", [snapshot.pk]
        )
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM campaigns_snapshot WHERE id = %s", [snapshot.pk])


def test_a_week_not_yet_due_is_refused(campaign):
    with pytest.raises(WeekNotDue):
        services.take_snapshot(campaign, FRI1, now=at(2026, 6, 5, 10))
    with pytest.raises(WeekNotDue):  # not the reporting weekday
        services.take_snapshot(campaign, datetime.date(2026, 6, 4), now=at(2026, 6, 9))


def test_catch_up_takes_missed_weeks_with_their_own_figures(campaign, entities):
    register(entities[0], at(2026, 6, 3))
    register(entities[1], at(2026, 6, 10))
    register(entities[2], at(2026, 6, 17))
    taken = services.catch_up(campaign, now=at(2026, 6, 19, 11))
    assert [s.week_ending for s in taken] == [FRI1, FRI2, FRI3]
    assert [s.caught_up for s in taken] == [True, True, False]
    done = [services.snapshot_figures(s).total.done for s in taken]
    new = [services.snapshot_figures(s).total.new for s in taken]
    assert done == [1, 2, 3] and new == [1, 1, 1]
    assert services.catch_up(campaign, now=at(2026, 6, 19, 12)) == []


def test_command_catches_up(campaign, entities):
    out = io.StringIO()
    call_command("campaign_snapshot", stdout=out)
    assert Snapshot.objects.filter(campaign=campaign).count() >= 3
    count = Snapshot.objects.count()
    call_command("campaign_snapshot", stdout=io.StringIO())
    assert Snapshot.objects.count() == count  # nothing recomputed, nothing added


def test_week_xlsx_download(client, viewer, campaign, entities):
    register(entities[0], at(2026, 6, 3))
    services.take_snapshot(campaign, FRI1, now=at(2026, 6, 5, 12))
    client.force_login(viewer)
    response = client.get(reverse("campaigns:week_export", args=[campaign.pk, "2026-06-05"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["按监管单位"]
    assert "专项行动统计表" in sheet["A1"].value
    assert [c.value for c in sheet[3]][:6] == [
        "序号",
        "监管单位",
        "市场主体总数",
        "已注册数",
        "本周新增",
        "其中帮办",
    ]
    assert [c.value for c in sheet[4]][1:5] == ["城关市场监管所", 4, 1, 1]
    assert AuditEvent.objects.filter(event_type=EVENT_EXPORTED).exists()
    missing = client.get(reverse("campaigns:week_export", args=[campaign.pk, "2026-06-12"]))
    assert missing.status_code == 404


def test_dashboard_shows_a_unit_behind_and_its_trend(client, viewer, campaign, entities):
    services.catch_up(campaign, now=at(2026, 6, 19, 12))
    client.force_login(viewer)
    response = client.get(reverse("campaigns:dashboard", args=[campaign.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "城关市场监管所" in html and 'id="behind"' in html
    assert 'data-series="milestone"' in html and 'data-week="2026-06-19"' in html
    assert "2026-06-05" in html


def test_pages_need_the_permission(client, campaign):
    url = reverse("campaigns:dashboard", args=[campaign.pk])
    assert client.get(url).status_code == 302
    client.force_login(UserFactory(staff=True))
    assert client.get(url).status_code == 404
