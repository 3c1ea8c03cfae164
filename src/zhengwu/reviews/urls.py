from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("", views.index, name="index"),
    path("manual/<int:pk>/", views.manual_case, name="manual_case"),
    path("manual/<int:pk>/decide", views.manual_decide, name="manual_decide"),
    path("<slug:key>/", views.queue, name="queue"),
]
