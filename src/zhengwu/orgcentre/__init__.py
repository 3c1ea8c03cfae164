"""The organisation centre: operators, administrators, applications (ACC-4, ACC-5)."""
