"""Audit event types, the session key of the owner token and the storage layout."""

EVENT_STORED = "upload.stored"
EVENT_VIEWED = "upload.viewed"
EVENT_VIEW_DENIED = "upload.view_denied"
EVENT_ATTACHED = "upload.attached"
EVENT_DELETED = "upload.deleted"

# Subject type of the audit events (the model's label_lower, also for unknown ids).
SUBJECT_TYPE = "uploads.privateupload"

# Reviewers: staff members holding this permission see every upload.
VIEW_PERMISSION = "uploads.view_privateupload"

# Where the wizard keeps the owner token of uploads made before an account exists.
OWNER_TOKEN_SESSION_KEY = "uploads.owner_token"

# Storage names: uploads/YYYY/MM/<uuid hex>.jpg.enc (never any user-supplied text).
STORAGE_PREFIX = "uploads"
STORAGE_SUFFIX = ".jpg.enc"

CONTENT_TYPE = "image/jpeg"
JPEG_QUALITY = 90
