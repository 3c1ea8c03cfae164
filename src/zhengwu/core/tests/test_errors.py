"""The error hierarchy: class-level defaults, overridable per raise."""

from zhengwu.core.errors import ValidationFailed, ZhengwuError


class _NameMissing(ValidationFailed):
    code = "test.name_missing"
    message = "请填写名称"
    field = "name"


def test_defaults_come_from_the_class():
    error = _NameMissing()
    assert (error.code, error.message, error.field, error.status) == (
        "test.name_missing",
        "请填写名称",
        "name",
        400,
    )
    assert error.as_dict() == {
        "code": "test.name_missing",
        "message": "请填写名称",
        "field": "name",
    }
    assert str(error) == "请填写名称"


def test_a_raise_overrides_the_defaults():
    error = _NameMissing("名称过长", code="test.name_too_long", field="short_name")
    assert error.as_dict() == {
        "code": "test.name_too_long",
        "message": "名称过长",
        "field": "short_name",
    }


def test_without_a_field_there_is_none():
    assert ZhengwuError().field is None and ValidationFailed("x").as_dict()["field"] is None
    assert ZhengwuError(field="mobile").field == "mobile"
