"""Who sees which case in the window lists (R-CASE-8): the lead window and its co-windows."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Case
from cases.selectors import case_for, window_case_list
from cases.services import (
    ApplicantInput,
    MaterialInput,
    PartInput,
    case_approve,
    case_intake,
    part_complete,
)
from hall.roles import Role
from tests.factories import (
    DepartmentFactory,
    MaterialFactory,
    ServiceItemFactory,
    StaffMemberFactory,
    UserFactory,
    WindowFactory,
)
from windows.models import ServiceItem

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2026, 9, 28, 10, 0))
APPLICANT = ApplicantInput(
    kind=Case.ApplicantKind.PERSON,
    name="赵大山",
    id_type=Case.IdType.RESIDENT_ID,
    id_number="11010519491231002X",
    phone="13812345678",
)


@pytest.fixture
def co_clerk(hall):
    """A clerk of window B01, the co-window of the joint case."""
    return StaffMemberFactory(
        user=UserFactory(username="clerk_b01", roles=[Role.CLERK]),
        window=hall.other_window,
        department=hall.other_department,
    ).user


@pytest.fixture
def stranger_clerk(db):
    """A clerk of a third window, with no part in anything."""
    department = DepartmentFactory(code="D3", name="县人社局")
    return StaffMemberFactory(
        user=UserFactory(username="clerk_c01", roles=[Role.CLERK]),
        window=WindowFactory(number="C01", department=department),
        department=department,
    ).user


def take_in(clerk, hall, *, joint: bool) -> Case:
    item = ServiceItemFactory(
        department=hall.department,
        kind=ServiceItem.Kind.PROMISED,
        statutory_limit_days=20,
        promised_limit_days=8,
    )
    material = MaterialFactory(item=item, name="申请书")
    return case_intake(
        actor=clerk,
        window=hall.window,
        item=item,
        kind=Case.Kind.ACCEPTED,
        applicant=APPLICANT,
        materials=[
            MaterialInput(name=material.name, item_material_id=material.pk, received=True, pages=2)
        ],
        now=NOW,
        parts=[PartInput(window=hall.other_window, description="消防安全核查")] if joint else [],
    )


def listed(user, window) -> list[str]:
    return [c.number for c in window_case_list(user, window_ids=[window.pk])]


def test_a_joint_case_is_listed_once_by_the_lead_and_once_by_the_co_window(clerk, co_clerk, hall):
    joint = take_in(clerk, hall, joint=True)
    own = take_in(clerk, hall, joint=False)

    assert listed(clerk, hall.window) == [joint.number, own.number]
    assert listed(co_clerk, hall.other_window) == [joint.number]


def test_the_co_window_may_open_the_joint_case_and_a_third_window_may_not(
    clerk, co_clerk, stranger_clerk, hall
):
    joint = take_in(clerk, hall, joint=True)
    own = take_in(clerk, hall, joint=False)

    assert case_for(co_clerk, joint.number) == joint
    assert case_for(co_clerk, own.number) is None
    assert case_for(stranger_clerk, joint.number) is None


def test_a_completed_joint_case_leaves_the_co_windows_list(clerk, co_clerk, hall):
    joint = take_in(clerk, hall, joint=True)
    part_complete(part=joint.parts.get(), actor=co_clerk, now=NOW)
    case_approve(case=joint, actor=clerk, now=NOW)
    joint.status = Case.Status.PICKED_UP  # handed over: no longer open
    joint.save()

    assert listed(co_clerk, hall.other_window) == []
    assert case_for(co_clerk, joint.number) == joint
