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
cuts the archive's span into pieces, newest first (``pieces``: a month each for the newest
year or so, then a year each, then the older rest), and takes the first page from them in one
statement: for each piece in turn, one GIN lookup of the words AND the piece's token, its
matches sorted by date, until the page is full (``_first_page``). Every file of a piece is
older than every file of the pieces before it, so the page is the plain "every match, newest
first" page. Only the pieces before the page is full are looked in, and only the matches of
those pieces are read from the heap: tens to a few hundred rows whatever the word (the probes
of the earlier windows read every match of a wide window, 1,776 rows twice for a rare word).
"""

from __future__ import annotations

import datetime
import re
import unicodedata

from django.db import connection
from django.db.models import BooleanField, Max, Min, QuerySet
from django.db.models.expressions import RawSQL

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_CJK}]+|[a-z0-9]+")
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
MAX_QUERY_TOKENS = 32
#: A word search on PostgreSQL gives the first page: this many files, newest first.
FIRST_PAGE = 50
#: Years older than the monthly pieces that are searched one by one; the rest are one piece.
YEARS = 20


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


def pieces(newest: datetime.date, oldest: datetime.date) -> list[str]:
    """The date tokens cutting ``oldest``..``newest`` into pieces, newest first: a month each
    from ``newest``'s month back to the January of the year 11 months before it, then a year
    each for ``YEARS`` years, then the years left as one OR (a ``to_tsquery`` operand)."""
    month = newest.year * 12 + newest.month - 1  # months since the year 0
    first = max((month - 11) // 12 * 12, oldest.year * 12 + oldest.month - 1)
    found = [f"dm{m // 12:04d}{m % 12 + 1:02d}" for m in range(month, first - 1, -1)]
    years = [f"dy{y:04d}" for y in range(first // 12 - 1, oldest.year - 1, -1)]
    found += years[:YEARS]
    if years[YEARS:]:
        found.append(f"({' | '.join(years[YEARS:])})")
    return found


def full_text_filter(queryset: QuerySet, query: str) -> QuerySet:  # type: ignore[type-arg]
    """``queryset`` narrowed to the files having every token of ``query``; on PostgreSQL to
    the first ``FIRST_PAGE`` of them, newest first (see the module's docstring)."""
    wanted = query_tokens(query)
    if not wanted:
        return queryset
    if connection.vendor != "postgresql":
        for token in wanted:
            queryset = queryset.filter(search_tokens__contains=f" {token} ")
        return queryset
    span = queryset.order_by().aggregate(newest=Max("date"), oldest=Min("date"))
    if span["newest"] is None:
        return queryset.none()
    # Tokens are CJK characters or [a-z0-9]+ (``_RUN``): nothing in them is tsquery syntax.
    words = " & ".join(wanted)
    tsqueries = [f"{words} & {piece}" for piece in pieces(span["newest"], span["oldest"])]
    return queryset.filter(pk__in=_first_page(queryset, words, tsqueries))


def _first_page(queryset: QuerySet, words: str, tsqueries: list[str]) -> RawSQL:  # type: ignore[type-arg]
    """The ids of the first ``FIRST_PAGE`` files of ``queryset`` newest first, taking the
    files matching each of ``tsqueries`` in turn (each of them one GIN lookup, its matches
    sorted by date). ``LATERAL`` runs a piece only when the page still needs files (an
    incremental sort on the piece's number under the ``LIMIT``).

    The piece's query is a parameter, whose selectivity the planner cannot know (it assumes
    0.5 %, 5,000 files in 1,000,000): with a type or date criterion it then ANDed the GIN
    bitmap with a bitmap of every file of that type or those years, in every piece (0.5 s).
    So when ``queryset`` has criteria of its own the plain ``words`` are matched too, as a
    constant: the planner sees how few files a piece can hold and keeps to the GIN index (or
    to a narrower one, a unit's USCC). Not without criteria: the second condition reads the
    words' index entries again in every piece (a third more index pages)."""
    table = queryset.model._meta.db_table
    tsvector = f"to_tsvector('simple', {table}.search_tokens)"
    condition, params = f"{tsvector} @@ to_tsquery('simple', piece.q)", []
    if queryset.query.where:
        condition, params = f"{tsvector} @@ to_tsquery('simple', %s) AND {condition}", [words]
    match = RawSQL(condition, params, output_field=BooleanField())
    files = queryset.alias(text_match=match).filter(text_match=True).order_by()
    sql, params = files.values_list("pk", "date", "uploaded_at").query.sql_with_params()
    return RawSQL(
        "SELECT page.pk FROM (SELECT found.pk"
        " FROM unnest(%s::text[]) WITH ORDINALITY AS piece(q, n)"
        f" CROSS JOIN LATERAL ({sql}) AS found(pk, day, at)"
        " ORDER BY piece.n, found.day DESC, found.at DESC LIMIT %s) AS page",
        [tsqueries, *params, FIRST_PAGE],
    )
