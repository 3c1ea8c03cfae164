"""SVC-2b 好差评: once per case after 办结, a comment for the two lowest, figures for staff."""

from __future__ import annotations

import pytest

from zhengwu.core.errors import IllegalTransition, ValidationFailed
from zhengwu.onlineservices import services
from zhengwu.onlineservices.selectors import evaluation_figures

from .factories import submitted_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed(food_item, personas, desk, clock):
    case = submitted_case(food_item, personas.operator, personas.organisation)
    services.application_accept(actor=desk.acceptor, application=case, version=1)
    services.application_decide(
        actor=desk.decider, application=case, version=2, decision="deny", reason="场所不符"
    )
    services.application_complete(actor=desk.decider, application=case, version=3)
    return case


def test_only_after_completion(food_item, personas, clock):
    case = submitted_case(food_item, personas.operator, personas.organisation)
    with pytest.raises(IllegalTransition):
        services.evaluation_create(actor=personas.operator, application=case, rating=5)


def test_the_two_lowest_grades_need_a_comment_and_a_case_is_rated_once(completed, personas):
    for grade in (1, 2):
        with pytest.raises(ValidationFailed) as caught:
            services.evaluation_create(actor=personas.operator, application=completed, rating=grade)
        assert caught.value.field == "comment"
    with pytest.raises(ValidationFailed):
        services.evaluation_create(actor=personas.operator, application=completed, rating=9)
    services.evaluation_create(
        actor=personas.operator, application=completed, rating=2, comment="等了很久"
    )
    with pytest.raises(IllegalTransition) as caught:
        services.evaluation_create(
            actor=personas.legal_representative, application=completed, rating=5
        )
    assert caught.value.code == "evaluation.exists"


def test_a_stranger_cannot_rate(completed, personas):
    from django.http import Http404

    with pytest.raises(Http404):
        services.evaluation_create(actor=personas.outsider, application=completed, rating=5)


def test_staff_see_figures_per_item_and_department(client, completed, personas, desk):
    services.evaluation_create(
        actor=personas.operator, application=completed, rating=1, comment="差"
    )
    figures = evaluation_figures(user=desk.acceptor)
    assert figures["departments"] == [
        {"department__name": "舒城县市场监督管理局", "count": 1, "average": 1.0, "poor": 1}
    ]
    assert figures["items"][0]["item__name"] == "食品经营许可（新办）"
    client.force_login(desk.acceptor)
    assert "食品经营许可（新办）" in client.get("/services/desk/evaluations/").content.decode()
