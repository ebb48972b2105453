"""Swaps and the A/B register (R-ORG-4, R-ORG-6): each refusal with its message, the
50 % and January rules at their edges, and the leaving person staying until the
newcomer is familiar."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from hall.roles import Role
from staff.dispatch import dispatch_propose, dispatch_put_on_post, dispatch_review, dispatch_train
from staff.models import PostChange, StaffMember, SwapRequest
from staff.posts import post_assign, stability_ends, swap_decide, swap_mark_familiar, swap_request
from tests.factories import PostFactory, StaffMemberFactory, UserFactory
from tests.staff.test_dispatch import ALL_PASS, proposal

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2026, 11, 2, 10, 0))  # a Monday in November
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _english_messages():
    translation.activate("en")


@pytest.fixture
def staff4(hall):
    """Four people at window A01, on post since 2025."""
    members = []
    for n in range(4):
        post = PostFactory(window=hall.window, name=f"岗{n}")
        members.append(
            StaffMemberFactory(
                user=UserFactory(username=f"s{n}", first_name=f"员工{n}", roles=[Role.CLERK]),
                window=hall.window,
                department=hall.department,
                post=post,
                slot="A",
                on_post_since=dt.date(2025, 3, 1),
            )
        )
    return members


def ask(actor, member, *, days=5, on=None, reason="health", **kw):
    return swap_request(
        actor=actor,
        leaving=member,
        reason=reason,
        effective_on=on or TODAY + dt.timedelta(days=days),
        now=kw.pop("now", NOW),
        **kw,
    )


def test_a_swap_five_days_ahead_is_accepted_four_days_is_refused(staff4, department_head):
    with pytest.raises(ValidationError, match="at least 5 days ahead"):
        ask(department_head, staff4[0], days=4)
    assert not SwapRequest.objects.exists()
    swap = ask(department_head, staff4[0], days=5)
    assert swap.status == SwapRequest.Status.PENDING
    assert swap.history.latest().history_user == department_head


@pytest.mark.parametrize(
    ("period", "since", "allowed_from"),
    [
        ("half_year", dt.date(2026, 5, 10), dt.date(2026, 11, 10)),
        ("assessment_year", dt.date(2025, 11, 10), dt.date(2026, 11, 10)),
    ],
)
def test_the_stability_period_at_its_edge(staff4, department_head, period, since, allowed_from):
    member = staff4[0]
    member.on_post_since = since
    member.save()
    with override_settings(HALL_STABILITY_PERIOD=period):
        assert stability_ends(member) == allowed_from
        with pytest.raises(ValidationError, match="stability period"):
            ask(department_head, member, on=allowed_from - dt.timedelta(days=1))
        assert ask(department_head, member, on=allowed_from).effective_on == allowed_from


def test_regular_adjustments_only_in_january(staff4, department_head):
    with pytest.raises(ValidationError, match="January"):
        ask(department_head, staff4[0], reason="regular", on=dt.date(2027, 2, 1))
    with pytest.raises(ValidationError, match="January"):
        ask(department_head, staff4[0], reason="regular", on=dt.date(2026, 12, 31))
    swap = ask(department_head, staff4[0], reason="regular", on=dt.date(2027, 1, 31))
    assert swap.reason == "regular"


def test_fifty_percent_of_a_window_at_once_and_not_one_more(staff4, department_head):
    jan = dt.date(2027, 1, 15)
    ask(department_head, staff4[0], reason="regular", on=jan)
    ask(department_head, staff4[1], reason="regular", on=jan + dt.timedelta(days=5))  # 2 of 4
    with pytest.raises(ValidationError, match="2 \\(50 %\\)"):
        ask(department_head, staff4[2], reason="regular", on=jan)  # 3 of 4
    assert SwapRequest.objects.count() == 2


def test_a_refused_swap_frees_its_place_in_the_fifty_percent(staff4, department_head, supervisor):
    first = ask(department_head, staff4[0])
    ask(department_head, staff4[1])
    with pytest.raises(ValidationError, match="50 %"):
        ask(department_head, staff4[2])
    swap_decide(actor=supervisor, swap=first, approve=False, note="窗口人手不足", now=NOW)
    assert ask(department_head, staff4[2]).status == "pending"


def test_a_window_of_one_may_still_swap_its_one_person(hall, department_head):
    member = StaffMemberFactory(
        window=hall.window, department=hall.department, on_post_since=dt.date(2024, 1, 1)
    )
    assert ask(department_head, member).status == "pending"


def test_all_refusals_are_given_at_once(staff4, department_head):
    staff4[0].on_post_since = TODAY
    staff4[0].save()
    with pytest.raises(ValidationError) as exc:
        ask(department_head, staff4[0], reason="regular", days=1)
    assert len(exc.value.messages) == 3


def test_only_the_persons_department_asks_and_only_the_center_decides(
    staff4, department_head, window_head, supervisor
):
    with pytest.raises(PermissionDenied):
        ask(window_head, staff4[0])
    swap = ask(department_head, staff4[0])
    with pytest.raises(PermissionDenied):
        swap_decide(actor=department_head, swap=swap, approve=True, now=NOW)
    with pytest.raises(ValidationError, match="why"):
        swap_decide(actor=supervisor, swap=swap, approve=False, now=NOW)
    swap_decide(actor=supervisor, swap=swap, approve=True, now=NOW)
    with pytest.raises(ValidationError, match="decided already"):
        swap_decide(actor=supervisor, swap=swap, approve=True, now=NOW)


def test_the_leaving_person_stays_until_the_newcomer_is_familiar(
    hall, staff4, department_head, supervisor, window_head
):
    newcomer = dispatch_propose(actor=department_head, dispatch=proposal(hall), now=NOW)
    swap = ask(department_head, staff4[0], incoming=newcomer)
    swap_decide(actor=supervisor, swap=swap, approve=True, now=NOW)
    with pytest.raises(ValidationError, match="not on post yet"):
        swap_mark_familiar(actor=window_head, swap=swap, now=NOW)
    leaving = StaffMember.objects.get(pk=staff4[0].pk)
    assert leaving.is_active and leaving.post_id
    dispatch_review(actor=supervisor, dispatch=newcomer, results=ALL_PASS, now=NOW)
    dispatch_train(
        actor=supervisor,
        dispatch=newcomer,
        title="岗前培训",
        trained_on=TODAY,
        hours=Decimal(8),
        now=NOW,
    )
    member, _ = dispatch_put_on_post(
        actor=supervisor, dispatch=newcomer, username="newbie", now=NOW
    )
    assert member.post is None  # learns the work beside the leaving person
    assert StaffMember.objects.get(pk=staff4[0].pk).is_active  # still on post
    later = NOW + dt.timedelta(days=10)
    swap_mark_familiar(actor=window_head, swap=swap, now=later)
    leaving.refresh_from_db()
    member.refresh_from_db()
    assert not leaving.is_active and leaving.left_on == later.date() and leaving.post is None
    assert (member.post_id, member.slot) == (staff4[0].post_id, "A")
    change = PostChange.objects.filter(post_id=staff4[0].post_id).first()
    assert (change.previous, change.holder) == (leaving, member)
    swap.refresh_from_db()
    assert swap.status == "completed" and swap.familiar_marked_by == window_head


def test_the_center_registers_a_pair_change(hall, clerk, supervisor, department_head):
    b = StaffMember.objects.get(user=clerk)
    newcomer = StaffMemberFactory(window=hall.window, department=hall.department)
    with pytest.raises(PermissionDenied):
        post_assign(
            actor=department_head, post=b.post, slot="B", member=newcomer, reason="x", now=NOW
        )
    with pytest.raises(ValidationError, match="why"):
        post_assign(actor=supervisor, post=b.post, slot="B", member=newcomer, reason="", now=NOW)
    outsider = StaffMemberFactory(window=hall.other_window)
    with pytest.raises(ValidationError, match="another department"):
        post_assign(actor=supervisor, post=b.post, slot="B", member=outsider, reason="x", now=NOW)
    change = post_assign(
        actor=supervisor, post=b.post, slot="B", member=newcomer, reason="王小明调岗", now=NOW
    )
    b.refresh_from_db()
    newcomer.refresh_from_db()
    assert (change.previous, change.holder, change.changed_by) == (b, newcomer, supervisor)
    assert b.post is None and (newcomer.post_id, newcomer.slot) == (change.post_id, "B")
    assert newcomer.history.latest().history_user == supervisor


def test_the_swap_page_shows_the_refusal_and_keeps_the_form(client, staff4, department_head):
    client.force_login(department_head)
    response = client.post(
        reverse("staff:swaps"),
        {
            "action": "request",
            "leaving": staff4[0].pk,
            "reason": "regular",
            "effective_on": (TODAY + dt.timedelta(days=2)).isoformat(),
            "explanation": "年度调整说明",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "至少提前 5 天" in body and "一月" in body
    assert "年度调整说明" in body
    assert not SwapRequest.objects.exists()


def test_the_swap_page_for_each_persona(client, staff4, department_head, supervisor, clerk, hall):
    swap = ask(department_head, staff4[0])
    client.force_login(supervisor)
    body = client.get(reverse("staff:swaps")).content.decode()
    assert 'data-testid="swap-approve"' in body and 'data-testid="swap-form"' not in body
    client.post(reverse("staff:swaps"), {"action": "approve", "swap": swap.pk})
    swap.refresh_from_db()
    assert swap.status == "approved"
    client.force_login(department_head)
    body = client.get(reverse("staff:swaps")).content.decode()
    assert 'data-testid="swap-form"' in body and 'data-testid="swap-approve"' not in body
    assert "每次调整不超过窗口工作人员总数的 50%" in body  # the rule, in Chinese
    client.force_login(clerk)
    assert client.get(reverse("staff:swaps")).status_code == 403
