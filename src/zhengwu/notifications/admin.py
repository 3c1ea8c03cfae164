"""Read-only back-office views of the SMS outbox and its delivery attempts.

Mobiles are masked; the text of verification-code messages is never shown to staff.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import SmsAttempt, SmsMessage


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SmsAttemptInline(admin.TabularInline):
    model = SmsAttempt
    extra = 0
    can_delete = False
    fields = (
        "number",
        "started_at",
        "finished_at",
        "is_success",
        "is_permanent",
        "error",
        "provider_code",
        "provider_message_id",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SmsMessage)
class SmsMessageAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "masked_mobile",
        "template_code",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    )
    list_filter = ("status", "template_code")
    date_hierarchy = "created_at"
    fields = (
        "masked_mobile",
        "template_code",
        "shown_text",
        "status",
        "attempts",
        "next_attempt_at",
        "expires_at",
        "claimed_at",
        "last_error",
        "provider_message_id",
        "subject_type",
        "subject_id",
        "actor_label",
        "request_id",
        "created_at",
        "sent_at",
        "failed_at",
    )
    readonly_fields = fields
    inlines = [SmsAttemptInline]

    @admin.display(description=_("手机号码"))
    def masked_mobile(self, obj: SmsMessage) -> str:
        return obj.masked_mobile

    @admin.display(description=_("短信内容"))
    def shown_text(self, obj: SmsMessage) -> str:
        if obj.is_code:
            return str(_("（验证码短信不显示内容）"))
        return obj.text


@admin.register(SmsAttempt)
class SmsAttemptAdmin(ReadOnlyAdmin):
    list_display = (
        "message_id",
        "number",
        "started_at",
        "is_success",
        "is_permanent",
        "error",
        "provider_code",
    )
    list_filter = ("is_success", "is_permanent")
    readonly_fields = (
        "message",
        "number",
        "started_at",
        "finished_at",
        "is_success",
        "is_permanent",
        "error",
        "provider_code",
        "provider_message_id",
    )
    list_select_related = ("message",)
