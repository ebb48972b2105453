"""Seed the weekly pattern, the 2004–2026 holiday schedule and the seven persona groups."""

import datetime as dt

from django.db import migrations

ROLES = [
    "clerk",
    "window_head",
    "department_head",
    "supervisor",
    "director",
    "inspector",
    "applicant",
]


def forward(apps, schema_editor):
    from hall.calendar_seed import seed

    Weekday = apps.get_model("hall", "Weekday")
    for weekday in range(7):
        Weekday.objects.get_or_create(
            weekday=weekday,
            defaults={
                "is_working_day": weekday < 5,
                "morning_opens": dt.time(9, 0),
                "morning_closes": dt.time(12, 0),
                "afternoon_opens": dt.time(13, 30),
                "afternoon_closes": dt.time(17, 30),
            },
        )
    seed(apps.get_model("hall", "CalendarDay"), apps.get_model("hall", "CalendarYear"), 2004, 2026)
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("hall", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
