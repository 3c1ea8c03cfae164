"""Factories of the registration tests: register entries, drafts, operator applications, manual
verifications and natural-person reviews, with one trait per workflow state.

Trait names are the state values (``pending``, ``approved``, ``rejected``, ``returned``) and,
for the drafts, the step (``at_user``, ``at_face``, ``done``). Workflow objects get the
``Transition`` history the services would have written for that state (a post-generation hook
reading the object's final state), so history pages and the transition helper see consistent
rows; ``transitions=False`` skips it. ``test_factories`` checks that every state of every
``TRANSITIONS`` table has its trait.
"""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from zhengwu.accounts.constants import IdType, LegalPersonType, Location
from zhengwu.accounts.identity import id_number_hash, mobile_hash
from zhengwu.accounts.tests.factories import (
    PASSWORD,
    OrganisationFactory,
    UserFactory,
    resident_id,
    uscc,
)
from zhengwu.core.crypto import blind_index
from zhengwu.core.models import Transition
from zhengwu.identifiers import mobile
from zhengwu.registrations.constants import ApplicationStatus, DraftOutcome, DraftStep
from zhengwu.registrations.manual.constants import (
    ManualApplicantKind,
    ManualStatus,
    RejectionReason,
)
from zhengwu.registrations.models import (
    ManualVerification,
    NaturalPersonDraft,
    NaturalPersonReview,
    OperatorApplication,
    RegistrationDraft,
)
from zhengwu.registrations.models.natural import NaturalDraftOutcome, NaturalReviewStatus
from zhengwu.registry.models import MarketEntity
from zhengwu.registry.services.rows import ID_PURPOSE, PHONE_PURPOSE, id_number_key
from zhengwu.uploads.models import UploadKind

ENTITY_TYPES = {
    "enterprise": ("91", "limited_company"),
    "individual_business": ("92", "individual_business"),
    "cooperative": ("93", "farmers_cooperative"),
    "social_organisation": ("51", "social_group"),
    "agency": ("11", "agency"),
    "public_institution": ("12", "public_institution"),
}


def registry_id_hash(id_type: str, number: str) -> str:
    """The blind index the register import stores for an ID number (a legacy 15-digit resident
    ID hashed in its 18-digit form), so the registry provider compares like in production."""
    return blind_index(id_number_key(id_type, number)[1], purpose=ID_PURPOSE)


def registry_phone_hash(phone: str) -> str:
    """The import's blind index of a registered phone (mobile or landline), empty without one."""
    if not phone:
        return ""
    value = mobile.normalise(phone) if mobile.is_valid(phone) else mobile.validate_landline(phone)
    return blind_index(value, purpose=PHONE_PURPOSE)


class MarketEntityFactory(factory.django.DjangoModelFactory):
    """An active register entry; ``kind`` picks the legal-person type with its prefix."""

    class Meta:
        model = MarketEntity
        exclude = ("kind",)

    kind = "enterprise"
    # Far from OrganisationFactory's uscc(n): once a session had created ~500 organisations,
    # an entity's code became a persona organisation's (the agent approval test then saw an
    # organisation with members and made the agent an operator).
    uscc = factory.LazyAttributeSequence(lambda o, n: uscc(n + 1_000_000, ENTITY_TYPES[o.kind][0]))
    name = factory.Sequence(lambda n: f"杭州登记测试有限公司{n}")
    entity_type = factory.LazyAttribute(lambda o: ENTITY_TYPES[o.kind][1])
    legal_person_type = factory.LazyAttribute(lambda o: o.kind)
    status = "active"
    region_code = "330106"
    legal_rep_name = "王测试通过"
    legal_rep_id_type = "resident_id"
    legal_rep_id_number = factory.Sequence(lambda n: resident_id(70000 + n))
    legal_rep_id_number_hash = factory.LazyAttribute(
        lambda o: registry_id_hash(o.legal_rep_id_type, o.legal_rep_id_number)
    )
    registered_phone = factory.Sequence(lambda n: f"139572{n:05d}")
    registered_phone_hash = factory.LazyAttribute(lambda o: registry_phone_hash(o.registered_phone))
    registered_on = datetime.date(2015, 6, 1)
    row_hash = "x" * 32


