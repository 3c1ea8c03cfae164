from django.urls import path

from . import views

app_name = "federation"
urlpatterns = [
    path("", views.start, name="start"),
    path("national/start/", views.national_start, name="national_start"),
    path("national/callback/", views.national_callback, name="national_callback"),
    path("licence/", views.licence_start, name="licence"),
    path("licence/qr", views.licence_panel, name="licence_qr"),
    path("licence/status", views.licence_status, name="licence_status"),
    path("certificate/", views.certificate, name="certificate"),
    path("certificate/tls/", views.certificate_tls, name="certificate_tls"),
    path("no-account/", views.no_account, name="no_account"),
]
