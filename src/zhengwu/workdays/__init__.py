"""The working-day calendar (CAL-1): which dates are 工作日, and deadlines counted in them.

Reads: ``zhengwu.workdays.selectors`` (``is_working_day``, ``add_working_days``, ``deadline``...).
Writes (staff edits, seeding): ``zhengwu.workdays.services``. Rules: docs/workflows/working-days.md.
"""
