"""JSON API of ``zhengwu.orgcentre`` (mounted in ``zhengwu.api.api``)."""

from ninja import Router

router = Router(tags=["orgcentre"])
