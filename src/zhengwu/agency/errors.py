"""Errors of the agency platform (codes ``agency.*``), each with its own Chinese message."""

from __future__ import annotations

from zhengwu.core.errors import IllegalTransition, RateLimited, ValidationFailed


class ImageNotAnImage(ValidationFailed):
    code = "agency.signin.not_image"
    message = "上传的文件不是图片，请上传保存的登录二维码图片（PNG 或 JPEG）"
    field = "image"


class ImageTooLarge(ValidationFailed):
    code = "agency.signin.too_large"
    message = "登录二维码图片过大，请上传不超过 8 MB 的 PNG 或 JPEG 图片"
    field = "image"


class ImageNoCode(ValidationFailed):
    code = "agency.signin.no_qr"
    message = "未能在图片中识别出二维码，请上传清晰、完整的登录二维码图片"
    field = "image"


class ImageUnknown(ValidationFailed):
    code = "agency.signin.unknown_image"
    message = "该二维码不是有效的登录二维码图片，请核对后重新上传"
    field = "image"


class ImageRevoked(ValidationFailed):
    code = "agency.signin.revoked_image"
    message = "该登录二维码图片已作废（已签发新的图片），请使用最新领取的图片登录"
    field = "image"


class UnitRevoked(IllegalTransition):
    code = "agency.unit_revoked"
    message = "该单位的统一社会信用代码已撤销，不能登录办理业务"


class SigninThrottled(RateLimited):
    code = "agency.signin.throttled"
    message = "登录失败次数过多，请稍后再试"
