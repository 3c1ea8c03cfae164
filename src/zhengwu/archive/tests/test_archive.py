"""SVC-3 容e查: scans checked by content and sealed, batch import with its report and re-run,
search by metadata and words, who sees what, audited views, watermarked downloads."""

from __future__ import annotations

import datetime
import io

import pypdf
import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse

from zhengwu.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from zhengwu.archive import search, services
from zhengwu.archive.constants import EVENT_DOWNLOADED, EVENT_VIEWED, OcrStatus
from zhengwu.archive.errors import ManifestInvalid, ScanRejected
from zhengwu.archive.models import ArchiveFile
from zhengwu.audit.models import AuditEvent
from zhengwu.registrations.tests.factories import MarketEntityFactory

from .scans import scan_jpeg, scan_pdf

pytestmark = pytest.mark.django_db

MANIFEST_HEADER = "统一社会信用代码,档案类型,日期,标题,文件名\n"


@pytest.fixture(autouse=True)
def _no_ocr(settings):
    """OCR off (no worker in these tests): files stay pending unless a test runs it."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def _store(entity, content=None, **kwargs):
    values = {
        "entity": entity,
        "content": scan_jpeg(["设立登记申请书"]) if content is None else content,
        "archive_type": "establishment",
        "date": datetime.date(2015, 6, 1),
        "title": "设立登记申请书",
    }
    values.update(kwargs)
    return services.archive_store(**values)


# --- tokens -----------------------------------------------------------------------------------


def test_tokens_drop_ocr_spaces_and_cut_bigrams():
    assert search.tokens("茶 叶 公司 ABC-12") == [
        "茶",
        "茶叶",
        "叶",
        "叶公",
        "公",
        "公司",
        "司",
        "abc",
        "12",
    ]
    assert search.query_tokens("茶叶公司") == ["茶叶", "叶公", "公司"]
    assert search.query_tokens("茶") == ["茶"]
    assert search.query_tokens("：，") == []


# --- storing ----------------------------------------------------------------------------------


def test_a_scan_is_sealed_at_rest_and_pages_counted():
    entity = MarketEntityFactory()
    pdf = scan_pdf(["第一页"])
    archive = _store(entity, pdf)
    assert (archive.content_type, archive.page_count) == ("application/pdf", 1)
    with default_storage.open(archive.storage_name, "rb") as handle:
        blob = handle.read()
    assert blob.startswith(b"ZWU1") and b"%PDF" not in blob
    assert archive.entity_name == entity.name and archive.search_tokens


@pytest.mark.parametrize(
    "content, words",
    [
        (b"", "空文件"),
        (b"hello, not a scan", "不是 PDF 或 JPEG"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "不是 PDF 或 JPEG"),
        (b"%PDF-1.4\n garbage", "不是完整的 PDF"),
        (b"\xff\xd8\xff\xe0" + b"0" * 50, "不是完整的 JPEG"),
    ],
)
def test_a_scan_that_is_not_a_pdf_or_jpeg_is_refused(content, words):
    with pytest.raises(ScanRejected) as caught:
        _store(MarketEntityFactory(), content, original_name="扫描.pdf")
    assert words in caught.value.message and "扫描.pdf" in caught.value.message
    assert caught.value.as_dict()["code"] == "archive.scan_rejected"
    assert not ArchiveFile.objects.exists()


# --- batch import -----------------------------------------------------------------------------


def _batch(tmp_path, rows, files):
    folder = tmp_path / "scans"
    folder.mkdir(exist_ok=True)
    for name, content in files.items():
        (folder / name).write_bytes(content)
    manifest = MANIFEST_HEADER + "".join(",".join(r) + "\n" for r in rows)
    (folder / "manifest.csv").write_text(manifest, encoding="utf-8")
    return folder


def test_batch_import_reports_bad_rows_and_imports_the_rest(tmp_path):
    entity = MarketEntityFactory()
    folder = _batch(
        tmp_path,
        [
            (entity.uscc, "设立", "2015-06-01", "设立登记", "a.jpg"),
            (entity.uscc, "年报", "2020/06/30", "2019年度报告", "b.pdf"),
            ("91330106MA27XXXX00", "变更", "2016-01-01", "变更", "a.jpg"),
            (entity.uscc, "变更", "2016-01-01", "缺文件", "missing.pdf"),
            (entity.uscc, "迁移", "2016-01-01", "类型错", "a.jpg"),
            (entity.uscc, "变更", "2016-13-01", "日期错", "a.jpg"),
            (entity.uscc, "许可", "2017-01-01", "不是扫描件", "notes.txt"),
            (entity.uscc, "其他", "2017-01-01", "越界", "../outside.pdf"),
        ],
        {"a.jpg": scan_jpeg(["设立"]), "b.pdf": scan_pdf(["年报"]), "notes.txt": b"plain text"},
    )
    report = services.import_batch(folder, (folder / "manifest.csv").read_bytes())
    assert [a.title for a in report.imported] == ["设立登记", "2019年度报告"]
    problems = "\n".join(report.problems)
    assert "第 4 行：统一社会信用代码 91330106MA27XXXX00 在登记库中不存在" in problems
    assert "第 5 行：文件“missing.pdf”在文件夹中不存在" in problems
    assert "第 6 行：档案类型“迁移”无效" in problems
    assert "第 7 行：日期“2016-13-01”无效" in problems
    assert "第 8 行：文件“notes.txt”不是 PDF 或 JPEG" in problems
    assert "第 9 行：文件“../outside.pdf”在文件夹中不存在" in problems
    assert ArchiveFile.objects.count() == 2

    again = services.import_batch(folder, (folder / "manifest.csv").read_bytes())
    assert again.imported == [] and len(again.skipped) == 2
    assert ArchiveFile.objects.count() == 2


def test_manifest_without_its_columns_is_refused(tmp_path):
    with pytest.raises(ManifestInvalid) as caught:
        services.import_batch(tmp_path, b"uscc,title\n")
    assert "缺少列" in caught.value.message and "档案类型" in caught.value.message


def test_gbk_manifest_and_the_command(tmp_path):
    entity = MarketEntityFactory()
    folder = _batch(tmp_path, [], {"a.jpg": scan_jpeg(["注销"])})
    text = MANIFEST_HEADER + f"{entity.uscc},注销,2021-03-01,注销登记,a.jpg\n"
    (folder / "manifest.csv").write_bytes(text.encode("gbk"))
    out = io.StringIO()
    call_command("archive_import", str(folder), stdout=out)
    assert "导入 1 个" in out.getvalue()
    assert ArchiveFile.objects.get().archive_type == "deregistration"


# --- search, access, audit, watermark ---------------------------------------------------------


def test_search_by_metadata(archivist, client):
    a, b = MarketEntityFactory(name="舒城茶叶有限公司"), MarketEntityFactory(name="杭埠米业公司")
    _store(a, title="设立登记申请书", date=datetime.date(2015, 1, 1))
    _store(
        b,
        scan_jpeg(["年报"]),
        archive_type="annual_report",
        title="年度报告",
        date=datetime.date(2020, 6, 30),
    )
    client.force_login(archivist)
    url = reverse("archive:search")

    def titles(**params):
        html = client.get(url, params).content.decode()
        return [t for t in ("设立登记申请书", "年度报告") if t in html]

    assert titles(uscc=a.uscc) == ["设立登记申请书"]
    assert titles(name="米业") == ["年度报告"]
    assert titles(archive_type="annual_report") == ["年度报告"]
    assert titles(date_to="2015-12-31") == ["设立登记申请书"]
    assert titles(q="年度") == ["年度报告"]  # title words are indexed before any OCR
    bad = client.get(url, {"date_from": "2020-01-01", "date_to": "2019-01-01"}).content.decode()
    assert "截止日期不能早于起始日期" in bad


def test_unit_sees_only_its_own_archive_and_downloads_a_watermarked_copy(client):
    mine, other = MarketEntityFactory(), MarketEntityFactory()
    own = _store(mine, scan_pdf(["本单位档案"]), title="本单位设立档案")
    theirs = _store(other, title="别家档案")
    org = OrganisationFactory(uscc=mine.uscc)
    member = MembershipFactory(organisation=org, legal_representative=True)
    client.force_login(member.user)

    page = client.get(reverse("archive:mine")).content.decode()
    assert "本单位设立档案" in page and "别家档案" not in page
    assert client.get(reverse("archive:detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("archive:download", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("archive:search")).status_code == 404

    assert client.get(reverse("archive:detail", args=[own.pk])).status_code == 200
    response = client.get(reverse("archive:download", args=[own.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "仅供查阅" in text and member.user.get_username() in text
    assert AuditEvent.objects.filter(event_type=EVENT_VIEWED, subject_id=str(own.pk)).count() == 1
    assert (
        AuditEvent.objects.filter(event_type=EVENT_DOWNLOADED, subject_id=str(own.pk)).count() == 1
    )


def test_jpeg_download_is_a_watermarked_pdf(archivist, client):
    archive = _store(MarketEntityFactory())
    client.force_login(archivist)
    response = client.get(reverse("archive:download", args=[archive.pk]))
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert "archivist" in reader.pages[0].extract_text()


def test_ocr_failure_is_shown_and_the_file_stays_searchable(archivist, client, settings):
    settings.ZHENGWU_ARCHIVE_OCR_COMMAND = "/nonexistent/tesseract"
    entity = MarketEntityFactory()
    archive = _store(entity, title="变更登记申请书")
    services.run_ocr(archive.pk)
    archive.refresh_from_db()
    assert archive.ocr_status == OcrStatus.FAILED and "未安装" in archive.ocr_error
    client.force_login(archivist)
    html = client.get(reverse("archive:search"), {"uscc": entity.uscc}).content.decode()
    assert "变更登记申请书" in html and "识别失败" in html
    detail = client.get(reverse("archive:detail", args=[archive.pk])).content.decode()
    assert "未安装" in detail and "可按档案信息检索" in detail


def test_staff_pages_need_the_permission(client):
    client.force_login(UserFactory(staff=True))
    assert client.get(reverse("archive:search")).status_code == 404
    assert client.get(reverse("archive:import")).status_code == 404
