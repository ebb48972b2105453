"""A/B posts: absences, stepping in, acting for the A holder (R-ORG-6)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from cases.services import ApplicantInput, MaterialInput, case_intake
from hall.roles import Role
from staff.models import Absence, StaffMember
from staff.substitution import absence_end, absence_record, acting_for, posts_with_both_away
from tests.factories import MaterialFactory, ServiceItemFactory, StaffMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2026, 10, 12, 9, 30))


@pytest.fixture
def holder_a(clerk, hall):
    """The A holder of the clerk's post (the clerk is its B holder)."""
    post = StaffMember.objects.get(user=clerk).post
    user = UserFactory(username="aholder", first_name="张甲", roles=[Role.CLERK])
    return StaffMemberFactory(
        user=user, window=hall.window, department=hall.department, post=post, slot="A"
    )


def test_the_a_holder_records_an_absence_with_a_handover_note(holder_a):
    absence = absence_record(
        actor=holder_a.user,
        member=holder_a,
        reason="leave",
        now=NOW,
        handover_note="3件待办，见柜台文件夹",
    )
    assert absence.is_active(NOW) and not absence.stepped_in_without_handover
    assert absence.history.latest().history_user == holder_a.user


def test_an_absence_without_a_handover_note_is_refused(holder_a):
    with pytest.raises(ValidationError):
        absence_record(actor=holder_a.user, member=holder_a, reason="leave", now=NOW)
    assert not Absence.objects.exists()


def test_b_records_stepping_in_without_a_handover(clerk, holder_a):
    absence = absence_record(actor=clerk, member=holder_a, reason="temporary", now=NOW)
    assert absence.stepped_in_without_handover


def test_someone_else_may_not_record_the_posts_absences(holder_a, supervisor):
    with pytest.raises(PermissionDenied):
        absence_record(
            actor=supervisor, member=holder_a, reason="leave", now=NOW, handover_note="x"
        )


def test_a_second_absence_at_the_same_time_and_an_end_before_the_start_are_refused(holder_a):
    absence_record(
        actor=holder_a.user, member=holder_a, reason="leave", now=NOW, handover_note="交接"
    )
    with pytest.raises(ValidationError):
        absence_record(
            actor=holder_a.user, member=holder_a, reason="training", now=NOW, handover_note="交接"
        )
    with pytest.raises(ValidationError):
        absence_record(
            actor=holder_a.user,
            member=holder_a,
            reason="training",
            now=NOW,
            ends_at=NOW - dt.timedelta(hours=1),
            handover_note="交接",
        )


def test_b_acts_for_a_only_while_a_is_away(clerk, holder_a, hall):
    assert acting_for(clerk, hall.window, NOW) is None
    absence = absence_record(
        actor=holder_a.user,
        member=holder_a,
        reason="business_trip",
        now=NOW,
        ends_at=NOW + dt.timedelta(days=2),
        handover_note="交接",
    )
    assert acting_for(clerk, hall.window, NOW + dt.timedelta(hours=1)) == holder_a.user
    assert acting_for(clerk, hall.window, NOW + dt.timedelta(days=3)) is None  # it ended
    absence_end(actor=holder_a.user, absence=absence, now=NOW + dt.timedelta(hours=2))
    assert acting_for(clerk, hall.window, NOW + dt.timedelta(hours=3)) is None


def test_a_never_acts_for_b(clerk, holder_a, hall):
    absence_record(
        actor=clerk,
        member=StaffMember.objects.get(user=clerk),
        reason="leave",
        now=NOW,
        handover_note="交接",
    )
    assert acting_for(holder_a.user, hall.window, NOW) is None


def test_a_post_with_both_holders_away_is_detected(clerk, holder_a):
    b = StaffMember.objects.get(user=clerk)
    absence_record(
        actor=holder_a.user, member=holder_a, reason="leave", now=NOW, handover_note="交接"
    )
    assert posts_with_both_away(NOW) == set()
    absence_record(actor=clerk, member=b, reason="training", now=NOW, handover_note="交接")
    assert posts_with_both_away(NOW) == {b.post_id}


def test_a_case_action_by_b_is_recorded_as_acting_for_a(client, clerk, holder_a, hall):
    item = ServiceItemFactory(
        department=hall.department, statutory_limit_days=20, promised_limit_days=8
    )
    material = MaterialFactory(item=item)
    case = case_intake(
        actor=holder_a.user,
        window=hall.window,
        item=item,
        kind="accepted",
        applicant=ApplicantInput(
            kind="person",
            name="张三",
            id_type="resident_id",
            id_number="11010519491231002X",
            phone="13812345678",
        ),
        materials=[
            MaterialInput(name=material.name, item_material_id=material.pk, received=True, pages=1)
        ],
        now=timezone.now(),
    )
    absence_record(
        actor=holder_a.user,
        member=holder_a,
        reason="leave",
        now=timezone.now() - dt.timedelta(minutes=1),
        handover_note="交接",
    )
    client.force_login(clerk)
    client.post(reverse("cases:action", args=[case.number, "approve"]))
    case.refresh_from_db()
    assert case.status == Case.Status.APPROVED
    latest = case.history.latest()
    assert latest.history_user == clerk and latest.acting_for == holder_a.user
    page = client.get(case.get_absolute_url()).content.decode()
    assert "张甲" in page.split('data-testid="timeline"')[1]


def test_the_overview_shows_a_post_with_nobody(client, supervisor, clerk, holder_a):
    b = StaffMember.objects.get(user=clerk)
    now = timezone.now() - dt.timedelta(minutes=1)
    absence_record(
        actor=holder_a.user, member=holder_a, reason="leave", now=now, handover_note="交接"
    )
    client.force_login(supervisor)
    assert (
        'data-testid="unstaffed"'
        not in client.get(reverse("supervision:overview")).content.decode()
    )
    absence_record(actor=clerk, member=b, reason="training", now=now, handover_note="交接")
    assert 'data-testid="unstaffed"' in client.get(reverse("supervision:overview")).content.decode()


def test_the_home_page_records_an_absence_and_the_return(client, clerk, holder_a):
    client.force_login(holder_a.user)
    client.post(
        reverse("staff:absence_new"), {"who": "me", "reason": "leave", "handover_note": "见交接本"}
    )
    absence = Absence.objects.get()
    client.force_login(clerk)
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="partner-away"' in home and "见交接本" in home
    client.post(reverse("staff:absence_back", args=[absence.pk]))
    absence.refresh_from_db()
    assert absence.ended_at is not None
