"""EC-3 downloads: PNG, SVG and the A4 poster each decode back to the verification URL."""

from __future__ import annotations

import io

import pypdf
import pytest
import zxingcpp
from django.urls import reverse
from PIL import Image

from zhengwu.audit.models import AuditEvent
from zhengwu.enterprise import services
from zhengwu.enterprise.constants import EVENT_DOWNLOADED

from .svgraster import render_svg

pytestmark = pytest.mark.django_db


@pytest.fixture
def code(personas):
    return services.claim_code(organisation=personas.organisation, actor=personas.operator)


def _decode(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


def _get(client, personas, name):
    client.force_login(personas.operator)
    response = client.get(reverse(f"enterprise:{name}", args=[personas.organisation.pk]))
    assert response.status_code == 200
    return response


def test_png_decodes_to_the_verification_url(client, personas, code):
    response = _get(client, personas, "png")
    assert response["Content-Type"] == "image/png"
    assert "attachment" in response["Content-Disposition"]
    url = code.verification_url()
    assert url.endswith(code.verification_path())
    assert _decode(Image.open(io.BytesIO(response.content))) == [url]


def test_svg_renders_and_decodes_to_the_verification_url(client, personas, code):
    response = _get(client, personas, "svg")
    assert response["Content-Type"] == "image/svg+xml"
    assert _decode(render_svg(response.content)) == [code.verification_url()]


def test_poster_is_an_a4_pdf_with_name_uscc_instructions_and_the_qr(client, personas, code):
    response = _get(client, personas, "poster")
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    page = reader.pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width), round(height)) == (595, 842)
    text = "".join(page.extract_text().split())
    org = personas.organisation
    assert org.name in text and org.uscc in text and "扫一扫" in text
    images = page.images
    assert len(images) == 1
    assert _decode(images[0].image) == [code.verification_url()]


def test_downloads_are_audited(client, personas, code):
    _get(client, personas, "poster")
    event = AuditEvent.objects.get(event_type=EVENT_DOWNLOADED)
    assert event.subject_id == str(code.pk) and event.after["kind"] == "poster"


def test_page_qr_is_the_same_url(client, personas, code):
    """The inline SVG on the code page encodes the same URL as the downloads."""
    client.force_login(personas.operator)
    text = client.get(reverse("enterprise:unit", args=[personas.organisation.pk])).text
    start = text.index("<svg viewBox")
    svg = text[start : text.index("</svg>", start) + 6]
    svg = svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    assert _decode(render_svg(svg.encode())) == [code.verification_url()]


def test_new_version_after_reissue_is_in_the_downloads(client, personas, code):
    from django.contrib.auth.models import Group

    from zhengwu.accounts.tests.factories import UserFactory

    admin = UserFactory(staff=True)
    admin.groups.add(Group.objects.get(name="企业码管理员"))
    old = code.verification_url()
    services.reissue_code(code=code, actor=admin, reason="海报遗失")
    code.refresh_from_db()
    response = _get(client, personas, "png")
    decoded = _decode(Image.open(io.BytesIO(response.content)))
    assert decoded == [code.verification_url()] and decoded != [old]


def test_poster_never_starts_a_line_with_punctuation(client, personas, code):
    """行首禁则: the step about a revoked code broke before "，请勿使用并联系本单位。" (issue 11);
    the comma now ends the line before it."""
    from zhengwu.documents.pdf import CHINESE_CANNOT_START

    response = _get(client, personas, "poster")
    text = pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert any("请勿使用并联系本单位" in line for line in lines)
    assert not [line for line in lines if line[0] in CHINESE_CANNOT_START]
    assert "的，" in "".join(lines)
