"""Choosing a provider implementation by a dotted-path setting: the one way to get a provider.

``get_provider("ZHENGWU_SMS_BACKEND")`` imports the class named by the setting and returns one
shared instance (providers are stateless apart from their configuration). Tests that swap a
provider with ``override_settings`` get the new one: the cache is keyed by the dotted path.

``get_provider(setting, Interface, default=...)`` also checks the instance is an
``Interface`` (``ImproperlyConfigured`` otherwise; callers annotate the result with it);
``default`` is the class path used when the setting is absent. ``get_registry``,
``get_esign`` and the registration channels' ``identity_provider`` are such calls, nothing
more.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


@lru_cache(maxsize=32)
def _instance(dotted_path: str) -> Any:
    return import_string(dotted_path)()


def get_provider(
    setting_name: str, interface: type[Any] | None = None, *, default: str | None = None
) -> Any:
    path = (
        getattr(settings, setting_name)
        if default is None
        else (getattr(settings, setting_name, None) or default)
    )
    provider = _instance(path)
    if interface is not None and not isinstance(provider, interface):
        raise ImproperlyConfigured(f"{setting_name} must name a {interface.__name__} subclass.")
    return provider
