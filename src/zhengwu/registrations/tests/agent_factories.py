"""Factories of the agent path (REG-10): ``AgentRegistrationFactory`` with one trait per state
(``draft``, ``signing`` (default), ``timed_out``, ``refused``, ``pending``, ``approved``,
``rejected``). The letters are placeholders; tests of the signature go through the services."""

from __future__ import annotations

import datetime
import hashlib

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from zhengwu.accounts.constants import IdType, LegalPersonType, Location
from zhengwu.accounts.identity import id_number_hash, mobile_hash
from zhengwu.accounts.models import User
from zhengwu.accounts.tests.factories import PASSWORD, UserFactory, resident_id, uscc
from zhengwu.registrations.agent.constants import AgentStatus
from zhengwu.registrations.models import AgentRegistration
from zhengwu.registrations.tests.factories import workflow_path, write_history

PLACEHOLDER_PDF = b"%PDF-1.4\n% placeholder letter\n%%EOF\n"


def _token(n: int) -> str:
    from zhengwu.registrations.agent.services import _new_token

    return _new_token()


class AgentUserFactory(factory.django.DjangoModelFactory):
    """The agent's account as submission creates it: inactive until approved."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"agent_{n:04d}")
    password = factory.LazyFunction(lambda: make_password(PASSWORD))
    kind = User.Kind.LEGAL_PERSON
    is_active = False


class AgentRegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgentRegistration
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"DL20261123{n:06d}")
    status = AgentStatus.SIGNING
    location = Location.IN_PROVINCE
    legal_person_type = LegalPersonType.ENTERPRISE
    organisation_name = factory.Sequence(lambda n: f"代理测试有限公司{n}")
    uscc = factory.Sequence(lambda n: uscc(n + 3000))
    legal_rep_name = "王测试通过"
    legal_rep_id_type = IdType.RESIDENT_ID
    legal_rep_id_number = factory.Sequence(lambda n: resident_id(81000 + n))
    legal_rep_id_number_hash = factory.LazyAttribute(
        lambda o: id_number_hash(o.legal_rep_id_number)
    )
    legal_rep_mobile = factory.Sequence(lambda n: f"139581{n:05d}")
    legal_rep_mobile_hash = factory.LazyAttribute(lambda o: mobile_hash(o.legal_rep_mobile))
    username = factory.Sequence(lambda n: f"agent_app_{n:04d}")
    password_hash = factory.LazyFunction(lambda: make_password(PASSWORD))
    agent_name = "钱测试通过"
    agent_id_type = IdType.RESIDENT_ID
    agent_id_number = factory.Sequence(lambda n: resident_id(82000 + n))
    agent_id_number_hash = factory.LazyAttribute(lambda o: id_number_hash(o.agent_id_number))
    agent_mobile = factory.Sequence(lambda n: f"139582{n:05d}")
    agent_mobile_hash = factory.LazyAttribute(lambda o: mobile_hash(o.agent_mobile))
    user = factory.SubFactory(
        AgentUserFactory,
        username=factory.SelfAttribute("..username"),
        mobile=factory.SelfAttribute("..agent_mobile"),
        real_name=factory.SelfAttribute("..agent_name"),
    )
    letter_pdf = PLACEHOLDER_PDF
    letter_sha256 = hashlib.sha256(PLACEHOLDER_PDF).hexdigest()
    sign_token = factory.Sequence(_token)
    sign_token_hash = factory.LazyAttribute(
        lambda o: hashlib.sha256(o.sign_token.encode()).hexdigest() if o.sign_token else ""
    )
    sign_sent_at = factory.LazyFunction(timezone.now)
    sign_deadline_at = factory.LazyAttribute(
        lambda o: o.sign_sent_at + datetime.timedelta(hours=48) if o.sign_sent_at else None
    )
    submitted_at = factory.LazyFunction(timezone.now)
    submission_count = 1

    class Params:
        draft = factory.Trait(
            status=AgentStatus.DRAFT,
            user=None,
            sign_token="",
            sign_sent_at=None,
            submitted_at=None,
            submission_count=0,
            letter_pdf=b"",
            letter_sha256="",
            expires_at=factory.LazyFunction(
                lambda: timezone.now() + datetime.timedelta(minutes=30)
            ),
        )
        signing = factory.Trait(status=AgentStatus.SIGNING)
        timed_out = factory.Trait(
            status=AgentStatus.TIMED_OUT,
            sign_token="",
            sign_sent_at=factory.LazyFunction(
                lambda: timezone.now() - datetime.timedelta(hours=49)
            ),
        )
        refused = factory.Trait(status=AgentStatus.REFUSED, sign_token="")
        pending = factory.Trait(
            status=AgentStatus.PENDING,
            sign_token="",
            signed_pdf=PLACEHOLDER_PDF,
            signed_at=factory.LazyFunction(timezone.now),
            deadline_at=factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1)),
        )
        overdue = factory.Trait(
            status=AgentStatus.PENDING,
            sign_token="",
            signed_pdf=PLACEHOLDER_PDF,
            signed_at=factory.LazyFunction(timezone.now),
            deadline_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=2)),
        )
        approved = factory.Trait(
            status=AgentStatus.APPROVED,
            sign_token="",
            signed_pdf=PLACEHOLDER_PDF,
            decided_by=factory.SubFactory(UserFactory, staff=True),
            decided_at=factory.LazyFunction(timezone.now),
        )
        rejected = factory.Trait(
            status=AgentStatus.REJECTED,
            sign_token="",
            signed_pdf=PLACEHOLDER_PDF,
            reason="法定代表人信息有误",
            reason_code="legal_rep_mismatch",
            decided_by=factory.SubFactory(UserFactory, staff=True),
            decided_at=factory.LazyFunction(timezone.now),
        )

    @factory.post_generation
    def transitions(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        """The history the services would have written: the shortest legal path from 待提交."""
        if create and extracted is not False:
            path = workflow_path(AgentRegistration, AgentStatus.DRAFT, obj.status)
            write_history(obj, path, actor=obj.decided_by, reason=obj.reason)

    @factory.post_generation
    def account_state(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        """An approved registration's account is active, every other one inactive."""
        if create and obj.user_id is not None:
            active = obj.status == AgentStatus.APPROVED
            User.objects.filter(pk=obj.user_id).update(is_active=active)
            obj.user.is_active = active


def agent_files(**overrides):  # type: ignore[no-untyped-def]
    """上传证件 as a browser sends them: the agent's ID document and the unit's licence (real
    JPEGs); ``overrides`` replace one (``None`` leaves it out)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhengwu.uploads.tests.samples import jpeg

    files = {
        "id_document": SimpleUploadedFile("id.jpg", jpeg(400, 300), content_type="image/jpeg"),
        "licence_page": SimpleUploadedFile(
            "licence.jpg", jpeg(420, 300), content_type="image/jpeg"
        ),
    }
    files.update(overrides)
    return {kind: file for kind, file in files.items() if file is not None}
