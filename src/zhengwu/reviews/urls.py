from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("", views.index, name="index"),
    path("manual/<int:pk>/", views.manual_case, name="manual_case"),
    path("manual/<int:pk>/decide", views.manual_decide, name="manual_decide"),
    path("natural/<int:pk>/", views.natural_case, name="natural_case"),
    path("natural/<int:pk>/decide", views.natural_decide, name="natural_decide"),
    path("agent/<int:pk>/", views.agent_case, name="agent_case"),
    path("agent/<int:pk>/decide", views.agent_decide, name="agent_decide"),
    path("agent/<int:pk>/letter.pdf", views.agent_letter, name="agent_letter"),
    path("<slug:key>/", views.queue, name="queue"),
]
