from django.urls import path

from . import views

app_name = "onlineservices"
urlpatterns = [
    path("", views.index, name="index"),
    path("item/<str:code>/", views.guide, name="guide"),
    path("item/<str:code>/guide.pdf", views.guide_download, name="guide_pdf"),
    path("files/<path:name>", views.catalogue_file, name="catalogue_file"),
    path("item/<str:code>/apply", views.apply, name="apply"),
    path("mine/", views.mine, name="mine"),
    path("notices/", views.notices, name="notices"),
    path("notices/publish", views.notice_publish, name="notice_publish"),
    path("case/<int:pk>/", views.case, name="case"),
    path("case/<int:pk>/save", views.case_save, name="save"),
    path("case/<int:pk>/material/<int:material_id>", views.case_material, name="material"),
    path("case/<int:pk>/withdraw", views.case_withdraw, name="withdraw"),
    path("case/<int:pk>/rate", views.case_rate, name="rate"),
    path("case/<int:pk>/assist/<str:step>", views.case_assist, name="assist"),
    path("case/<int:pk>/decision.pdf", views.case_decision, name="decision_pdf"),
    path("desk/", views.desk, name="desk"),
    path("desk/evaluations/", views.desk_evaluations, name="evaluations"),
    path("desk/assist", views.desk_assist, name="desk_assist"),
    path("desk/task/<int:pk>/done", views.desk_task_done, name="task_done"),
    path("desk/case/<int:pk>/", views.desk_case, name="desk_case"),
    path("desk/case/<int:pk>/<str:action>", views.desk_action, name="desk_action"),
    path("desk/catalogue/export.xlsx", views.catalogue_export, name="catalogue_export"),
    path("desk/catalogue/import", views.catalogue_import, name="catalogue_import"),
]
