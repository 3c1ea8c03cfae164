"""The service catalogue (政务服务事项, SVC-1) and online applications (办件, SVC-2).

A :class:`ServiceItem` carries its guide (办事指南) and its form as data (``form_schema``, see
``forms_schema.py``); an :class:`Application` is one case, from 暂存 to 办结, whose ``status``
changes only through ``core.workflow.transition``. ``version`` grows with every change a
department makes: a decision posted against an older version is refused (optimistic
concurrency, SVC-2 bad input).
"""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from zhengwu.licences.constants import LicenceType

from .constants import (
    TRANSITIONS,
    ApplicantKind,
    Decision,
    Handler,
    ItemKind,
    MaterialForm,
    Rating,
    Status,
)
from .storage import catalogue_storage


def search_key(*parts: str) -> str:
    """The normalised search text: NFKC (full-width → half-width), lower case, no spaces.
    Compared with ``contains`` on both SQLite and PostgreSQL (Chinese has no word breaks)."""
    text = unicodedata.normalize("NFKC", "".join(parts))
    return "".join(text.split()).lower()


class Department(models.Model):
    """实施部门: the body that handles an item. ``staff`` are its back-office members."""

    code = models.CharField("部门编码", max_length=32, unique=True)
    name = models.CharField("部门名称", max_length=100, unique=True)
    order = models.PositiveIntegerField("排序", default=0)
    region_code = models.CharField("行政区划代码", max_length=6, default="341523")
    issuer = models.ForeignKey(
        "licences.Issuer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="发证机构",
        help_text="准予后以其名义颁发电子证照",
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="service_departments",
        verbose_name="工作人员",
    )

    class Meta:
        verbose_name = "实施部门"
        verbose_name_plural = "实施部门"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Theme(models.Model):
    """办事主题 (开办企业, 食品经营, 注销 …) for browsing by theme."""

    code = models.CharField("主题编码", max_length=32, unique=True)
    name = models.CharField("主题名称", max_length=50, unique=True)
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "办事主题"
        verbose_name_plural = "办事主题"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class ServiceItem(models.Model):
    """One 政务服务事项 and its 办事指南 (SVC-1)."""

    code = models.CharField("事项编码", max_length=64, unique=True)
    name = models.CharField("事项名称", max_length=200)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="items", verbose_name="实施部门"
    )
    section = models.CharField("承办股室", max_length=100, blank=True)
    kind = models.CharField("事项类型", max_length=32, choices=ItemKind.choices)
    themes = models.ManyToManyField(Theme, blank=True, related_name="items", verbose_name="主题")
    applicant_kind = models.CharField(
        "服务对象", max_length=16, choices=ApplicantKind.choices, default=ApplicantKind.LEGAL_PERSON
    )
    is_fully_online = models.BooleanField("全程网办", default=True)
    is_high_frequency = models.BooleanField("高频事项", default=False)
    statutory_days = models.PositiveIntegerField("法定办结时限（工作日）")
    promised_days = models.PositiveIntegerField("承诺办结时限（工作日）")
    conditions = models.TextField("受理条件", blank=True)
    process = models.JSONField("办理流程", default=list, blank=True)
    fee = models.CharField("收费标准", max_length=200, default="不收费")
    legal_basis = models.TextField("设定依据", blank=True)
    contacts = models.CharField("咨询电话", max_length=100, blank=True)
    address = models.CharField("办理地点", max_length=200, blank=True)
    needs_separate_decider = models.BooleanField(
        "审查与决定须由不同人员", default=False, help_text="受理人不得作出决定"
    )
    handler = models.CharField(
        "办结结果", max_length=32, choices=Handler.choices, default=Handler.GENERIC
    )
    form_schema = models.JSONField("申请表字段", default=list, blank=True)
    is_published = models.BooleanField("已发布", default=True)
    search_text = models.CharField("检索文本", max_length=400, editable=False, db_index=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "政务服务事项"
        verbose_name_plural = "政务服务事项"
        ordering = ["department__order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(promised_days__lte=models.F("statutory_days")),
                name="onlineservices_item_promise_within_statute",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ItemKind.values), name="onlineservices_item_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_text = search_key(self.name, self.code)[:400]
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Material(models.Model):
    """申请材料 of an item. ``licence_type``: an electronic licence of this type held by the
    applicant stands in for it (电子证照免提交, SVC-2a)."""

    item = models.ForeignKey(
        ServiceItem, on_delete=models.CASCADE, related_name="materials", verbose_name="事项"
    )
    name = models.CharField("材料名称", max_length=200)
    is_required = models.BooleanField("必须提交", default=True)
    form = models.CharField(
        "材料形式", max_length=16, choices=MaterialForm.choices, default=MaterialForm.ELECTRONIC
    )
    copies = models.PositiveSmallIntegerField("份数", default=1)
    # Sealed in the private store, served by views.catalogue_file (decision 0025).
    blank_form = models.FileField(
        "空白表格", upload_to="catalogue/forms/", blank=True, storage=catalogue_storage
    )
    sample = models.FileField(
        "示例样本", upload_to="catalogue/samples/", blank=True, storage=catalogue_storage
    )
    licence_type = models.CharField(
        "可由电子证照替代", max_length=32, choices=LicenceType.choices, blank=True
    )
    note = models.CharField("填报说明", max_length=300, blank=True)
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "name"], name="onlineservices_material_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Application(models.Model):
    """One case (办件). The draft row *is* the case: 提交 moves it out of 暂存 once (a second
    submission finds it no longer a draft), and the case number is unique in the database."""

    TRANSITIONS = TRANSITIONS

    item = models.ForeignKey(
        ServiceItem, on_delete=models.PROTECT, related_name="applications", verbose_name="事项"
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name="实施部门",
        db_index=False,
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="service_applications",
        verbose_name="申请人账号",
        db_index=False,
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_applications",
        verbose_name="申请单位",
    )
    applicant_name = models.CharField("申请人", max_length=200)
    applicant_uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    # Unique by a constraint (Meta), not ``unique=True``: that would add a second,
    # ``varchar_pattern_ops`` index on PostgreSQL that no query uses (decision 0033). NULL,
    # not "", until 提交: drafts have no number and must not collide.
    number = models.CharField("办件编号", max_length=32, null=True, blank=True)  # noqa: DJ001
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    form_data = models.JSONField("申请表", default=dict, blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="受理人",
        db_index=False,
    )
    due_on = models.DateField("承诺办结日期", null=True, blank=True)
    suspended_on = models.DateField("补正开始日期", null=True, blank=True)
    suspended_days = models.PositiveIntegerField("补正暂停工作日", default=0)
    extended_days = models.PositiveIntegerField("延长工作日", default=0)
    correction_notice = models.TextField("补正告知", blank=True)
    decision = models.CharField("决定", max_length=16, choices=Decision.choices, blank=True)
    decision_reason = models.TextField("决定理由", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="决定人",
        db_index=False,
    )
    completed_at = models.DateTimeField("办结时间", null=True, blank=True)
    result_licence = models.ForeignKey(
        "licences.Licence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="办理结果（电子证照）",
        db_index=False,
    )
    helped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="帮办人员",
        db_index=False,
    )
    # 帮办 (SVC-2a): the unit confirms the assisted application with an SMS code before 提交.
    assist_code_hash = models.CharField("帮办确认码摘要", max_length=64, blank=True)
    assist_code_sent_at = models.DateTimeField("确认码发送时间", null=True, blank=True)
    assist_code_attempts = models.PositiveSmallIntegerField("确认码错误次数", default=0)
    assist_confirmed_at = models.DateTimeField("单位确认时间", null=True, blank=True)

    class Meta:
        verbose_name = "办件"
        verbose_name_plural = "办件"
        permissions = [
            ("handle_application", "受理、补正、办结办件"),
            ("decide_application", "作出准予或不予决定"),
            ("extend_application", "延长办理时限"),
            ("manage_catalogue", "维护政务服务事项目录"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="onlineservices_app_number_unique"),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="onlineservices_app_status_valid"
            ),
            # Out of 暂存 means a case number (assigned once, unique above).
            models.CheckConstraint(
                condition=Q(status=Status.DRAFT) | Q(number__isnull=False),
                name="onlineservices_app_number_after_submit",
            ),
        ]
        # Every change of a case writes an entry in each of its indexes (a new state is never
        # a HOT update): only these, which queries use. The department's and the applicant's
        # own indexes lead these composites; the staff and licence columns are never looked
        # up by value (decision 0033).
        indexes = [
            # The department queue: its cases by state, newest first (keyset on id).
            models.Index(fields=["department", "status", "-id"], name="os_app_queue"),
            models.Index(fields=["department", "due_on", "id"], name="os_app_queue_due"),
            models.Index(fields=["applicant", "-id"], name="os_app_mine"),
        ]

    def __str__(self) -> str:
        return f"{self.number or '暂存'} {self.item.name}"

    @property
    def is_overdue(self) -> bool:
        return bool(
            self.due_on and self.status in (Status.ACCEPTED,) and self.due_on < timezone.localdate()
        )


