"""Bench-only Django site for ``bench/registration.py``: the portal's settings and URLs plus a
baseline view. Never imported by the portal. (A package, not ``bench/*.py``, so that
``scripts/bench.sh`` does not run it as a benchmark.)"""
