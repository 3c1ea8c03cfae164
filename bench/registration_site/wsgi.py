"""WSGI entry point of the registration benchmark.

With ``ZHENGWU_BENCH_STEP1_PROPOSAL=1`` (set by ``bench/registration.py --proposal`` for its
second gunicorn only) the workers would apply a what-if change to step 1 defined here, to be
measured against the shipped code in the same run without the portal's code changing. None is
pending. Shipped after being measured here: one ``verify`` call instead of ``lookup`` then
``verify`` (``registrations.common.registry.registry_check``); the step-1 draft in a sealed token
instead of a row (a Redis entry measured 10 % slower), with the audit INSERT built once
(decision 0017).

(Also tried: one ``transaction.atomic`` around the draft and its audit event. It saves a WAL
flush but adds the BEGIN and COMMIT round trips; measured interleaved it changed nothing.
PostgreSQL server-side binding (``server_side_binding``, prepared statements): no change.
Partial audit indexes on ``actor_id``/``organisation_id IS NOT NULL``: no change.)
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registration_site.settings")
if os.environ.get("ZHENGWU_BENCH_STEP1_PROPOSAL") == "1":
    # What-if: the step-1 audit INSERT commits without waiting for the WAL flush
    # (synchronous_commit = off for its one-statement transaction; upper bound measured by
    # switching it off for the whole connection of the proposal's workers).
    from django.db.backends.signals import connection_created

    def _relaxed(sender, connection, **kwargs):  # type: ignore[no-untyped-def]
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")

    connection_created.connect(_relaxed)

application = get_wsgi_application()
