from django.urls import path

from . import views

app_name = "registrations"
urlpatterns = [
    path("", views.info_step, name="start"),
    path("user/", views.user_step, name="user"),
    path("sms-code", views.sms_code_send, name="sms_code"),
    path("face/", views.face_step, name="face"),
    path("face/status", views.face_status, name="face_status"),
    path("done/", views.done, name="done"),
    path("manual/", views.manual_channel, name="manual"),
    path("applications/", views.applications, name="applications"),
    path("applications/<int:pk>/approve", views.application_approve, name="approve"),
    path(
        "applications/<int:pk>/approve/status",
        views.application_approve_status,
        name="approve_status",
    ),
    path("applications/<int:pk>/reject", views.application_reject, name="reject"),
]
