"""The platform's public site (AG-1 … AG-3): home, articles, the public-institution lookup,
机关用户服务 (sign-in buttons, format text, service guide) and 事业单位用户服务."""

from __future__ import annotations

import time

from captcha.fields import CaptchaField
from django import forms
from django.contrib.auth.decorators import permission_required
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from zhengwu.audit.services import record_event
from zhengwu.core.context import client_ip
from zhengwu.core.errors import ZhengwuError
from zhengwu.uploads.sealing import seal, sealed_id, unseal

from .constants import Kind
from .downloads import pdf_response as _pdf
from .models import ONLINE_ITEMS, AgencyUnit, Article, ArticleAttachment, Aspect, GuideEntry, Item
from .services import articles
from .services.attachments import AttachmentRejected, _check_pdf
from .views import OFFICE_PERMISSION

LOOKUP_LIMIT = 30
LOOKUP_WINDOW = 600
ITEM_ORDER = (Item.INITIAL, Item.CHANGE, Item.REISSUE, Item.RENEW, Item.REPLACE, Item.REVOKE)


def home(request: HttpRequest) -> HttpResponse:
    columns = [
        (value, label, Article.objects.filter(category=value)[:6])
        for value, label in Article.Category.choices
    ]
    return render(request, "agency/public/home.html", {"columns": columns})


def article_list(request: HttpRequest, category: str) -> HttpResponse:
    if category not in Article.Category.values:
        raise Http404
    query = request.GET.get("q", "")
    page = Paginator(articles.search(category, query), 10).get_page(request.GET.get("page"))
    return render(
        request,
        "agency/public/articles.html",
        {
            "page": page,
            "query": query,
            "category": category,
            "label": Article.Category(category).label,
        },
    )


def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    return render(request, "agency/public/article.html", {"article": article})


def article_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_object_or_404(ArticleAttachment, pk=pk)
    with default_storage.open(attachment.storage_name, "rb") as fh:
        blob = fh.read()
    if blob.startswith(b"%PDF-"):  # written before issue 15 sealed every stored file
        return _pdf(blob, f"{attachment.title}.pdf")
    return _pdf(
        unseal(blob, upload_id=article_file_id(attachment.article_id)), f"{attachment.title}.pdf"
    )


def article_file_id(article_id: int):  # type: ignore[no-untyped-def]
    """What an article's PDF is sealed to: public, but the object store holds only
    ciphertext (decision 0025)."""
    return sealed_id(f"agency.article:{article_id}")


class LookupForm(forms.Form):
    q = forms.CharField(
        label=_("单位名称或统一社会信用代码"),
        min_length=2,
        max_length=60,
        error_messages={
            "required": _("请输入单位名称或统一社会信用代码"),
            "min_length": _("单位名称至少输入 2 个字"),
        },
    )
    captcha = CaptchaField(
        label=_("验证码"),
        error_messages={"invalid": _("验证码错误"), "required": _("请填写验证码")},
    )


def _lookup_allowed(ip: str | None) -> bool:
    key = f"agency:lookup:{ip}:{int(time.time()) // LOOKUP_WINDOW}"
    cache.add(key, 0, timeout=LOOKUP_WINDOW + 5)
    try:
        count = int(cache.incr(key))
    except ValueError:
        cache.set(key, 1, timeout=LOOKUP_WINDOW + 5)
        count = 1
    return count <= LOOKUP_LIMIT


def lookup(request: HttpRequest) -> HttpResponse:
    """事业单位法人信息查询: public institutions by partial name or USCC, public facts only."""
    form = LookupForm(request.GET or None)
    results: list[AgencyUnit] | None = None
    error = ""
    if request.GET and form.is_valid():
        if not _lookup_allowed(client_ip(request)):
            error = "查询过于频繁，请 10 分钟后再试"
        else:
            q = form.cleaned_data["q"].strip()
            results = list(
                AgencyUnit.objects.filter(kind=Kind.PUBLIC_INSTITUTION)
                .filter(Q(name__contains=q) | Q(uscc=q.upper()))
                .order_by("name")[:20]
            )
    return render(
        request,
        "agency/public/lookup.html",
        {"form": form, "results": results, "error": error},
        status=429 if error else 200,
    )


