"""Full-text search in Chinese without a Chinese tokenizer in the database.

Text is normalised (NFKC, lower case; the spaces OCR puts between Chinese characters are
dropped) and cut into tokens: every CJK character (unigram) and every pair of neighbours
(bigram), and every Latin/digit word. A query is cut the same way — a CJK word of two or
more characters becomes its bigrams, one character its unigram — and a file matches when it
has every token of the query. On PostgreSQL the tokens are stored as a ``simple`` tsvector
with a GIN index (migration 0002): ``@@ plainto_tsquery`` is an indexed AND of the tokens.
Elsewhere (SQLite) each token is a ``LIKE`` on the space-delimited token string.
"""

from __future__ import annotations

import re
import unicodedata

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_CJK}]+|[a-z0-9]+")
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
MAX_QUERY_TOKENS = 32


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


def full_text_filter(queryset: QuerySet, query: str) -> QuerySet:  # type: ignore[type-arg]
    wanted = query_tokens(query)
    if not wanted:
        return queryset
    if connection.vendor == "postgresql":
        table = queryset.model._meta.db_table
        match = RawSQL(
            f"to_tsvector('simple', {table}.search_tokens) @@ plainto_tsquery('simple', %s)",
            [" ".join(wanted)],
            output_field=BooleanField(),
        )
        return queryset.alias(text_match=match).filter(text_match=True)
    for token in wanted:
        queryset = queryset.filter(search_tokens__contains=f" {token} ")
    return queryset
