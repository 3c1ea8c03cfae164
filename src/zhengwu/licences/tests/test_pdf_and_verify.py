"""LIC-3: the PDF (A4, Chinese text, the fields, a QR to the verification page) carries the
issuing authority's signature that validates against our CA and breaks on any change; the
public page reports valid / revoked / expired without personal data, and is rate-limited."""

from __future__ import annotations

import io
import random
from urllib.parse import urlsplit

import pypdf
import pytest
import zxingcpp
from django.urls import reverse

from zhengwu.licences.keys import create_keys
from zhengwu.licences.pdf import licence_pdf
from zhengwu.licences.signing import verify_licence_pdf
from zhengwu.licences.verification import verification_token, verification_url

from .factories import LicenceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def licence():  # type: ignore[no-untyped-def]
    return LicenceFactory(
        particulars={"名称": "杭州测试科技有限公司1", "法定代表人": "张三", "住所": "杭州市西湖区"}
    )


@pytest.fixture
def signed(licence) -> bytes:  # type: ignore[no-untyped-def]
    return licence_pdf(licence)


def test_pdf_is_a4_with_the_licence_fields_in_chinese(licence, signed: bytes) -> None:  # type: ignore[no-untyped-def]
    reader = pypdf.PdfReader(io.BytesIO(signed))
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    text = "".join(p.extract_text() for p in reader.pages).replace("\n", "").replace(" ", "")
    for value in (
        "营业执照",
        licence.holder_name,
        licence.holder_uscc,
        licence.issuer.name,
        "长期",
    ):
        assert value in text
    assert b"/FontFile2" in signed  # the CJK TrueType font is embedded


def test_signature_validates_against_our_ca(signed: bytes) -> None:
    report = verify_licence_pdf(signed)
    assert report.valid and report.intact, report.problem
    assert report.signer == "电子证照签发机构"


