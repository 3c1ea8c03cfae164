from django.urls import path

from . import views

app_name = "orgcentre"
urlpatterns = [
    path("", views.index, name="index"),
    path("account/", views.account, name="account"),
    path("account/password", views.account_password, name="account_password"),
    path("account/mobile", views.account_mobile, name="account_mobile"),
    path("account/sms-code", views.account_sms_code, name="account_sms_code"),
    path("activate/<str:uidb64>/<str:token>/", views.activate, name="activate"),
    path("<int:org_id>/", views.dashboard, name="dashboard"),
    path("<int:org_id>/operators/", views.operators, name="operators"),
    path("<int:org_id>/operators/add/", views.operator_add, name="operator_add"),
    path("<int:org_id>/operators/<int:member_id>/", views.operator_detail, name="operator"),
    path(
        "<int:org_id>/operators/<int:member_id>/disable",
        views.operator_disable,
        name="operator_disable",
    ),
    path(
        "<int:org_id>/operators/<int:member_id>/enable",
        views.operator_enable,
        name="operator_enable",
    ),
    path(
        "<int:org_id>/operators/<int:member_id>/resend-link",
        views.operator_activation_resend,
        name="operator_resend",
    ),
    path(
        "<int:org_id>/operators/<int:member_id>/grant-admin",
        views.administrator_grant,
        name="admin_grant",
    ),
    path(
        "<int:org_id>/operators/<int:member_id>/revoke-admin",
        views.administrator_revoke,
        name="admin_revoke",
    ),
    path("<int:org_id>/applications/", views.applications, name="applications"),
    path("<int:org_id>/sms-code", views.sms_code, name="sms_code"),
]
