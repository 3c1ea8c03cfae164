"""Campaigns are configured in the back office; milestones out of order are refused there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhengwu.campaigns.models import Campaign

pytestmark = pytest.mark.django_db


def _form(**milestones: str) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "舒城县注册账号专项行动",
        "measure": "registered",
        "population": ["enterprise", "individual_business"],
        "region_prefix": "341523",
        "start": "2026-06-01",
        "report_weekday": "4",
        "report_hour": "11",
        "is_active": "on",
        "milestones-TOTAL_FORMS": "2",
        "milestones-INITIAL_FORMS": "0",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "1000",
    }
    data.update(milestones)
    return data


def test_out_of_order_milestones_are_refused_with_a_clear_message(admin_client):
    response = admin_client.post(
        reverse("admin:campaigns_campaign_add"),
        _form(
            **{
                "milestones-0-due": "2026-08-31",
                "milestones-0-target_percent": "70",
                "milestones-1-due": "2026-10-31",
                "milestones-1-target_percent": "40",
            }
        ),
    )
    assert response.status_code == 200
    assert "阶段目标顺序有误" in response.content.decode()
    assert not Campaign.objects.exists()


def test_a_campaign_with_rising_milestones_is_saved(admin_client):
    response = admin_client.post(
        reverse("admin:campaigns_campaign_add"),
        _form(
            **{
                "milestones-0-due": "2026-08-31",
                "milestones-0-target_percent": "40",
                "milestones-1-due": "2026-10-31",
                "milestones-1-target_percent": "70",
            }
        ),
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.population == ["enterprise", "individual_business"]
    assert [m.target_percent for m in campaign.milestones.order_by("due")] == [40, 70]
