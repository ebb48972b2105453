"""A whereabouts sign is a temporary absence of the post (R-ORG-6, R-ORG-7); a B holder
from elsewhere in the department sees A's window queue only while standing in."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.selectors import acting_windows
from hall.roles import Role
from staff.attendance import whereabouts_post, whereabouts_return
from staff.models import Absence, StaffMember
from staff.selectors import scope_for_user
from staff.substitution import absence_end, acting_for, posts_with_both_away
from tests.factories import StaffMemberFactory, UserFactory, WindowFactory

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2026, 10, 12, 9, 30))


@pytest.fixture
def holder_a(clerk, hall):
    post = StaffMember.objects.get(user=clerk).post
    user = UserFactory(username="aholder", first_name="张甲", roles=[Role.CLERK])
    return StaffMemberFactory(
        user=user, window=hall.window, department=hall.department, post=post, slot="A"
    )


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)


def sign_up(member, now=NOW, **kw):
    return whereabouts_post(
        actor=member.user,
        member=member,
        now=now,
        reason=kw.get("reason", "去档案室调档"),
        expected_back=now + dt.timedelta(minutes=15),
        handover_note=kw.get("handover_note", ""),
    )


def test_a_whereabouts_sign_makes_b_act_for_a_until_it_comes_down(clerk, holder_a, hall):
    sign = sign_up(holder_a, handover_note="柜台上两件待取件")
    absence = Absence.objects.get(sign=sign)
    assert (absence.reason, absence.handover_note) == ("temporary", "柜台上两件待取件")
    assert acting_for(clerk, hall.window, NOW + dt.timedelta(minutes=5)) == holder_a.user
    whereabouts_return(actor=holder_a.user, sign=sign, now=NOW + dt.timedelta(minutes=12))
    absence.refresh_from_db()
    assert absence.ended_at == NOW + dt.timedelta(minutes=12)
    assert acting_for(clerk, hall.window, NOW + dt.timedelta(minutes=13)) is None


def test_b_saying_a_is_back_takes_the_sign_down(clerk, holder_a):
    sign = sign_up(holder_a)
    absence_end(actor=clerk, absence=Absence.objects.get(sign=sign), now=NOW)
    sign.refresh_from_db()
    assert sign.returned_at == NOW


def test_a_sign_of_someone_without_a_post_is_no_absence(window_head):
    member = StaffMember.objects.get(user=window_head)
    sign_up(member)
    assert not Absence.objects.exists()


def test_both_holders_behind_signs_show_the_post_empty(clerk, holder_a):
    sign_up(holder_a)
    assert posts_with_both_away(NOW) == set()
    sign_up(StaffMember.objects.get(user=clerk))
    assert posts_with_both_away(NOW) == {holder_a.post_id}


def test_a_back_office_b_holder_sees_as_queue_only_while_standing_in(hall, holder_a, clerk):
    """The B holder need not sit at A's window (a colleague of the department's back
    office): while A is away, A's window enters B's scope and queue."""
    b = StaffMember.objects.get(user=clerk)
    b.window = WindowFactory(number="A02", department=hall.department)
    b.full_clean()
    b.save()
    assert hall.window not in acting_windows(fresh(clerk))
    sign = sign_up(holder_a)
    assert hall.window in acting_windows(fresh(clerk))  # a new request, a new scope
    assert hall.window.pk in scope_for_user(fresh(clerk)).act_window_ids
    assert acting_for(clerk, hall.window, NOW + dt.timedelta(minutes=1)) == holder_a.user
    whereabouts_return(actor=holder_a.user, sign=sign, now=timezone.now())
    assert hall.window not in acting_windows(fresh(clerk))


def test_the_a_holder_must_sit_at_the_posts_window(hall, holder_a):
    holder_a.window = WindowFactory(number="A03", department=hall.department)
    with pytest.raises(ValidationError) as exc:
        holder_a.full_clean()
    assert "post" in exc.value.message_dict


def test_the_register_page_shows_both_away_in_red(client, clerk, holder_a, supervisor):
    now = timezone.now()
    sign_up(holder_a, now=now)
    sign_up(StaffMember.objects.get(user=clerk), now=now)
    client.force_login(supervisor)
    body = client.get(reverse("staff:posts")).content.decode()
    assert 'data-testid="both-away"' in body and "table-danger" in body
    body = client.get(reverse("supervision:overview")).content.decode()
    assert 'data-testid="unstaffed"' in body
