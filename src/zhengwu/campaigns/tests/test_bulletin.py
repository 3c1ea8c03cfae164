"""月通报: due on the first working day of the next month, built from frozen weeks."""

from __future__ import annotations

import datetime
import io
from zoneinfo import ZoneInfo

import pypdf
import pytest
from django.urls import reverse

from zhengwu.accounts.tests.factories import OrganisationFactory
from zhengwu.campaigns import bulletin, services
from zhengwu.campaigns.constants import Measure
from zhengwu.campaigns.errors import BulletinNotDue
from zhengwu.registrations.tests.factories import MarketEntityFactory

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def campaign():
    c = services.campaign_create(
        name="注册账号专项行动", measure=Measure.REGISTERED, start=datetime.date(2026, 6, 1)
    )
    ahead = [MarketEntityFactory(supervision_unit="杭埠市场监管所") for _ in range(2)]
    for _ in range(3):
        MarketEntityFactory(supervision_unit="城关市场监管所")
    for entity in ahead:
        OrganisationFactory(uscc=entity.uscc, created_at=datetime.datetime(2026, 6, 2, tzinfo=TZ))
    services.catch_up(c, now=datetime.datetime(2026, 7, 10, tzinfo=TZ))
    return c


def test_first_working_day_skips_the_national_day_holiday():
    assert bulletin.first_working_day(2026, 10) > datetime.date(2026, 10, 7)
    assert bulletin.first_working_day(2026, 7) == datetime.date(2026, 7, 1)


def test_bulletin_ranks_units_shows_trends_and_units_behind(campaign):
    text = _text(bulletin.bulletin_pdf(campaign, 2026, 6, today=datetime.date(2026, 7, 1)))
    assert "2026年6月通报" in text
    assert text.index("第1名 杭埠市场监管所") < text.index("第2名 城关市场监管所")
    behind = text[text.index("三、落后于目标进度的监管单位") :]
    assert "城关市场监管所" in behind and "杭埠市场监管所" not in behind
    assert "06-05" in text and "06-26" in text


def test_bulletin_not_due_before_the_first_working_day(campaign):
    with pytest.raises(BulletinNotDue):
        bulletin.bulletin_pdf(campaign, 2026, 6, today=datetime.date(2026, 6, 30))
    with pytest.raises(BulletinNotDue):
        bulletin.bulletin_pdf(campaign, 2026, 5, today=datetime.date(2026, 12, 1))


def test_past_month_download(client, viewer, campaign):
    client.force_login(viewer)
    page = client.get(reverse("campaigns:dashboard", args=[campaign.pk])).content.decode()
    url = reverse("campaigns:bulletin", args=[campaign.pk, 2026, 6])
    assert url in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    future = client.get(reverse("campaigns:bulletin", args=[campaign.pk, 2030, 1]))
    assert future.status_code == 404 and "次月第一个工作日" in future.content.decode()


def test_months_stop_where_the_holiday_calendar_ends(campaign):
    months = bulletin.available_months(campaign, today=datetime.date(2028, 3, 1))
    assert (2026, 6) in months and months == sorted(months, reverse=True)
