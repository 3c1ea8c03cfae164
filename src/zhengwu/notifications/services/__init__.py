"""Services of the notifications app: the SMS outbox and verification codes."""

from .codes import verification_code_check, verification_code_send
from .inbox import inbox_copy, inbox_mark_read
from .outbox import sms_deliver, sms_relay, sms_retry_due, sms_send

__all__ = [
    "inbox_copy",
    "inbox_mark_read",
    "sms_deliver",
    "sms_relay",
    "sms_retry_due",
    "sms_send",
    "verification_code_check",
    "verification_code_send",
]
