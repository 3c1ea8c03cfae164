"""The portal shell in a real browser, on a phone-sized screen."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_entries_lead_to_their_pages(page):
    page.goto(page.base_url + "/")
    assert page.title() == "政务服务网"
    entries = page.get_by_role("navigation", name="办事入口")
    for title in ["法人注册", "个人注册", "登录", "企业码", "我的证照", "机关赋码"]:
        assert entries.get_by_role("link", name=title).is_visible()
    page.get_by_role("link", name="机关赋码").click()  # the agency platform (AG-1)
    page.wait_for_url("**/agency/")
    assert page.get_by_role("heading", name="机关赋码和事业单位登记管理平台").is_visible()
    page.goto(page.base_url + "/")
    page.get_by_role("link", name="法人注册").click()  # REG-10: the role choice comes first
    page.wait_for_url("**/register/legal/")
    assert page.get_by_role("link", name="我是代理人").is_visible()
    # htmx is served locally and loads
    page.goto(page.base_url + "/")
    assert page.evaluate("typeof window.htmx") == "object"
