from django.urls import path

from . import views

app_name = "enterprise"
urlpatterns = [
    # First: the public page every scan opens (bench/verification.py).
    path("v/<str:token>/", views.verify, name="verify"),
    path("", views.entry, name="entry"),
    path("u/<int:org_id>/", views.unit, name="unit"),
    path("u/<int:org_id>/claim", views.claim, name="claim"),
    path("u/<int:org_id>/qr.png", views.download, {"kind": "png"}, name="png"),
    path("u/<int:org_id>/qr.svg", views.download, {"kind": "svg"}, name="svg"),
    path("u/<int:org_id>/poster.pdf", views.download, {"kind": "poster"}, name="poster"),
    path("agency/", views.agency_unit, name="agency_unit"),
    path("agency/claim", views.agency_claim, name="agency_claim"),
    path("agency/qr.png", views.agency_download, {"kind": "png"}, name="agency_png"),
    path("agency/qr.svg", views.agency_download, {"kind": "svg"}, name="agency_svg"),
    path("agency/poster.pdf", views.agency_download, {"kind": "poster"}, name="agency_poster"),
    path("help/", views.help_guide, name="help"),
    path("help/faq/", views.help_faq, name="help_faq"),
    path("manage/", views.manage, name="manage"),
    path("manage/<int:pk>/", views.manage_code, name="manage_code"),
    path("manage/<int:pk>/revoke", views.manage_revoke, name="manage_revoke"),
    path("manage/<int:pk>/reissue", views.manage_reissue, name="manage_reissue"),
    path("campaign/", views.campaign_dashboard, name="campaign"),
    path("campaign/export.xlsx", views.campaign_export, name="campaign_export"),
]
