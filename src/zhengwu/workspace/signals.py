"""Every session opened (password or federated: both call ``django.contrib.auth.login``) is a
``SignInRecord``; signing out closes it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from . import services


@receiver(user_logged_in, dispatch_uid="workspace.signin_record")
def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and getattr(user, "kind", "") != "staff":
        services.signin_record_open(request=request, user=user)


@receiver(user_logged_out, dispatch_uid="workspace.signin_record_end")
def _signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and user is not None:
        services.signin_record_close(request=request, user=user)
