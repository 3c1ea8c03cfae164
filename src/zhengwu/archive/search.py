"""Full-text search in Chinese without a Chinese tokenizer in the database.

Text is normalised (NFKC, lower case; the spaces OCR puts between Chinese characters are
dropped) and cut into tokens: every CJK character (unigram) and every pair of neighbours
(bigram), and every Latin/digit word. A query is cut the same way — a CJK word of two or
more characters becomes its bigrams, one character its unigram — and a file matches when it
has every token of the query. On PostgreSQL the tokens are stored as a ``simple`` tsvector
with a GIN index (migration 0002): ``@@ to_tsquery`` is an indexed AND of the tokens.
Elsewhere (SQLite) each token is a ``LIKE`` on the space-delimited token string.

Results are shown newest first, which no GIN index can serve: a common word matches tens of
thousands of files, and sorting them all meant fetching every one from the heap (seconds at
1,000,000 files, ``docs/performance.md``). So every file also carries two date tokens, its
month ``dm202401`` and its year ``dy2024`` (``date_tokens``), and on PostgreSQL a word search
first looks in the newest 3 months of the archive, then in a window grown to where a page
should be at the density found (at least fourfold), then everywhere beyond 20 years: each
window is one GIN lookup (the words AND any of the window's month/year tokens) with a count
capped at the page size; the first window holding a full page is the answer, since every file
outside it is older. The work is bounded by a few
hundred matching rows whatever the word.
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata

from django.db import connection
from django.db.models import BooleanField, Max, QuerySet
from django.db.models.expressions import RawSQL

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_CJK}]+|[a-z0-9]+")
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
MAX_QUERY_TOKENS = 32
#: The first window (months back from the archive's newest file) a word search tries.
FIRST_WINDOW_MONTHS = 3
#: Beyond this many months a word search looks everywhere.
MAX_WINDOW_MONTHS = 240
#: A window holding this many matches answers the first page.
ENOUGH = 50


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower()
    return _CJK_GAP.sub("", text)


def _is_cjk(run: str) -> bool:
    return not run[0].isascii()


def tokens(text: str) -> list[str]:
    """Index tokens of ``text``: CJK unigrams and bigrams, Latin words; unique, in order."""
    seen: dict[str, None] = {}
    for run in _RUN.findall(normalise(text)):
        if _is_cjk(run):
            for i, ch in enumerate(run):
                seen.setdefault(ch)
                if i + 1 < len(run):
                    seen.setdefault(run[i : i + 2])
        else:
            seen.setdefault(run)
    return list(seen)


def query_tokens(query: str) -> list[str]:
    """Tokens a file must all have to match ``query``."""
    out: dict[str, None] = {}
    for run in _RUN.findall(normalise(query)):
        if _is_cjk(run) and len(run) > 1:
            for i in range(len(run) - 1):
                out.setdefault(run[i : i + 2])
        else:
            out.setdefault(run)
    return list(out)[:MAX_QUERY_TOKENS]


def index_text(*parts: str) -> str:
    """The stored token string: space-delimited, with a space at both ends."""
    found: dict[str, None] = {}
    for part in parts:
        for token in tokens(part):
            found.setdefault(token)
    return f" {' '.join(found)} " if found else ""


def date_tokens(day: datetime.date) -> list[str]:
    """The month and year tokens of a file's date (never produced by ``tokens``: a query word
    ``dm202401`` would match them, which is harmless)."""
    return [f"dm{day:%Y%m}", f"dy{day:%Y}"]


def file_tokens(day: datetime.date, *parts: str) -> str:
    """What a file stores in ``search_tokens``: the words of ``parts`` and its date tokens."""
    words = index_text(*parts).split()
    return f" {' '.join([*words, *date_tokens(day)])} "


def window(newest: datetime.date, months: int) -> tuple[datetime.date, list[str]]:
    """The first day of the ``months``-month window that ends with ``newest``'s month, and the
    fewest date tokens covering it (whole years as ``dy``, the rest as ``dm``)."""
    end = newest.year * 12 + newest.month - 1
    start = end - months + 1
    found: list[str] = []
    month = start
    while month <= end:
        year, index = divmod(month, 12)
        if index == 0 and month + 11 <= end:
            found.append(f"dy{year:04d}")
            month += 12
        else:
            found.append(f"dm{year:04d}{index + 1:02d}")
            month += 1
    year, index = divmod(start, 12)
    return datetime.date(year, index + 1, 1), found


def _match(queryset: QuerySet, tsquery: str) -> QuerySet:  # type: ignore[type-arg]
    table = queryset.model._meta.db_table
    match = RawSQL(
        f"to_tsvector('simple', {table}.search_tokens) @@ to_tsquery('simple', %s)",
        [tsquery],
        output_field=BooleanField(),
    )
    return queryset.alias(text_match=match).filter(text_match=True)


def full_text_filter(queryset: QuerySet, query: str) -> QuerySet:  # type: ignore[type-arg]
    """``queryset`` narrowed to the files having every token of ``query``; on PostgreSQL also
    to the newest window holding a full first page (see the module's docstring)."""
    wanted = query_tokens(query)
    if not wanted:
        return queryset
    if connection.vendor != "postgresql":
        for token in wanted:
            queryset = queryset.filter(search_tokens__contains=f" {token} ")
        return queryset
    # Tokens are CJK characters or [a-z0-9]+ (``_RUN``): nothing in them is tsquery syntax.
    words = " & ".join(wanted)
    newest = queryset.order_by().aggregate(newest=Max("date"))["newest"]
    months = FIRST_WINDOW_MONTHS
    while newest is not None and months <= MAX_WINDOW_MONTHS:
        # The date tokens alone bound the window (a file's date is fixed at import): a
        # ``date >=`` condition as well made PostgreSQL AND in a bitmap of every file since.
        _start, covering = window(newest, months)
        candidate = _match(queryset, f"{words} & ({' | '.join(covering)})")
        found = candidate.order_by()[:ENOUGH].count()  # a capped count
        if found >= ENOUGH:
            return _matching_ids(queryset, f"{words} & ({' | '.join(covering)})")
        # Grow the window to where a page should be at this density (at least fourfold).
        months = max(months * 4, math.ceil(months * 2 * ENOUGH / found) if found else months * 8)
    return _matching_ids(queryset, words)


def _matching_ids(queryset: QuerySet, tsquery: str) -> QuerySet:  # type: ignore[type-arg]
    """``queryset`` narrowed to the files matching ``tsquery``, found through the GIN index
    first: as a plain filter under ``ORDER BY date DESC LIMIT 50`` PostgreSQL walked the date
    index backward and rebuilt every row's tsvector until 50 matched — seconds for a word whose
    matches lie far back (p99 2.4 s at 1,000,000 files, docs/performance.md). ``OFFSET 0`` keeps
    the subquery from being pulled up into that plan."""
    meta = queryset.model._meta
    table, pk = connection.ops.quote_name(meta.db_table), connection.ops.quote_name(meta.pk.column)
    ids = RawSQL(
        f"SELECT {pk} FROM {table} WHERE to_tsvector('simple', {table}.search_tokens)"
        " @@ to_tsquery('simple', %s) OFFSET 0",
        [tsquery],
    )
    return queryset.filter(pk__in=ids)
