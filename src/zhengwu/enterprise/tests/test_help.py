"""EC-5: the seed's step-by-step guide (附件1) and FAQ (附件2) as public pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhengwu.enterprise import services

pytestmark = pytest.mark.django_db


def test_guide_is_public_and_has_both_cases(client):
    response = client.get("/code/help/")
    assert response.status_code == 200
    text = response.text
    assert "“企业码”领取具体操作流程" in text
    assert "情况1：企业有法人账号和密码" in text and "情况2：无法人账号" in text
    assert "领码后直接进入企业码页面，无需重复领码" in text
    assert reverse("registrations:start") in text and reverse("registrations:manual") in text
    assert reverse("enterprise:help_faq") in text


def test_faq_is_public_and_has_the_ten_questions(client):
    response = client.get("/code/help/faq/")
    assert response.status_code == 200
    text = response.text
    for n in range(1, 11):
        assert f'id="faq-{n}"' in text
    assert "人工认证渠道" in text and "一个工作日内" in text
    assert "密码输入次数过多，您的账号已被锁定" in text
    assert "变更使用人信息" in text


def test_code_and_claim_pages_link_to_help(client, personas):
    org = personas.organisation
    client.force_login(personas.operator)
    claim_page = client.get(reverse("enterprise:unit", args=[org.pk])).text
    assert "/code/help/" in claim_page and "/code/help/faq/" in claim_page
    services.claim_code(organisation=org, actor=personas.operator)
    code_page = client.get(reverse("enterprise:unit", args=[org.pk])).text
    assert "/code/help/" in code_page and "/code/help/faq/" in code_page
