"""The register of agencies, mass organisations and public institutions (机关、群团和事业单位
赋码登记库), the login QR images (AG-4) and the units' sign-ins."""

from __future__ import annotations

import datetime
import uuid
from functools import reduce
from operator import or_
from typing import ClassVar, Final

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length, Now
from django.db.models.lookups import Exact
from django.utils import timezone

from zhengwu.core.fields import EncryptedTextField
from zhengwu.core.masking import mask_mobile
from zhengwu.registry.models import _digits_only

from .constants import KIND_PREFIX, Kind, UnitStatus


def _kind_agrees_with_uscc() -> Q:
    return reduce(or_, (Q(kind=kind, uscc__startswith=p) for kind, p in KIND_PREFIX.items()))


class AgencyUnit(models.Model):
    """One unit of the register. ``valid_until`` is the certificate's end date; ``None`` means
    长期 (long-term), which decides whether attachments are required (AG-6)."""

    # A plain varchar: registry's char(18) USCCField breaks Django's PostgreSQL bulk insert
    # (UNNEST casts to ``char[]``, i.e. char(1), and truncates the codes).
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("名称", max_length=200)
    kind = models.CharField("类别", max_length=32, choices=Kind.choices)
    head = models.CharField("负责人", max_length=100)
    address = models.CharField("住所", max_length=300)
    region_code = models.CharField("行政区划代码", max_length=6)
    authority = models.CharField("赋码机关", max_length=100)
    valid_until = models.DateField("证书有效期至", null=True, blank=True, help_text="空表示长期")
    certificate_number = models.CharField("证书编号", max_length=40)
    certificate_version = models.PositiveIntegerField("证书版本号", default=1)
    status = models.CharField(
        "状态", max_length=16, choices=UnitStatus.choices, default=UnitStatus.ACTIVE
    )
    row_hash = models.CharField("内容摘要", max_length=64, editable=False, blank=True)
    created_at = models.DateTimeField("创建时间", db_default=Now(), editable=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "机关、群团和事业单位"
        verbose_name_plural = "机关、群团和事业单位"
        ordering = ["uscc"]
        permissions = [("handle_agency", "办理机关赋码业务")]
        indexes = [models.Index(fields=["name"], name="agency_unit_name")]
        constraints = [
            models.CheckConstraint(
                condition=Q(Exact(Length("uscc"), 18)), name="agency_unit_uscc_length"
            ),
            models.CheckConstraint(
                condition=_digits_only("region_code", 6), name="agency_unit_region_6_digits"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="agency_unit_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=UnitStatus.values), name="agency_unit_status_valid"
            ),
            # The USCC prefix fits the kind (registration authority 1), as REG-2 does.
            models.CheckConstraint(
                condition=_kind_agrees_with_uscc(), name="agency_unit_kind_uscc"
            ),
            models.CheckConstraint(
                condition=Q(certificate_version__gte=1), name="agency_unit_version_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.uscc}）"

    @property
    def is_long_term(self) -> bool:
        return self.valid_until is None

    @property
    def validity_label(self) -> str:
        return "长期" if self.valid_until is None else f"至 {self.valid_until:%Y-%m-%d}"

    @property
    def is_active(self) -> bool:
        return self.status == UnitStatus.ACTIVE

    def validity_expired(self, today: datetime.date) -> bool:
        return self.valid_until is not None and self.valid_until < today


class LoginImage(models.Model):
    """A login QR image (登录二维码图片, AG-4) issued on a stamped paper application.

    The QR carries a random credential (256 bits); only its keyed hash ``credential_hash`` is
    stored. An image handed over by SMS link is not drawn until the recipient opens the one-time
    link (``delivery_token_hash``): the credential is created then, so it is never stored in
    clear, not even while waiting. ``revoked_at`` ends the image; at most one live image per
    unit (database constraint), and issuing a new one revokes the previous in the same
    transaction.
    """

    class Reason(models.TextChoices):
        NEVER_ISSUED = "never_issued", "未曾领取二维码图片"
        LOST = "lost", "登录二维码图片遗失"

    class Delivery(models.TextChoices):
        ON_SITE = "on_site", "现场领取（后台下载）"
        SMS_LINK = "sms_link", "短信发送一次性下载链接"

    unit = models.ForeignKey(
        AgencyUnit, on_delete=models.PROTECT, related_name="login_images", verbose_name="单位"
    )
    reason = models.CharField("申领原因", max_length=16, choices=Reason.choices)
    recipient_name = models.CharField("领取人", max_length=50)
    recipient_mobile = EncryptedTextField("领取人手机号")
    applied_on = models.DateField("申领日期")
    form_scan = models.ForeignKey(
        "uploads.PrivateUpload",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="盖章申领表扫描件",
    )
    delivery = models.CharField("发放方式", max_length=16, choices=Delivery.choices)
    credential_hash = models.CharField(
        "凭据索引", max_length=64, null=True, blank=True, unique=True, editable=False
    )
    delivery_token_hash = models.CharField(
        "下载链接索引", max_length=64, null=True, blank=True, unique=True, editable=False
    )
    delivery_expires_at = models.DateTimeField("下载链接有效期至", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="签发人"
    )
    issued_at = models.DateTimeField("签发时间", default=timezone.now)
    downloaded_at = models.DateTimeField("下载时间", null=True, blank=True)
    revoked_at = models.DateTimeField("作废时间", null=True, blank=True)
    revoked_reason = models.CharField("作废原因", max_length=100, blank=True)

    class Meta:
        verbose_name = "登录二维码图片"
        verbose_name_plural = "登录二维码图片"
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(revoked_at__isnull=True),
                name="agency_one_live_login_image",
            ),
            models.CheckConstraint(
                condition=Q(reason__in=["never_issued", "lost"]), name="agency_image_reason_valid"
            ),
            models.CheckConstraint(
                condition=Q(delivery__in=["on_site", "sms_link"]),
                name="agency_image_delivery_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} 登录二维码图片（{self.issued_at:%Y-%m-%d %H:%M}）"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.recipient_mobile)


class CommitmentText(models.Model):
    """The login commitment (登录承诺, AG-5), edited by the authority; each save is a version."""

    body = models.TextField("承诺内容")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="修改人",
    )
    created_at = models.DateTimeField("修改时间", default=timezone.now)

    class Meta:
        verbose_name = "登录承诺"
        verbose_name_plural = "登录承诺"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"登录承诺（{self.created_at:%Y-%m-%d %H:%M}）"


class CommitmentAcceptance(models.Model):
    """A unit's 同意 to a commitment version, once per sign-in."""

    unit = models.ForeignKey(AgencyUnit, on_delete=models.CASCADE, related_name="acceptances")
    image = models.ForeignKey(LoginImage, on_delete=models.CASCADE, related_name="acceptances")
    commitment = models.ForeignKey(CommitmentText, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField("同意时间", default=timezone.now)

    class Meta:
        verbose_name = "登录承诺同意记录"
        verbose_name_plural = "登录承诺同意记录"
        ordering = ["-accepted_at"]

    def __str__(self) -> str:
        return f"{self.unit_id} 同意登录承诺（{self.accepted_at:%Y-%m-%d %H:%M}）"


class Item(models.TextChoices):
    """The six items of 机关用户服务 (AG-2); 初领 and 延期 are handled on site only (AG-3)."""

    INITIAL = "initial", "申请初领"
    CHANGE = "change", "申请变更"
    REISSUE = "reissue", "申请补领"
    RENEW = "renew", "证书延期"
    REPLACE = "replace", "申请换领"
    REVOKE = "revoke", "申请撤销"


#: Items a unit files online (AG-3: the others answer 需要现场办理).
ONLINE_ITEMS: Final = (Item.CHANGE, Item.REISSUE, Item.REPLACE, Item.REVOKE)

#: The fields of the certificate a 变更 may change, with their labels.
CHANGEABLE_FIELDS: Final[dict[str, str]] = {
    "name": "名称",
    "head": "负责人",
    "address": "住所",
}


APPLICATION_STATES: Final = [
    "draft", "pending", "rejected", "in_review", "review_returned", "to_notify", "to_print", "done",
]  # fmt: skip


class Application(models.Model):
    """One online application of a unit (AG-5 … AG-8), a workflow object.

    ``changes`` holds the new values of a 变更 (``{field: new value}``); ``reason`` the 申请理由
    of the other items. ``version`` increases with every save of the unit's draft: a save that
    names an older version (a second browser tab) is refused. ``accepted_by`` is who accepted
    it (受理); ``reviewed_by`` who reviewed (复核), never the same person (DB constraint).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "未提交"
        PENDING = "pending", "待受理"
        REJECTED = "rejected", "未通过"
        IN_REVIEW = "in_review", "待复核"
        REVIEW_RETURNED = "review_returned", "复核退回"
        TO_NOTIFY = "to_notify", "待通知"
        TO_PRINT = "to_print", "待打印"
        DONE = "done", "已办结"

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.DRAFT: frozenset({Status.PENDING}),
        Status.PENDING: frozenset({Status.IN_REVIEW, Status.REJECTED}),
        Status.REJECTED: frozenset({Status.PENDING}),
        Status.IN_REVIEW: frozenset({Status.TO_NOTIFY, Status.REVIEW_RETURNED}),
        Status.REVIEW_RETURNED: frozenset({Status.IN_REVIEW, Status.REJECTED}),
        Status.TO_NOTIFY: frozenset({Status.TO_PRINT}),
        Status.TO_PRINT: frozenset({Status.DONE}),
        Status.DONE: frozenset(),
    }
    #: States in which the unit may edit, save and delete (AG-5, AG-8).
    EDITABLE: ClassVar[frozenset[str]] = frozenset({Status.DRAFT, Status.REJECTED})

    unit = models.ForeignKey(
        AgencyUnit, on_delete=models.PROTECT, related_name="applications", verbose_name="单位"
    )
    item = models.CharField("申办事项", max_length=16, choices=Item.choices)
    status = models.CharField(
        "办理进度", max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    reason = models.TextField("申请理由", blank=True)
    changes = models.JSONField("变更事项", default=dict, blank=True)
    reply = models.TextField("回复信息", blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="受理人",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="复核人",
    )
    before = models.JSONField("办结前登记信息", default=dict, blank=True)
    new_certificate_number = models.CharField("新证书编号", max_length=40, blank=True)
    licence_identifier = models.CharField("电子证照标识", max_length=128, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    completed_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = "机关赋码申请"
        verbose_name_plural = "机关赋码申请"
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open application per unit at a time.
            models.UniqueConstraint(
                fields=["unit"],
                condition=~Q(status="done"),
                name="agency_one_open_application",
            ),
            # 复核 by a second person, never the one who accepted.
            models.CheckConstraint(
                condition=Q(reviewed_by__isnull=True)
                | Q(accepted_by__isnull=True)
                | ~Q(reviewed_by=F("accepted_by")),
                name="agency_reviewer_is_not_acceptor",
            ),
            models.CheckConstraint(
                condition=Q(item__in=["change", "reissue", "replace", "revoke"]),
                name="agency_application_online_item",
            ),
            models.CheckConstraint(
                condition=Q(status__in=APPLICATION_STATES),
                name="agency_application_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.get_item_display()}（{self.get_status_display()}）"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def form_title(self) -> str:
        """AG-7: the paper form of this item."""
        if self.item == Item.CHANGE:
            return "机关、群团等统一社会信用代码证书信息变更申请表"
        return "机关、群团等统一社会信用代码申请表"


class Attachment(models.Model):
    """An attachment of an application (AG-6): a JPEG or a PDF, checked by content, sealed
    (AES-GCM, ``uploads.sealing``) in the default storage."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    material = models.CharField("材料名称", max_length=60)
    original_name = models.CharField("原文件名", max_length=120, blank=True)
    content_type = models.CharField("文件类型", max_length=32)
    size = models.PositiveIntegerField("文件大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    storage_name = models.CharField("存储路径", max_length=255, unique=True, editable=False)
    key_id = models.CharField("加密密钥编号", max_length=32, editable=False)
    created_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "申请附件"
        verbose_name_plural = "申请附件"
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(content_type__in=["image/jpeg", "application/pdf"]),
                name="agency_attachment_type",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.material}（{self.original_name}）"


class Article(models.Model):
    """An article of the platform's public site (AG-1), published by staff; ``body`` is
    sanitised HTML (``agency.services.articles.sanitise``), never rendered unsanitised."""

    class Category(models.TextChoices):
        NOTICE = "notice", "通知公告"
        POLICY = "policy", "政策法规"
        TECH = "tech", "技术服务"
        ANNUAL = "annual", "年度报告"

    category = models.CharField("栏目", max_length=16, choices=Category.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    published_on = models.DateField("发布日期", default=timezone.localdate)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="发布人",
    )
    application = models.OneToOneField(
        Application,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notice",
        verbose_name="公告的申请",
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "平台文章"
        verbose_name_plural = "平台文章"
        ordering = ["-published_on", "-pk"]
        indexes = [models.Index(fields=["category", "-published_on"], name="agency_article_list")]
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=["notice", "policy", "tech", "annual"]),
                name="agency_article_category_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ArticleAttachment(models.Model):
    """A PDF attached to an article (public, checked by content)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField("附件名称", max_length=120)
    storage_name = models.CharField("存储路径", max_length=255, unique=True, editable=False)
    size = models.PositiveIntegerField("文件大小（字节）")
    created_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "文章附件"
        verbose_name_plural = "文章附件"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class Aspect(models.TextChoices):
    """The five aspects of each item of the service guide (AG-2)."""

    SCOPE = "scope", "受理范围及条件"
    PROCESS = "process", "办理流程"
    MATERIALS = "materials", "申请材料"
    FORMS = "forms", "表格下载"
    CONTACTS = "contacts", "联系电话及其他"


class GuideEntry(models.Model):
    """One cell of the service guide (6 items × 5 aspects), edited by staff (sanitised)."""

    item = models.CharField("申办事项", max_length=16, choices=Item.choices)
    aspect = models.CharField("内容", max_length=16, choices=Aspect.choices)
    body = models.TextField("正文")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "服务指南"
        verbose_name_plural = "服务指南"
        ordering = ["item", "aspect"]
        constraints = [
            models.UniqueConstraint(fields=["item", "aspect"], name="agency_guide_cell_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_item_display()} · {self.get_aspect_display()}"