def workflow_path(model, start: str, state: str) -> list[tuple[str, str]]:
    """The shortest chain of legal moves of ``model`` from ``start`` to ``state``."""
    from collections import deque

    seen, queue = {start: []}, deque([start])
    while queue:
        here = queue.popleft()
        if here == state:
            return seen[here]
        for there in sorted(model.TRANSITIONS.get(here, ())):
            if there not in seen:
                seen[there] = [*seen[here], (here, there)]
                queue.append(there)
    raise ValueError(f"{state} cannot be reached from {start}")


def write_history(obj, path: list[tuple[str, str]], *, actor=None, reason: str = "") -> None:
    """``Transition`` rows for each ``(from, to)`` of ``path``, one second apart, ending now;
    the last decision carries ``actor`` (the decider) and ``reason``."""
    now = timezone.now()
    label = obj._meta.label_lower
    for n, (before, after) in enumerate(path):
        last = n == len(path) - 1
        who = actor if last and actor is not None else None
        Transition.objects.create(
            subject_type=label,
            subject_id=str(obj.pk),
            from_state=before,
            to_state=after,
            actor=who,
            actor_label=str(who or "")[:150],
            reason=reason if last else "",
            at=now - datetime.timedelta(seconds=len(path) - n),
        )


class DraftFactory(factory.django.DjangoModelFactory):
    """A wizard after step 1 (``step=user``, trait ``at_user``); ``at_face`` after step 2;
    ``done`` after the face check (an active account; ``outcome`` may be overridden with
    ``pending_approval`` together with ``application``)."""

    class Meta:
        model = RegistrationDraft

    step = DraftStep.USER
    location = Location.IN_PROVINCE
    legal_person_type = LegalPersonType.ENTERPRISE
    uscc = factory.Sequence(lambda n: uscc(n + 800))
    organisation_name = factory.Sequence(lambda n: f"草稿测试有限公司{n}")
    legal_rep_name = "王测试通过"
    legal_rep_id_type = IdType.RESIDENT_ID
    legal_rep_id_number = factory.Sequence(lambda n: resident_id(60000 + n))
    legal_rep_id_number_hash = factory.LazyAttribute(
        lambda o: id_number_hash(o.legal_rep_id_number)
    )
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(minutes=30))

    class Params:
        account = factory.Trait(
            username=factory.Sequence(lambda n: f"draft_{n:04d}"),
            password_hash=factory.LazyFunction(lambda: make_password(PASSWORD)),
            operator_name="李测试通过",
            operator_id_type=IdType.RESIDENT_ID,
            operator_id_number=factory.Sequence(lambda n: resident_id(50000 + n)),
            operator_id_number_hash=factory.LazyAttribute(
                lambda o: id_number_hash(o.operator_id_number)
            ),
            mobile=factory.Sequence(lambda n: f"139573{n:05d}"),
            mobile_hash=factory.LazyAttribute(lambda o: mobile_hash(o.mobile)),
        )
        at_user = factory.Trait(step=DraftStep.USER)
        at_face = factory.Trait(step=DraftStep.FACE, account=True)
        done = factory.Trait(
            step=DraftStep.DONE,
            account=True,
            outcome=DraftOutcome.ACTIVE,
            user=factory.SubFactory(
                UserFactory,
                real_name=factory.SelfAttribute("..operator_name"),
                username=factory.SelfAttribute("..username"),
            ),
        )


