"""``licences_for_organisation``: a unit sees the licences issued to its USCC, and only those."""

from __future__ import annotations

import pytest

from zhengwu.accounts.tests.factories import OrganisationFactory, uscc
from zhengwu.licences.selectors import licences_for_organisation

from .factories import LicenceFactory

pytestmark = pytest.mark.django_db


def test_licences_are_matched_by_the_units_uscc() -> None:
    """Licences issued before the unit registered are found by its USCC (LIC-1)."""
    mine = LicenceFactory(holder_uscc=uscc(4242))
    LicenceFactory()  # someone else's
    org = OrganisationFactory(uscc=mine.holder_uscc)
    assert list(licences_for_organisation(org)) == [mine]


def test_unit_without_uscc_has_no_licences() -> None:
    LicenceFactory()
    org = OrganisationFactory(uscc=None)
    assert list(licences_for_organisation(org)) == []
