"""JSON API of ``zhengwu.federation`` (mounted in ``zhengwu.api.api``)."""

from ninja import Router

router = Router(tags=["federation"])
