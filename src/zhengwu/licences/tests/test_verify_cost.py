"""LIC-3, the public verification page as the hot path it is (bench/verification.py, issue 15):
the same facts as before, for less work per request."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db.models.sql.compiler import SQLCompiler
from django.urls import reverse

from zhengwu.licences.models import Licence
from zhengwu.licences.selectors import VERIFY_FIELDS, licence_public_facts

from .factories import LicenceFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("traits", [{}, {"revoked": True}, {"expired": True}])
def test_public_facts_are_what_values_returns(traits) -> None:  # type: ignore[no-untyped-def]
    """The facts read by the statement built once are the ORM's ``values()`` of the licence,
    with dates as dates on every database."""
    licence: Licence = LicenceFactory(**traits)  # type: ignore[assignment]
    cache.clear()
    expected = Licence.objects.filter(pk=licence.pk).values(*VERIFY_FIELDS).get()
    assert licence_public_facts(licence.identifier) == expected
    assert licence_public_facts(licence.identifier + "X") is None


def test_verify_page_compiles_no_orm_query(client, django_assert_num_queries, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """One statement per verification and no ORM compilation: compiling the ``values()``
    query cost three times what running it does (docs/performance.md, hlic)."""
    licence: Licence = LicenceFactory()  # type: ignore[assignment]
    url = reverse("licences:verify_identifier", args=[licence.identifier])
    client.get(url)  # first request of the process: templates, URLconf
    cache.clear()
    compiled: list[str] = []
    as_sql = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        compiled.append(self.query.model.__name__ if self.query.model else "")
        return as_sql(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    with django_assert_num_queries(1):
        response = client.get(url)
    assert response.status_code == 200 and response.context["result"].found
    assert compiled == []


def test_the_fragments_rendered_once_follow_the_language(client, settings) -> None:  # type: ignore[no-untyped-def]
    """The shell and form are ``{% memo %}`` fragments: each language gets its own."""
    licence: Licence = LicenceFactory()  # type: ignore[assignment]
    url = reverse("licences:verify_identifier", args=[licence.identifier])
    chinese = client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    again = client.get(url).content.decode()
    shared = ("<h1>电子证照核验</h1>", "服务热线", ">核验</button>", 'action="/licences/verify/"')
    for text in shared:
        assert text in chinese and text in again
    for text in ("<h1>Electronic licence verification</h1>", "Help hotline", ">Verify</button>"):
        assert text in english and text not in chinese
    assert licence.holder_name in english and settings.ZHENGWU_PORTAL_NAME in english


@pytest.mark.parametrize(
    ("traits", "validity"),
    [
        ({}, "<td>2025-03-01 至 长期</td>"),
        ({"expired": True}, "<td>2020-01-01 至 2024-12-31</td>"),
    ],
)
def test_the_result_table_between_its_stored_labels(client, traits, validity) -> None:  # type: ignore[no-untyped-def]
    """The table's labels are stored fragments; each row still shows this licence's value."""
    first: Licence = LicenceFactory()  # type: ignore[assignment]
    client.get(reverse("licences:verify_identifier", args=[first.identifier]))
    licence: Licence = LicenceFactory(**traits)  # type: ignore[assignment]
    page = client.get(reverse("licences:verify_identifier", args=[licence.identifier]))
    html = page.content.decode()
    assert f'<th scope="row">持证主体</th><td>{licence.holder_name}</td>' in html
    assert f'<th scope="row">颁发机构</th><td>{licence.issuer.name}</td>' in html
    assert '<th scope="row">证照名称</th><td>营业执照</td>' in html
    assert f'<th scope="row">证照标识</th><td>{licence.identifier}</td>' in html
    assert f'<th scope="row">有效期</th>{validity}' in html
    assert first.holder_name not in html


@pytest.mark.parametrize(
    ("path", "view_name"),
    [
        ("/licences/verify/", "licences:verify"),
        ("/licences/verify/1.2.156.3005.2.X/", "licences:verify_identifier"),
        ("/code/v/token/", "enterprise:verify"),
    ],
)
def test_public_verification_urls_are_tried_early(path, view_name) -> None:  # type: ignore[no-untyped-def]
    """Each pattern tried before the match costs every scan: the verification pages come
    right after the API, before the "" includes and their dozens of patterns."""
    from django.urls import resolve

    match = resolve(path)
    assert match.view_name == view_name
    assert match.tried is not None and len(match.tried) <= 5
