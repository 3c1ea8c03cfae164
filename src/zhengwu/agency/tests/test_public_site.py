"""AG-1 … AG-3: the platform's public site and its back-office content."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from zhengwu.agency.models import Article, GuideEntry
from zhengwu.agency.services.content import load_demo_content
from zhengwu.documents.pdf import build_pdf

from .factories import AgencyUnitFactory

pytestmark = pytest.mark.django_db
CAPTCHA = {"captcha_0": "key", "captcha_1": "PASSED"}


@pytest.fixture(autouse=True)
def _content():
    cache.clear()
    load_demo_content()


def test_home_has_the_four_columns_and_three_entries(client):
    page = client.get("/agency/").content.decode()
    words = ["通知公告", "政策法规", "技术服务", "年度报告", "事业单位法人信息查询"]
    words += ["机关用户服务", "事业单位用户服务", "关于启用机关网上赋码平台登录二维码图片的通知"]
    for word in words:
        assert word in page


def test_portal_home_links_the_platform(client):
    assert 'href="/agency/"' in client.get("/").content.decode()


def test_article_list_pages_and_search(client):
    for n in range(12):
        Article.objects.create(category="notice", title=f"测试公告{n:02d}", body="<p>正文</p>")
    first = client.get("/agency/articles/notice/").content.decode()
    assert "第 1 页 / 共 2 页" in first
    found = client.get("/agency/articles/notice/", {"q": "测试公告07"}).content.decode()
    assert "测试公告07" in found and "测试公告08" not in found


def test_staff_publish_sanitised_articles_with_pdf(client, staff):
    client.force_login(staff)
    response = client.post(
        "/agency/office/articles/",
        {
            "category": "policy",
            "title": "新规定",
            "body": '<p onclick="x()">条文<script>alert(1)</script></p>',
            "pdf": SimpleUploadedFile("a.pdf", build_pdf(title="规定")),
        },
    )
    article = Article.objects.get(title="新规定")
    assert response["Location"] == f"/agency/article/{article.pk}/"
    assert "<script>" not in article.body and "onclick" not in article.body
    page = client.get(f"/agency/article/{article.pk}/").content.decode()
    assert "条文" in page and "alert(1)" not in page
    attachment = article.attachments.get()
    assert client.get(f"/agency/article/attachments/{attachment.pk}/").content.startswith(b"%PDF")
    bad = client.post(
        "/agency/office/articles/",
        {
            "category": "policy",
            "title": "x",
            "body": "y",
            "pdf": SimpleUploadedFile("a.pdf", b"MZ"),
        },
    )
    assert bad.status_code == 400 and "PDF" in bad.content.decode()
    assert not Article.objects.filter(title="x").exists()


def test_lookup_shows_public_institutions_public_facts_only(client):
    institution = AgencyUnitFactory(public_institution=True, name="杭州市第一人民医院")
    AgencyUnitFactory(name="杭州市财政局")  # an agency, not a public institution
    page = client.get("/agency/lookup/", {"q": "杭州市", **CAPTCHA}).content.decode()
    assert institution.uscc in page and "杭州市财政局" not in page
    page = client.get("/agency/lookup/", {"q": institution.uscc, **CAPTCHA}).content.decode()
    assert "杭州市第一人民医院" in page


def test_lookup_needs_the_captcha_and_is_rate_limited(client, settings, time_machine):
    # The limit counts in fixed 10-minute windows: a run that crossed a window's edge began a
    # new count and got a 200 (seen once in CI). The clock stands still mid-window here.
    time_machine.move_to(datetime.datetime(2026, 12, 7, 6, 5, tzinfo=datetime.UTC), tick=False)
    response = client.get("/agency/lookup/", {"q": "医院", "captcha_0": "k", "captcha_1": "x"})
    assert "验证码错误" in response.content.decode()
    from zhengwu.agency import public_views

    for _ in range(public_views.LOOKUP_LIMIT):
        client.get("/agency/lookup/", {"q": "医院", **CAPTCHA})
    response = client.get("/agency/lookup/", {"q": "医院", **CAPTCHA})
    assert response.status_code == 429 and "查询过于频繁" in response.content.decode()


def test_agency_services_six_buttons_form_and_guide(client):
    page = client.get("/agency/services/").content.decode()
    for label in ("申请初领", "申请变更", "申请补领", "证书延期", "申请换领", "申请撤销"):
        assert label in page
    assert "/agency/signin/?item=change" in page and "/agency/services/on-site/initial/" in page
    for aspect in ("受理范围及条件", "办理流程", "申请材料", "表格下载", "联系电话及其他"):
        assert aspect in page
    assert GuideEntry.objects.count() == 30
    pdf = client.get("/agency/services/image-form.pdf")
    assert pdf["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("item", ["initial", "renew"])
def test_initial_and_renewal_answer_on_site(client, item):
    page = client.get(f"/agency/services/on-site/{item}/").content.decode()
    assert "需要现场办理" in page and "咨询电话" in page
    assert client.get("/agency/services/on-site/change/").status_code == 404


def test_staff_edit_the_guide(client, staff):
    client.force_login(staff)
    client.post(
        "/agency/office/guide/change/contacts/", {"body": "<p>电话 12345</p><script>x</script>"}
    )
    entry = GuideEntry.objects.get(item="change", aspect="contacts")
    assert entry.body == "<p>电话 12345</p>"


def test_institution_services_entry(client):
    assert "事业单位用户服务" in client.get("/agency/institutions/").content.decode()