class ApplicationMaterial(models.Model):
    """A material of a case: an uploaded file (checked by content) or an electronic licence
    the applicant holds (电子证照免提交)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="materials", verbose_name="办件"
    )
    material = models.ForeignKey(Material, on_delete=models.PROTECT, verbose_name="材料")
    upload = models.ForeignKey(
        "uploads.PrivateUpload",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name="文件",
    )
    licence = models.ForeignKey(
        "licences.Licence", on_delete=models.PROTECT, null=True, blank=True, verbose_name="电子证照"
    )
    attached_at = models.DateTimeField("提交时间", default=timezone.now)

    class Meta:
        verbose_name = "办件材料"
        verbose_name_plural = "办件材料"
        constraints = [
            models.UniqueConstraint(
                fields=["application", "material"], name="onlineservices_one_file_per_material"
            ),
            models.CheckConstraint(
                condition=Q(upload__isnull=False, licence__isnull=True)
                | Q(upload__isnull=True, licence__isnull=False),
                name="onlineservices_material_upload_xor_licence",
            ),
        ]

    def __str__(self) -> str:
        return self.material.name


class Suspension(models.Model):
    """One 补正 period (一次性告知): the clock stood still from ``started_on`` to ``ended_on``
    for ``working_days`` working days, for ``reason``."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="suspensions", verbose_name="办件"
    )
    reason = models.TextField("补正内容")
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    working_days = models.PositiveIntegerField("暂停工作日", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="经办人"
    )

    class Meta:
        verbose_name = "补正记录"
        verbose_name_plural = "补正记录"
        ordering = ["started_on", "pk"]
        constraints = [
            # One open 补正 per case at a time.
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(ended_on__isnull=True),
                name="onlineservices_one_open_suspension",
            )
        ]

    def __str__(self) -> str:
        return f"补正 {self.started_on}"


