from django.urls import path

from . import views

app_name = "workspace"
urlpatterns = [
    path("", views.home, name="home"),
    path("messages/", views.message_list, name="messages"),
    path("messages/read", views.message_read, name="message_read"),
    path("security/", views.security, name="security"),
    path("security/sign-out-others", views.sign_out_others, name="sign_out_others"),
    path("security/not-me", views.not_me, name="not_me"),
]
