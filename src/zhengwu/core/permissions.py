"""Staff groups that hold an app's back-office permissions, created after ``migrate``.

An app declares its permissions in a model's ``Meta.permissions``; Django creates them in its
own ``post_migrate`` handler. :func:`connect_staff_group` adds a second handler for the app that
creates the group (审核人员, 客服人员, …) and gives it those permissions, every time ``migrate``
runs — idempotent, and harmless on a database where the permissions don't exist yet.
Administrators then only add people to the group.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.views import redirect_to_login
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate
from django.http import Http404, HttpRequest, HttpResponse

if TYPE_CHECKING:
    from django.apps import AppConfig
    from django.contrib.auth.models import Group


def ensure_group(
    name: str, app_label: str, codenames: Iterable[str], *, using: str = DEFAULT_DB_ALIAS
) -> Group | None:
    """Create the group ``name`` (if missing) holding the permissions ``codenames`` of
    ``app_label``; ``None`` (and no group) while none of these permissions exists."""
    from django.contrib.auth.models import Group, Permission

    permissions = list(
        Permission.objects.using(using).filter(
            content_type__app_label=app_label, codename__in=list(codenames)
        )
    )
    if not permissions:
        return None
    group, _ = Group.objects.using(using).get_or_create(name=name)
    group.permissions.add(*permissions)
    return group


def connect_staff_group(app_config: AppConfig, name: str, codenames: Iterable[str]) -> None:
    """After each ``migrate`` of ``app_config``, :func:`ensure_group` the group ``name`` with the
    app's permissions ``codenames``. Call it from ``AppConfig.ready``."""
    codenames = tuple(codenames)

    def create_group(sender: AppConfig, **kwargs: Any) -> None:
        ensure_group(name, sender.label, codenames, using=kwargs.get("using", DEFAULT_DB_ALIAS))

    # weak=False: nothing else holds the closure; dispatch_uid: a second ready() adds nothing.
    post_migrate.connect(
        create_group,
        sender=app_config,
        weak=False,
        dispatch_uid=f"zhengwu.staff_group.{app_config.label}.{name}",
    )


def staff_only(check: Callable[[Any], bool]) -> Callable[..., Any]:
    """A view decorator for back-office pages: anonymous visitors go to the sign-in page,
    signed-in people for whom ``check(user)`` is false get a 404 (the page's existence is not
    revealed, as for every organisation URL)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
