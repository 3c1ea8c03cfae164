"""Sandbox pages (only mounted when ZHENGWU_SANDBOX is on). Filled in by the providers."""

from django.http import HttpResponse
from django.urls import path

app_name = "sandbox"


def _todo(request):  # replaced by the real sandbox views
    return HttpResponse("")


urlpatterns = [
    path("sms/", _todo, name="sms"),
    path("identity/", _todo, name="identity"),
]
