"""Native fast path of Zhengwu's registry import: ``zhengwu_native._rows.Preparer``.

Used by ``zhengwu.registry.services.rows`` when importable; the Python code remains the
reference and handles every row this code hands back (see docs/decisions, native row preparer).
"""
