"""What a patrol does (R-PATROL-1, -2): start a round, check each window, record
findings, sign the round off; and what follows a finding (R-PATROL-2 effects):
its occurrence for accountability, the window head's dispute, the decision.

Every service takes the acting user and `now`, checks permission itself, raises
ValidationError or PermissionDenied and changes nothing when it refuses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.services import occurrence_record, occurrence_withdraw
from hall.alerts import AlertSpec, alerts_send
from hall.calendar import end_of_working_day
from hall.roles import Role, role_holders
from staff.attendance import session_of
from staff.models import StaffMember, WhereaboutsSign
from staff.selectors import scope_for_user
from staff.substitution import active_absences, partner_of
from windows.models import Window

from .models import ChecklistItem, Finding, Half, Round, WindowCheck
from .photos import photo_clean

PATROLLERS = frozenset({Role.SUPERVISOR, Role.DIRECTOR})
UNSIGNED = (Round.Status.OPEN, Round.Status.COMPLETE)


# --- Who may do what -----------------------------------------------------------


def may_patrol(user) -> bool:
    """Center supervisors walk the hall (R-PATROL-1); the director may too."""
    return bool(getattr(user, "is_superuser", False) or scope_for_user(user).roles & PATROLLERS)


def may_read_patrols(user) -> bool:
    """The whole register: the center (supervisors, director) and the inspectors."""
    scope = scope_for_user(user)
    return bool(getattr(user, "is_superuser", False) or scope.view_all)


def may_read_finding(user, finding: Finding) -> bool:
    """The center and inspectors every finding; a window or department head their own
    windows'; the person named their own. Other clerks of the window see none."""
    if may_read_patrols(user):
        return True
    scope = scope_for_user(user)
    if scope.roles & {Role.WINDOW_HEAD, Role.DEPARTMENT_HEAD} and scope.may_view_window(
        finding.window
    ):
        return True
    return bool(finding.person_id and finding.person.user_id == user.pk)


def findings_for(user):
    """The findings a user may list (the same rule as `may_read_finding`)."""
    findings = Finding.objects.select_related(
        "window", "window__department", "item", "person", "recorded_by", "window_check__round"
    )
    if may_read_patrols(user):
        return findings
    scope = scope_for_user(user)
    condition = Q(person__user_id=user.pk)
    if scope.roles & {Role.WINDOW_HEAD, Role.DEPARTMENT_HEAD}:
        condition |= Q(window_id__in=scope.view_window_ids) | Q(
            window__department_id__in=scope.view_department_ids
        )
    return findings.filter(condition)


def may_dispute(user, finding: Finding) -> bool:
    """The head of the finding's window (or its chief representative)."""
    window = finding.window
    return bool(user.pk and user.pk in (window.window_head_id, window.chief_representative_id))


def _require_patroller(actor) -> None:
    if not may_patrol(actor):
        raise PermissionDenied(_("Only a center supervisor walks a patrol round."))


# --- What the patrol sees beside each window ------------------------------------


@dataclass(frozen=True)
class Away:
    """Someone of the window away from the post now, as the round shows them."""

    member: StaffMember
    label: str
    until: dt.datetime | None
    sanctioned: bool
    stands_in: StaffMember | None = None

    def text(self) -> str:
        parts = [f"{self.member.name}: {self.label}"]
        if self.until:
            parts.append(
                _("until %(time)s") % {"time": timezone.localtime(self.until).strftime("%H:%M")}
            )
        if self.stands_in:
            parts.append(_("%(name)s stands in") % {"name": self.stands_in.name})
        if not self.sanctioned:
            parts.append(_("over the limit without leave"))
        return " · ".join(parts)


def _sign_sanctioned(sign: WhereaboutsSign, now: dt.datetime) -> bool:
    """R-ORG-7: a sign is enough for up to the limit; longer needs leave and a substitute."""
    limit = dt.timedelta(minutes=settings.HALL_AWAY_LIMIT_MINUTES)
    return (now - sign.left_at) <= limit or bool(sign.approved_by_id and sign.substitute_id)


