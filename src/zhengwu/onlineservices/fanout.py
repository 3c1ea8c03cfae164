"""企业开办 (一日办结, SVC-2 item 4): one application fans out, when accepted, to parallel tasks
of several departments (设立登记, 公章刻制, 发票申领, 社保登记); each department completes its
own task from its desk, and the case is approved and completed when the last one is done.
Completing 设立登记 is market supervision's 准予 of the registration: the company is created in
the register with a new 91… USCC, its 营业执照 issued into 我的证照 and its legal-person account
opened with the applicant as legal representative (``entities.company_establish``). The
case's clock is the item's (one working day) and every task carries the same deadline.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhengwu.audit.services import record_event
from zhengwu.core.errors import ConfigurationError, IllegalTransition, NotFound, PermissionDenied
from zhengwu.core.workflow import transition

from . import permissions
from .constants import Decision, Status
from .models import Application, CaseTask, Department

#: (task, department code) of 企业开办, per 《企业开办提升行动方案》.
OPENING_TASKS = (
    ("设立登记", "shucheng-amr"),
    ("公章刻制", "shucheng-psb"),
    ("发票申领", "shucheng-tax"),
    ("社保登记", "shucheng-hrss"),
)
EVENT_TASK_DONE = "onlineservices.task_done"
#: The task whose completion (准予 of the registration) creates the company in the register.
REGISTRATION_TASK = "设立登记"


def _register_company(case: Application, task: CaseTask, actor: Any) -> Any:
    """设立登记 done = 准予: the company, its 营业执照 and account (``entities.company_establish``),
    issued in the name of the registering department's issuer, in the task's transaction."""
    from .entities import company_establish

    issuer = task.department.issuer
    if issuer is None:
        raise ConfigurationError(
            f"{task.department.name}未配置发证机构", code="department.no_issuer"
        )
    return company_establish(case, actor=actor, issuer=issuer)


def tasks_create(case: Application, *, due_on: datetime.date) -> list[CaseTask]:
    """The parallel tasks of an accepted 企业开办 case (inside 受理's transaction)."""
    departments = {
        d.code: d for d in Department.objects.filter(code__in=[c for _n, c in OPENING_TASKS])
    }
    missing = [code for _name, code in OPENING_TASKS if code not in departments]
    if missing:
        raise IllegalTransition(f"并联部门未配置：{'、'.join(missing)}", code="fanout.department")
    return CaseTask.objects.bulk_create(
        [
            CaseTask(application=case, department=departments[code], name=name, due_on=due_on)
            for name, code in OPENING_TASKS
        ]
    )


def task_complete(*, actor: Any, task_id: int) -> CaseTask:
    """A department marks its task done; the last one approves and completes the case."""
    with transaction.atomic():
        task = (
            CaseTask.objects.select_for_update(of=("self",))
            .select_related("department__issuer")
            .filter(pk=task_id)
            .first()
        )
        if task is None or not permissions.can_work_on(actor, task.department_id):
            raise NotFound("任务不存在")
        if not permissions.can_handle(actor):
            raise PermissionDenied()
        if task.done_at is not None:
            raise IllegalTransition("该任务已完成", code="task.done")
        case = (
            Application.objects.select_for_update()
            .select_related("item", "applicant", "department")
            .get(pk=task.application_id)
        )
        if case.status != Status.ACCEPTED:
            raise IllegalTransition("办件不在审查中", code="task.case_not_running")
        after: dict[str, str] = {"task": task.name}
        if task.name == REGISTRATION_TASK:
            licence = _register_company(case, task, actor)
            after["uscc"] = licence.holder_uscc
        task.done_at, task.done_by = timezone.now(), actor
        task.save(update_fields=["done_at", "done_by"])
        record_event(EVENT_TASK_DONE, actor=actor, subject=case, after=after)
        if not CaseTask.objects.filter(application=case, done_at__isnull=True).exists():
            transition(
                case,
                Status.APPROVED,
                actor=actor,
                reason="并联任务全部办结",
                changes={
                    "decision": Decision.APPROVE,
                    "decided_by": actor,
                    "version": case.version + 1,
                },
            )
            from .services import complete_locked

            complete_locked(case, actor=actor)
    return task
