"""Issue one licence per demo market entity in the registry (LIC-1 demo data): a business licence
(营业执照) to enterprises, individual businesses and cooperatives — the units market supervision
licenses — and a credit-code certificate (统一社会信用代码证书) to social organisations, agencies
and public institutions, which hold no business licence."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from zhengwu.core.errors import ZhengwuError
from zhengwu.licences.constants import LicenceType, Source
from zhengwu.licences.models import Issuer, Licence
from zhengwu.licences.services import licence_issue
from zhengwu.registry.constants import LegalPersonType
from zhengwu.registry.models import MarketEntity

#: Units that market supervision registers and licenses (营业执照); the others get the
#: credit-code certificate of the body that registered them.
BUSINESS_LICENSED = {
    LegalPersonType.ENTERPRISE,
    LegalPersonType.INDIVIDUAL_BUSINESS,
    LegalPersonType.COOPERATIVE,
}


def demo_licence_type(entity: MarketEntity) -> str:
    if entity.legal_person_type in BUSINESS_LICENSED:
        return LicenceType.BUSINESS_LICENCE
    return LicenceType.CREDIT_CODE_CERTIFICATE


DEMO_ISSUER_USCC = "11330000002482146U"
DEMO_ISSUER_NAME = "浙江省市场监督管理局（演示）"


class Command(BaseCommand):
    help = "Issue a demo licence to every market entity of the registry (demo data)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--if-empty", action="store_true", help="only if no licence exists")
        parser.add_argument("--limit", type=int, default=None, help="at most this many")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Licence.objects.exists():
            return
        issuer, _ = Issuer.objects.get_or_create(
            uscc=DEMO_ISSUER_USCC, defaults={"name": DEMO_ISSUER_NAME}
        )
        have = set(
            Licence.objects.filter(
                issuer=issuer,
                licence_type__in=[
                    LicenceType.BUSINESS_LICENCE,
                    LicenceType.CREDIT_CODE_CERTIFICATE,
                ],
            ).values_list("holder_uscc", flat=True)
        )
        entities = MarketEntity.objects.order_by("uscc")
        if options["limit"] is not None:
            entities = entities[: options["limit"]]
        with transaction.atomic():  # one commit: seconds instead of minutes on SQLite
            count = self._issue(issuer, entities, have)
        self.stdout.write(f"Issued {count} demo licences.")

    def _issue(self, issuer: Issuer, entities: Any, have: set[str]) -> int:
        count = 0
        for entity in list(entities):
            if entity.uscc in have:
                continue
            try:
                self._issue_one(issuer, entity)
            except ZhengwuError as exc:  # e.g. a known irregular code the register accepts
                self.stderr.write(f"{entity.uscc}: {exc.message}")
                continue
            count += 1
        return count

    def _issue_one(self, issuer: Issuer, entity: MarketEntity) -> None:
        with transaction.atomic():
            licence_issue(
                issuer=issuer,
                licence_type=demo_licence_type(entity),
                holder_uscc=entity.uscc,
                holder_name=entity.name,
                issued_on=entity.registered_on,
                particulars={
                    "名称": entity.name,
                    "类型": entity.get_entity_type_display(),
                    "法定代表人": entity.legal_rep_name,
                    "成立日期": f"{entity.registered_on:%Y年%m月%d日}",
                },
                source=Source.DEMO,
                actor="demo_licences",
            )