def away_at(window_ids, now: dt.datetime) -> dict[int, list[Away]]:
    """Whereabouts signs up and absences (leave, training, trips) of each window's
    staff now, with who stands in (R-ORG-6, R-ORG-7)."""
    result: dict[int, list[Away]] = {}
    signs = (
        WhereaboutsSign.objects.filter(
            returned_at__isnull=True, left_at__lte=now, member__window_id__in=window_ids
        )
        .select_related("member", "substitute")
        .order_by("left_at")
    )
    with_sign = set()
    for sign in signs:
        with_sign.add(sign.member_id)
        stands_in = sign.substitute or partner_of(sign.member)
        result.setdefault(sign.member.window_id, []).append(
            Away(
                member=sign.member,
                label=_("whereabouts sign: %(reason)s") % {"reason": sign.reason},
                until=sign.expected_back,
                sanctioned=_sign_sanctioned(sign, now),
                stands_in=stands_in,
            )
        )
    absences = (
        active_absences(now)
        .filter(member__window_id__in=window_ids, sign__isnull=True)
        .select_related("member")
    )
    for absence in absences:
        if absence.member_id in with_sign:
            continue
        result.setdefault(absence.member.window_id, []).append(
            Away(
                member=absence.member,
                label=str(absence.get_reason_display()),
                until=absence.ends_at,
                sanctioned=True,
                stands_in=partner_of(absence.member),
            )
        )
    return result


def sanctioned_absence(member: StaffMember, now: dt.datetime) -> Away | None:
    """The sanctioned absence of `member` now, if any: a sign within the limit or with
    leave and a substitute, or a recorded absence (leave, training, a trip)."""
    for away in away_at([member.window_id], now).get(member.window_id, []):
        if away.member.pk == member.pk and away.sanctioned:
            return away
    return None


# --- Rounds ---------------------------------------------------------------------


def active_windows():
    """The windows a round must cover, in the order a patrol walks past them."""
    return Window.objects.filter(is_active=True).select_related("department")


def missing_windows(round_: Round):
    return active_windows().exclude(patrol_checks__round=round_)


def _lock(round_: Round) -> Round:
    return Round.objects.select_for_update().get(pk=round_.pk)


@transaction.atomic
def round_start(*, actor, now: dt.datetime, half: str | None = None) -> tuple[Round, bool]:
    """Open this half-day's round, or join the one a colleague has open.

    Returns (round, created)."""
    _require_patroller(actor)
    session, _opens = session_of(now)
    half = half or session
    if half not in Half.values:
        raise ValidationError(_("Choose the morning or the afternoon."))
    date = timezone.localdate(now)
    existing = (
        Round.objects.select_for_update().filter(date=date, half=half, status__in=UNSIGNED).first()
    )
    if existing is not None:
        return existing, False
    round_ = Round(date=date, half=half, started_by=actor, started_at=now)
    round_._history_user = actor
    round_.save()
    return round_, True


def _require_unsigned(round_: Round) -> None:
    if round_.status == Round.Status.SIGNED:
        raise ValidationError(_("This round is signed off; it can no longer change."))


def _require_window(window: Window) -> None:
    if not window.is_active:
        raise ValidationError(_("Window %(number)s is closed.") % {"number": window.number})


def _context_text(window: Window, now: dt.datetime) -> str:
    return "\n".join(a.text() for a in away_at([window.pk], now).get(window.pk, []))


def _complete_if_covered(round_: Round, now: dt.datetime, actor) -> None:
    covered = not missing_windows(round_).exists()
    if covered and round_.status == Round.Status.OPEN:
        round_.status, round_.completed_at = Round.Status.COMPLETE, now
    elif not covered and round_.status == Round.Status.COMPLETE:
        round_.status, round_.completed_at = Round.Status.OPEN, None
    else:
        return
    round_._history_user = actor
    round_.save(update_fields=["status", "completed_at"])


@transaction.atomic
def check_pass(*, actor, round_: Round, window: Window, now: dt.datetime) -> WindowCheck:
    """One tap: every item passed at this window. A second tap changes nothing."""
    _require_patroller(actor)
    round_ = _lock(round_)
    _require_unsigned(round_)
    _require_window(window)
    existing = WindowCheck.objects.filter(round=round_, window=window).first()
    if existing is not None:
        if existing.findings.filter(status__in=Finding.COUNTED).exists():
            raise ValidationError(
                _("Findings are recorded at window %(number)s; withdraw them first.")
                % {"number": window.number}
            )
        if existing.result != WindowCheck.Result.PASSED:
            existing.result = WindowCheck.Result.PASSED
            existing._history_user = actor
            existing.save(update_fields=["result"])
        return existing
    check = WindowCheck(
        round=round_,
        window=window,
        result=WindowCheck.Result.PASSED,
        checked_by=actor,
        checked_at=now,
        context=_context_text(window, now),
    )
    check._history_user = actor
    check.save()
    _complete_if_covered(round_, now, actor)
    return check


