"""The back office owns no table yet: only the reviewer permission, declared on an
unmanaged model so that Django creates it with the app's other permissions."""

from __future__ import annotations

from django.db import models


class ReviewerRole(models.Model):
    """Carries the ``reviews.review_case`` permission (审核人工认证等案件); no table."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("review_case", "审核人工认证等案件")]
        verbose_name = "审核人员"
        verbose_name_plural = "审核人员"

    def __str__(self) -> str:
        return "审核人员"
