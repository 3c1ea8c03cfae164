"""Articles of the public site (AG-1): 通知公告, 政策法规, 技术服务, 年度报告.

Bodies are rich text typed by staff; they are sanitised with nh3 (ammonia) on save, keeping a
small allow-list of tags and no attributes beyond links, so the public pages can render them.
"""

from __future__ import annotations

from typing import Any, Final

import nh3
from django.db.models import Q, QuerySet

from zhengwu.audit.services import record_event
from zhengwu.core.errors import ValidationFailed

from ..models import Article

TAGS: Final = frozenset(
    {"p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li", "h3", "h4", "blockquote",
     "table", "thead", "tbody", "tr", "th", "td", "a"}
)  # fmt: skip
ATTRIBUTES: Final = {"a": {"href", "title"}}


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(TAGS),
        attributes={k: set(v) for k, v in ATTRIBUTES.items()},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def publish(*, category: str, title: str, body: str, actor: Any) -> Article:
    if category not in Article.Category.values:
        raise ValidationFailed("请选择栏目", code="agency.article.category", field="category")
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise ValidationFailed(
            "标题不能为空且不能超过 200 个字", code="agency.article.title", field="title"
        )
    clean = sanitise(body or "").strip()
    if not clean:
        raise ValidationFailed("正文不能为空", code="agency.article.body", field="body")
    article = Article.objects.create(category=category, title=title, body=clean, published_by=actor)
    record_event("agency.article.published", actor=actor, subject=article)
    return article


def search(category: str | None, query: str) -> QuerySet[Article]:
    articles = Article.objects.all()
    if category:
        articles = articles.filter(category=category)
    query = query.strip()[:50]
    if query:
        articles = articles.filter(Q(title__contains=query) | Q(body__contains=query))
    return articles
