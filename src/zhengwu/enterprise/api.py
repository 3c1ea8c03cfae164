"""JSON API of ``zhengwu.enterprise`` (mounted in ``zhengwu.api.api``)."""

from ninja import Router

router = Router(tags=["enterprise"])
