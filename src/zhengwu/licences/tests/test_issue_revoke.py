"""Issuing and revoking licences (LIC-1): validation names the field, identifiers check out,
revocation goes through the workflow helper and is audited."""

from __future__ import annotations

import datetime

import pytest

from zhengwu.accounts.tests.factories import UserFactory, uscc
from zhengwu.audit.models import AuditEvent
from zhengwu.core.errors import IllegalTransition, NotFound, ValidationFailed
from zhengwu.core.models import Transition
from zhengwu.identifiers import licence_id
from zhengwu.licences import services
from zhengwu.licences.constants import TYPE_CODES, LicenceStatus, LicenceType, Source
from zhengwu.licences.models import Licence

from .factories import IssuerFactory, LicenceFactory

pytestmark = pytest.mark.django_db


def _issue(**overrides):  # type: ignore[no-untyped-def]
    values = {
        "issuer": IssuerFactory(),
        "licence_type": LicenceType.BUSINESS_LICENCE,
        "holder_uscc": uscc(1),
        "holder_name": "杭州测试科技有限公司",
        "issued_on": "2025-03-01",
        "source": Source.API,
        "actor": "issuer:test",
    }
    values.update(overrides)
    return services.licence_issue(**values)


def test_issue_creates_a_licence_with_a_valid_identifier() -> None:
    licence = _issue(particulars={"住所": "杭州市西湖区"})
    assert licence_id.is_valid(licence.identifier)
    parts = licence_id.split(licence.identifier)
    assert parts["type_code"] == TYPE_CODES[LicenceType.BUSINESS_LICENCE]
    assert parts["issuer"] == licence.issuer.uscc
    assert licence.number == licence.holder_uscc  # a business licence's number is the USCC
    assert licence.valid_from == datetime.date(2025, 3, 1) and licence.valid_until is None
    assert AuditEvent.objects.filter(event_type="licences.issued").count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"licence_type": "driving"}, "licence_type", "证照类型"),
        ({"holder_uscc": "91330106MA2CDE7K0Z"}, "holder_uscc", "统一社会信用代码"),
        ({"holder_name": "  "}, "holder_name", "持证主体"),
        ({"issued_on": "2025/03/01"}, "issued_on", "YYYY-MM-DD"),
        ({"issued_on": ""}, "issued_on", "颁发日期"),
        ({"valid_until": "2020-01-01"}, "valid_until", "不能早于"),
        ({"licence_type": LicenceType.FOOD_BUSINESS}, "number", "证照编号"),
        ({"particulars": ["x"]}, "particulars", "照面信息"),
    ],
)
def test_wrong_fields_are_named(overrides: dict, field: str, fragment: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        _issue(**overrides)
    assert info.value.field == field
    assert fragment in info.value.message
    assert not Licence.objects.exists()


def test_duplicate_number_is_refused() -> None:
    issuer = IssuerFactory()
    _issue(issuer=issuer)
    with pytest.raises(ValidationFailed) as info:
        _issue(issuer=issuer)
    assert info.value.field == "number"


def test_revoke_uses_the_workflow_and_is_final() -> None:
    licence = LicenceFactory()
    staff = UserFactory(staff=True)
    services.licence_revoke(licence=licence, reason="依法吊销", actor=staff)
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.REVOKED and licence.revoked_at is not None
    assert Transition.objects.filter(subject_id=str(licence.pk), to_state="revoked").exists()
    assert AuditEvent.objects.filter(event_type="licences.revoked").exists()
    with pytest.raises(IllegalTransition):
        services.licence_revoke(licence=licence, reason="again", actor=staff)


def test_revoke_needs_a_reason() -> None:
    with pytest.raises(ValidationFailed) as info:
        services.licence_revoke(licence=LicenceFactory(), reason=" ", actor="x")
    assert info.value.field == "reason"


def test_an_issuer_cannot_revoke_another_issuers_licence() -> None:
    licence = LicenceFactory()
    with pytest.raises(NotFound):
        services.licence_revoke(licence=licence, reason="x", actor="x", issuer=IssuerFactory())


def test_display_status_expired_after_valid_until() -> None:
    licence = LicenceFactory(expired=True)
    assert licence.display_status(datetime.date(2024, 12, 31)) == "valid"
    assert licence.display_status(datetime.date(2025, 1, 1)) == "expired"
    assert LicenceFactory(revoked=True).display_status() == "revoked"