class OperatorApplicationFactory(factory.django.DjangoModelFactory):
    """An operator application; traits ``pending`` (default), ``approved`` (with its account),
    ``rejected``. Decided ones carry the pending → decision ``Transition``."""

    class Meta:
        model = OperatorApplication
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    status = ApplicationStatus.PENDING
    username = factory.Sequence(lambda n: f"applicant_{n:04d}")
    password_hash = factory.LazyFunction(lambda: make_password(PASSWORD))
    real_name = "赵测试通过"
    id_type = IdType.RESIDENT_ID
    id_number = factory.Sequence(lambda n: resident_id(40000 + n))
    id_number_hash = factory.LazyAttribute(lambda o: id_number_hash(o.id_number))
    mobile = factory.Sequence(lambda n: f"139574{n:05d}")
    mobile_hash = factory.LazyAttribute(lambda o: mobile_hash(o.mobile))

    class Params:
        pending = factory.Trait(status=ApplicationStatus.PENDING)
        approved = factory.Trait(
            status=ApplicationStatus.APPROVED,
            decided_by=factory.SubFactory(UserFactory),
            decided_at=factory.LazyFunction(timezone.now),
            user=factory.SubFactory(
                UserFactory,
                username=factory.SelfAttribute("..username"),
                real_name=factory.SelfAttribute("..real_name"),
            ),
        )
        rejected = factory.Trait(
            status=ApplicationStatus.REJECTED,
            reason="材料不符",
            decided_by=factory.SubFactory(UserFactory),
            decided_at=factory.LazyFunction(timezone.now),
        )

    @factory.post_generation
    def transitions(obj, create, extracted, **kwargs):
        if create and extracted is not False and obj.status != ApplicationStatus.PENDING:
            actor = getattr(obj, "decided_by", None)
            write_history(
                obj, [(ApplicationStatus.PENDING, obj.status)], actor=actor, reason=obj.reason
            )


class ManualVerificationFactory(factory.django.DjangoModelFactory):
    """A manual-channel case (REG-9) from an out-of-province unit, with its applicant account;
    traits ``pending`` (default), ``approved`` (linked organisation, decider), ``rejected``
    (reason template, text and the uploads to redo) and ``resubmitted`` (pending again after
    one rejection, ``submission_count=2``). History as ``manual_services`` writes it: the
    creation row ``"" → pending``, then each move."""

    class Meta:
        model = ManualVerification
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"RG20261123{n:06d}")
    status = ManualStatus.PENDING
    applicant_kind = ManualApplicantKind.OUT_OF_PROVINCE
    location = Location.OUT_OF_PROVINCE
    legal_person_type = LegalPersonType.ENTERPRISE
    organisation_name = factory.Sequence(lambda n: f"上海人工认证测试有限公司{n}")
    has_code_certificate = True
    unit_code = factory.Sequence(lambda n: uscc(n + 1200))
    operator_name = "钱测试通过"
    operator_id_type = IdType.RESIDENT_ID
    operator_id_number = factory.Sequence(lambda n: resident_id(30000 + n))
    operator_id_number_hash = factory.LazyAttribute(lambda o: id_number_hash(o.operator_id_number))
    mobile = factory.Sequence(lambda n: f"139575{n + 1000:05d}")  # not a sandbox failure input
    mobile_hash = factory.LazyAttribute(lambda o: mobile_hash(o.mobile))
    email = factory.Sequence(lambda n: f"manual{n}@example.cn")
    user = factory.SubFactory(
        UserFactory,
        real_name=factory.SelfAttribute("..operator_name"),
        id_number=factory.SelfAttribute("..operator_id_number"),
        mobile=factory.SelfAttribute("..mobile"),
    )
    submitted_at = factory.LazyFunction(timezone.now)
    deadline_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))
    submission_count = 1

    class Params:
        decided = factory.Trait(
            decided_by=factory.SubFactory(UserFactory, staff=True),
            decided_at=factory.LazyFunction(timezone.now),
        )
        pending = factory.Trait(status=ManualStatus.PENDING)
        approved = factory.Trait(
            status=ManualStatus.APPROVED,
            decided=True,
            organisation=factory.SubFactory(
                OrganisationFactory,
                name=factory.SelfAttribute("..organisation_name"),
                uscc=factory.SelfAttribute("..unit_code"),
                location=factory.SelfAttribute("..location"),
            ),
        )
        rejected = factory.Trait(
            status=ManualStatus.REJECTED,
            decided=True,
            reason_code=RejectionReason.LICENCE_UNCLEAR,
            reason="证照照片不清晰，请重新上传",
            reupload_kinds=factory.LazyFunction(lambda: [UploadKind.LICENCE_PAGE.value]),
        )
        resubmitted = factory.Trait(status=ManualStatus.PENDING, submission_count=2)
        overdue = factory.Trait(
            deadline_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
        )

    @factory.post_generation
    def transitions(obj, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        path = [("", ManualStatus.PENDING)]
        for _ in range(obj.submission_count - 1):
            path += [(ManualStatus.PENDING, ManualStatus.REJECTED)]
            path += [(ManualStatus.REJECTED, ManualStatus.PENDING)]
        if obj.status != ManualStatus.PENDING:
            path.append((ManualStatus.PENDING, obj.status))
        write_history(obj, path, actor=obj.decided_by, reason=obj.reason)


class NaturalPersonDraftFactory(factory.django.DjangoModelFactory):
    """个人注册 waiting for the face check (trait ``at_face``, default) or finished (``done``:
    account opened)."""

    class Meta:
        model = NaturalPersonDraft

    step = NaturalPersonDraft.Step.FACE
    id_type = "resident_id"
    real_name = "孙测试通过"
    id_number = factory.Sequence(lambda n: resident_id(20000 + n))
    id_number_hash = factory.LazyAttribute(lambda o: id_number_hash(o.id_number))
    valid_from = datetime.date(2020, 1, 1)
    valid_until = datetime.date(2040, 1, 1)
    region_code = "330106"
    region_name = "浙江省杭州市西湖区"
    mobile = factory.Sequence(lambda n: f"139576{n:05d}")
    mobile_hash = factory.LazyAttribute(lambda o: mobile_hash(o.mobile))
    password_hash = factory.LazyFunction(lambda: make_password(PASSWORD))
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(minutes=30))

    class Params:
        at_face = factory.Trait(step=NaturalPersonDraft.Step.FACE)
        done = factory.Trait(
            step=NaturalPersonDraft.Step.DONE,
            outcome=NaturalDraftOutcome.ACTIVE,
            user=factory.SubFactory(
                UserFactory,
                kind="natural_person",
                real_name=factory.SelfAttribute("..real_name"),
                id_number=factory.SelfAttribute("..id_number"),
                mobile=factory.SelfAttribute("..mobile"),
            ),
        )


