"""Mounted at ``/uploads/`` by ``zhengwu.urls``."""

from django.urls import path

from . import views

app_name = "uploads"

urlpatterns = [
    path("<uuid:upload_id>/", views.upload_file, name="file"),
]