class Extension(models.Model):
    """延长: the time limit grew by ``days`` working days, granted by ``granted_by``."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="extensions", verbose_name="办件"
    )
    days = models.PositiveIntegerField("延长工作日")
    reason = models.TextField("延长理由")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="批准人"
    )
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "延长记录"
        verbose_name_plural = "延长记录"
        constraints = [
            models.CheckConstraint(condition=Q(days__gte=1), name="onlineservices_extension_days")
        ]

    def __str__(self) -> str:
        return f"延长 {self.days} 个工作日"


class Evaluation(models.Model):
    """好差评 (SVC-2b): one per case, after 办结; a comment for the two lowest grades."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="evaluation", verbose_name="办件"
    )
    rating = models.PositiveSmallIntegerField("评价", choices=Rating.choices)
    comment = models.TextField("评价内容", blank=True)
    created_at = models.DateTimeField("评价时间", default=timezone.now)

    class Meta:
        verbose_name = "好差评"
        verbose_name_plural = "好差评"
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="onlineservices_rating_range"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=3) | ~Q(comment=""),
                name="onlineservices_low_rating_comment",
            ),
        ]

    def __str__(self) -> str:
        return self.get_rating_display()


class LiquidationNotice(models.Model):
    """清算公告: published on the portal before 企业普通注销登记; its 45 days are not counted in
    the time limit of the case (seed 002 二.10)."""

    organisation = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="liquidation_notice",
        verbose_name="单位",
    )
    uscc = models.CharField("统一社会信用代码", max_length=18)
    name = models.CharField("单位名称", max_length=200)
    text = models.TextField("公告内容")
    published_on = models.DateField("公告日期")
    ends_on = models.DateField("公告期满日期")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="发布人"
    )

    class Meta:
        verbose_name = "清算公告"
        verbose_name_plural = "清算公告"
        ordering = ["-published_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("published_on")),
                name="onlineservices_notice_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}清算公告"


class CaseTask(models.Model):
    """One department's part of a fanned-out case (企业开办: 设立登记, 公章刻制, 发票申领,
    社保登记). The case is done when every task is."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="tasks", verbose_name="办件"
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="tasks", verbose_name="承办部门"
    )
    name = models.CharField("任务", max_length=50)
    due_on = models.DateField("办结期限")
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="办理人",
    )

    class Meta:
        verbose_name = "并联任务"
        verbose_name_plural = "并联任务"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "name"], name="onlineservices_task_unique"
            )
        ]
        indexes = [models.Index(fields=["department", "done_at"], name="os_task_open")]

    def __str__(self) -> str:
        return self.name