@transaction.atomic
def check_undo(*, actor, round_: Round, window: Window, now: dt.datetime) -> None:
    """Take back a mistaken "all passed" while the round is unsigned."""
    _require_patroller(actor)
    round_ = _lock(round_)
    _require_unsigned(round_)
    check = WindowCheck.objects.filter(round=round_, window=window).first()
    if check is None:
        return
    if check.findings.exists():
        raise ValidationError(
            _("Findings were recorded at window %(number)s; withdraw a finding instead.")
            % {"number": window.number}
        )
    check._history_user = actor
    check.delete()
    _complete_if_covered(round_, now, actor)


def _dispute_due(now: dt.datetime) -> dt.datetime:
    return end_of_working_day(now, settings.HALL_PATROL_DISPUTE_DAYS)


def _window_heads(window: Window) -> set[int]:
    return {pk for pk in (window.window_head_id, window.chief_representative_id) if pk}


@transaction.atomic
def finding_record(
    *,
    actor,
    round_: Round,
    window: Window,
    item: ChecklistItem,
    now: dt.datetime,
    person: StaffMember | None = None,
    note: str = "",
    photo=None,
) -> Finding:
    """Record one finding at a window; it is saved at once and records its occurrence.

    An absence item is refused for a person whose absence is sanctioned (a whereabouts
    sign within the limit or with leave, leave, an A/B substitution): not a breach.
    """
    _require_patroller(actor)
    round_ = _lock(round_)
    _require_unsigned(round_)
    _require_window(window)
    errors: dict[str, str] = {}
    if not item.is_active:
        errors["item"] = _("This checklist item is no longer in use.")
    note = (note or "").strip()
    if item.subject == ChecklistItem.Subject.PERSON:
        if person is None:
            errors["person"] = _("Name the person this finding is about.")
        elif person.window_id != window.pk or not person.is_active:
            errors["person"] = _("%(name)s does not work at window %(number)s.") % {
                "name": person.name,
                "number": window.number,
            }
        elif item.is_absence:
            away = sanctioned_absence(person, now)
            if away is not None:
                errors["person"] = _(
                    "%(name)s is away with leave (%(away)s): a sanctioned absence is not a breach."
                ) % {"name": person.name, "away": away.label}
    elif person is not None and (person.window_id != window.pk or not person.is_active):
        errors["person"] = _("%(name)s does not work at window %(number)s.") % {
            "name": person.name,
            "number": window.number,
        }
    stored_photo = None
    if photo:
        try:
            stored_photo = photo_clean(photo)
        except ValidationError as error:
            errors["photo"] = error.messages[0]
    if errors:
        raise ValidationError(errors)
    check = WindowCheck.objects.filter(round=round_, window=window).first()
    if check is None:
        check = WindowCheck(
            round=round_,
            window=window,
            result=WindowCheck.Result.FINDINGS,
            checked_by=actor,
            checked_at=now,
            context=_context_text(window, now),
        )
        check._history_user = actor
        check.save()
    elif check.result != WindowCheck.Result.FINDINGS:
        check.result = WindowCheck.Result.FINDINGS
        check._history_user = actor
        check.save(update_fields=["result"])
    finding = Finding(
        window_check=check,
        window=window,
        item=item,
        person=person,
        note=note,
        points=item.deduction,
        recorded_by=actor,
        recorded_at=now,
        dispute_due=_dispute_due(now),
    )
    if stored_photo is not None:
        finding.photo.save(stored_photo.name, stored_photo, save=False)
    finding._history_user = actor
    finding.save()
    _record_occurrence(finding)
    _complete_if_covered(round_, now, actor)
    url = reverse("patrols:finding", args=[finding.pk])
    alerts_send(
        [
            AlertSpec(
                user_id=user_id,
                key=f"patrol-finding:{finding.pk}:recorded",
                level="warning",
                title=_("Patrol finding at window %(number)s: %(item)s")
                % {"number": window.number, "item": item.title},
                body=_("You may dispute it until %(due)s.")
                % {"due": timezone.localtime(finding.dispute_due).strftime("%Y-%m-%d %H:%M")},
                url=url,
            )
            for user_id in _window_heads(window)
        ],
        now=now,
    )
    return finding


def _record_occurrence(finding: Finding) -> None:
    """Effects (R-PATROL-2): one occurrence per finding, against the window or person."""
    person = finding.person
    occurrence_record(
        rule=finding.item.rule,
        source=finding,
        occurred_at=finding.recorded_at,
        window=finding.window,
        person=person.user if person and person.user_id else None,
        detail=f"{finding.item.title}: {finding.note}".rstrip(": "),
    )


def _withdraw(finding: Finding, *, actor, reason: str, now: dt.datetime) -> None:
    finding.status = Finding.Status.WITHDRAWN
    finding.decided_by, finding.decided_at, finding.decision_reason = actor, now, reason
    finding._history_user = actor
    finding.save()
    occurrence_withdraw(rule=finding.item.rule, source=finding, when=now, user=actor)


