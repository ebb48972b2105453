"""The supervision sweep on the real 2026 calendar (N-3, R-CASE-4, R-CASE-5, R-ACC-4.5,
R-ACC-5.1): each light's boundary, suspension and closed cases, idempotency, who is
alerted, the short clocks of a rejection filing and of an extension, the daily digest.

Every expected date is counted by hand in its comment (see the calendar in support.py):
the case is accepted Mon 9/28, promised due Wed 10/14, statutory due Fri 10/30.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accountability.models import Occurrence
from cases.clock import light as page_light
from cases.models import Case, Extension, Light, RejectionFiling
from cases.services import (
    ApplicantInput,
    MaterialInput,
    case_approve,
    case_intake,
    case_pickup,
    case_refuse,
    extension_decide,
    extension_request,
    filing_review,
    suspension_end,
    suspension_start,
)
from cases.sweep import sweep_lights, warning_digest
from hall.models import Alert
from hall.roles import Role
from tests.factories import UserFactory

from .support import ID_NUMBER, MOBILE, NAME, D, accept, at, make_item, sweep_reasons

pytestmark = pytest.mark.django_db


def stored(case) -> str:
    case.refresh_from_db()
    return case.light


def occurrences(case):
    return Occurrence.objects.filter(
        source_type=ContentType.objects.get_for_model(Case), source_id=case.pk
    )


def alerted(key: str) -> set:
    return set(Alert.objects.filter(key=key).values_list("user__username", flat=True))


def test_the_case_is_due_when_the_lights_below_expect(case):
    assert (case.promised_due, case.statutory_due) == (D(2026, 10, 14), D(2026, 10, 30))
    assert case.light == ""  # nothing swept yet


# --- each boundary (N-3) ---------------------------------------------------------------


@pytest.mark.parametrize(
    "now, colour",
    [
        # The acceptance day: 8 working days to go.
        (at(9, 28, 16), Light.GREEN),
        # Fri 10/9: two working days ahead are Sat 10/10 (make-up day, 1) and Mon 10/12
        # (2); 10/12 is before the promised 10/14, so not yet a warning.
        (at(10, 9), Light.GREEN),
        # Sat 10/10 (a working day): 10/12 (1), 10/13 (2) — still before 10/14.
        (at(10, 10), Light.GREEN),
        # Sun 10/11: 10/12 (1), 10/13 (2) — still before 10/14.
        (at(10, 11), Light.GREEN),
        # Mon 10/12: 10/13 (1), 10/14 (2) reaches the promised date: warning.
        (at(10, 12, 9), Light.WARNING),
        # The promised day itself, to its last minute.
        (at(10, 14, 9), Light.WARNING),
        (at(10, 14, 23, 59), Light.WARNING),
        # The day after the promised date, from its first minute in the hall's time zone
        # (00:30 in Beijing is still 10/14 in UTC).
        (at(10, 15, 0, 30), Light.YELLOW),
        (at(10, 15, 9), Light.YELLOW),
        # The statutory day itself is still yellow …
        (at(10, 30, 17), Light.YELLOW),
        # … the day after it is red.
        (at(10, 31, 9), Light.RED),
    ],
)
def test_the_sweep_stores_the_light_of_each_day(case, now, colour):
    report = sweep_lights(now=now)
    assert report.changed[f"case:{colour}"] == 1
    assert report.total == 1
    assert stored(case) == colour
    assert case.light_changed_at == now
    # The case page computes the same colour as the sweep stored.
    assert page_light(case, timezone.localtime(now).date()) == colour


def test_a_case_moves_green_warning_yellow_red_with_one_history_row_per_change(case):
    for now in (
        at(9, 29),
        at(10, 9),  # green again: no change
        at(10, 12),
        at(10, 13),  # warning again
        at(10, 15),
        at(10, 20),  # yellow again
        at(10, 31),
        at(11, 2),  # red again
    ):
        sweep_lights(now=now)
    assert sweep_reasons(case) == [
        "sweep: light → green",
        "sweep: light → warning",
        "sweep: light → yellow",
        "sweep: light → red",
    ]
    assert stored(case) == Light.RED
    assert case.light_changed_at == at(10, 31)  # when it turned red, not the last sweep


def test_a_case_without_due_dates_is_not_swept(clerk, hall, item):
    # A supplement case waits for materials; its clock has not started (N-1 art. 32).
    material = item.materials.get()
    waiting = case_intake(
        actor=clerk,
        window=hall.window,
        item=item,
        kind=Case.Kind.SUPPLEMENT,
        applicant=ApplicantInput("person", NAME, "resident_id", ID_NUMBER, MOBILE),
        materials=[
            MaterialInput(
                name=material.name, item_material_id=material.pk, missing_reason="缺少签字"
            )
        ],
        now=at(9, 28),
    )
    assert waiting.promised_due is None
    assert sweep_lights(now=at(12, 31)).total == 0
    assert stored(waiting) == ""


# --- suspension and closed cases -------------------------------------------------------


def test_a_suspended_case_keeps_its_light_and_resuming_moves_the_dates(clerk, case):
    sweep_lights(now=at(9, 29))
    assert stored(case) == Light.GREEN
    suspension_start(case=case, actor=clerk, now=at(9, 30), reason="expert", detail="专家评审")

    # While suspended the clock stands still (N-1 art. 45): past the promised and even
    # the statutory date the light stays green, and nothing is recorded.
    for now in (at(10, 15), at(10, 31)):
        report = sweep_lights(now=now)
        assert report.total == 0
    assert stored(case) == Light.GREEN
    assert sweep_reasons(case) == ["sweep: light → green"]
    assert not occurrences(case).exists()
    assert not Alert.objects.filter(key__startswith=f"case:{case.pk}:").exists()

    # Resumed Fri 10/16: the clock stood still on 9/30, 10/8, 10/9, Sat 10/10, 10/12,
    # 10/13, 10/14 and 10/15 — 8 working days.
    # Promised 8 + 8 = 16: … 10/14 (8), 10/15, 16, 19, 20, 21, 22, 23, Mon 10/26 (16).
    # Statutory 20 + 8 = 28: … 10/26 (16), 27, 28, 29, 30, 11/2, 3, 4, 5, 6, 9, 10, 11/11 (28).
    suspension_end(case=case, actor=clerk, now=at(10, 16))
    case.refresh_from_db()
    assert (case.promised_due, case.statutory_due) == (D(2026, 10, 26), D(2026, 11, 11))

    sweep_lights(now=at(10, 16))
    assert stored(case) == Light.GREEN
    # Wed 10/21: 10/22 (1), 10/23 (2) — before 10/26: green.
    sweep_lights(now=at(10, 21))
    assert stored(case) == Light.GREEN
    # Thu 10/22: 10/23 (1), Mon 10/26 (2): warning.
    sweep_lights(now=at(10, 22))
    assert stored(case) == Light.WARNING
    # Tue 10/27: the moved promised date has passed.
    sweep_lights(now=at(10, 27))
    assert stored(case) == Light.YELLOW
    assert list(occurrences(case).values_list("rule", flat=True)) == ["R-ACC-4.5"]


def test_the_case_page_keeps_the_light_of_a_suspended_case(clerk, case):
    sweep_lights(now=at(9, 29))
    case.refresh_from_db()
    suspension_start(case=case, actor=clerk, now=at(9, 30), reason="testing")
    sweep_lights(now=at(10, 15))
    case.refresh_from_db()
    assert case.light == Light.GREEN
    assert page_light(case, D(2026, 10, 15)) == case.light


def test_an_action_on_a_case_read_before_the_sweep_keeps_the_swept_light(clerk, case):
    # A request reads the case; the worker's sweep commits a yellow card; the request
    # then suspends the case it read (the window between is short, but real).
    read_by_the_request = Case.objects.get(pk=case.pk)
    sweep_lights(now=at(10, 15, 10))
    suspension_start(case=read_by_the_request, actor=clerk, now=at(10, 15, 10, 1), reason="testing")
    assert stored(case) == Light.YELLOW


def test_the_case_page_does_not_card_a_case_approved_on_time(clerk, case):
    sweep_lights(now=at(10, 9))
    case.refresh_from_db()
    case_approve(case=case, actor=clerk, now=at(10, 13))
    sweep_lights(now=at(10, 20))
    case.refresh_from_db()
    assert case.light == Light.GREEN
    assert page_light(case, D(2026, 10, 20)) == Light.GREEN


def test_closed_cases_are_not_swept(clerk, hall, item, case):
    # Approved on time Tue 10/13 after a green sweep: the sweep no longer touches it.
    sweep_lights(now=at(10, 9))
    case.refresh_from_db()
    case_approve(case=case, actor=clerk, now=at(10, 13))
    # Another one approved and picked up before any sweep saw it.
    done = accept(clerk, hall.window, item, at(9, 28, 11))
    case_approve(case=done, actor=clerk, now=at(10, 13))
    case_pickup(case=done, actor=clerk, now=at(10, 14))

    report = sweep_lights(now=at(10, 31))
    assert report.total == 0
    assert stored(case) == Light.GREEN
    assert stored(done) == ""
    assert not Occurrence.objects.exists()
    assert not Alert.objects.exists()


# --- idempotency, occurrences and alerts (N-3, R-ACC-4.5, R-ACC-5.1) ----------------------


@pytest.fixture
def everyone(clerk, window_head, chief, department_head, supervisor, other_head):
    """Every person who may be told about a card, and one who never should."""
    second = UserFactory(username="supervisor2", roles=[Role.SUPERVISOR])
    UserFactory(username="retired", roles=[Role.SUPERVISOR], is_active=False)
    return second


def test_a_red_card_swept_twice_is_recorded_and_told_once(clerk, hall, item, everyone):
    # A/B posts (R-ORG-6): the clerk (B) took the case in on the post holder's (A) post.
    holder = UserFactory(username="holder", first_name="岗位A", roles=[Role.CLERK])
    case = accept(clerk, hall.window, item, at(9, 28), acting_for=holder)

    first = sweep_lights(now=at(10, 31, 9))
    second = sweep_lights(now=at(10, 31, 9, 1))

    assert first.total == 1 and first.changed["case:red"] == 1
    assert second.total == 0 and second.alerts == 0
    assert sweep_reasons(case) == ["sweep: light → red"]
    # A red card has passed the promised limit too: R-ACC-4.5 and R-ACC-5.1, once each.
    rows = list(
        occurrences(case)
        .order_by("rule")
        .values_list("rule", "window__number", "person", "acting_for", "withdrawn_at")
    )
    assert rows == [
        ("R-ACC-4.5", "A01", clerk.pk, holder.pk, None),
        ("R-ACC-5.1", "A01", clerk.pk, holder.pk, None),
    ]
    # The facts the accountability case starts from: the case, its item and the date
    # it missed, in the hall's language.
    promised, statutory = (occurrences(case).get(rule=r).detail for r in ("R-ACC-4.5", "R-ACC-5.1"))
    for detail, due in ((promised, case.promised_due), (statutory, case.statutory_due)):
        assert case.number in detail and item.name in detail and due.isoformat() in detail
    assert "承诺" in promised and "法定" in statutory
    assert occurrences(case).get(rule="R-ACC-5.1").occurred_at == at(10, 31, 9)
    # Red: the clerk (and the post holder), the window head, the chief representative,
    # every active supervisor and the department head — once each.
    assert alerted(f"case:{case.pk}:red") == {
        "clerk",
        "holder",
        "windowhead",
        "chief",
        "supervisor",
        "supervisor2",
        "depthead",
    }
    assert Alert.objects.filter(key=f"case:{case.pk}:red").count() == 7
    assert set(Alert.objects.values_list("level", flat=True)) == {Light.RED}
    assert first.alerts == 7
    alert = Alert.objects.get(user=clerk)
    assert case.number in alert.title and alert.url == case.get_absolute_url()


def test_a_warning_tells_only_the_clerk(case, everyone):
    sweep_lights(now=at(10, 12))
    sweep_lights(now=at(10, 13))
    assert stored(case) == Light.WARNING
    assert alerted(f"case:{case.pk}:warning") == {"clerk"}
    assert Alert.objects.count() == 1
    assert not occurrences(case).exists()  # a warning is no card


def test_a_yellow_card_tells_the_window_head_and_chief_and_records_r_acc_4_5(case, everyone):
    sweep_lights(now=at(10, 15))
    sweep_lights(now=at(10, 16))
    assert stored(case) == Light.YELLOW
    assert alerted(f"case:{case.pk}:yellow") == {"clerk", "windowhead", "chief"}
    assert Alert.objects.count() == 3  # not the supervisors, not the department head
    assert list(occurrences(case).values_list("rule", flat=True)) == ["R-ACC-4.5"]


def test_a_yellow_card_that_turns_red_adds_r_acc_5_1_and_tells_the_supervisors(case, everyone):
    sweep_lights(now=at(10, 15))
    sweep_lights(now=at(10, 31))
    sweep_lights(now=at(11, 2))
    assert sorted(occurrences(case).values_list("rule", flat=True)) == ["R-ACC-4.5", "R-ACC-5.1"]
    assert occurrences(case).get(rule="R-ACC-4.5").occurred_at == at(10, 15)
    assert alerted(f"case:{case.pk}:yellow") == {"clerk", "windowhead", "chief"}
    assert alerted(f"case:{case.pk}:red") == {
        "clerk",
        "windowhead",
        "chief",
        "supervisor",
        "supervisor2",
        "depthead",
    }
    # One alert per user per level: the clerk has a yellow and a red one.
    assert Alert.objects.filter(user__username="clerk").count() == 2


def test_a_card_of_another_window_is_not_told_to_this_windows_heads(
    hall, other_clerk, other_head, window_head, chief, department_head, supervisor
):
    other = accept(other_clerk, hall.other_window, make_item(hall.other_department), at(9, 28))
    sweep_lights(now=at(10, 31))
    assert alerted(f"case:{other.pk}:red") == {"otherclerk", "otherhead", "supervisor"}
    assert occurrences(other).filter(window=hall.other_window).count() == 2


def test_many_cases_are_swept_in_one_run(clerk, hall, item):
    cases = [accept(clerk, hall.window, item, at(9, 28, 9, n)) for n in range(12)]
    report = sweep_lights(now=at(10, 15))
    assert report.changed["case:yellow"] == 12
    assert set(Case.objects.values_list("light", flat=True)) == {Light.YELLOW}
    assert Occurrence.objects.filter(rule="R-ACC-4.5").count() == 12
    assert all(sweep_reasons(c) == ["sweep: light → yellow"] for c in cases)


# --- short clocks: the rejection filing's review and a pending extension (R-CASE-4/5) ---


@pytest.fixture
def refused(clerk, case):
    """Refused Fri 10/9: review due 2 working days later, Sat 10/10 (1), Mon 10/12 (2)."""
    filing = case_refuse(
        case=case,
        actor=clerk,
        now=at(10, 9),
        reason=RejectionFiling.Reason.UNLAWFUL,
        detail="经营场所不符合要求",
        clerk_post="综合受理岗",
        clerk_phone="13900001111",
    )
    assert filing.review_due == D(2026, 10, 12)
    return filing


def test_an_unreviewed_rejection_filing_turns_yellow_and_tells_the_window_head(
    refused, window_head, chief
):
    sweep_lights(now=at(10, 10))
    refused.refresh_from_db()
    assert refused.light == Light.GREEN
    sweep_lights(now=at(10, 12))  # its last day
    refused.refresh_from_db()
    assert refused.light == Light.WARNING
    assert not Alert.objects.exists()

    sweep_lights(now=at(10, 13))
    sweep_lights(now=at(10, 13, 15))
    refused.refresh_from_db()
    assert refused.light == Light.YELLOW
    key = f"rejectionfiling:{refused.pk}:review_due:yellow"
    assert "windowhead" in alerted(key)
    assert Alert.objects.filter(key=key, user=window_head).count() == 1
    assert Alert.objects.get(key=key, user=window_head).level == Light.YELLOW
    assert refused.history.filter(history_change_reason="sweep: light → yellow").count() == 1
    # The refused case itself is closed: no card for it.
    assert stored(refused.case) == ""
    assert not Occurrence.objects.exists()


def test_a_reviewed_rejection_filing_is_not_carded(refused, window_head):
    filing_review(
        filing=refused, actor=window_head, now=at(10, 12), uphold=True, opinion="拒绝理由成立"
    )
    sweep_lights(now=at(10, 20))
    refused.refresh_from_db()
    assert refused.light != Light.YELLOW
    assert not Alert.objects.exists()


def test_a_late_correction_after_a_late_review_is_told_again(refused, clerk, window_head):
    sweep_lights(now=at(10, 13))  # the review is late: first alert
    filing_review(
        filing=refused, actor=window_head, now=at(10, 13, 11), uphold=False, opinion="应予受理"
    )
    refused.refresh_from_db()
    # Overturned Tue 10/13: corrected within 1 working day, by Wed 10/14.
    assert refused.correction_due == D(2026, 10, 14)
    sweep_lights(now=at(10, 13, 12))
    sweep_lights(now=at(10, 14))
    report = sweep_lights(now=at(10, 15))
    refused.refresh_from_db()
    assert refused.light == Light.YELLOW
    assert report.changed["rejectionfiling:correction_due:yellow"] == 1
    # One alert for the late review, one for the late correction.
    filing_alerts = Alert.objects.filter(key__startswith=f"rejectionfiling:{refused.pk}:")
    assert filing_alerts.filter(user=window_head).count() == 2


def test_a_pending_extension_turns_yellow_after_its_decision_day(clerk, window_head, case):
    # Requested Fri 10/9; decided within 1 working day: Sat 10/10, a make-up working day.
    extension = extension_request(
        case=case, actor=clerk, now=at(10, 9), days=5, reason="需要现场核查"
    )
    assert extension.decision_due == D(2026, 10, 10)
    sweep_lights(now=at(10, 10))
    extension.refresh_from_db()
    assert extension.light == Light.WARNING
    sweep_lights(now=at(10, 11))  # Sunday: the decision day has passed
    sweep_lights(now=at(10, 12))
    extension.refresh_from_db()
    assert extension.light == Light.YELLOW
    key = f"extension:{extension.pk}:decision_due:yellow"
    assert Alert.objects.filter(key=key, user=window_head).count() == 1
    assert extension.history.filter(history_change_reason="sweep: light → yellow").count() == 1


def test_a_decided_extension_is_not_carded(clerk, window_head, case):
    extension = extension_request(
        case=case, actor=clerk, now=at(10, 9), days=5, reason="需要现场核查"
    )
    extension_decide(extension=extension, actor=window_head, now=at(10, 10), approve=True)
    sweep_lights(now=at(10, 12))
    extension.refresh_from_db()
    assert extension.status == Extension.Status.APPROVED
    assert extension.light != Light.YELLOW
    assert not Alert.objects.filter(key__startswith="extension:").exists()


# --- the daily digest of warnings (N-3) ---------------------------------------------------


def test_the_warning_digest_tells_each_window_head_once_a_day(
    clerk, hall, item, window_head, chief, other_clerk, other_head
):
    warned = [accept(clerk, hall.window, item, at(9, 28, 9, n)) for n in range(2)]
    later = accept(clerk, hall.window, item, at(10, 9))  # green on 10/12
    other_item = make_item(hall.other_department)
    other_warned = accept(other_clerk, hall.other_window, other_item, at(9, 28))
    sweep_lights(now=at(10, 12, 8))
    assert stored(later) == Light.GREEN

    assert warning_digest(now=at(10, 12, 8, 30)) == 3
    assert warning_digest(now=at(10, 12, 17)) == 0

    digests = Alert.objects.filter(key="digest:2026-10-12")
    assert sorted(digests.values_list("user__username", flat=True)) == [
        "chief",
        "otherhead",
        "windowhead",
    ]
    mine = digests.get(user=window_head)
    assert mine.level == Light.WARNING
    assert set(mine.body.split("、")) == {c.number for c in warned}
    assert later.number not in mine.body
    assert digests.get(user=other_head).body == other_warned.number

    # The next day is a new digest.
    assert warning_digest(now=at(10, 13, 8, 30)) == 3
    assert Alert.objects.filter(user=window_head, key__startswith="digest:").count() == 2


def test_no_digest_without_warnings(case, window_head):
    sweep_lights(now=at(10, 9))
    assert warning_digest(now=at(10, 9, 8, 30)) == 0
    assert not Alert.objects.exists()
