"""Settings of the registrations app, read at call time (``override_settings`` works)."""

from __future__ import annotations

from django.conf import settings


def max_rejections_per_day() -> int:
    """``ZHENGWU_REG_MAX_REJECTIONS_PER_DAY`` (REG-8, seed 001 三.3): after this many rejections
    by one organisation in one day an operator cannot apply to it again that day (default 3)."""
    return int(getattr(settings, "ZHENGWU_REG_MAX_REJECTIONS_PER_DAY", 3))


def draft_ttl_seconds() -> int:
    """``ZHENGWU_REG_DRAFT_TTL_SECONDS``: how long a wizard in progress (and the lock it holds on
    the mobile, REG-8) lives after its last step (default 1800 s)."""
    return int(getattr(settings, "ZHENGWU_REG_DRAFT_TTL_SECONDS", 1800))


def agent_review_rule() -> str:
    """``ZHENGWU_AGENT_REVIEW_RULE`` (REG-10, CAL-1): the review deadline of agent
    registrations — ``working_day_1`` (end of the next working day, default) or
    ``working_hours_48`` (48 working hours), counted from the signature."""
    from zhengwu.core.errors import ConfigurationError

    from .agent.constants import AgentReviewRule

    rule = str(getattr(settings, "ZHENGWU_AGENT_REVIEW_RULE", "") or AgentReviewRule.WORKING_DAY_1)
    if rule not in AgentReviewRule.values:
        raise ConfigurationError(
            f"ZHENGWU_AGENT_REVIEW_RULE={rule!r} 无效，应为 working_day_1 或 working_hours_48",
            code="configuration.agent_review_rule",
        )
    return rule


def agent_result_queries_per_window() -> int:
    """How many 法人注册结果 queries one IP address may make in ten minutes (REG-10)."""
    return int(getattr(settings, "ZHENGWU_AGENT_RESULT_QUERIES_PER_WINDOW", 10))
