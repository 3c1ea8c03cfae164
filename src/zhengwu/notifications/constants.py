"""Audit event types of the notifications app (stable: reports and tests use them)."""

# No longer written (decision 0035: the outbox row and its request id record a queued
# message); older audit rows keep it.
SMS_QUEUED = "sms.queued"
SMS_SENT = "sms.sent"
SMS_FAILED = "sms.failed"
SMS_EXPIRED = "sms.expired"
SMS_REQUEUED_STALE = "sms.requeued_stale"
SMS_COPY_FAILED = "sms.copy_failed"

CODE_SENT = "verification_code.sent"
CODE_RATE_LIMITED = "verification_code.rate_limited"
CODE_VERIFIED = "verification_code.verified"
CODE_CHECK_FAILED = "verification_code.check_failed"
CODE_LOCKED = "verification_code.locked"

CODE_TEMPLATE_PREFIX = "verification_code."
