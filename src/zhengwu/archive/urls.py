from django.urls import path

from . import views

app_name = "archive"
urlpatterns = [
    path("", views.staff_search, name="search"),
    path("mine/", views.mine, name="mine"),
    path("import/", views.batch_import, name="import"),
    path("<uuid:file_id>/", views.detail, name="detail"),
    path("<uuid:file_id>/download", views.download, name="download"),
]
