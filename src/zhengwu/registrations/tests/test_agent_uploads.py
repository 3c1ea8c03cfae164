"""Seed 002's agent 上传证件 (REG-10 with REG-9's upload rules): the agent's ID document and the
unit's licence are required uploads of the agent's form, checked by content (JPEG, size,
dimensions) by the ``uploads`` app; a refused file is named in Chinese beside its field (pages)
or in ``{code, message, field}`` (API); nothing is half-saved and the SMS code is not spent.
The files are encrypted at rest, attached to the application, owned by the agent's account
once it exists, and shown to reviewers only once the application reaches them; every view
is audited."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from zhengwu.accounts.tests.factories import PASSWORD, UserFactory, resident_id
from zhengwu.audit.models import AuditEvent
from zhengwu.core.errors import ValidationFailed
from zhengwu.registrations.agent import selectors, services, signing
from zhengwu.registrations.agent.constants import AgentStatus
from zhengwu.registrations.models import AgentRegistration
from zhengwu.registrations.tests.agent_factories import agent_files
from zhengwu.reviews.tests.factories import make_reviewer
from zhengwu.uploads.models import PrivateUpload
from zhengwu.uploads.tests.samples import jpeg

pytestmark = pytest.mark.django_db

AGENT_MOBILE = "13957100032"
API = "/api/v1/registrations/agent/"


@pytest.fixture(autouse=True)
def esign_keys(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def _data(entity, **overrides):
    data = {
        "legal_person_type": entity.legal_person_type,
        "organisation_name": entity.name,
        "uscc": entity.uscc,
        "legal_rep_name": entity.legal_rep_name,
        "legal_rep_id_type": "resident_id",
        "legal_rep_id_number": entity.legal_rep_id_number,
        "legal_rep_mobile": "13957100031",
        "username": "upload_agent",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "agent_name": "钱测试通过",
        "agent_id_type": "resident_id",
        "agent_id_number": resident_id(780),
        "landline": "",
        "mobile": AGENT_MOBILE,
        "agreement_accepted": True,
    }
    return {**data, **overrides}


def pdf_named_jpg() -> SimpleUploadedFile:
    """A PDF renamed .jpg and declared image/jpeg: refused by content."""
    return SimpleUploadedFile(
        "licence.jpg", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n", content_type="image/jpeg"
    )


def png(mode: str = "RGBA") -> SimpleUploadedFile:
    """A real PNG (with transparency by default), sent with its own name and type."""
    buffer = io.BytesIO()
    Image.new(mode, (400, 300), (0, 0, 0, 0) if mode == "RGBA" else "white").save(buffer, "PNG")
    return SimpleUploadedFile("licence.png", buffer.getvalue(), content_type="image/png")


def _nothing_saved() -> None:
    assert not AgentRegistration.objects.exists()
    assert not PrivateUpload.objects.exists()


# --- the service -------------------------------------------------------------------------------


def test_both_uploads_are_stored_encrypted_and_attached_to_the_draft(entity, send_code):
    code = send_code(AGENT_MOBILE)
    application = services.agent_registration_start(
        **_data(entity), sms_code=code, files=agent_files(), owner_token="tok"
    )
    uploads = selectors.agent_uploads(application)
    assert set(uploads) == {"id_document", "licence_page"}
    assert all(u.uploaded_by_id is None and u.owner_token_hash for u in uploads.values())
    assert uploads["id_document"].width == 400 and uploads["licence_page"].width == 420


@pytest.mark.parametrize(
    ("files", "code", "field", "words"),
    [
        (agent_files(id_document=None), "upload.missing", "id_document", "请上传代理人身份证件"),
        (
            agent_files(licence_page=None),
            "upload.missing",
            "licence_page",
            "请上传单位营业执照或其他证照",
        ),
        (
            agent_files(licence_page=pdf_named_jpg()),
            "upload.not_jpeg",
            "licence_page",
            "单位营业执照或其他证照须为 JPG 或 PNG 格式的图片",
        ),
        (
            agent_files(
                id_document=SimpleUploadedFile("id.jpg", jpeg(400, 300)[:2000], "image/jpeg")
            ),
            "upload.corrupt",
            "id_document",
            "代理人身份证件无法识别",
        ),
    ],
    ids=["id-missing", "licence-missing", "pdf-renamed", "truncated"],
)
def test_a_wrong_or_missing_file_is_named_and_nothing_is_saved(
    entity, send_code, files, code, field, words
):
    sms_code = send_code(AGENT_MOBILE)
    with pytest.raises(ValidationFailed) as caught:
        services.agent_registration_start(**_data(entity), sms_code=sms_code, files=files)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert words in caught.value.message
    _nothing_saved()
    # The SMS code was not spent: the corrected form goes through with it.
    services.agent_registration_start(**_data(entity), sms_code=sms_code, files=agent_files())


def test_a_png_is_accepted_and_stored_as_a_jpeg(entity, send_code):
    """Scans saved as PNG are accepted and re-encoded like every upload (transparency on
    white); the stored and served file is a JPEG."""
    from zhengwu.uploads.selectors import upload_read_content

    application = services.agent_registration_start(
        **_data(entity), sms_code=send_code(AGENT_MOBILE), files=agent_files(licence_page=png())
    )
    upload = selectors.agent_uploads(application)["licence_page"]
    content = upload_read_content(upload=upload)
    assert content.startswith(b"\xff\xd8\xff") and upload.content_type == "image/jpeg"
    with Image.open(io.BytesIO(content)) as image:
        assert image.format == "JPEG" and image.getpixel((10, 10)) >= (250, 250, 250)


def test_a_file_over_the_size_limit_is_refused(entity, send_code, settings):
    settings.ZHENGWU_UPLOAD_MAX_BYTES = 20_000
    big = SimpleUploadedFile("id.jpg", jpeg(1600, 1200), "image/jpeg")
    with pytest.raises(ValidationFailed) as caught:
        services.agent_registration_start(
            **_data(entity), sms_code=send_code(AGENT_MOBILE), files=agent_files(id_document=big)
        )
    assert caught.value.code == "upload.too_large" and caught.value.field == "id_document"
    assert "代理人身份证件的文件大小不能超过" in caught.value.message
    _nothing_saved()


def test_a_failure_after_storing_leaves_no_draft_and_no_upload_row(entity, send_code, monkeypatch):
    """The uploads are written inside the draft's transaction: if anything after them fails,
    neither the draft nor the upload rows remain."""

    def boom(*args, **kwargs):
        raise RuntimeError("audit down")

    real = services.record_event

    def failing(event_type, **kwargs):
        if event_type == "agent_registration.started":
            boom()
        return real(event_type, **kwargs)

    monkeypatch.setattr(services, "record_event", failing)
    with pytest.raises(RuntimeError):
        services.agent_registration_start(
            **_data(entity), sms_code=send_code(AGENT_MOBILE), files=agent_files()
        )
    _nothing_saved()


# --- pages -------------------------------------------------------------------------------------


def _form(entity, sms_code, **overrides):
    data = {k: v for k, v in _data(entity).items() if k != "agreement_accepted"}
    data.update({"captcha_0": "x", "captcha_1": "PASSED", "sms_code": sms_code, "agreement": "on"})
    data.update(agent_files())
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_form_has_the_two_upload_fields(client):
    body = client.get("/register/agent/").content.decode()
    assert 'enctype="multipart/form-data"' in body
    assert "上传证件" in body and "代理人身份证件" in body and "单位营业执照或其他证照" in body
    assert 'name="id_document"' in body and 'accept="image/jpeg,image/png"' in body


def test_a_renamed_file_is_named_beside_its_field_on_the_page(client, entity, send_code):
    code = send_code(AGENT_MOBILE)
    response = client.post("/register/agent/", _form(entity, code, licence_page=pdf_named_jpg()))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="licence_page-error"' in body
    assert "单位营业执照或其他证照须为 JPG 或 PNG 格式的图片" in body
    _nothing_saved()
    missing = client.post("/register/agent/", _form(entity, code, id_document=None))
    missing = missing.content.decode()
    assert "请上传代理人身份证件" in missing
    _nothing_saved()


# --- API ---------------------------------------------------------------------------------------


def _api(entity, sms_code, **overrides):
    data = {**_data(entity), "agreement_accepted": "true", "captcha_key": "x"}
    data.update({"captcha": "PASSED", "sms_code": sms_code, **agent_files(), **overrides})
    return {k: v for k, v in data.items() if v is not None}


def test_api_takes_the_uploads_as_multipart(client, entity, send_code):
    response = client.post(API, _api(entity, send_code(AGENT_MOBILE)))
    assert response.status_code == 201, response.content
    application = AgentRegistration.objects.get()
    assert set(selectors.agent_uploads(application)) == {"id_document", "licence_page"}


@pytest.mark.parametrize(
    ("override", "code", "field"),
    [
        ({"licence_page": None}, "upload.missing", "licence_page"),
        ({"id_document": "pdf"}, "upload.not_jpeg", "id_document"),
    ],
    ids=["missing", "pdf-renamed"],
)
def test_api_refusals_use_the_error_contract(client, entity, send_code, override, code, field):
    override = {k: pdf_named_jpg() if v == "pdf" else v for k, v in override.items()}
    response = client.post(API, _api(entity, send_code(AGENT_MOBILE), **override))
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"code", "message", "field"}
    assert (body["code"], body["field"]) == (code, field)
    assert ("代理人身份证件" if field == "id_document" else "单位营业执照或其他证照") in body[
        "message"
    ]
    _nothing_saved()


def test_openapi_declares_the_multipart_uploads(client):
    schema = client.get("/api/v1/openapi.json").json()
    body = schema["paths"]["/api/v1/registrations/agent/"]["post"]["requestBody"]
    multipart = body["content"]["multipart/form-data"]["schema"]
    props = multipart.get("properties") or {}
    if not props and "$ref" in multipart:
        name = multipart["$ref"].rsplit("/", 1)[-1]
        props = schema["components"]["schemas"][name]["properties"]
    assert {"id_document", "licence_page", "uscc"} <= set(props)


# --- who sees them -----------------------------------------------------------------------------


@pytest.fixture
def signed(entity, send_code, django_capture_on_commit_callbacks):
    """Form (with the uploads) → the agent's face check → 确认提交 → the legal
    representative's signature: 待审核, in the reviewers' queue."""
    application = services.agent_registration_start(
        **_data(entity), sms_code=send_code(AGENT_MOBILE), files=agent_files()
    )
    services.agent_face_start(application=application)
    assert services.agent_face_poll(application=application).is_passed
    with django_capture_on_commit_callbacks(execute=True):
        application = services.agent_registration_submit(application=application)
    return application


def _sign(application):
    token = application.sign_token
    signing.agent_sign_face_start(application=application, token=token)
    assert signing.agent_sign_face_poll(application=application, token=token).is_passed
    return signing.agent_letter_sign(application=application, token=token)


def test_reviewer_sees_the_uploads_once_signed_and_every_view_is_audited(client, signed):
    uploads = selectors.agent_uploads(signed)
    # After 确认提交 the uploads belong to the agent's account.
    assert {u.uploaded_by_id for u in uploads.values()} == {signed.user_id}
    reviewer = make_reviewer(username="upload-reviewer")
    client.force_login(reviewer)
    url = f"/uploads/{uploads['id_document'].pk}/"
    # 签名中: not yet the reviewers' business (nor is its case page).
    assert client.get(url).status_code == 404
    application = _sign(signed)
    assert application.status == AgentStatus.PENDING
    body = client.get(f"/review/agent/{application.pk}/").content.decode()
    assert "上传证件" in body
    for kind in ("id_document", "licence_page"):
        assert f'src="/uploads/{uploads[kind].pk}/"' in body
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    viewed = AuditEvent.objects.filter(
        event_type="upload.viewed", subject_id=str(uploads["id_document"].pk)
    )
    assert viewed.filter(actor_id=reviewer.pk, outcome=AuditEvent.Outcome.SUCCESS).count() == 1
    assert AuditEvent.objects.filter(
        event_type="upload.view_denied", actor_id=reviewer.pk, outcome=AuditEvent.Outcome.FAILURE
    ).exists()


def test_nobody_else_opens_them(client, signed):
    application = _sign(signed)
    upload = selectors.agent_uploads(application)["licence_page"]
    assert client.get(f"/uploads/{upload.pk}/").status_code == 404  # anonymous
    client.force_login(UserFactory(username="someone_else"))
    assert client.get(f"/uploads/{upload.pk}/").status_code == 404
    client.force_login(UserFactory(username="staff_no_review", staff=True))
    assert client.get(f"/uploads/{upload.pk}/").status_code == 404
    assert AuditEvent.objects.filter(event_type="upload.view_denied").count() == 3


def test_the_upload_fields_in_english_once_chosen(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/register/agent/").content.decode()
    assert "Agent&#x27;s ID document" in body or "Agent's ID document" in body
    assert "Unit&#x27;s business licence or other certificate" in body or (
        "Unit's business licence or other certificate" in body
    )
