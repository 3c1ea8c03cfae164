"""``{% memo %}``: a fragment rendered once per language, script prefix and named values, that
sees nothing else of the request (core/templatetags/memo.py)."""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import RequestFactory
from django.urls import set_script_prefix
from django.utils import translation

from zhengwu.core.templatetags import memo


def render(source: str, **context: object) -> str:
    return Template("{% load i18n memo %}" + source).render(Context(context))


@pytest.fixture(autouse=True)
def _empty() -> None:
    memo.clear()


def test_body_is_rendered_once_per_language(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    template = Template('{% load i18n memo %}{% memo %}{% translate "服务热线" %}{% endmemo %}')
    node = next(n for n in template.nodelist if isinstance(n, memo.MemoNode))
    renders = []
    body = node.nodelist.render

    def counting(context):  # type: ignore[no-untyped-def]
        renders.append(translation.get_language())
        return body(context)

    monkeypatch.setattr(node.nodelist, "render", counting)
    for language in ("zh-hans", "zh-hans", "en", "zh-hans", "en"):
        with translation.override(language):
            expected = "服务热线" if language == "zh-hans" else "Help hotline"
            assert template.render(Context()) == expected
    assert renders == ["zh-hans", "en"]


def test_named_values_key_the_output() -> None:
    source = "{% memo name %}<b>{{ name }}</b>{% endmemo %}"
    assert render(source, name="政务服务网") == "<b>政务服务网</b>"
    assert render(source, name="浙江政务服务网") == "<b>浙江政务服务网</b>"
    assert render(source, name="<i>") == "<b>&lt;i&gt;</b>"  # still escaped


def test_the_body_sees_only_the_named_values() -> None:
    """Nothing of one visitor's request can be stored and shown to the next."""
    request = RequestFactory().get("/")
    template = Template(
        "{% load memo %}{% memo name %}{{ name }}|{{ secret }}|{{ request.path }}{% endmemo %}"
    )
    context = Context({"name": "n", "secret": "s", "request": request})
    assert template.render(context) == "n||"


def test_script_prefix_keys_the_output() -> None:
    source = "{% memo %}{% url 'portal:home' %}{% endmemo %}"
    try:
        set_script_prefix("/portal/")
        assert render(source) == "/portal/"
        set_script_prefix("/")
        assert render(source) == "/"
    finally:
        set_script_prefix("/")


def test_a_changed_setting_drops_the_stored_output(settings) -> None:  # type: ignore[no-untyped-def]
    source = "{% load static %}{% memo %}{% static 'portal/portal.css' %}{% endmemo %}"
    assert render(source) == "/static/portal/portal.css"
    settings.STATIC_URL = "/assets/"
    assert render(source) == "/assets/portal/portal.css"


def test_only_plain_names_are_accepted() -> None:
    with pytest.raises(TemplateSyntaxError):
        render("{% memo request.path %}{% endmemo %}")
