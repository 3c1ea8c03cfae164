from django.urls import path

from . import public_views, views

app_name = "agency"
urlpatterns = [
    path("", public_views.home, name="home"),
    path("articles/<slug:category>/", public_views.article_list, name="articles"),
    path("article/<int:pk>/", public_views.article_detail, name="article"),
    path(
        "article/attachments/<int:pk>/",
        public_views.article_attachment,
        name="article_attachment",
    ),
    path("lookup/", public_views.lookup, name="lookup"),
    path("services/", public_views.agency_services, name="services"),
    path("services/on-site/<slug:item>/", public_views.on_site, name="on_site"),
    path("services/guide/<slug:item>/<slug:aspect>/", public_views.guide_entry, name="guide"),
    path("services/image-form.pdf", public_views.image_form, name="image_form"),
    path("institutions/", public_views.institution_services, name="institutions"),
    path("office/articles/", public_views.office_articles, name="office_articles"),
    path("office/guide/<slug:item>/<slug:aspect>/", public_views.office_guide, name="office_guide"),
    path("signin/", views.signin, name="signin"),
    path("signout/", views.signout, name="signout"),
    path("commitment/", views.commitment, name="commitment"),
    path("workspace/", views.workspace, name="workspace"),
    path("image/<str:token>/", views.image_link, name="image_link"),
    path("attachments/", views.attachment_upload, name="attachment_upload"),
    path("attachments/<uuid:pk>/", views.attachment_view, name="attachment"),
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
