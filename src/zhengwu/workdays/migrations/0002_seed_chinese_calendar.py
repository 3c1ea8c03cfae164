"""Seed the calendar from chinesecalendar, so that a fresh database covers every known year."""

from django.db import migrations


def seed(apps, schema_editor):
    from zhengwu.workdays.seeding import sync_from_chinese_calendar

    sync_from_chinese_calendar(apps.get_model("workdays", "CalendarDay"),
                               apps.get_model("workdays", "CalendarYear"))


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    # Reversing keeps the rows: 0001's reversal drops the tables anyway.
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
