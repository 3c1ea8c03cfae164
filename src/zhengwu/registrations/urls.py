from django.urls import path

from . import manual_views, natural_views, views

app_name = "registrations"
urlpatterns = [
    path("", views.info_step, name="start"),
    path("user/", views.user_step, name="user"),
    path("sms-code", views.sms_code_send, name="sms_code"),
    path("face/", views.face_step, name="face"),
    path("face/status", views.face_status, name="face_status"),
    path("done/", views.done, name="done"),
    path("manual/", manual_views.manual_start, name="manual"),
    path("manual/sms-code", manual_views.manual_sms_code, name="manual_sms_code"),
    path("manual/submitted/", manual_views.manual_done, name="manual_done"),
    path("manual/status/", manual_views.manual_status, name="manual_status"),
    path("manual/resubmit/", manual_views.manual_resubmit, name="manual_resubmit"),
    path("applications/", views.applications, name="applications"),
    path("applications/<int:pk>/approve", views.application_approve, name="approve"),
    path(
        "applications/<int:pk>/approve/status",
        views.application_approve_status,
        name="approve_status",
    ),
    path("applications/<int:pk>/reject", views.application_reject, name="reject"),
    # REG-11 个人注册
    path("person/", natural_views.register, name="natural"),
    path("person/regions", natural_views.regions, name="natural_regions"),
    path("person/sms-code", natural_views.sms_code_send, name="natural_sms_code"),
    path("person/face/", natural_views.face, name="natural_face"),
    path("person/face/status", natural_views.face_status, name="natural_face_status"),
    path("person/review", natural_views.review_submit, name="natural_review"),
    path("person/review/resubmit", natural_views.review_resubmit, name="natural_resubmit"),
    path("person/result/", natural_views.result, name="natural_result"),
]
