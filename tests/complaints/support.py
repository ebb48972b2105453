"""Shared makers for the complaints tests: finished cases and consultations to rate."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cases.models import Case, FirstInquiry
from cases.services import ApplicantInput, MaterialInput, case_approve, case_intake, case_pickup
from tests.factories import MaterialFactory, ServiceItemFactory
from windows.models import ServiceItem

APPLICANT = ApplicantInput(
    kind=Case.ApplicantKind.PERSON,
    name="赵大山",
    id_type=Case.IdType.RESIDENT_ID,
    id_number="11010519491231002X",
    phone="13812345678",
)


def at(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def item_for(hall):
    item = ServiceItemFactory(
        department=hall.department,
        kind=ServiceItem.Kind.PROMISED,
        statutory_limit_days=20,
        promised_limit_days=8,
    )
    MaterialFactory(item=item, name="申请书")
    return item


def open_case(clerk, hall, now: dt.datetime) -> Case:
    item = item_for(hall)
    return case_intake(
        actor=clerk,
        window=hall.window,
        item=item,
        kind=Case.Kind.ACCEPTED,
        applicant=APPLICANT,
        materials=[
            MaterialInput(name=m.name, item_material_id=m.pk, received=True, pages=1)
            for m in item.materials.all()
        ],
        now=now,
    )


def finished_case(clerk, hall, now: dt.datetime) -> Case:
    """Accepted an hour before `now`, approved, and picked up at `now`."""
    case = open_case(clerk, hall, now - dt.timedelta(hours=1))
    case_approve(case=case, actor=clerk, now=now - dt.timedelta(minutes=30))
    return case_pickup(case=case, actor=clerk, now=now)


def consultation(clerk, hall, now: dt.datetime) -> FirstInquiry:
    return FirstInquiry.objects.create(
        window=hall.window,
        received_by=clerk,
        received_at=now,
        inquirer_name="钱咨询",
        inquirer_phone="13700001111",
        subject="个体户注册需要什么材料",
        disposition=FirstInquiry.Disposition.ANSWERED,
    )