def test_any_changed_byte_breaks_the_signature(signed: bytes) -> None:
    """Flip bytes at random positions across the file (content, signature, trailer): never
    valid afterwards."""
    rng = random.Random(36904)
    contents = signed.rindex(b"/Contents <")
    padding = signed.index(b">", contents) - 10  # reserved zeros after the signature's DER
    for position in [*rng.sample(range(len(signed)), 25), len(signed) // 2, 200, padding]:
        tampered = bytearray(signed)
        tampered[position] ^= 0x01
        assert not verify_licence_pdf(bytes(tampered)).valid, position


def test_signature_from_another_ca_is_not_trusted(
    licence, signed: bytes, tmp_path, settings
) -> None:  # type: ignore[no-untyped-def]
    create_keys(signer_path=tmp_path / "s.pem", ca_path=tmp_path / "c.pem")
    settings.ZHENGWU_LICENCE_CA_CERT = str(tmp_path / "c.pem")
    report = verify_licence_pdf(signed)
    assert report.intact and not report.valid


def test_qr_in_the_pdf_decodes_to_the_verification_url(licence, signed: bytes) -> None:  # type: ignore[no-untyped-def]
    images = [img for p in pypdf.PdfReader(io.BytesIO(signed)).pages for img in p.images]
    assert len(images) == 1
    texts = [r.text for r in zxingcpp.read_barcodes(images[0].image)]
    assert texts == [verification_url(licence)]
    url = urlsplit(texts[0])
    assert url.path == f"/licences/verify/{licence.identifier}/"
    assert url.query == f"t={verification_token(licence.identifier)}"
    assert licence.holder_uscc not in texts[0]  # the identifier and a token, no personal data


@pytest.mark.parametrize(
    ("traits", "label"),
    [({}, "有效"), ({"revoked": True}, "已注销"), ({"expired": True}, "已过期")],
)
def test_verify_page_reports_the_status(client, traits, label) -> None:  # type: ignore[no-untyped-def]
    licence = LicenceFactory(particulars={"法定代表人": "张三"}, **traits)
    response = client.get(reverse("licences:verify_identifier", args=[licence.identifier]))
    assert response.status_code == 200
    result = response.context["result"]
    assert result.status_label == label
    page = response.content.decode()
    assert licence.holder_name in page and "营业执照" in page and licence.issuer.name in page
    assert "张三" not in page  # no personal data on the public page


def test_qr_url_with_token_is_marked_genuine(client) -> None:  # type: ignore[no-untyped-def]
    licence = LicenceFactory()
    path = urlsplit(verification_url(licence))
    response = client.get(f"{path.path}?{path.query}")
    assert response.context["result"].token_valid is True
    assert "二维码由本平台签发" in response.content.decode()
    forged = client.get(path.path + "?t=AAAAAAAAAAAAAAAA")
    assert forged.context["result"].token_valid is False


def test_form_accepts_an_identifier(client) -> None:  # type: ignore[no-untyped-def]
    licence = LicenceFactory()
    response = client.get(reverse("licences:verify"), {"identifier": licence.identifier.lower()})
    assert response.context["result"].found and response.context["result"].status == "valid"


def test_bad_check_character_names_the_field(client) -> None:  # type: ignore[no-untyped-def]
    licence = LicenceFactory()
    last = licence.identifier[-1]
    wrong = licence.identifier[:-1] + ("0" if last != "0" else "1")
    response = client.get(reverse("licences:verify"), {"identifier": wrong})
    assert response.status_code == 400
    errors = response.context["errors"]
    assert any("证照标识校验位" in e and f"应为 {last}" in e for e in errors)
    assert 'id="identifier-error"' in response.content.decode()


def test_unknown_but_well_formed_identifier(client) -> None:  # type: ignore[no-untyped-def]
    licence = LicenceFactory.build(identifier=LicenceFactory().identifier)
    licence_identifier = licence.identifier
    from zhengwu.licences.models import Licence

    Licence.objects.filter(identifier=licence_identifier).delete()
    response = client.get(reverse("licences:verify_identifier", args=[licence_identifier]))
    assert response.status_code == 200 and response.context["result"].found is False
    assert "未找到该电子证照" in response.content.decode()


def test_verification_is_rate_limited(client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZHENGWU_LICENCE_VERIFY_RATE = 3
    licence = LicenceFactory()
    url = reverse("licences:verify_identifier", args=[licence.identifier])
    assert [client.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]


@pytest.mark.django_db(transaction=True)
def test_revocation_shows_at_once_although_the_page_caches(client) -> None:  # type: ignore[no-untyped-def]
    """The verification page caches the public facts; revoking drops them after commit."""
    from zhengwu.licences.services import licence_revoke

    licence = LicenceFactory()
    url = reverse("licences:verify_identifier", args=[licence.identifier])
    assert client.get(url).context["result"].status == "valid"  # now cached
    licence_revoke(licence=licence, reason="依法注销", actor="staff")
    assert client.get(url).context["result"].status == "revoked"


@pytest.mark.django_db(transaction=True)
def test_a_new_licence_is_found_although_its_absence_was_cached(client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from zhengwu.accounts.tests.factories import uscc
    from zhengwu.identifiers import licence_id
    from zhengwu.licences import services
    from zhengwu.licences.constants import TYPE_CODES

    from .factories import IssuerFactory

    monkeypatch.setattr(services.secrets, "randbelow", lambda n: 42)  # a predictable serial
    issuer = IssuerFactory()
    expected = licence_id.build(
        type_code=TYPE_CODES["business_licence"], issuer_uscc=issuer.uscc, serial="20250000000042"
    )
    url = reverse("licences:verify_identifier", args=[expected])
    assert client.get(url).context["result"].found is False  # absence now cached
    licence = services.licence_issue(
        issuer=issuer,
        licence_type="business_licence",
        holder_uscc=uscc(3),
        holder_name="杭州测试科技有限公司",
        issued_on="2025-01-01",
        source="api",
        actor="t",
    )
    assert licence.identifier == expected
    assert client.get(url).context["result"].found


@pytest.mark.django_db
def test_empty_identifier_is_named(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("licences:verify"), {"identifier": "  "})
    assert response.context["errors"] == ["请填写证照标识"]
    assert "result" not in response.context or response.context["result"] is None


@pytest.mark.django_db
def test_verify_page_sets_no_cookie(client) -> None:  # type: ignore[no-untyped-def]
    """The public page carries no CSRF token or session: cacheable, nothing to leak."""
    licence = LicenceFactory()
    response = client.get(reverse("licences:verify_identifier", args=[licence.identifier]))
    assert response.status_code == 200 and not response.cookies
