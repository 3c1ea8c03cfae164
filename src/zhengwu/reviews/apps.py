from __future__ import annotations

from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "zhengwu.reviews"
    verbose_name = "审核后台"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zhengwu.core.permissions import connect_staff_group
        from zhengwu.uploads.access import register_viewer_check

        from .constants import REVIEW_PERMISSION_CODENAME, REVIEWER_GROUP
        from .selectors import reviewer_can_view_upload

        register_viewer_check(reviewer_can_view_upload)
        # 审核人员 holding ``reviews.review_case``.
        connect_staff_group(self, REVIEWER_GROUP, [REVIEW_PERMISSION_CODENAME])
