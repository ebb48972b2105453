"""A round covering every window, signing off, and what a tap may change (R-PATROL-1, -2)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from patrols.models import Round, WindowCheck
from patrols.services import check_pass, check_undo, round_sign, round_start
from tests.factories import WindowFactory

from .support import finding, morning, walk

pytestmark = pytest.mark.django_db


def test_a_round_covering_every_window_completes_and_is_signed_off(hall, supervisor):
    third = WindowFactory(number="A02", department=hall.department)
    now = morning()
    round_, created = round_start(actor=supervisor, now=now)
    assert created and round_.half == "morning" and round_.status == Round.Status.OPEN
    check_pass(actor=supervisor, round_=round_, window=hall.window, now=now)
    check_pass(actor=supervisor, round_=round_, window=third, now=now)
    round_.refresh_from_db()
    assert round_.status == Round.Status.OPEN  # B01 still to go
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        round_sign(actor=supervisor, round_=round_, now=now)
    assert "B01" in refused.value.messages[0]
    check_pass(actor=supervisor, round_=round_, window=hall.other_window, now=now)
    round_.refresh_from_db()
    assert round_.status == Round.Status.COMPLETE and round_.completed_at == now
    signed = round_sign(actor=supervisor, round_=round_, now=now, remarks="秩序良好")
    assert signed.status == Round.Status.SIGNED and signed.signed_by == supervisor
    # History names who signed.
    assert signed.history.first().history_user == supervisor
    # A signed round no longer changes.
    with pytest.raises(ValidationError):
        check_undo(actor=supervisor, round_=signed, window=hall.window, now=now)


def test_a_closed_window_need_not_be_covered(hall, supervisor):
    hall.other_window.is_active = False
    hall.other_window.save()
    round_ = walk(supervisor, [hall.window], morning())
    assert round_.status == Round.Status.COMPLETE


def test_a_second_supervisor_joins_the_open_round(hall, supervisor, director):
    first, created = round_start(actor=supervisor, now=morning())
    joined, created_again = round_start(actor=director, now=morning(minute=45))
    assert created and not created_again and joined.pk == first.pk
    afternoon_round, created = round_start(actor=supervisor, now=morning(hour=14))
    assert created and afternoon_round.half == "afternoon"


def test_after_signing_off_an_extra_round_may_be_walked(hall, supervisor):
    round_ = walk(supervisor, [hall.window, hall.other_window], morning())
    round_sign(actor=supervisor, round_=round_, now=morning(minute=50))
    extra, created = round_start(actor=supervisor, now=morning(hour=11))
    assert created and extra.pk != round_.pk


def test_a_double_tap_records_one_check_and_undo_takes_it_back(hall, supervisor):
    round_, _ = round_start(actor=supervisor, now=morning())
    check_pass(actor=supervisor, round_=round_, window=hall.window, now=morning())
    check_pass(actor=supervisor, round_=round_, window=hall.window, now=morning(minute=31))
    assert WindowCheck.objects.filter(round=round_).count() == 1
    check_pass(actor=supervisor, round_=round_, window=hall.other_window, now=morning())
    round_.refresh_from_db()
    assert round_.status == Round.Status.COMPLETE
    check_undo(actor=supervisor, round_=round_, window=hall.window, now=morning(minute=32))
    round_.refresh_from_db()
    assert round_.status == Round.Status.OPEN
    assert not WindowCheck.objects.filter(round=round_, window=hall.window).exists()


def test_all_passed_is_refused_where_findings_are_recorded(hall, supervisor):
    found = finding(supervisor, hall.window, "tidiness", morning())
    with pytest.raises(ValidationError):
        check_pass(
            actor=supervisor, round_=found.window_check.round, window=hall.window, now=morning()
        )
    with pytest.raises(ValidationError):
        check_undo(
            actor=supervisor, round_=found.window_check.round, window=hall.window, now=morning()
        )


@pytest.mark.parametrize("persona", ["clerk", "window_head", "department_head", "inspector"])
def test_only_the_center_walks_a_round(request, hall, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        round_start(actor=user, now=morning())
    assert not Round.objects.exists()
