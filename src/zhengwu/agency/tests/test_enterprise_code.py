"""Issue 12: the enterprise code (企业码) of an agency unit signed in with its login image.

The unit claims (领码) and opens its code; the code's public page shows the agency register's
public facts (name, USCC, kind, head, 正常/已撤销) and its electronic credit-code certificate
(LIC-3); a 已撤销 unit's code is dead and says so.
"""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from django.core.cache import cache

from zhengwu.agency.models import Item
from zhengwu.agency.services import applications as svc
from zhengwu.audit.models import AuditEvent
from zhengwu.enterprise.errors import AgencyUnitRevoked
from zhengwu.enterprise.models import EnterpriseCode
from zhengwu.enterprise.services import claim_agency_code

from .conftest import issue, office_user, signin_upload
from .factories import AgencyUnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def signed_in(client, unit, staff):
    signin_upload(client, issue(unit, staff).png)
    client.post("/agency/commitment/", {"agree": "1"})


def verify_path(client) -> str:
    """The path the code's QR carries (what a scan opens)."""
    return EnterpriseCode.objects.get().verification_path()


def complete(unit, item, acceptor, reviewer, **draft):
    application = svc.start(unit, item)
    svc.save_draft(application, version=1, **draft)
    svc.submit(application)
    svc.accept(application, actor=acceptor)
    svc.review(application, actor=reviewer, approve=True)
    svc.notify(application, actor=acceptor)
    return svc.complete(application, actor=acceptor)


def test_signed_in_unit_claims_then_opens_its_code(client, staff):
    """The first visit offers 领码; claiming creates the unit's code once; later visits open
    the code page with the QR, the downloads and the agency channel."""
    unit = AgencyUnitFactory(long_term=True)
    signed_in(client, unit, staff)
    assert 'href="/code/agency/"' in client.get("/agency/workspace/").content.decode()
    page = client.get("/code/agency/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "领码" in text and unit.name in text and unit.uscc in text
    assert 'action="/code/agency/claim"' in text
    assert client.post("/code/agency/claim")["Location"] == "/code/agency/"
    assert client.post("/code/agency/claim")["Location"] == "/code/agency/"  # repeated click
    code = EnterpriseCode.objects.get()
    assert code.agency_unit == unit and code.organisation is None
    text = client.get("/code/agency/").content.decode()
    assert "<svg" in text and "/code/agency/qr.png" in text and "/code/agency/poster.pdf" in text
    assert "机关赋码业务办理" in text and "正常" in text
    assert AuditEvent.objects.filter(event_type="enterprise.code_claimed").count() == 1
    assert AuditEvent.objects.filter(event_type="enterprise.code_claim_refused").count() == 1


def test_code_entry_leads_a_signed_in_unit_to_its_code(client, staff):
    """/code/ (the portal's 企业码 entry) sends an agency unit session to /code/agency/; a
    visitor without any session still goes to the portal sign-in."""
    assert "/code/agency/" not in client.get("/code/")["Location"]
    signed_in(client, AgencyUnitFactory(long_term=True), staff)
    assert client.get("/code/")["Location"] == "/code/agency/"


def test_agency_code_downloads(client, staff):
    unit = AgencyUnitFactory(long_term=True)
    signed_in(client, unit, staff)
    assert client.get("/code/agency/qr.png").status_code == 404  # nothing claimed yet
    client.post("/code/agency/claim")
    png = client.get("/code/agency/qr.png")
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert unit.uscc in png["Content-Disposition"]
    poster = client.get("/code/agency/poster.pdf")
    assert poster.content.startswith(b"%PDF")
    words = "".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(poster.content)).pages
    )
    words = re.sub(r"\s+", "", words)
    assert unit.name in words and unit.uscc in words and "登录二维码图片登录后" in words
    assert "法人账号" not in words
    assert client.get("/code/agency/qr.svg")["Content-Type"] == "image/svg+xml"
    assert AuditEvent.objects.filter(event_type="enterprise.code_downloaded").count() == 3


def test_agency_code_pages_need_the_unit_session(client, staff):
    """Without an image sign-in (or before the commitment) there is no agency code page; a
    portal account is not a unit session."""
    assert client.get("/code/agency/")["Location"] == "/agency/signin/"
    assert client.post("/code/agency/claim")["Location"] == "/agency/signin/"
    client.force_login(staff)
    assert client.get("/code/agency/qr.png")["Location"] == "/agency/signin/"
    assert not EnterpriseCode.objects.exists()


