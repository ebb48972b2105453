"""Due dates, suspension, extension and lights on the real 2026 calendar
(R-CASE-5, R-CASE-6, R-CASE-7, N-1 art. 42 and 45, N-3, N-4).

The calendar is the one seeded by migration hall/0002. Around National Day 2026:

    Sep 2026                 Oct 2026
    Mo Tu We Th Fr Sa Su     Mo Tu We Th Fr Sa Su
    14 15 16 17 18 19 20w          1h 2h 3h 4h
    21 22 23 24 25h26h27h     5h 6h 7h 8  9 10w 11
    28 29 30                 12 13 14 15 16 17 18 ...

(h: holiday, w: make-up working day.) A limit of n working days ends on the n-th
working day *after* the acceptance day (N-1; the start day is not counted).
Every expected date below is counted by hand in its comment.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from cases.clock import Light, light, working_days_left
from cases.models import Case, Extension, Notice
from cases.services import (
    ApplicantInput,
    MaterialInput,
    case_approve,
    case_intake,
    case_pickup,
    extension_decide,
    extension_request,
    suspension_end,
    suspension_start,
)
from hall.models import CalendarYear
from tests.factories import MaterialFactory, ServiceItemFactory
from windows.models import ServiceItem

pytestmark = pytest.mark.django_db

D = dt.date


def at(year, month, day, hour=10, minute=0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def make_item(hall, statutory=20, promised=8):
    item = ServiceItemFactory(
        department=hall.department,
        kind=ServiceItem.Kind.PROMISED,
        statutory_limit_days=statutory,
        promised_limit_days=promised,
    )
    MaterialFactory(item=item, name="申请书")
    return item


@pytest.fixture
def item(hall):
    return make_item(hall)


def accept(clerk, hall, item, now, leader_assigned="") -> Case:
    return case_intake(
        actor=clerk,
        window=hall.window,
        item=item,
        kind=Case.Kind.ACCEPTED,
        applicant=ApplicantInput(
            kind=Case.ApplicantKind.PERSON,
            name="赵大山",
            id_type=Case.IdType.RESIDENT_ID,
            id_number="11010519491231002X",
            phone="13812345678",
        ),
        materials=[
            MaterialInput(name=m.name, item_material_id=m.pk, received=True, pages=1)
            for m in item.materials.all()
        ],
        now=now,
        leader_assigned=leader_assigned,
    )


@pytest.fixture
def case(clerk, hall, item):
    """Accepted Mon 2026-09-28 on an item of 20 statutory / 8 promised working days."""
    return accept(clerk, hall, item, at(2026, 9, 28))


# --- due dates on acceptance ----------------------------------------------------------------


def test_a_case_accepted_before_national_day_is_due_after_the_holidays(case):
    # Promised 8: 9/29 (1), 9/30 (2), [10/1-7 off], 10/8 (3), 10/9 (4), Sat 10/10 (5, make-up),
    # 10/12 (6), 10/13 (7), 10/14 (8).
    # Statutory 20: … 10/14 (8), 10/15, 16, 19, 20, 21, 22, 23, 26, 27, 28, 29, 30 (20).
    assert case.accepted_on == D(2026, 9, 28)
    assert case.promised_due == D(2026, 10, 14)
    assert case.statutory_due == D(2026, 10, 30)
    assert case.due_provisional is False


def test_a_case_whose_dues_cross_into_an_unloaded_year_is_provisional(clerk, hall, item):
    # N-4: 2027's schedule is not loaded; 20 working days after 2026-12-21 reach January.
    assert not CalendarYear.objects.filter(year=2027).exists()
    case = accept(clerk, hall, item, at(2026, 12, 21))
    assert case.statutory_due.year == 2027
    assert case.due_provisional is True


# --- suspension (N-1 art. 45, R-CASE-6) ----------------------------------------------------


def test_a_suspension_over_national_day_counts_2_working_days_and_pushes_both_dates(clerk, case):
    # Accepted and suspended Mon 9/28, resumed Thu 10/8. The acceptance day is never on
    # the clock (N-1), so it stood still on 9/29 and 9/30 only.
    # Promised 8 + 2 = 10: … 10/14 (8), 10/15 (9), 10/16 (10).
    # Statutory 20 + 2 = 22: … 10/30 (20), 11/2 (21), 11/3 (22).
    suspension = suspension_start(
        case=case, actor=clerk, now=at(2026, 9, 28, 15), reason="expert", detail="专家评审"
    )
    assert case.status == Case.Status.SUSPENDED
    assert case.notices.filter(kind=Notice.Kind.SUSPENSION).count() == 1

    suspension = suspension_end(case=case, actor=clerk, now=at(2026, 10, 8))
    case.refresh_from_db()
    assert suspension.working_days == 2
    assert case.suspended_days == 2
    assert case.status == Case.Status.IN_PROGRESS
    assert case.promised_due == D(2026, 10, 16)
    assert case.statutory_due == D(2026, 11, 3)


def test_a_suspension_later_in_the_case_counts_from_its_first_day(clerk, case):
    # Suspended Tue 9/29, resumed Thu 10/8: 9/29 and 9/30 stood still, as above; and
    # suspended Fri 10/9 until Tue 10/13: 10/9, Sat 10/10 (make-up day) and 10/12.
    suspension_start(case=case, actor=clerk, now=at(2026, 10, 9, 9), reason="testing")
    suspension = suspension_end(case=case, actor=clerk, now=at(2026, 10, 13, 9))
    assert suspension.working_days == 3


def test_a_suspension_resumed_the_same_day_moves_nothing(clerk, case):
    suspension_start(case=case, actor=clerk, now=at(2026, 10, 9, 9), reason="testing")
    suspension = suspension_end(case=case, actor=clerk, now=at(2026, 10, 9, 16))
    case.refresh_from_db()
    assert suspension.working_days == 0
    assert (case.promised_due, case.statutory_due) == (D(2026, 10, 14), D(2026, 10, 30))


# --- extension (R-CASE-5, N-1 art. 42) ----------------------------------------------------


def request(case, clerk, days, when=None) -> Extension:
    return extension_request(
        case=case, actor=clerk, now=when or at(2026, 10, 9), days=days, reason="需要现场核查"
    )


def test_an_extension_of_10_approved_by_the_window_head_moves_both_dates_by_10(
    clerk, window_head, case
):
    # Promised 8 + 10 = 18: … 10/14 (8), 15, 16, 19, 20, 21, 22, 23, 26, 27, 10/28 (18).
    # Statutory 20 + 10 = 30: … 10/30 (20), 11/2, 3, 4, 5, 6, 9, 10, 11, 12, 11/13 (30).
    extension = request(case, clerk, 10)
    extension_decide(extension=extension, actor=window_head, now=at(2026, 10, 9, 11), approve=True)
    case.refresh_from_db()
    extension.refresh_from_db()
    assert extension.status == Extension.Status.APPROVED
    assert extension.decided_by == window_head
    assert case.extension_days == 10
    assert case.promised_due == D(2026, 10, 28)
    assert case.statutory_due == D(2026, 11, 13)
    # R-CASE-5: a written notice of the reason and the new limit.
    notice = case.notices.get(kind=Notice.Kind.EXTENSION)
    assert notice.body["days"] == 10
    assert notice.body["reason"] == "需要现场核查"
    assert notice.body["promised_due"] == "2026-10-28"
    assert notice.body["statutory_due"] == "2026-11-13"


def test_an_extension_beyond_the_maximum_is_refused(clerk, case):
    assert settings.HALL_EXTENSION_MAX_DAYS == 10  # N-1 art. 42's default
    with pytest.raises(ValidationError) as exc_info:
        request(case, clerk, 11)
    assert exc_info.value.message_dict["days"] == ["At most 10 more working days may be granted."]
    assert not case.extensions.exists()


def test_extensions_may_not_add_up_to_more_than_the_maximum(clerk, window_head, case):
    first = request(case, clerk, 6)
    extension_decide(extension=first, actor=window_head, now=at(2026, 10, 9), approve=True)
    with pytest.raises(ValidationError) as exc_info:
        request(case, clerk, 5, when=at(2026, 10, 12))
    assert exc_info.value.message_dict["days"] == ["At most 4 more working days may be granted."]
    assert request(case, clerk, 4, when=at(2026, 10, 12)).days == 4


def test_a_second_extension_request_while_one_is_pending_is_refused(clerk, case):
    request(case, clerk, 3)
    with pytest.raises(ValidationError) as exc_info:
        request(case, clerk, 2)
    assert exc_info.value.messages == ["An extension of this case is already waiting for approval."]
    assert case.extensions.count() == 1


def test_the_clerk_may_not_decide_an_extension(clerk, case):
    extension = request(case, clerk, 5)
    with pytest.raises(PermissionDenied):
        extension_decide(extension=extension, actor=clerk, now=at(2026, 10, 9), approve=True)
    extension.refresh_from_db()
    case.refresh_from_db()
    assert extension.status == Extension.Status.PENDING
    assert case.extension_days == 0 and case.promised_due == D(2026, 10, 14)


def test_refusing_an_extension_needs_a_reason_and_moves_nothing(clerk, window_head, case):
    extension = request(case, clerk, 5)
    with pytest.raises(ValidationError) as exc_info:
        extension_decide(
            extension=extension, actor=window_head, now=at(2026, 10, 9), approve=False, reason=" "
        )
    assert exc_info.value.message_dict["reason"] == ["Give the reason for refusing."]
    extension.refresh_from_db()
    assert extension.status == Extension.Status.PENDING

    extension_decide(
        extension=extension,
        actor=window_head,
        now=at(2026, 10, 9),
        approve=False,
        reason="核查可在期限内完成",
    )
    extension.refresh_from_db()
    case.refresh_from_db()
    assert extension.status == Extension.Status.REFUSED
    assert extension.decision_reason == "核查可在期限内完成"
    assert (case.promised_due, case.statutory_due) == (D(2026, 10, 14), D(2026, 10, 30))
    assert not case.notices.filter(kind=Notice.Kind.EXTENSION).exists()


def test_an_extension_cannot_be_decided_twice(clerk, window_head, case):
    extension = request(case, clerk, 5)
    extension_decide(extension=extension, actor=window_head, now=at(2026, 10, 9), approve=True)
    with pytest.raises(ValidationError):
        extension_decide(extension=extension, actor=window_head, now=at(2026, 10, 9), approve=True)
    case.refresh_from_db()
    assert case.extension_days == 5


# --- leader-assigned items (R-CASE-7) -------------------------------------------------------


def test_an_urgent_leader_assigned_case_is_due_the_same_working_day(clerk, hall, item):
    case = accept(clerk, hall, item, at(2026, 9, 28), leader_assigned="urgent")
    assert case.promised_due == D(2026, 9, 28)
    assert case.statutory_due == D(2026, 10, 30)


def test_an_urgent_leader_assigned_case_accepted_on_a_holiday_is_due_the_next_working_day(
    clerk, hall, item
):
    # Sat 2026-10-03 is a National Day holiday; the next working day is Thu 10/8.
    case = accept(clerk, hall, item, at(2026, 10, 3), leader_assigned="urgent")
    assert case.promised_due == D(2026, 10, 8)


def test_a_normal_leader_assigned_case_is_due_within_5_working_days(clerk, hall, item):
    # 5 working days after 9/28: 9/29, 9/30, 10/8, 10/9, Sat 10/10 — before the item's 10/14.
    case = accept(clerk, hall, item, at(2026, 9, 28), leader_assigned="normal")
    assert case.promised_due == D(2026, 10, 10)


def test_a_normal_leader_assigned_case_keeps_a_shorter_promised_limit(clerk, hall):
    # Promised 3: 9/29, 9/30, 10/8 — sooner than the week.
    case = accept(clerk, hall, make_item(hall, promised=3), at(2026, 9, 28), "normal")
    assert case.promised_due == D(2026, 10, 8)


# --- lights (N-3) and working days left ---------------------------------------------------


@pytest.mark.parametrize(
    "today, colour",
    [
        # Promised due Wed 10/14, statutory due Fri 10/30.
        (D(2026, 9, 29), Light.GREEN),
        (D(2026, 10, 10), Light.GREEN),  # 3 working days left: 10/12, 10/13, 10/14
        (D(2026, 10, 11), Light.GREEN),  # Sunday: still 3 left
        (D(2026, 10, 12), Light.WARNING),  # 2 left: 10/13, 10/14
        (D(2026, 10, 13), Light.WARNING),
        (D(2026, 10, 14), Light.WARNING),  # the promised day itself
        (D(2026, 10, 15), Light.YELLOW),  # promised limit passed
        (D(2026, 10, 30), Light.YELLOW),  # the statutory day itself
        (D(2026, 10, 31), Light.RED),  # statutory limit passed
    ],
)
def test_the_light_of_a_case_follows_its_due_dates(case, today, colour):
    assert light(case, today) == colour


def test_a_closed_case_has_no_light(clerk, case):
    case_approve(case=case, actor=clerk, now=at(2026, 11, 2))
    case_pickup(case=case, actor=clerk, now=at(2026, 11, 3))
    assert light(case, D(2026, 11, 3)) == Light.NONE


def test_a_case_without_due_dates_has_no_light_and_no_days_left(clerk, hall, item):
    consultation = case_intake(
        actor=clerk,
        window=hall.window,
        item=item,
        kind=Case.Kind.CONSULTATION,
        applicant=ApplicantInput("person", "赵大山", "resident_id", "", "13812345678"),
        materials=[],
        now=at(2026, 9, 28),
    )
    assert light(consultation, D(2026, 9, 29)) == Light.NONE
    assert working_days_left(consultation, D(2026, 9, 29)) is None


@pytest.mark.parametrize(
    "today, left",
    [
        (D(2026, 9, 28), 8),
        (D(2026, 10, 12), 2),
        (D(2026, 10, 14), 0),
        (D(2026, 10, 15), -1),  # late on 10/15
        (D(2026, 10, 16), -2),  # late on 10/15 and 10/16
        (D(2026, 10, 19), -3),  # late on 10/15, 10/16 and 10/19
    ],
)
def test_working_days_left_counts_down_and_goes_negative_when_late(case, today, left):
    assert working_days_left(case, today) == left


def test_a_weekend_after_the_due_date_adds_no_working_day_late(case):
    # Promised due Wed 10/14; Sat 10/17 and Sun 10/18 are not working days, so on Sunday
    # the case is as late as on Friday 10/16: 2 working days (10/15, 10/16).
    assert working_days_left(case, D(2026, 10, 16)) == -2
    assert working_days_left(case, D(2026, 10, 18)) == -2