class NaturalPersonReviewFactory(factory.django.DjangoModelFactory):
    """人工审核 of a natural person (REG-11) whose face check failed; traits ``pending``
    (default), ``approved`` (the account opened, the decider) and ``returned`` (reason). The
    draft is finished with outcome ``review``. History: each move since submission."""

    class Meta:
        model = NaturalPersonReview
        skip_postgeneration_save = True

    draft = factory.SubFactory(
        NaturalPersonDraftFactory,
        step=NaturalPersonDraft.Step.DONE,
        outcome=NaturalDraftOutcome.REVIEW,
        face_failure_reason="人脸比对未通过",
    )
    status = NaturalReviewStatus.PENDING
    submitted_at = factory.LazyFunction(timezone.now)
    deadline = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=2))

    class Params:
        decided = factory.Trait(
            decided_by=factory.SubFactory(UserFactory, staff=True),
            decided_at=factory.LazyFunction(timezone.now),
        )
        pending = factory.Trait(status=NaturalReviewStatus.PENDING)
        approved = factory.Trait(
            status=NaturalReviewStatus.APPROVED,
            decided=True,
            user=factory.SubFactory(
                UserFactory,
                kind="natural_person",
                real_name=factory.SelfAttribute("..draft.real_name"),
                id_number=factory.SelfAttribute("..draft.id_number"),
                mobile=factory.SelfAttribute("..draft.mobile"),
            ),
        )
        returned = factory.Trait(
            status=NaturalReviewStatus.RETURNED, decided=True, reason="证件照片不清晰"
        )
        overdue = factory.Trait(
            deadline=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
        )

    @factory.post_generation
    def transitions(obj, create, extracted, **kwargs):
        if create and extracted is not False and obj.status != NaturalReviewStatus.PENDING:
            write_history(
                obj,
                [(NaturalReviewStatus.PENDING, obj.status)],
                actor=obj.decided_by,
                reason=obj.reason,
            )


#: The factory of each workflow model (``test_factories`` checks their traits).
WORKFLOW_FACTORIES = {
    OperatorApplication: OperatorApplicationFactory,
    ManualVerification: ManualVerificationFactory,
    NaturalPersonReview: NaturalPersonReviewFactory,
}
