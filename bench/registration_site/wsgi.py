"""WSGI entry point of the registration benchmark.

With ``ZHENGWU_BENCH_STEP1_PROPOSAL=1`` (set by ``bench/registration.py --proposal`` for its
second gunicorn only) the workers would apply a what-if change to step 1 defined here, to be
measured against the shipped code in the same run without the portal's code changing. None is
pending: the last one (one ``verify`` call instead of ``lookup`` then ``verify``) shipped in
``registrations.services._registry_check``.

(Also tried: one ``transaction.atomic`` around the draft and its audit event. It saves a WAL
flush but adds the BEGIN and COMMIT round trips; measured interleaved it changed nothing.)
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registration_site.settings")
application = get_wsgi_application()
if os.environ.get("ZHENGWU_BENCH_STEP1_PROPOSAL") == "1" and os.environ.get("WHATIF"):
    import sys
    sys.path.insert(0, "/tmp/prof")
    import whatif
    whatif.apply()