def test_public_page_shows_the_agency_facts_and_its_certificate(client, staff):
    """The code's public page: name, USCC, kind, head, 正常 — and, once a case issued the
    certificate, the link to its licence verification; no mobile, no address."""
    unit = AgencyUnitFactory(long_term=True, head="李娜")
    signed_in(client, unit, staff)
    client.post("/code/agency/claim")
    path = verify_path(client)
    anonymous = client.__class__()
    page = anonymous.get(path)
    assert page.status_code == 200
    text = page.content.decode()
    assert "该企业码真实有效" in text
    for fact in (unit.name, unit.uscc, "机关", "李娜", "正常"):
        assert fact in text
    assert unit.address not in text and "139" not in text
    assert "/licences/verify/" not in text  # no certificate issued online yet

    reviewer = office_user()
    done = complete(unit, Item.CHANGE, staff, reviewer, changes={"name": "杭州市西湖区数据资源局"})
    identifier = done.licence.identifier
    text = anonymous.get(path).content.decode()  # the cached facts were dropped
    assert "杭州市西湖区数据资源局" in text
    assert f"/licences/verify/{identifier}/" in text
    licence_page = anonymous.get(f"/licences/verify/{identifier}/")
    assert licence_page.status_code == 200
    assert "杭州市西湖区数据资源局" in licence_page.content.decode()
    # the unit's own code page lists the certificate with the same link
    text = client.get("/code/agency/").content.decode()
    assert "统一社会信用代码证书" in text and f"/licences/verify/{identifier}/" in text


def test_revoked_unit_code_is_dead_and_says_so(client, staff):
    """撤销 completes: the unit's open tab ends at its next request (no code page for a dead
    unit), and the code's public page says 已撤销 — 410, no certificate link, even though the
    facts were cached a moment before."""
    unit = AgencyUnitFactory(long_term=True)
    signed_in(client, unit, staff)
    client.post("/code/agency/claim")
    path = verify_path(client)
    anonymous = client.__class__()
    assert anonymous.get(path).status_code == 200  # facts now cached
    reviewer = office_user()
    complete(unit, Item.REVOKE, staff, reviewer, reason="机构撤并")

    response = client.get("/code/agency/")
    assert response["Location"] == "/agency/signin/"
    signin_page = client.get("/agency/signin/").content.decode()
    assert "已撤销，本次登录已结束" in signin_page

    page = anonymous.get(path)
    assert page.status_code == 410
    text = page.content.decode()
    assert "该单位的统一社会信用代码已撤销，此码已失效" in text
    assert "已撤销" in re.sub(r"\s+", "", text.split('class="registry-status">')[1])[:10]
    assert "该企业码真实有效" not in text and "/licences/verify/" not in text


def test_revoked_unit_cannot_claim():
    unit = AgencyUnitFactory(revoked=True)
    with pytest.raises(AgencyUnitRevoked):
        claim_agency_code(unit=unit)
    assert not EnterpriseCode.objects.exists()
    assert AuditEvent.objects.filter(event_type="enterprise.code_claim_refused").exists()


def test_code_has_exactly_one_holder(unit):
    """A code belongs to an organisation or to an agency unit, never both nor none (DB)."""
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        EnterpriseCode.objects.create()


def test_back_office_finds_agency_codes(client, staff):
    from django.contrib.auth.models import Group

    from zhengwu.enterprise.constants import CODE_ADMIN_GROUP

    unit = AgencyUnitFactory(long_term=True)
    claim_agency_code(unit=unit)
    admin = office_user()
    admin.groups.add(Group.objects.get(name=CODE_ADMIN_GROUP))
    client.force_login(admin)
    text = client.get("/code/manage/", {"q": unit.name}).content.decode()
    assert unit.name in text and unit.uscc in text
    code = EnterpriseCode.objects.get()
    assert unit.name in client.get(f"/code/manage/{code.pk}/").content.decode()
    unit.status = "revoked"
    unit.save()
    text = client.get(f"/code/manage/{code.pk}/").content.decode()
    assert "已撤销" in text and "此码核验时显示已失效" in text


def test_public_page_in_english(client, staff):
    """The new words of the agency code's public page are translated (UI-1), the 已撤销
    message too (the enterprise app's own catalogue)."""
    unit = AgencyUnitFactory(long_term=True)
    claim_agency_code(unit=unit)
    unit.status = "revoked"
    unit.save()
    client.cookies["django_language"] = "en"
    text = client.get(verify_path(client), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Kind" in text and "Head" in text
    assert "this code is void, do not use it" in text
