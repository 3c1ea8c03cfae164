"""``integrations.loading.get_provider``: the one way to get a provider, checking its kind."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from zhengwu.integrations.identity.base import IdentityProvider
from zhengwu.integrations.loading import get_provider
from zhengwu.integrations.registry import RegistryProvider

SMS = "zhengwu.integrations.sms.sandbox.SandboxSmsGateway"


def test_interface_is_checked_and_the_instance_shared():
    provider = get_provider("ZHENGWU_IDENTITY_BACKEND", IdentityProvider)
    assert isinstance(provider, IdentityProvider)
    assert provider is get_provider("ZHENGWU_IDENTITY_BACKEND")
    with override_settings(ZHENGWU_REGISTRY_BACKEND=SMS), pytest.raises(ImproperlyConfigured):
        get_provider("ZHENGWU_REGISTRY_BACKEND", RegistryProvider)


def test_default_applies_only_when_the_setting_is_absent(settings):
    del settings.ZHENGWU_REGISTRY_BACKEND
    assert get_provider("ZHENGWU_REGISTRY_BACKEND", default=SMS).__class__.__name__ == (
        "SandboxSmsGateway"
    )
    with pytest.raises(AttributeError):
        get_provider("ZHENGWU_REGISTRY_BACKEND")
