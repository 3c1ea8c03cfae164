"""``manage.py demo_personas``: the demo personas and the back-office credentials."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from zhengwu.registry import conf
from zhengwu.registry.constants import IdType
from zhengwu.registry.models import MarketEntity
from zhengwu.registry.services.demo import PERSONAS


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    """Print the fixed demo personas (sandbox only: this is fictitious data, printed in full)."""

    help = "列出演示人物（统一社会信用代码、单位名称、姓名、证件号码、手机号码）和后台管理员账号"

    def handle(self, *args: Any, **options: Any) -> None:
        if not conf.sandbox_enabled():
            raise CommandError(
                "仅在沙箱模式（ZHENGWU_SANDBOX=1）下可用：演示人物只存在于演示数据中。"
            )
        loaded = set(
            MarketEntity.objects.filter(uscc__in=[p.uscc for p in PERSONAS]).values_list(
                "uscc", flat=True
            )
        )
        header = ("人物", "统一社会信用代码", "单位名称", "姓名", "证件", "证件号码", "手机号码")
        rows = [
            (
                p.key,
                p.uscc,
                p.unit_name,
                p.name,
                str(IdType(p.legal_rep_id_type).label) if not p.person_id_number else "居民身份证",
                p.id_number,
                p.mobile,
            )
            for p in PERSONAS
        ]
        widths = [max(_width(r[i]) for r in (header, *rows)) for i in range(len(header))]
        self.stdout.write("演示人物（虚构数据，仅用于沙箱试用；短信验证码见 /sandbox/sms/）：")
        for row in (header, *rows):
            self.stdout.write("  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)))
        self.stdout.write("")
        for p in PERSONAS:
            self.stdout.write(f"  {p.key}: {p.role}")
        if len(loaded) < len({p.uscc for p in PERSONAS if p.in_registry}):
            self.stdout.write(
                self.style.WARNING("登记库中还没有演示人物：请先运行 manage.py demo_data")
            )
        users = get_user_model()
        if users.objects.filter(username=conf.DEMO_ADMIN_USERNAME).exists():
            self.stdout.write(
                f"\n后台管理（/admin/）：用户名 {conf.DEMO_ADMIN_USERNAME}，"
                f"密码 {conf.demo_password()}"
                "（可用环境变量 ZHENGWU_DEMO_PASSWORD 修改）"
            )
        else:
            self.stdout.write("\n后台管理员尚未创建：运行 manage.py demo_data 创建。")
