"""Masking on screens (ACC-7): 330***********1234, 138****5678."""

import pytest

from zhengwu.core.masking import mask_id_number, mask_mobile, mask_name


def test_resident_id_mask_matches_the_spec_example():
    assert mask_id_number("330102199001011234") == "330***********1234"


def test_mobile_mask():
    assert mask_mobile("13812345678") == "138****5678"


def test_landline_keeps_area_code_and_last_digits():
    assert mask_mobile("057187654321") == "0571****4321"


@pytest.mark.parametrize("value", ["", "1", "12", "1234567"])
def test_short_values_never_show_more_than_the_last_character(value):
    masked = mask_id_number(value)
    assert len(masked) == len(value)
    assert masked[:-1] == "*" * (len(value) - 1) if value else masked == ""


def test_name_mask():
    assert mask_name("王建国") == "王**"
    assert mask_name("王") == "王"