def agency_services(request: HttpRequest) -> HttpResponse:
    """机关用户服务: 用户登录 (six buttons), 格式文本下载, 服务指南 (AG-2)."""
    guide = {(g.item, g.aspect): g for g in GuideEntry.objects.all()}
    rows = [
        (item, Item(item).label, [(a, guide.get((item, a))) for a in Aspect.values])
        for item in ITEM_ORDER
    ]
    # AG-3: 初领 and 延期 answer 需要现场办理; the other four open the sign-in dialog
    # (agency/signin-dialog.js), or without script the sign-in page, the item preselected.
    buttons = [
        (
            Item(item).label,
            reverse("agency:signin") + f"?item={item}"
            if item in ONLINE_ITEMS
            else reverse("agency:on_site", args=[item]),
            item,
            item in ONLINE_ITEMS,
        )
        for item in ITEM_ORDER
    ]
    return render(
        request,
        "agency/public/services.html",
        {"rows": rows, "aspects": Aspect.choices, "buttons": buttons},
    )


def on_site(request: HttpRequest, item: str) -> HttpResponse:
    """AG-3: 申请初领 and 证书延期 answer 需要现场办理, with the guide and the contacts."""
    if item not in (Item.INITIAL, Item.RENEW):
        raise Http404
    entries = GuideEntry.objects.filter(item=item)
    return render(
        request,
        "agency/public/on_site.html",
        {"label": Item(item).label, "entries": entries},
    )


def guide_entry(request: HttpRequest, item: str, aspect: str) -> HttpResponse:
    entry = get_object_or_404(GuideEntry, item=item, aspect=aspect)
    return render(request, "agency/public/guide.html", {"entry": entry})


def image_form(request: HttpRequest) -> HttpResponse:
    """格式文本下载: 《机关网上赋码系统登录二维码图片申领表》."""
    from .pdf import image_application_form_pdf

    return _pdf(image_application_form_pdf(), "机关网上赋码系统登录二维码图片申领表.pdf")


def institution_services(request: HttpRequest) -> HttpResponse:
    return render(request, "agency/public/institutions.html")


# --- back office: articles and the guide --------------------------------------------------------
class ArticleForm(forms.Form):
    category = forms.ChoiceField(label=_("栏目"), choices=Article.Category.choices)
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 10}))
    pdf = forms.FileField(label=_("PDF 附件（可选）"), required=False)


@permission_required(OFFICE_PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def office_articles(request: HttpRequest) -> HttpResponse:
    form = ArticleForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pdf_bytes = b""
            if data["pdf"]:
                pdf_bytes = data["pdf"].read(10 * 1024 * 1024 + 1)
                if not pdf_bytes.startswith(b"%PDF-") or len(pdf_bytes) > 10 * 1024 * 1024:
                    raise AttachmentRejected("附件只能是不超过 10 MB 的 PDF 文件", field="pdf")
                _check_pdf(pdf_bytes)
            article = articles.publish(
                category=data["category"],
                title=data["title"],
                body=data["body"],
                actor=request.user,
            )
            if pdf_bytes:
                from django.core.files.base import ContentFile

                blob, _key_id = seal(pdf_bytes, upload_id=article_file_id(article.pk))
                name = default_storage.save(
                    f"agency/articles/{article.pk}.pdf.enc", ContentFile(blob)
                )
                ArticleAttachment.objects.create(
                    article=article, title=data["title"], storage_name=name, size=len(pdf_bytes)
                )
        except ZhengwuError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return redirect("agency:article", pk=article.pk)
    return render(
        request,
        "agency/office/articles.html",
        {"form": form, "articles": Article.objects.all()[:30]},
        status=400 if form.errors else 200,
    )


class GuideForm(forms.Form):
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 10}))


@permission_required(OFFICE_PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def office_guide(request: HttpRequest, item: str, aspect: str) -> HttpResponse:
    if item not in Item.values or aspect not in Aspect.values:
        raise Http404
    entry = GuideEntry.objects.filter(item=item, aspect=aspect).first()
    form = GuideForm(request.POST or None, initial={"body": entry.body if entry else ""})
    if request.method == "POST" and form.is_valid():
        body = articles.sanitise(form.cleaned_data["body"])
        entry, _created = GuideEntry.objects.update_or_create(
            item=item, aspect=aspect, defaults={"body": body}
        )
        record_event("agency.guide.edited", actor=request.user, subject=entry)
        return redirect("agency:guide", item=item, aspect=aspect)
    return render(
        request,
        "agency/office/guide.html",
        {"form": form, "item": Item(item).label, "aspect": Aspect(aspect).label},
    )
