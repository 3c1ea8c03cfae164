"""The word search at size: date tokens and the newest-window-first query (``archive.search``)
give exactly the first page a plain "every match, newest first" would — on PostgreSQL through
the windows, elsewhere through the LIKE fallback."""

from __future__ import annotations

import datetime
import random
import uuid

import pytest
from django.utils import timezone

from zhengwu.archive import search, selectors
from zhengwu.archive.models import ArchiveFile

pytestmark = pytest.mark.django_db


def test_window_covers_whole_years_with_year_tokens():
    start, tokens = search.window(datetime.date(2024, 3, 9), 1)
    assert (start, tokens) == (datetime.date(2024, 3, 1), ["dm202403"])
    start, tokens = search.window(datetime.date(2024, 3, 9), 16)
    assert start == datetime.date(2022, 12, 1)
    assert tokens == ["dm202212", "dy2023", "dm202401", "dm202402", "dm202403"]


def test_a_file_carries_its_date_tokens():
    stored = search.file_tokens(datetime.date(2009, 7, 1), "营业执照", "")
    assert stored.startswith(" ") and stored.endswith(" ")
    assert stored.split()[-2:] == ["dm200907", "dy2009"]
    assert " 营业 " in stored


def _file(day: datetime.date, text: str, n: int) -> ArchiveFile:
    return ArchiveFile(
        id=uuid.uuid4(),
        uscc=f"91330106MA{n:08d}",
        entity_name=f"测试公司{n}",
        archive_type="change",
        date=day,
        title=f"档案{n}",
        page_count=1,
        content_type="application/pdf",
        size=1,
        sha256=f"{n:064d}",
        storage_name=f"archive/{n}",
        key_id="k",
        uploaded_at=timezone.now() - datetime.timedelta(seconds=n),
        search_tokens=search.file_tokens(day, text),
    )


@pytest.mark.parametrize("enough", [3, 10])
def test_the_windowed_first_page_is_the_plain_first_page(monkeypatch, enough):
    monkeypatch.setattr(search, "ENOUGH", enough)
    rng = random.Random(7)
    files = []
    for n in range(120):
        day = datetime.date(2000, 1, 1) + datetime.timedelta(days=rng.randint(0, 9000))
        words = rng.choice(["变更登记 股东会决议", "章程修正案", "变更登记", "年度报告"])
        files.append(_file(day, words, n))
    ArchiveFile.objects.bulk_create(files)
    for word in ["变更登记", "章程", "年度报告 变更", "不存在的词"]:
        wanted = search.query_tokens(word)
        plain = sorted(
            (f for f in files if all(f" {t} " in f.search_tokens for t in wanted)),
            key=lambda f: (f.date, f.uploaded_at),
            reverse=True,
        )[:enough]
        got = list(selectors.archive_search(selectors.Query(text=word))[:enough])
        assert [f.pk for f in got] == [f.pk for f in plain], word
