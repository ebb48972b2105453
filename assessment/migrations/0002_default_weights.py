"""The weight table's default values (R-SCORE-1); administrators change them."""

from decimal import Decimal

from django.db import migrations

DEFAULTS = {
    "accountability": Decimal("1"),
    "patrol": Decimal("1"),
    "late": Decimal("0.5"),
    "dissatisfied": Decimal("1"),
    "very_dissatisfied": Decimal("2"),
    "complaint": Decimal("3"),
    "thanks": Decimal("2"),
    "good_deed": Decimal("3"),
    "honour": Decimal("5"),
}


def seed(apps, schema_editor):
    Weight = apps.get_model("assessment", "Weight")
    for code, value in DEFAULTS.items():
        Weight.objects.get_or_create(code=code, defaults={"value": value})


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
