from django.db import models


class Case(models.Model):
    """A minimal workflow: draft → submitted → approved | rejected; rejected → submitted."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "待审核"
        APPROVED = "approved", "通过"
        REJECTED = "rejected", "不通过"

    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.APPROVED, Status.REJECTED},
        Status.REJECTED: {Status.SUBMITTED},
    }

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "core_testapp"

    def __str__(self) -> str:
        return f"Case {self.pk} ({self.status})"
