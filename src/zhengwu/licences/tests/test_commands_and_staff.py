"""Management commands (licences_keys, licences_issuer, demo_licences), the deploy check and the
staff back office (LIC-1 b: upload; revocation)."""

from __future__ import annotations

import io
import stat

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from zhengwu.accounts.tests.factories import UserFactory, uscc
from zhengwu.licences.checks import check_licence_keys
from zhengwu.licences.models import Issuer, Licence
from zhengwu.licences.pdf import licence_pdf
from zhengwu.licences.signing import verify_licence_pdf
from zhengwu.registry.models import MarketEntity
from zhengwu.registry.services.demo import demo_data_load

from .factories import IssuerFactory, LicenceFactory


def test_licences_keys_creates_private_files(tmp_path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZHENGWU_LICENCE_SIGNING_KEY = str(tmp_path / "k" / "signer.pem")
    settings.ZHENGWU_LICENCE_CA_CERT = str(tmp_path / "k" / "ca.pem")
    assert check_licence_keys(None)[0].id == "licences.E001"
    call_command("licences_keys", stdout=io.StringIO())
    for name in ("signer.pem", "ca.pem"):
        assert stat.S_IMODE((tmp_path / "k" / name).stat().st_mode) == 0o600
    assert check_licence_keys(None) == []
    before = (tmp_path / "k" / "signer.pem").read_bytes()
    call_command("licences_keys", if_missing=True, stdout=io.StringIO())
    assert (tmp_path / "k" / "signer.pem").read_bytes() == before
    with pytest.raises(CommandError):
        call_command("licences_keys", stdout=io.StringIO())


@pytest.mark.django_db
def test_licences_issuer_prints_the_key_once(client) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    call_command("licences_issuer", uscc(800, prefix="11"), "测试发证部门", stdout=out)
    key = out.getvalue().split("API key: ")[1].strip()
    issuer = Issuer.objects.get()
    assert issuer.key_hash and key not in issuer.key_hash
    with pytest.raises(CommandError, match="统一社会信用代码"):
        call_command("licences_issuer", "123", "x", stdout=io.StringIO())


@pytest.mark.django_db
def test_demo_licences_issues_one_licence_per_entity_of_its_kind() -> None:
    """Business licences for the units market supervision licenses; credit-code certificates for
    agencies, social organisations and public institutions (which hold no 营业执照)."""
    demo_data_load(count=40, seed=3, workers=0)
    call_command("demo_licences", if_empty=True, stdout=io.StringIO())
    entities = MarketEntity.objects.count()
    kinds = dict(Licence.objects.values_list("holder_uscc", "licence_type"))
    licensed = {"enterprise", "individual_business", "cooperative"}
    for uscc_, person_type in MarketEntity.objects.values_list("uscc", "legal_person_type"):
        expected = "business_licence" if person_type in licensed else "credit_code_certificate"
        assert kinds[uscc_] == expected, (uscc_, person_type)
    assert set(kinds.values()) == {"business_licence", "credit_code_certificate"}
    assert set(Licence.objects.values_list("holder_uscc", flat=True)) == set(
        MarketEntity.objects.values_list("uscc", flat=True)
    )
    call_command("demo_licences", if_empty=True, stdout=io.StringIO())
    assert Licence.objects.count() == entities
    assert verify_licence_pdf(licence_pdf(Licence.objects.first())).valid  # type: ignore[arg-type]


@pytest.fixture
def licence_staff():  # type: ignore[no-untyped-def]
    user = UserFactory(staff=True)
    user.user_permissions.add(Permission.objects.get(codename="manage_licences"))
    return user


@pytest.mark.django_db
def test_staff_upload_issues_a_licence(client, licence_staff) -> None:  # type: ignore[no-untyped-def]
    issuer = IssuerFactory()
    client.force_login(licence_staff)
    response = client.post(
        reverse("licences:manage"),
        {
            "issuer": issuer.pk,
            "licence_type": "special_equipment",
            "holder_uscc": uscc(9),
            "holder_name": "杭州测试电梯有限公司",
            "number": "梯11浙A01234(25)",
            "issued_on": "2025-06-01",
            "particulars": "设备类别：电梯\n使用地点：杭州市西湖区",
        },
    )
    assert response.status_code == 302
    licence = Licence.objects.get()
    assert licence.source == "staff" and licence.created_by == licence_staff
    assert licence.particulars == {"设备类别": "电梯", "使用地点": "杭州市西湖区"}


@pytest.mark.django_db
def test_staff_upload_errors_are_beside_the_field(client, licence_staff) -> None:  # type: ignore[no-untyped-def]
    client.force_login(licence_staff)
    response = client.post(
        reverse("licences:manage"),
        {
            "issuer": IssuerFactory().pk,
            "licence_type": "business_licence",
            "holder_uscc": "91330106MA2CDE7K0Z",
            "holder_name": "x",
            "issued_on": "2025-06-01",
        },
    )
    assert response.status_code == 200
    assert "统一社会信用代码" in response.context["form"].errors["holder_uscc"][0]
    assert not Licence.objects.exists()


@pytest.mark.django_db
def test_staff_revokes(client, licence_staff) -> None:  # type: ignore[no-untyped-def]
    licence = LicenceFactory()
    client.force_login(licence_staff)
    response = client.post(reverse("licences:manage_revoke", args=[licence.pk]), {"reason": "吊销"})
    assert response.status_code == 302
    licence.refresh_from_db()
    assert licence.status == "revoked" and licence.revoke_reason == "吊销"


@pytest.mark.django_db
def test_the_manager_group_grants_the_back_office(client) -> None:  # type: ignore[no-untyped-def]
    """Migrations create 电子证照管理员 with ``licences.manage_licences``."""
    from django.contrib.auth.models import Group

    user = UserFactory(staff=True)
    client.force_login(user)
    assert client.get(reverse("licences:manage")).status_code == 403
    user.groups.add(Group.objects.get(name="电子证照管理员"))
    client.force_login(user)
    assert client.get(reverse("licences:manage")).status_code == 200


@pytest.mark.django_db
def test_staff_without_permission_cannot_revoke(client) -> None:  # type: ignore[no-untyped-def]
    licence = LicenceFactory()
    client.force_login(UserFactory(staff=True))
    response = client.post(reverse("licences:manage_revoke", args=[licence.pk]), {"reason": "x"})
    assert response.status_code == 403
    licence.refresh_from_db()
    assert licence.status == "valid"


@pytest.mark.django_db
def test_admin_lists_issuers_and_licences_read_only(client) -> None:  # type: ignore[no-untyped-def]
    licence = LicenceFactory()
    client.force_login(UserFactory(staff=True, is_superuser=True))
    assert licence.identifier in client.get("/admin/licences/licence/").content.decode()
    assert client.get("/admin/licences/issuer/").status_code == 200
    assert client.get("/admin/licences/licence/add/").status_code == 403
