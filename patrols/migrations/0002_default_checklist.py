"""The checklist of R-PATROL-2, as S4 六.3 lists it; administrators edit it later."""

from decimal import Decimal

from django.db import migrations

DEFAULTS = [
    # code, title, subject, deduction, rule, is_absence
    ("conduct", "工作人员行为是否符合窗口工作人员服务规范", "person", "2", "R-ACC-9", False),
    ("absence", "是否擅自空岗、串岗", "person", "2", "R-ORG-7", True),
    ("dress", "是否按规定着装、佩证上岗", "person", "1", "R-PATROL-2", False),
    ("tidiness", "是否有物品摆放不整齐、工作环境杂乱无章现象", "window", "1", "R-PATROL-2", False),
    ("phone", "接听电话是否及时（铃响三声之内接听）", "window", "1", "R-PATROL-2", False),
    ("dissatisfaction", "是否有办事人员对窗口服务不满意的投诉", "window", "2", "R-ACC-9", False),
]


def seed(apps, schema_editor):
    ChecklistItem = apps.get_model("patrols", "ChecklistItem")
    for order, (code, title, subject, deduction, rule, is_absence) in enumerate(DEFAULTS, 1):
        ChecklistItem.objects.get_or_create(
            code=code,
            defaults={
                "title": title,
                "subject": subject,
                "deduction": Decimal(deduction),
                "rule": rule,
                "is_absence": is_absence,
                "order": order * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("patrols", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
