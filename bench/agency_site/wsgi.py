"""WSGI entry point of the agency sign-in benchmark."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agency_site.settings")
application = get_wsgi_application()
