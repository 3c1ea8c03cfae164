"""Test helpers of the online services: the cast, a filled food-licence case in each state."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from zhengwu.accounts.tests.factories import UserFactory
from zhengwu.onlineservices import services
from zhengwu.onlineservices.models import Application, Department, ServiceItem
from zhengwu.uploads.tests.samples import jpeg

FOOD_LICENCE = "340000-SCJG-XK-002"
FOOD_FILING = "340000-SCJG-BA-003"
DEREGISTRATION = "340000-SCJG-DJ-006"
INDIVIDUAL = "340000-SCJG-XK-001"

FOOD_DATA = {
    "contact_mobile": "13957100001",
    "premises": "舒城县城关镇梅河路 18 号",
    "business_form": "销售",
    "business_scope": "预包装食品销售（含冷藏冷冻食品）",
    "online_sales": "否",
    "safety_officer": "李明",
    "safety_officer_id": "110101199003074258",
}


def jpeg_upload(name: str = "scan.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg(400, 300), content_type="image/jpeg")


def desk_user(username: str, department: Department, *codenames: str) -> Any:
    """A department staff member holding ``codenames`` of ``onlineservices``."""
    user = UserFactory(staff=True, username=username)
    user.user_permissions.add(  # type: ignore[attr-defined]
        *Permission.objects.filter(content_type__app_label="onlineservices", codename__in=codenames)
    )
    department.staff.add(user)  # type: ignore[arg-type]
    return user


def attach_all(application: Application, actor: Any) -> None:
    for material in application.item.materials.all():
        services.application_attach_file(
            actor=actor, application=application, material_id=material.pk, file=jpeg_upload()
        )


def submitted_case(
    item: ServiceItem, actor: Any, organisation: Any, data: dict[str, Any] | None = None
) -> Application:
    application = services.application_start(actor=actor, item=item, organisation=organisation)
    attach_all(application, actor)
    return services.application_submit(
        actor=actor, application=application, data=dict(data or FOOD_DATA)
    )


MONDAY = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
