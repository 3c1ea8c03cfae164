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


def test_pieces_are_months_of_the_newest_year_then_years_then_the_rest():
    pieces = search.pieces(datetime.date(2024, 3, 9), datetime.date(1990, 5, 2))
    # months back to the January of the year 11 months before March 2024 (April 2023)
    assert pieces[:15] == [
        *(f"dm2024{m:02d}" for m in (3, 2, 1)),
        *(f"dm2023{m:02d}" for m in range(12, 0, -1)),
    ]
    assert pieces[15:35] == [f"dy{y}" for y in range(2022, 2002, -1)]
    assert pieces[35:] == [f"({' | '.join(f'dy{y}' for y in range(2002, 1989, -1))})"]


def test_pieces_stop_at_the_oldest_file():
    assert search.pieces(datetime.date(2024, 12, 31), datetime.date(2024, 10, 1)) == [
        "dm202412",
        "dm202411",
        "dm202410",
    ]
    assert search.pieces(datetime.date(2024, 1, 5), datetime.date(2021, 7, 1)) == [
        "dm202401",
        *(f"dm2023{m:02d}" for m in range(12, 0, -1)),
        "dy2022",
        "dy2021",
    ]
    assert search.pieces(datetime.date(2024, 1, 5), datetime.date(2024, 1, 5)) == ["dm202401"]


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
def test_the_first_page_is_the_plain_first_page(monkeypatch, enough):
    monkeypatch.setattr(search, "FIRST_PAGE", enough)
    rng = random.Random(7)
    files = []
    for n in range(120):
        # over 30 years, so that the page may come from months, years or the older rest
        day = datetime.date(1994, 1, 1) + datetime.timedelta(days=rng.randint(0, 11000))
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


def _plain(files, query, **where):
    wanted = search.query_tokens(query)
    return sorted(
        (
            f
            for f in files
            if all(f" {t} " in f.search_tokens for t in wanted)
            and all(getattr(f, k) == v for k, v in where.items())
        ),
        key=lambda f: (f.date, f.uploaded_at),
        reverse=True,
    )


def test_the_page_counts_only_the_files_the_other_criteria_keep(monkeypatch):
    """The unit's own space and the type filter apply inside every piece: the page is made
    of that unit's files, even when newer files of others match the word."""
    monkeypatch.setattr(search, "FIRST_PAGE", 4)
    files = [
        _file(datetime.date(2024, 6, 1) - datetime.timedelta(days=n), "变更登记", n)
        for n in range(30)
    ]
    own = files[0].uscc
    for n, f in enumerate(files):
        f.uscc = own if n % 7 == 6 else f.uscc
        f.archive_type = "permit" if n % 2 else "change"
    ArchiveFile.objects.bulk_create(files)
    got = selectors.archive_search(selectors.Query(text="变更"), usccs=[own])
    assert [f.pk for f in got[:4]] == [f.pk for f in _plain(files, "变更", uscc=own)[:4]]
    got = selectors.archive_search(selectors.Query(text="变更", archive_type="permit"))
    plain = _plain(files, "变更", archive_type="permit")[:4]
    assert [f.pk for f in got[:4]] == [f.pk for f in plain]


def test_a_page_spanning_pieces_keeps_newest_first_and_ties_by_upload(monkeypatch):
    monkeypatch.setattr(search, "FIRST_PAGE", 6)
    days = [datetime.date(2024, 5, 3)] * 2 + [datetime.date(2023, 2, 1)] * 3
    days += [datetime.date(2019, 8, 8)] * 4 + [datetime.date(1999, 1, 1)]
    files = [_file(day, "年度报告", n) for n, day in enumerate(days)]
    files.append(_file(datetime.date(2024, 7, 1), "章程", 99))  # newest, other word
    ArchiveFile.objects.bulk_create(files)
    got = list(selectors.archive_search(selectors.Query(text="年度报告"))[:6])
    assert [f.pk for f in got] == [f.pk for f in _plain(files, "年度报告")[:6]]


@pytest.mark.parametrize("day", [datetime.date(2024, 5, 1), datetime.date(1996, 5, 1)])
def test_a_word_search_is_two_statements_however_far_back_its_files_are(
    django_assert_max_num_queries, day
):
    """On PostgreSQL: the archive's date span, then the page (one statement however many
    pieces it looks in); elsewhere one statement."""
    files = [_file(datetime.date(2024, 6, 1), "章程", 0)]
    files += [_file(day - datetime.timedelta(days=n), "股东会决议", n + 1) for n in range(3)]
    ArchiveFile.objects.bulk_create(files)
    with django_assert_max_num_queries(2):
        got = list(selectors.archive_search(selectors.Query(text="股东会决议"))[:50])
    assert [f.pk for f in got] == [f.pk for f in files[1:]]


def test_the_search_index_has_no_pending_list():
    """Every piece of a word search is a GIN lookup, and each would read the whole pending
    list again (``archive.0004``)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the GIN index exists on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE relname = 'archive_search_tokens_gin'"
        )
        assert cursor.fetchone()[0] == ["fastupdate=off"]


def test_with_other_criteria_the_words_are_matched_as_a_constant_too():
    """With a criterion of its own the planner must see how few files a piece holds (else it
    ANDs the GIN bitmap with every file of the type, in every piece); without, the pieces keep
    to one condition (a second reads the words' index entries again)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the pieces exist on PostgreSQL only")
    permit = _file(datetime.date(2024, 1, 1), "变更登记", 1)
    permit.archive_type = "permit"
    ArchiveFile.objects.bulk_create([permit])
    plain = str(selectors.archive_search(selectors.Query(text="变更")).query)
    typed = str(selectors.archive_search(selectors.Query(text="变更", archive_type="permit")).query)
    assert plain.count("@@") == 1
    assert typed.count("@@") == 2 and "to_tsquery('simple', 变更)" in typed
