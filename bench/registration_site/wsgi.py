"""WSGI entry point of the registration benchmark.

With ``ZHENGWU_BENCH_STEP1_PROPOSAL=1`` (set by ``bench/registration.py --proposal`` for its
second gunicorn only) the workers measure a step-1 change proposed in docs/performance.md
without the portal's code changing (a what-if, never shipped): ``_registry_check`` asks the
provider's ``verify`` once (its result carries the entity) instead of ``lookup`` then
``verify`` — three database round trips per step 1 instead of four. Same checks, codes and
messages as ``registrations.services._registry_check``.

(Also tried: one ``transaction.atomic`` around the draft and its audit event. It saves a WAL
flush but adds the BEGIN and COMMIT round trips; measured interleaved it changed nothing.)
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registration_site.settings")
application = get_wsgi_application()


def _apply_step1_proposal() -> None:
    from zhengwu import identifiers
    from zhengwu.integrations.registry import CheckField, RegistryQuery, get_registry
    from zhengwu.registrations import services
    from zhengwu.registrations.errors import RegistryCheckFailed

    def registry_check(*, uscc: str, name: str, label: str, rep_name: str, rep_number: str) -> None:
        check = get_registry().verify(
            RegistryQuery(
                uscc=uscc, name=name, legal_rep_name=rep_name, legal_rep_id_number=rep_number
            )
        )
        entity = check.entity
        if entity is None:
            raise RegistryCheckFailed(
                "统一社会信用代码未在登记信息中查到，统一社会信用代码实名认证失败",
                code="registry.not_found",
                field="uscc",
            )
        if not entity.is_active:
            raise RegistryCheckFailed(
                f"该单位登记状态为“{entity.status_label}”，不能注册法人账号",
                code="registry.inactive",
                field="uscc",
            )
        if identifiers.normalise(entity.name) != identifiers.normalise(name):
            raise RegistryCheckFailed(
                f"{label}与登记信息不一致，{label}实名认证失败",
                code="registry.name_mismatch",
                field="organisation_name",
            )
        failed = set(check.failed_fields)
        if CheckField.LEGAL_REP_NAME in failed or CheckField.LEGAL_REP_ID_NUMBER in failed:
            raise RegistryCheckFailed(
                "法定代表人信息实名认证失败",
                code="registry.legal_rep_mismatch",
                field="legal_rep_name"
                if CheckField.LEGAL_REP_NAME in failed
                else "legal_rep_id_number",
            )

    services._registry_check = registry_check  # type: ignore[assignment]


if os.environ.get("ZHENGWU_BENCH_STEP1_PROPOSAL") == "1":
    _apply_step1_proposal()
