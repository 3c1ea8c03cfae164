from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from zhengwu.accounts.tests.factories import make_personas
from zhengwu.onlineservices.demo import SAMR, catalogue_demo_load
from zhengwu.onlineservices.models import Department, ServiceItem

from .factories import FOOD_LICENCE, MONDAY, desk_user


@dataclass
class Desk:
    department: Department
    acceptor: Any
    decider: Any
    chief: Any  # may extend time limits


@pytest.fixture
def catalogue(db) -> dict[str, ServiceItem]:
    catalogue_demo_load()
    return {item.code: item for item in ServiceItem.objects.all()}


@pytest.fixture
def food_item(catalogue) -> ServiceItem:
    return catalogue[FOOD_LICENCE]


@pytest.fixture
def personas(db):
    return make_personas()


@pytest.fixture
def desk(catalogue) -> Desk:
    department = Department.objects.get(code=SAMR)
    return Desk(
        department,
        desk_user("acceptor", department, "handle_application", "decide_application"),
        desk_user("decider", department, "handle_application", "decide_application"),
        desk_user(
            "chief", department, "handle_application", "decide_application", "extend_application"
        ),
    )


@pytest.fixture
def clock(time_machine):
    """Monday 2 March 2026, 18:00 in Beijing; the calendar covers the year."""
    time_machine.move_to(MONDAY, tick=False)
    return time_machine
