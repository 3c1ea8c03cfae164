"""Back office of accounts: masked personal data, and the explicit, audited reveal of one
field of one account for staff in 数据查看人员 (ACC-7)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from zhengwu.core.errors import ZhengwuError

from . import services
from .constants import REVEAL_PERMISSION, REVEALABLE_FIELDS
from .models import User


class RevealForm(forms.Form):
    field = forms.ChoiceField(
        label=_("查看的信息"),
        choices=list(REVEALABLE_FIELDS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择要查看的信息")},
    )
    reason = forms.CharField(
        label=_("查看原因"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写查看原因")},
    )


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = (
        "username",
        "kind",
        "real_name",
        "masked_id_number",
        "masked_mobile",
        "is_staff",
        "is_active",
        "last_login",
    )
    list_filter = ("kind", "is_staff", "is_active")
    search_fields = ("username", "real_name")
    readonly_fields = ("masked_id_number", "masked_mobile", "reveal_link")
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (
            _("门户"),
            {
                "fields": (
                    "kind",
                    "real_name",
                    "id_type",
                    "masked_id_number",
                    "masked_mobile",
                    "reveal_link",
                )
            },
        ),
    )

    @admin.display(description=_("证件号码"))
    def masked_id_number(self, obj: User) -> str:
        return obj.masked_id_number

    @admin.display(description=_("手机号"))
    def masked_mobile(self, obj: User) -> str:
        return obj.masked_mobile

    @admin.display(description=_("查看完整信息"))
    def reveal_link(self, obj: User) -> str:
        if obj.pk is None:
            return ""
        url = reverse("admin:accounts_user_reveal", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("查看完整信息（需填写原因）"))

    def get_urls(self) -> list[URLPattern]:
        custom = [
            path(
                "<int:object_id>/reveal/",
                self.admin_site.admin_view(self.reveal_view),
                name="accounts_user_reveal",
            )
        ]
        return custom + super().get_urls()

    def reveal_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """ACC-7: choose one field, give the reason, POST; the value is shown in this response
        only (never stored; ``admin_view`` adds never_cache) and the reveal is audited."""
        if not request.user.has_perm(REVEAL_PERMISSION):
            raise DjangoPermissionDenied
        user = User.objects.filter(pk=object_id).first()
        if user is None:
            raise Http404
        form = RevealForm(request.POST or None)
        revealed: dict[str, Any] | None = None
        if request.method == "POST" and form.is_valid():
            try:
                value = services.personal_data_reveal(
                    actor=request.user, user=user, **form.cleaned_data
                )
            except ZhengwuError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                revealed = {
                    "label": REVEALABLE_FIELDS[form.cleaned_data["field"]],
                    "value": value,
                }
                form = RevealForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": user,
            "title": _("查看完整信息"),
            "form": form,
            "revealed": revealed,
            "masked": {"id_number": user.masked_id_number, "mobile": user.masked_mobile},
        }
        return render(request, "admin/accounts/user/reveal.html", context)
