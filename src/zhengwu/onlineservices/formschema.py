"""An item's application form as data (SVC-2): field definitions, checked on the server.

A schema is a list of fields, each a dict::

    {"name": "shop_name", "label": "经营场所名称", "type": "text", "required": true,
     "max_length": 100, "choices": [...], "show_if": {"field": "x", "equals": "y"},
     "prefill": "organisation.name"}

``type`` is one of ``constants.FIELD_TYPES``; the identifier types (``uscc``, ``resident_id``,
``mobile``, ``landline``) are checked by ``zhengwu.identifiers`` and their messages name the
field. A field with ``show_if`` exists only when the other field has the given value (a
conditional field); otherwise it is dropped, never stored. ``prefill`` names a known fact of
the unit or account (``constants.PREFILL_SOURCES``): it is filled in by the server and not
asked again (the applicant cannot change it).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any

from zhengwu.core.errors import ValidationFailed
from zhengwu.identifiers import mobile, resident_id, uscc
from zhengwu.identifiers._base import InvalidIdentifier

from .constants import FIELD_TYPES, PREFILL_SOURCES


class FormInvalid(ValidationFailed):
    """One or more fields are wrong; ``errors`` maps every wrong field to its message, the
    exception itself carries the first (code, message, field) for the API."""

    code = "form.invalid"

    def __init__(self, errors: dict[str, tuple[str, str]]) -> None:
        self.errors = {name: message for name, (_code, message) in errors.items()}
        first, (code, message) = next(iter(errors.items()))
        super().__init__(message, code=code, field=first)


def check_schema(schema: Any) -> list[dict[str, Any]]:
    """Refuse a malformed schema (staff edit it in the back office and by XLSX import)."""
    if not isinstance(schema, list):
        raise ValidationFailed("申请表字段应为列表", code="schema.invalid", field="form_schema")
    names: set[str] = set()
    for index, spec in enumerate(schema, start=1):
        where = f"申请表第 {index} 个字段"
        if not isinstance(spec, dict) or not str(spec.get("name", "")).isidentifier():
            raise ValidationFailed(
                f"{where}缺少合法的 name", code="schema.name", field="form_schema"
            )
        if spec["name"] in names:
            raise ValidationFailed(
                f"{where}的 name“{spec['name']}”重复", code="schema.duplicate", field="form_schema"
            )
        names.add(spec["name"])
        if spec.get("type", "text") not in FIELD_TYPES:
            raise ValidationFailed(
                f"{where}的类型“{spec.get('type')}”不受支持",
                code="schema.type",
                field="form_schema",
            )
        if not spec.get("label"):
            raise ValidationFailed(f"{where}缺少 label", code="schema.label", field="form_schema")
        if spec.get("type") == "choice" and not spec.get("choices"):
            raise ValidationFailed(
                f"{where}为选择项但没有 choices", code="schema.choices", field="form_schema"
            )
        if spec.get("prefill") and spec["prefill"] not in PREFILL_SOURCES:
            raise ValidationFailed(
                f"{where}的 prefill“{spec['prefill']}”不受支持",
                code="schema.prefill",
                field="form_schema",
            )
        condition = spec.get("show_if")
        if condition is not None and (
            not isinstance(condition, dict) or condition.get("field") not in names
        ):
            raise ValidationFailed(
                f"{where}的 show_if 须指向它之前的字段", code="schema.show_if", field="form_schema"
            )
    return schema


def is_shown(spec: Mapping[str, Any], data: Mapping[str, Any]) -> bool:
    condition = spec.get("show_if")
    if not condition:
        return True
    return str(data.get(condition["field"], "")) == str(condition.get("equals", ""))


def _clean_one(spec: Mapping[str, Any], raw: Any) -> Any:
    """The value of one shown, non-empty field; raises ``(code, message)`` via ValueError."""
    label = spec["label"]
    kind = spec.get("type", "text")
    text = "" if raw is None else str(raw).strip()
    if kind in ("text", "textarea"):
        limit = int(spec.get("max_length", 200 if kind == "text" else 2000))
        if len(text) > limit:
            raise _Wrong(f"{label}不能超过 {limit} 个字", "too_long")
        return text
    if kind == "number":
        try:
            number = int(text)
        except ValueError:
            raise _Wrong(f"{label}应为整数", "not_a_number") from None
        low, high = spec.get("min"), spec.get("max")
        if low is not None and number < int(low):
            raise _Wrong(f"{label}不能小于 {low}", "too_small")
        if high is not None and number > int(high):
            raise _Wrong(f"{label}不能大于 {high}", "too_large")
        return number
    if kind == "date":
        try:
            return datetime.date.fromisoformat(text).isoformat()
        except ValueError:
            raise _Wrong(f"{label}应为日期（年-月-日）", "not_a_date") from None
    if kind == "choice":
        values = [str(c[0]) if isinstance(c, list | tuple) else str(c) for c in spec["choices"]]
        if text not in values:
            raise _Wrong(f"{label}请从可选项中选择", "not_a_choice")
        return text
    if kind == "boolean":
        return text.lower() in ("1", "true", "on", "yes", "是")
    try:
        return _VALIDATORS[kind](text)
    except InvalidIdentifier as exc:
        message = exc.message if exc.message.startswith(label) else f"{label}：{exc.message}"
        raise _Wrong(message, exc.code.split(".")[-1]) from None


#: The identifier kinds of a field and their validators (``zhengwu.identifiers``).
_VALIDATORS: dict[str, Callable[[object], str]] = {
    "uscc": uscc.validate,
    "resident_id": resident_id.validate,
    "mobile": mobile.validate,
    "landline": mobile.validate_landline,
}


class _Wrong(ValueError):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message, self.code = message, code


def clean_form(
    schema: list[dict[str, Any]],
    data: Mapping[str, Any],
    *,
    known: Mapping[str, str],
    partial: bool = False,
) -> dict[str, Any]:
    """Return the stored form data: shown fields only, prefilled ones from ``known``.

    ``partial`` (暂存) keeps what is there and skips the required check; the full check runs at
    提交. Raises :class:`FormInvalid` listing every wrong field.
    """
    cleaned: dict[str, Any] = {}
    errors: dict[str, tuple[str, str]] = {}
    for spec in schema:
        name = spec["name"]
        if spec.get("show_if") and not is_shown(spec, {**data, **cleaned}):
            continue  # (the merged values built only for a conditional field)
        source = spec.get("prefill")
        raw = known.get(source, "") if source else data.get(name, "")
        if raw is None or str(raw).strip() == "":
            if spec.get("required") and not partial and spec.get("type") != "boolean":
                errors[name] = (f"form.{name}.required", f"请填写{spec['label']}")
            continue
        try:
            cleaned[name] = _clean_one(spec, raw)
        except _Wrong as exc:
            errors[name] = (f"form.{name}.{exc.code}", exc.message)
    if errors:
        raise FormInvalid(errors)
    return cleaned
