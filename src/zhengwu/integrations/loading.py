"""Choosing a provider implementation by a dotted-path setting.

``get_provider("ZHENGWU_SMS_BACKEND")`` imports the class named by the setting and returns one
shared instance (providers are stateless apart from their configuration). Tests that swap a
provider with ``override_settings`` get the new one: the cache is keyed by the dotted path.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string


@lru_cache(maxsize=32)
def _instance(dotted_path: str) -> Any:
    return import_string(dotted_path)()


def get_provider(setting_name: str) -> Any:
    return _instance(getattr(settings, setting_name))
