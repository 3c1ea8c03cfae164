"""Sandbox pages, mounted under ``/sandbox/`` only when ZHENGWU_SANDBOX is on (``zhengwu.urls``)."""

from django.urls import path

from . import sandbox_views as views

app_name = "sandbox"

urlpatterns = [
    path("sms/", views.sms_outbox, name="sms"),
    path("sms/outage", views.sms_outage, name="sms_outage"),
    path("identity/", views.face_checks, name="identity"),
    path("identity/<slug:token>/", views.face_check_phone, name="face_check_phone"),
    path("identity/<slug:token>/decide", views.face_check_decide, name="face_check_decide"),
    path("identity/<slug:token>/status", views.face_check_status, name="face_check_status"),
]
