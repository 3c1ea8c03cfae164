from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.dashboard, name="dashboard"),
    path("<int:pk>/week/<str:week>.xlsx", views.week_export, name="week_export"),
    path("<int:pk>/bulletin/<int:year>-<int:month>.pdf", views.bulletin, name="bulletin"),
    path("<int:pk>/outreach/", views.outreach, name="outreach"),
    path("<int:pk>/outreach.xlsx", views.outreach_export, name="outreach_export"),
    path("<int:pk>/outreach/<str:uscc>/phone", views.reveal_phone, name="reveal_phone"),
    path("register-guide.pdf", views.registration_guide, name="registration_guide"),
    path("assist/", views.assist, name="assist"),
]
