"""Content-Security-Policy and Permissions-Policy on every page, nothing inline that would need
'unsafe-inline' or 'unsafe-eval' (issue 11)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

import zhengwu

SRC = Path(zhengwu.__file__).parent
TEMPLATES = sorted(p for p in SRC.rglob("templates/**/*.html") if "tests" not in p.parts)

#: What a CSP without 'unsafe-inline' / 'unsafe-eval' blocks, as it appears in a template.
FORBIDDEN = {
    "inline <script> body": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", re.I),
    "<style> block": re.compile(r"<style[\s>]", re.I),
    "style= attribute": re.compile(r"\sstyle\s*=", re.I),
    "on*= event handler": re.compile(r"<[^>]*\son[a-z]+\s*=", re.I),
    "hx-on attribute": re.compile(r"\shx-on", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "htmx trigger filter (eval)": re.compile(r"hx-trigger=\"[^\"]*\[", re.I),
    "htmx js: values (eval)": re.compile(r"hx-(vals|vars|headers)=['\"]\s*js:", re.I),
}


def test_the_scan_sees_the_templates():
    assert len(TEMPLATES) > 50
    assert any(p.name == "base.html" for p in TEMPLATES)


@pytest.mark.parametrize("what", sorted(FORBIDDEN))
def test_no_template_needs_unsafe_inline(what):
    pattern = FORBIDDEN[what]
    offenders = [
        f"{p.relative_to(SRC)}:{text[: m.start()].count(chr(10)) + 1}"
        for p in TEMPLATES
        for text in [p.read_text(encoding="utf-8")]
        for m in pattern.finditer(text)
    ]
    assert not offenders, f"{what} in {offenders}"


@pytest.mark.parametrize(
    "sample",
    [
        "<script>alert(1)</script>",
        '<div style="color:red">',
        "<style>p{}</style>",
        '<form onsubmit="return x()">',
        '<div hx-trigger="every 5s [ok()]">',
    ],
)
def test_the_scan_would_catch_each_kind(sample):
    assert any(p.search(sample) for p in FORBIDDEN.values())


def test_external_script_tags_pass_the_scan():
    sample = '<script src="/static/portal/portal.js" defer></script>'
    assert not any(p.search(sample) for p in FORBIDDEN.values())


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/login/", "/services/", "/help/", "/sandbox/sms/"])
def test_every_page_has_the_csp_and_permissions_policy(client, url):
    response = client.get(url)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "style-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    policy = response["Permissions-Policy"]
    assert "camera=()" in policy and "geolocation=()" in policy


def test_production_keeps_the_csp():
    """production.py builds on base.py: the middleware and the policy are there."""
    assert "django.middleware.csp.ContentSecurityPolicyMiddleware" in settings.MIDDLEWARE
    assert "zhengwu.portal.middleware.PermissionsPolicyMiddleware" in settings.MIDDLEWARE
    prod = (SRC / "settings" / "production.py").read_text()
    assert "from .base import *" in prod and "SECURE_CSP" not in prod


@pytest.mark.django_db
def test_a_response_with_its_own_permissions_policy_keeps_it():
    from django.http import HttpResponse

    from zhengwu.portal.middleware import PermissionsPolicyMiddleware

    response = HttpResponse()
    response["Permissions-Policy"] = "camera=(self)"
    middleware = PermissionsPolicyMiddleware(lambda request: response)
    assert middleware(None)["Permissions-Policy"] == "camera=(self)"  # type: ignore[arg-type]