def _required_reason(reason: str, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": message})
    return reason


def _lock_finding(finding: Finding) -> Finding:
    return (
        Finding.objects.select_for_update()
        .select_related("window", "item", "window_check__round")
        .get(pk=finding.pk)
    )


@transaction.atomic
def finding_correct(*, actor, finding: Finding, reason: str, now: dt.datetime) -> Finding:
    """The patrol takes back a finding recorded in error, before signing the round."""
    _require_patroller(actor)
    finding = _lock_finding(finding)
    reason = _required_reason(reason, _("Say why the finding was recorded in error."))
    round_ = _lock(finding.window_check.round)
    _require_unsigned(round_)
    if finding.status != Finding.Status.RECORDED:
        raise ValidationError(_("Only a finding not yet disputed can be corrected."))
    _withdraw(finding, actor=actor, reason=reason, now=now)
    return finding


@transaction.atomic
def finding_dispute(*, actor, finding: Finding, reason: str, now: dt.datetime) -> Finding:
    """The window head disputes a finding within the set time (R-PATROL-2 effects)."""
    finding = _lock_finding(finding)
    if not may_dispute(actor, finding):
        raise PermissionDenied(_("Only the head of the window disputes a patrol finding."))
    reason = _required_reason(reason, _("Give the grounds of the dispute."))
    if finding.status != Finding.Status.RECORDED:
        raise ValidationError(
            _("This finding is %(status)s; it cannot be disputed.")
            % {"status": finding.get_status_display()}
        )
    if now > finding.dispute_due:
        raise ValidationError(
            _("The time to dispute ended on %(due)s.")
            % {"due": timezone.localtime(finding.dispute_due).strftime("%Y-%m-%d %H:%M")}
        )
    finding.status = Finding.Status.DISPUTED
    finding.disputed_by, finding.disputed_at, finding.dispute_reason = actor, now, reason
    finding._history_user = actor
    finding.save()
    recipients = set(role_holders(Role.SUPERVISOR)) | {finding.recorded_by_id}
    alerts_send(
        [
            AlertSpec(
                user_id=user_id,
                key=f"patrol-finding:{finding.pk}:disputed",
                level="warning",
                title=_("Patrol finding at window %(number)s disputed")
                % {"number": finding.window.number},
                body=reason,
                url=reverse("patrols:finding", args=[finding.pk]),
            )
            for user_id in recipients
        ],
        now=now,
    )
    return finding


@transaction.atomic
def finding_decide(
    *, actor, finding: Finding, uphold: bool, reason: str, now: dt.datetime
) -> Finding:
    """A supervisor upholds a disputed finding or withdraws it (and its occurrence)."""
    _require_patroller(actor)
    finding = _lock_finding(finding)
    reason = _required_reason(reason, _("Give the reason for the decision."))
    if finding.status != Finding.Status.DISPUTED:
        raise ValidationError(_("Only a disputed finding is decided."))
    if finding.disputed_by_id == actor.pk:
        raise PermissionDenied(_("Whoever disputed a finding does not decide it."))
    if uphold:
        finding.status = Finding.Status.UPHELD
        finding.decided_by, finding.decided_at, finding.decision_reason = actor, now, reason
        finding._history_user = actor
        finding.save()
    else:
        _withdraw(finding, actor=actor, reason=reason, now=now)
    alerts_send(
        [
            AlertSpec(
                user_id=finding.disputed_by_id,
                key=f"patrol-finding:{finding.pk}:decided",
                level="info",
                title=(
                    _("Patrol finding at window %(number)s upheld")
                    if uphold
                    else _("Patrol finding at window %(number)s withdrawn")
                )
                % {"number": finding.window.number},
                body=reason,
                url=reverse("patrols:finding", args=[finding.pk]),
            )
        ],
        now=now,
    )
    return finding


@transaction.atomic
def round_sign(*, actor, round_: Round, now: dt.datetime, remarks: str = "") -> Round:
    """The supervisor signs the round off once every active window is covered."""
    _require_patroller(actor)
    round_ = _lock(round_)
    _require_unsigned(round_)
    missing = list(missing_windows(round_).values_list("number", flat=True))
    if missing:
        raise ValidationError(
            _("Not every window is covered yet: %(windows)s.") % {"windows": "、".join(missing)}
        )
    round_.status = Round.Status.SIGNED
    round_.completed_at = round_.completed_at or now
    round_.signed_by, round_.signed_at = actor, now
    round_.remarks = (remarks or "").strip()
    round_._history_user = actor
    round_.save()
    return round_
