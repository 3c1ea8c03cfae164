from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("", views.index, name="index"),
    path("manual/<int:pk>/", views.manual_case, name="manual_case"),
    path("manual/<int:pk>/decide", views.manual_decide, name="manual_decide"),
    path("natural/<int:pk>/", views.natural_case, name="natural_case"),
    path("natural/<int:pk>/decide", views.natural_decide, name="natural_decide"),
    path("<slug:key>/", views.queue, name="queue"),
]
