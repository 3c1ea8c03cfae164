"""Audit event types of the user space (stable: the audit log and docs refer to them)."""

EVENT_SESSIONS_ENDED = "workspace.sessions_ended"
EVENT_REPORTED_NOT_ME = "workspace.reported_not_me"
EVENT_MESSAGE_READ = "workspace.messages_read"

#: Sign-ins shown on the security page.
RECENT_SIGNINS = 20
