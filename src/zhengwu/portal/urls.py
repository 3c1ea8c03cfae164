from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("soon/<slug:slug>/", views.coming_soon, name="coming_soon"),
    path("healthz", views.healthz, name="healthz"),
    path("help/", views.help_page, name="help"),
    path("favicon.ico", views.favicon, name="favicon"),
]
