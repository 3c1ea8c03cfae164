"""Batched imports commit as they go; a re-run of an interrupted file resumes; progress line."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from zhengwu.registry.models import ImportCheckpoint, MarketEntity
from zhengwu.registry.services import importing, reading
from zhengwu.registry.services.demo import generate_rows
from zhengwu.registry.services.importing import Progress, registry_import
from zhengwu.registry.services.reading import open_source

pytestmark = pytest.mark.django_db

ROWS = 60


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(reading, "CHUNK_BYTES", 1000)  # ≈5 rows a chunk


class Interrupted(Exception):
    pass


def _fail_at_batch(monkeypatch, n: int) -> None:
    real = importing._loader
    calls = {"n": 0}

    def loader(vendor, source):
        calls["n"] += 1
        if calls["n"] == n:
            raise Interrupted
        return real(vendor, source)

    monkeypatch.setattr(importing, "_loader", loader)


def test_interrupted_batched_import_keeps_its_batches_and_resumes(
    export, small_chunks, monkeypatch
):
    """Two batches commit, the third is interrupted; the re-run starts after the second."""
    rows = [list(r) for r in generate_rows(ROWS, 11)]
    path = export(rows)
    report = path.with_name("report.csv")
    _fail_at_batch(monkeypatch, 3)
    with pytest.raises(Interrupted):
        registry_import(path, report_path=report, workers=0, batch_rows=10)
    kept = MarketEntity.objects.count()
    checkpoint = ImportCheckpoint.objects.get()
    assert 20 <= kept < ROWS and not checkpoint.finished
    assert checkpoint.rows == kept and checkpoint.next_line == kept + 2  # header is line 1

    monkeypatch.undo()
    monkeypatch.setattr(reading, "CHUNK_BYTES", 1000)
    again = registry_import(path, report_path=report, workers=0, batch_rows=10)

    assert again.resumed_at_line == kept + 2
    assert (again.rows, again.inserted, again.rejected) == (ROWS - kept, ROWS - kept, 0)
    assert MarketEntity.objects.count() == ROWS
    assert set(MarketEntity.objects.values_list("uscc", flat=True)) == {r[0] for r in rows}
    checkpoint.refresh_from_db()
    assert checkpoint.finished
    assert report.read_text(encoding="utf-8-sig").splitlines() == ["行号,字段,原因"]


def test_rerun_of_a_finished_file_starts_over_and_skips_what_is_in(export, small_chunks):
    path = export([list(r) for r in generate_rows(ROWS, 12)])
    first = registry_import(path, workers=0, batch_rows=10)
    second = registry_import(path, workers=0, batch_rows=10)
    assert first.inserted == ROWS
    assert second.resumed_at_line == 0
    assert (second.rows, second.unchanged, second.inserted, second.updated) == (ROWS, ROWS, 0, 0)


def test_rejects_of_committed_batches_stay_in_the_report_of_a_resumed_run(
    export, small_chunks, monkeypatch
):
    rows = [list(r) for r in generate_rows(ROWS, 13)]
    rows[2][0] = "91330000000000000X"  # bad check character: rejected in batch 1
    path = export(rows)
    report = path.with_name("report.csv")
    _fail_at_batch(monkeypatch, 2)
    with pytest.raises(Interrupted):
        registry_import(path, report_path=report, workers=0, batch_rows=10)
    monkeypatch.undo()
    monkeypatch.setattr(reading, "CHUNK_BYTES", 1000)
    again = registry_import(path, report_path=report, workers=0, batch_rows=10)
    lines = report.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "行号,字段,原因" and lines[1].startswith("4,")
    assert again.rejected == 0 and MarketEntity.objects.count() == ROWS - 1


def test_progress_line_says_rows_rate_and_time_left(export):
    path = export([list(r) for r in generate_rows(20, 14)])
    source = open_source(path)
    out = io.StringIO()
    bar = Progress(source, out, interval=0)
    bar.update((source.size - source.data_offset) // 2, 10)
    bar.close()
    text = out.getvalue()
    assert "10/20 行 (50%)" in text and "行/秒" in text and "剩余 0:0" in text
    assert text.endswith("\n")


def test_command_is_quiet_on_stderr_when_not_a_terminal(export, capsys):
    path = export([list(r) for r in generate_rows(5, 15)])
    call_command("registry_import", str(path))
    captured = capsys.readouterr()
    assert "导入完成" in captured.out and captured.err == ""
