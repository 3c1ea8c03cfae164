"""Refusals of the campaign engine (stable codes, Chinese messages naming the field)."""

from __future__ import annotations

from zhengwu.core.errors import ZhengwuError


class MilestonesOutOfOrder(ZhengwuError):
    code = "campaigns.milestones_out_of_order"
    message = "阶段目标顺序有误：日期越晚，目标比例必须越高，且日期不得早于开始日期。"
    field = "milestones"


class WeekAlreadyReported(ZhengwuError):
    code = "campaigns.week_already_reported"
    message = "该周统计已上报并冻结，不能重新计算。"
    status = 409
    field = "week"


class WeekNotDue(ZhengwuError):
    code = "campaigns.week_not_due"
    message = "该周统计时间尚未到，不能生成周报。"
    status = 409
    field = "week"


class BulletinNotDue(ZhengwuError):
    code = "campaigns.bulletin_not_due"
    message = "该月通报尚未生成：月通报在次月第一个工作日生成。"
    status = 404
    field = "month"


class CampaignInvalid(ZhengwuError):
    code = "campaigns.invalid"
    message = "专项行动配置有误"
