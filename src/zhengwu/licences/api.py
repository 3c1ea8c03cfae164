"""JSON API of ``zhengwu.licences`` (mounted in ``zhengwu.api.api``)."""

from ninja import Router

router = Router(tags=["licences"])
