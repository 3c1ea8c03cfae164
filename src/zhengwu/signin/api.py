"""JSON API of ``zhengwu.signin`` (mounted in ``zhengwu.api.api``)."""

from ninja import Router

router = Router(tags=["signin"])
