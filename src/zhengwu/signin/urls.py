from django.urls import path

from . import recovery_views, views

app_name = "signin"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("session/ping/", views.session_ping, name="ping"),
    path("welcome/", views.landing, name="landing"),
    path("recover/<str:flow>/", recovery_views.start, name="recover"),
    path("recover/<str:flow>/verify/", recovery_views.verify, name="recover_verify"),
    path("recover/<str:flow>/sms/", recovery_views.sms_state, name="recover_sms_state"),
    path("recover/<str:flow>/reset/", recovery_views.reset, name="recover_reset"),
    path("signin/staff/locked/", views.staff_locked, name="staff_locked"),
    path("signin/staff/locked/<int:user_id>/unlock/", views.staff_unlock, name="staff_unlock"),
]
