from __future__ import annotations

from django.contrib import admin

from .models import AgencyUnit, Application, Article, CommitmentText, GuideEntry, LoginImage


@admin.register(AgencyUnit)
class AgencyUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "uscc", "kind", "head", "authority", "validity_label", "status")
    list_filter = ("kind", "status", "authority")
    search_fields = ("name", "uscc")
    readonly_fields = ("row_hash", "created_at", "updated_at")

    @admin.display(description="证书有效期")
    def validity_label(self, obj: AgencyUnit) -> str:
        return obj.validity_label


@admin.register(LoginImage)
class LoginImageAdmin(admin.ModelAdmin):
    list_display = ("unit", "reason", "recipient_name", "delivery", "issued_at", "revoked_at")
    list_filter = ("delivery", "reason")
    search_fields = ("unit__name", "unit__uscc")
    exclude = ("recipient_mobile",)
    readonly_fields = ("credential_hash", "delivery_token_hash", "masked_mobile")


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ("unit", "item", "status", "submitted_at", "completed_at")
    list_filter = ("item", "status")
    search_fields = ("unit__name", "unit__uscc")
    readonly_fields = ("status",)  # changed only through core.workflow.transition


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "category", "published_on")
    list_filter = ("category",)
    search_fields = ("title",)


admin.site.register(GuideEntry)
admin.site.register(CommitmentText)
