from django.urls import path

from . import views

app_name = "agency"
urlpatterns = [
    path("signin/", views.signin, name="signin"),
    path("signout/", views.signout, name="signout"),
    path("commitment/", views.commitment, name="commitment"),
    path("workspace/", views.workspace, name="workspace"),
    path("image/<str:token>/", views.image_link, name="image_link"),
    path("attachments/", views.attachment_upload, name="attachment_upload"),
    path("form.pdf", views.form_download, name="form_download"),
    path("certificate/<int:pk>.pdf", views.certificate_download, name="certificate_download"),
    path("office/applications/", views.office_applications, name="office_applications"),
    path("office/applications/<int:pk>/", views.office_application, name="office_application"),
    path(
        "office/applications/<int:pk>/form.pdf",
        views.office_form_download,
        name="office_form_download",
    ),
    path("office/attachments/<uuid:pk>/", views.office_attachment, name="office_attachment"),
    path("office/", views.office_units, name="office_units"),
    path("office/units/<int:pk>/", views.office_unit, name="office_unit"),
    path("office/images/<int:pk>/revoke/", views.office_image_revoke, name="office_image_revoke"),
    path("office/commitment/", views.office_commitment, name="office_commitment"),
]
