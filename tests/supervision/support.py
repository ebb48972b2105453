"""Helpers shared by the supervision tests: dates on the real 2026 calendar and cases.

Around National Day 2026 (seeded by migration hall/0002; h holiday, w make-up working day):

    Sep 2026                 Oct 2026
    Mo Tu We Th Fr Sa Su     Mo Tu We Th Fr Sa Su
    21 22 23 24 25h26h27h          1h 2h 3h 4h
    28 29 30                  5h 6h 7h 8  9 10w 11
                             12 13 14 15 16 17 18
                             19 20 21 22 23 24 25
                             26 27 28 29 30 31

A case accepted Mon 9/28 on an item of 20 statutory / 8 promised working days:
promised 9/29 (1), 9/30 (2), 10/8 (3), 10/9 (4), Sat 10/10 (5), 10/12 (6), 10/13 (7),
10/14 (8); statutory … 10/15, 16, 19, 20, 21, 22, 23, 26, 27, 28, 29, 10/30 (20).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cases.models import Case
from cases.services import ApplicantInput, MaterialInput, case_intake
from tests.factories import MaterialFactory, ServiceItemFactory
from windows.models import ServiceItem

D = dt.date
NAME, ID_NUMBER, MOBILE = "张三", "11010519491231002X", "13812345678"


def at(month: int, day: int, hour: int = 10, minute: int = 0, year: int = 2026) -> dt.datetime:
    """A moment in the hall's time zone (Asia/Shanghai)."""
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


def make_item(department, statutory: int = 20, promised: int = 8, **extra) -> ServiceItem:
    item = ServiceItemFactory(
        department=department,
        kind=ServiceItem.Kind.PROMISED,
        statutory_limit_days=statutory,
        promised_limit_days=promised,
        **extra,
    )
    MaterialFactory(item=item, name="申请书")
    return item


def accept(actor, window, item, now: dt.datetime, *, acting_for=None, name: str = NAME) -> Case:
    """An accepted case with every material received, taken in at `now`."""
    return case_intake(
        actor=actor,
        window=window,
        item=item,
        kind=Case.Kind.ACCEPTED,
        applicant=ApplicantInput(
            kind=Case.ApplicantKind.PERSON,
            name=name,
            id_type=Case.IdType.RESIDENT_ID,
            id_number=ID_NUMBER,
            phone=MOBILE,
        ),
        materials=[
            MaterialInput(name=m.name, item_material_id=m.pk, received=True, pages=1)
            for m in item.materials.all()
        ],
        now=now,
        acting_for=acting_for,
    )


def sweep_reasons(case: Case) -> list[str]:
    """The history rows the sweep wrote for a case, oldest first."""
    return list(
        case.history.filter(history_change_reason__startswith="sweep")
        .order_by("history_date", "history_id")
        .values_list("history_change_reason", flat=True)
    )
