from django.urls import path

from .agent import views as agent_views
from .common import sms as common_sms
from .manual import views as manual_views
from .natural import views as natural_views
from .wizard import views

app_name = "registrations"
urlpatterns = [
    path("", views.info_step, name="start"),
    path("user/", views.user_step, name="user"),
    path("sms-code", views.sms_code_send, name="sms_code"),
    path("sms-code/state", common_sms.sms_state, name="sms_state"),
    path("face/", views.face_step, name="face"),
    path("face/status", views.face_status, name="face_status"),
    path("done/", views.done, name="done"),
    path("manual/", manual_views.manual_start, name="manual"),
    path("manual/sms-code", manual_views.manual_sms_code, name="manual_sms_code"),
    path("manual/submitted/", manual_views.manual_done, name="manual_done"),
    path("manual/status/", manual_views.manual_status, name="manual_status"),
    path("manual/resubmit/", manual_views.manual_resubmit, name="manual_resubmit"),
    path("applications/", views.applications, name="applications"),
    path("applications/<int:pk>/approve", views.application_approve, name="approve"),
    path(
        "applications/<int:pk>/approve/status",
        views.application_approve_status,
        name="approve_status",
    ),
    path("applications/<int:pk>/reject", views.application_reject, name="reject"),
    # REG-11 个人注册
    path("person/", natural_views.register, name="natural"),
    path("person/regions", natural_views.regions, name="natural_regions"),
    path("person/sms-code", natural_views.sms_code_send, name="natural_sms_code"),
    path("person/face/", natural_views.face, name="natural_face"),
    path("person/face/status", natural_views.face_status, name="natural_face_status"),
    path("person/review", natural_views.review_submit, name="natural_review"),
    path("person/review/resubmit", natural_views.review_resubmit, name="natural_resubmit"),
    path("person/result/", natural_views.result, name="natural_result"),
    # REG-10 代理人注册 with the legal representative's e-signature
    path("legal/", agent_views.agent_role, name="agent_role"),
    path("agent/", agent_views.agent_start, name="agent"),
    path("agent/sms-code", agent_views.agent_sms_code, name="agent_sms_code"),
    path("agent/face/", agent_views.agent_face, name="agent_face"),
    path("agent/face/status", agent_views.agent_face_status, name="agent_face_status"),
    path("agent/confirm/", agent_views.agent_confirm, name="agent_confirm"),
    path("agent/status/", agent_views.agent_status, name="agent_status"),
    path("agent/resend", agent_views.agent_resend, name="agent_resend"),
    path("agent/edit/", agent_views.agent_edit, name="agent_edit"),
    path("agent/letter.pdf", agent_views.agent_letter, name="agent_letter"),
    path("agent/result/", agent_views.agent_result, name="agent_result"),
    path("agent/sign/<str:token>/", agent_views.agent_sign, name="agent_sign"),
    path(
        "agent/sign/<str:token>/letter.pdf",
        agent_views.agent_sign_letter,
        name="agent_sign_letter",
    ),
    path("agent/sign/<str:token>/face/", agent_views.agent_sign_face, name="agent_sign_face"),
    path(
        "agent/sign/<str:token>/face/status",
        agent_views.agent_sign_face_status,
        name="agent_sign_face_status",
    ),
    path("agent/sign/<str:token>/decide/", agent_views.agent_sign_decide, name="agent_sign_decide"),
]
