"""``{% memo %}``: a template fragment rendered once per process and language.

The public verification pages (licence and enterprise code, bench/verification.py) are the
portal's hot path, and most of their markup is the same on every request: translated labels,
``{% static %}`` and ``{% url %}`` of the shell, the portal's name and hotline. Rendering those
nodes cost more CPU than the page's database query (docs/performance.md, hlic). ::

    {% load memo %}
    {% memo hotline %}<footer>{% translate "服务热线" %}：{{ hotline }}</footer>{% endmemo %}

The body is rendered the first time with a context holding *only* the variables named in the
tag (and no request), then its output is reused while the active language, the URL script
prefix and the values of those variables are the same. Anything else the body refers to
renders empty, so nothing of one visitor's request can end up in another's page: a fragment
that needs more must name it (only values that take few distinct values: settings, not user
input) or stay outside. ``{% block %}`` tags do not belong inside. Every stored output is
dropped when a setting changes (tests) and when more than ``MAX_ENTRIES`` have been stored.
"""

from __future__ import annotations

import itertools
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

MAX_ENTRIES = 2048
_rendered: dict[tuple[Any, ...], SafeString] = {}
_numbers = itertools.count()


def clear(**_: Any) -> None:
    _rendered.clear()


setting_changed.connect(clear, dispatch_uid="zhengwu.core.templatetags.memo")


class MemoNode(template.Node):
    def __init__(self, nodelist: template.NodeList, names: list[str]) -> None:
        self.nodelist = nodelist
        self.names = names
        self.variables = [template.Variable(name) for name in names]
        # Not id(self): a node of a template dropped by the loader may share a later one's id.
        self.number = next(_numbers)

    def render(self, context: template.Context) -> SafeString:
        values = tuple(self._value(variable, context) for variable in self.variables)
        key = (self.number, translation.get_language(), get_script_prefix(), values)
        output = _rendered.get(key)
        if output is None:
            body = template.Context(
                dict(zip(self.names, values, strict=True)),
                autoescape=context.autoescape,
                use_l10n=context.use_l10n,
                use_tz=context.use_tz,
            )
            body.template = context.template
            output = mark_safe(self.nodelist.render(body))
            if len(_rendered) >= MAX_ENTRIES:
                _rendered.clear()
            _rendered[key] = output
        return output

    @staticmethod
    def _value(variable: template.Variable, context: template.Context) -> Any:
        try:
            value = variable.resolve(context)
        except template.VariableDoesNotExist:
            return None
        # Lazy translations (a setting may be one) are keyed by their text in this language.
        return value if isinstance(value, str | int | float | bool | None) else str(value)


@register.tag
def memo(parser: template.base.Parser, token: template.base.Token) -> MemoNode:
    """``{% memo [name ...] %}…{% endmemo %}``: the body's output, rendered once per language,
    script prefix and values of the named context variables (plain names only)."""
    names = token.split_contents()[1:]
    for name in names:
        if not name.isidentifier():
            raise template.TemplateSyntaxError(f"'memo' takes context variable names, not {name!r}")
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(nodelist, names)
