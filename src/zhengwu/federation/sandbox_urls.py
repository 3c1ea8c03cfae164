"""Sandbox pages of the other sign-in methods (mounted at /sandbox/federation/ only in sandbox
mode): the identity provider standing in for 国家政务服务平台, the e-business-licence app, the
certificate USB key."""

from django.urls import path

from . import sandbox_views as views

app_name = "federation_sandbox"
urlpatterns = [
    path("idp/.well-known/openid-configuration", views.idp_discovery, name="idp_discovery"),
    path("idp/authorize", views.idp_authorize, name="idp_authorize"),
    path("idp/token", views.idp_token, name="idp_token"),
    path("idp/jwks", views.idp_jwks, name="idp_jwks"),
    path("licence-app/", views.licence_app, name="licence_app"),
    path("licence-app/<str:token>/", views.licence_app_scan, name="licence_app_scan"),
    path("usb-key/", views.usb_key, name="usb_key"),
]
