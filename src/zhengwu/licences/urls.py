from django.urls import path

from . import views

app_name = "licences"
urlpatterns = [
    # First: the public verification that every QR scan opens (bench/verification.py).
    path("verify/", views.verify, name="verify"),
    path("verify/<str:identifier>/", views.verify_identifier, name="verify_identifier"),
    path("", views.index, name="index"),
    path("org/<int:org_pk>/face/", views.face_start, name="face_start"),
    path("face/<str:token>/status/", views.face_status, name="face_status"),
    path("org/<int:org_pk>/request/", views.access_request_create, name="request_create"),
    path(
        "org/<int:org_pk>/requests/<int:pk>/decline/",
        views.access_request_decline,
        name="request_decline",
    ),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/download/", views.download, name="download"),
    path("manage/", views.manage, name="manage"),
    path("manage/<int:pk>/revoke/", views.manage_revoke, name="manage_revoke"),
]
