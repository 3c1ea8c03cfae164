"""The registration factories have one trait per workflow state, and each trait builds an
object in that state with the history the services would have written."""

from __future__ import annotations

import itertools

import pytest

from zhengwu.core.workflow import allowed_moves, history
from zhengwu.registrations.constants import DraftStep
from zhengwu.registrations.models import AgentRegistration, NaturalPersonDraft
from zhengwu.registrations.tests.agent_factories import AgentRegistrationFactory
from zhengwu.registrations.tests.factories import (
    WORKFLOW_FACTORIES as REGISTRATION_FACTORIES,
)
from zhengwu.registrations.tests.factories import (
    DraftFactory,
    ManualVerificationFactory,
    NaturalPersonDraftFactory,
)

pytestmark = pytest.mark.django_db

#: Every workflow model of registrations with its factory, the agent's included.
WORKFLOW_FACTORIES = {**REGISTRATION_FACTORIES, AgentRegistration: AgentRegistrationFactory}
#: The states a back-office or approver decision enters (decider, time, history actor).
DECISIONS = {"approved", "rejected", "returned"}

STATES = [(model, state) for model in WORKFLOW_FACTORIES for state in model.TRANSITIONS]


def test_every_workflow_model_of_registrations_has_a_factory():
    """A new TRANSITIONS table of decisions (``status``) in registrations needs its factory
    here. The drafts' steps (``STATE_FIELD = "step"``) have their step traits, tested below."""
    from django.apps import apps

    models = {
        m
        for m in apps.get_app_config("registrations").get_models()
        if hasattr(m, "TRANSITIONS") and getattr(m, "STATE_FIELD", "status") == "status"
    }
    assert models <= set(WORKFLOW_FACTORIES)


@pytest.mark.parametrize(("model", "state"), STATES, ids=lambda v: getattr(v, "__name__", v))
def test_every_state_has_a_trait_that_builds_it(model, state):
    """Trait ``<state>`` gives an object in that state whose recorded history ends there,
    through legal moves only."""
    factory_class = WORKFLOW_FACTORIES[model]
    assert state in factory_class._meta.parameters, f"{factory_class.__name__} lacks {state}"
    obj = factory_class(**{state: True})
    obj.refresh_from_db()
    assert obj.status == state
    rows = list(history(obj).order_by("at", "pk"))
    if rows:
        assert rows[-1].to_state == state
        for before, after in itertools.pairwise(rows):
            assert after.from_state == before.to_state
        for row in rows:
            assert not row.from_state or row.to_state in allowed_moves(model, row.from_state)
    else:  # only objects still in their initial state may have no history
        assert state == model._meta.get_field("status").default


def test_decided_states_carry_what_the_pages_show():
    """Rejections have a reason, decisions a decider and a time (database constraints too)."""
    for model, factory_class in WORKFLOW_FACTORIES.items():
        for state in model.TRANSITIONS:
            if state not in DECISIONS:
                continue
            obj = factory_class(**{state: True})
            assert obj.decided_at is not None
            assert obj.decided_by is not None
            assert history(obj).last().actor == obj.decided_by


def test_manual_resubmission_history():
    """``resubmitted``: pending again after one rejection, as 重新提交 records it."""
    case = ManualVerificationFactory(resubmitted=True)
    assert [(r.from_state, r.to_state) for r in history(case).order_by("at", "pk")] == [
        ("", "pending"),
        ("pending", "rejected"),
        ("rejected", "pending"),
    ]
    assert case.submission_count == 2


@pytest.mark.parametrize("step", list(DraftStep))
def test_every_wizard_step_has_a_draft_trait(step):
    trait = "done" if step == DraftStep.DONE else f"at_{step}"
    draft = DraftFactory(**{trait: True})
    assert draft.step == step
    if step != DraftStep.USER:
        assert draft.username and draft.mobile_hash and draft.operator_id_number_hash
    if step == DraftStep.DONE:
        assert draft.user is not None and draft.outcome == "active"


@pytest.mark.parametrize("step", list(NaturalPersonDraft.Step))
def test_every_natural_draft_step_has_a_trait(step):
    trait = "done" if step == NaturalPersonDraft.Step.DONE else f"at_{step}"
    draft = NaturalPersonDraftFactory(**{trait: True})
    assert draft.step == step
    assert (draft.user is not None) == (step == NaturalPersonDraft.Step.DONE)
