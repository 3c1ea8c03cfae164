"""AG-7: 下载表格 gives the item's form, generated from the application's current data, with
the signature and stamp boxes and the Chinese text embedded (a font subset in the file)."""

from __future__ import annotations

import io
import re
from typing import Any

import pypdf
import pytest

from zhengwu.agency.models import Item
from zhengwu.agency.pdf import application_form_pdf, image_application_form_pdf
from zhengwu.agency.services import applications as svc

from .factories import AgencyUnitFactory

pytestmark = pytest.mark.django_db


def text_and_fonts(data: bytes) -> tuple[str, list[Any]]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    resources: list[Any] = [page["/Resources"] for page in reader.pages]
    fonts = [ref.get_object() for res in resources for ref in res["/Font"].values()]
    return text, fonts


def test_change_form_carries_the_current_data_and_the_boxes():
    unit = AgencyUnitFactory(name="杭州市西湖区档案局", head="王芳")
    application = svc.start(unit, Item.CHANGE)
    svc.save_draft(application, version=1, changes={"head": "李明"})
    text, fonts = text_and_fonts(application_form_pdf(application))
    for words in (
        "机关、群团等统一社会信用代码证书信息变更申请表",
        "杭州市西湖区档案局",
        unit.uscc,
        "原登记：王芳",
        "变更为：李明",
        "未提交",
        "负责人签字",
        "单位盖章",
        "赋码机关意见",
    ):
        assert words in text, words
    embedded = [f for f in fonts if "/FontFile2" in f.get("/FontDescriptor", {})]
    assert embedded and all("/ToUnicode" in f for f in embedded)


def test_other_items_use_the_application_form_with_the_reason():
    unit = AgencyUnitFactory(long_term=True)
    application = svc.start(unit, Item.REISSUE)
    text, _ = text_and_fonts(application_form_pdf(application))
    assert "机关、群团等统一社会信用代码申请表" in text and "（尚未填写）" in text
    svc.save_draft(application, version=1, reason="证书遗失")
    application.refresh_from_db()
    text, _ = text_and_fonts(application_form_pdf(application))
    assert "证书遗失" in text and "长期" in text


def test_blank_image_application_form():
    text, _ = text_and_fonts(image_application_form_pdf())
    for words in ("机关网上赋码系统登录二维码图片申领表", "未曾领取", "遗失", "领取人", "单位盖章"):
        assert words in text, words
