"""Settings of the applications benchmark: the registration bench's settings (the portal's own,
sandbox providers, persistent connections, Redis) with production's session engine and a
URLconf adding the bench views."""

from registration_site.settings import *  # noqa: F403

ROOT_URLCONF = "applications_site.urls"
# Sessions as production keeps them (``zhengwu.settings.production``): cached in Redis, written
# through to the database. Only the subject reads a session (the baseline has none).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
