"""Sandbox identity provider pages (mounted at /sandbox/federation/ only in sandbox mode)."""

from django.urls import path  # noqa: F401

app_name = "federation_sandbox"
urlpatterns: list = []
