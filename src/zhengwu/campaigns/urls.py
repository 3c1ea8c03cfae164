from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.dashboard, name="dashboard"),
    path("<int:pk>/week/<str:week>.xlsx", views.week_export, name="week_export"),
    path("<int:pk>/bulletin/<int:year>-<int:month>.pdf", views.bulletin, name="bulletin"),
    path("assist/", views.assist, name="assist"),
]
