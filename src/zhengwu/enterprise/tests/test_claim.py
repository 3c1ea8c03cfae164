"""EC-1 领码: a member of the unit claims its code once; claims are audited."""

from __future__ import annotations

import pytest

from zhengwu.audit.models import AuditEvent
from zhengwu.enterprise import services
from zhengwu.enterprise.constants import EVENT_CLAIM_REFUSED, EVENT_CLAIMED
from zhengwu.enterprise.errors import ClaimNotAllowed, CodeAlreadyClaimed
from zhengwu.enterprise.models import EnterpriseCode

pytestmark = pytest.mark.django_db


def test_legal_representative_claims_the_code(personas):
    code = services.claim_code(
        organisation=personas.organisation, actor=personas.legal_representative
    )
    assert code.organisation == personas.organisation
    assert code.claimed_by == personas.legal_representative
    assert code.version == 1 and code.is_active
    assert AuditEvent.objects.filter(event_type=EVENT_CLAIMED, subject_id=str(code.pk)).exists()


def test_second_claim_is_refused(personas):
    services.claim_code(organisation=personas.organisation, actor=personas.operator)
    with pytest.raises(CodeAlreadyClaimed):
        services.claim_code(organisation=personas.organisation, actor=personas.administrator)
    assert EnterpriseCode.objects.filter(organisation=personas.organisation).count() == 1
    assert AuditEvent.objects.filter(event_type=EVENT_CLAIM_REFUSED).exists()


def test_outsider_cannot_claim(personas):
    with pytest.raises(ClaimNotAllowed):
        services.claim_code(organisation=personas.organisation, actor=personas.outsider)
    assert not EnterpriseCode.objects.exists()


def test_verification_path_carries_the_current_token(personas):
    code = services.claim_code(organisation=personas.organisation, actor=personas.operator)
    path = code.verification_path()
    assert path.startswith("/code/v/") and code.public_id in path
    assert personas.organisation.uscc not in path


def test_natural_person_account_cannot_claim(personas):
    from zhengwu.accounts.models import User

    User.objects.filter(pk=personas.operator.pk).update(kind=User.Kind.NATURAL_PERSON)
    personas.operator.refresh_from_db()
    with pytest.raises(ClaimNotAllowed):
        services.claim_code(organisation=personas.organisation, actor=personas.operator)


def test_inactive_membership_cannot_claim(personas):
    from zhengwu.accounts.models import Membership

    Membership.objects.filter(user=personas.operator).update(is_active=False)
    with pytest.raises(ClaimNotAllowed):
        services.claim_code(organisation=personas.organisation, actor=personas.operator)


def test_closed_organisation_cannot_claim(personas):
    from zhengwu.accounts.models import Organisation
    from zhengwu.enterprise.errors import OrganisationClosed

    org = personas.organisation
    Organisation.objects.filter(pk=org.pk).update(status=Organisation.Status.CLOSED)
    org.refresh_from_db()
    with pytest.raises(OrganisationClosed):
        services.claim_code(organisation=org, actor=personas.legal_representative)
    assert not EnterpriseCode.objects.exists()


def test_database_allows_one_code_per_organisation(personas):
    """EC-1 in the schema itself, not only in the service."""
    from django.db import IntegrityError, transaction

    EnterpriseCode.objects.create(organisation=personas.organisation)
    with pytest.raises(IntegrityError), transaction.atomic():
        EnterpriseCode.objects.create(organisation=personas.organisation)


def test_guide_diagram_is_generated_from_the_transitions():
    from pathlib import Path

    from zhengwu.enterprise.constants import CODE_TRANSITIONS, CodeStatus
    from zhengwu.registrations.diagrams import workflow_mermaid

    guide = Path(__file__).resolve().parents[4] / "docs" / "guides" / "enterprise-code.md"
    diagram = workflow_mermaid(CodeStatus, CODE_TRANSITIONS, {}, CodeStatus.ACTIVE)
    assert f"```mermaid\n{diagram}\n```" in guide.read_text()
