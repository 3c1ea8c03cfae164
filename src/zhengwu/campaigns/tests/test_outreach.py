"""Outreach: entities not yet registered per unit and region, masked phones, audited reveal,
XLSX export, and the printable 《法人注册流程》 with its QR to /register/."""

from __future__ import annotations

import datetime
import io

import pypdf
import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from openpyxl import load_workbook

from zhengwu.accounts.tests.factories import OrganisationFactory
from zhengwu.audit.models import AuditEvent
from zhengwu.campaigns import services
from zhengwu.campaigns.constants import EVENT_PHONE_REVEALED, Measure
from zhengwu.campaigns.outreach import register_url, registration_guide_pdf
from zhengwu.registrations.tests.factories import MarketEntityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    return services.campaign_create(
        name="注册账号专项行动", measure=Measure.REGISTERED, start=datetime.date(2026, 6, 1)
    )


@pytest.fixture
def entities():
    done = MarketEntityFactory(supervision_unit="城关市场监管所", name="已注册公司")
    OrganisationFactory(uscc=done.uscc)
    waiting = MarketEntityFactory(
        supervision_unit="城关市场监管所", name="未注册公司", registered_phone="13957212345"
    )
    other = MarketEntityFactory(supervision_unit="杭埠市场监管所", name="杭埠未注册社")
    return done, waiting, other


def test_list_shows_only_units_not_registered_with_masked_phones(
    client, viewer, campaign, entities
):
    client.force_login(viewer)
    url = reverse("campaigns:outreach", args=[campaign.pk])
    html = client.get(url, {"unit": "城关市场监管所"}).content.decode()
    assert "未注册公司" in html and "已注册公司" not in html and "杭埠未注册社" not in html
    assert "139****2345" in html and "13957212345" not in html
    assert "查看完整号码" not in html  # no reveal permission


def test_reveal_needs_the_permission_and_is_audited(client, viewer, campaign, entities):
    waiting = entities[1]
    client.force_login(viewer)
    url = reverse("campaigns:reveal_phone", args=[campaign.pk, waiting.uscc])
    assert client.post(url).status_code == 404
    assert not AuditEvent.objects.filter(event_type=EVENT_PHONE_REVEALED).exists()
    viewer.user_permissions.add(Permission.objects.get(codename="reveal_phone"))
    client.force_login(type(viewer).objects.get(pk=viewer.pk))
    response = client.post(url)
    assert response.content.decode() == "13957212345"
    event = AuditEvent.objects.get(event_type=EVENT_PHONE_REVEALED)
    assert event.subject_id == waiting.uscc and "13957212345" not in str(event.after)


def test_export(client, viewer, campaign, entities):
    client.force_login(viewer)
    response = client.get(reverse("campaigns:outreach_export", args=[campaign.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert sorted(names) == ["未注册公司", "杭埠未注册社"]
    assert "139****2345" in [row[6] for row in sheet.iter_rows(min_row=3, values_only=True)]


def test_registration_guide_pdf_is_a4_with_the_register_qr():
    import zxingcpp
    from pypdf import PdfReader

    pdf = registration_guide_pdf()
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    assert round(float(page.mediabox.width)) == 595 and round(float(page.mediabox.height)) == 842
    text = "".join(p.extract_text() for p in reader.pages)
    assert "法人注册流程" in text and "我是代理人" in text
    image = next(iter(page.images)).image
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [register_url()]
    assert register_url().endswith("/register/")


def test_guide_is_public(client):
    response = client.get(reverse("campaigns:registration_guide"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert pypdf.PdfReader(io.BytesIO(response.content)).pages
