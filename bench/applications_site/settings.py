"""Settings of the applications benchmark: the registration bench's settings (the portal's own,
sandbox providers, persistent connections, Redis) with a URLconf adding the bench views."""

from registration_site.settings import *  # noqa: F403

ROOT_URLCONF = "applications_site.urls"
