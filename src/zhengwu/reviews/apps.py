from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _reviewer_group(sender: AppConfig, **kwargs: Any) -> None:
    """Create the group 审核人员 holding ``reviews.review_case`` (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    from .constants import REVIEW_PERMISSION_CODENAME, REVIEWER_GROUP

    using = kwargs.get("using", "default")
    permission = (
        Permission.objects.using(using)
        .filter(content_type__app_label="reviews", codename=REVIEW_PERMISSION_CODENAME)
        .first()
    )
    if permission is None:
        return
    group, _ = Group.objects.using(using).get_or_create(name=REVIEWER_GROUP)
    group.permissions.add(permission)


class ReviewsConfig(AppConfig):
    name = "zhengwu.reviews"
    verbose_name = "审核后台"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zhengwu.uploads.access import register_viewer_check

        from .selectors import reviewer_can_view_upload

        register_viewer_check(reviewer_can_view_upload)
        post_migrate.connect(_reviewer_group, sender=self)
