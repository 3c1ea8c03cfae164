from django.urls import path

from . import views

app_name = "enterprise"
urlpatterns = [
    path("", views.entry, name="entry"),
    path("v/<str:token>/", views.verify, name="verify"),
    path("help/", views.help_guide, name="help"),
    path("help/faq/", views.help_faq, name="help_faq"),
]
