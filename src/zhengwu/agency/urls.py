from django.urls import path

from . import views

app_name = "agency"
urlpatterns = [
    path("signin/", views.signin, name="signin"),
    path("signout/", views.signout, name="signout"),
    path("commitment/", views.commitment, name="commitment"),
    path("workspace/", views.workspace, name="workspace"),
    path("image/<str:token>/", views.image_link, name="image_link"),
    path("office/", views.office_units, name="office_units"),
    path("office/units/<int:pk>/", views.office_unit, name="office_unit"),
    path("office/images/<int:pk>/revoke/", views.office_image_revoke, name="office_image_revoke"),
    path("office/commitment/", views.office_commitment, name="office_commitment"),
]
