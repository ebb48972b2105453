"""From a case to a decision and its effects, and the appeal (R-ACC-1, -2, -4..-7, -9).

The steps, each a service that checks who may take it and refuses a wrong state:

1. `hearing_start`: the inspector names the links of the chain to be charged and the
   person at each; each is told the facts (in-app, and a PDF notice) and given until
   the end of HALL_ACC_HEARING_DAYS working days to state and defend (陈述申辩).
2. `hearing_state`: the person (or an inspector for them) records the statement.
3. `decision_take`: once every statement is in or its deadline has passed, an
   inspector decides the points for each link within the rule's range, raised by
   aggravating (R-ACC-6) and lowered to nothing by mitigating (R-ACC-7)
   circumstances, with reasons. Above HALL_ACC_COUNTERSIGN_POINTS, or proposing a
   removal, the director must countersign (`decision_countersign`) or send it
   back (`decision_send_back`) before it is in force.
4. In force, a decision writes its effects as rows (`Effect`) for the monthly
   assessment, and the people concerned are told.
5. `appeal_file` within HALL_ACC_APPEAL_DAYS working days; `appeal_review` by a
   different inspector or the director: upheld, changed (new effects replace the
   old) or annulled (the effects are revoked).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hall.alerts import AlertSpec, alerts_send
from hall.calendar import add_months, add_working_days, end_of_working_day
from hall.roles import Role, role_holders, user_roles

from .models import (
    AccountabilityCase,
    Appeal,
    Charge,
    Decision,
    Effect,
    Hearing,
    Link,
    Rule,
)

Status = AccountabilityCase.Status

# R-ACC-6 (S1 八(六)) and R-ACC-7 (S1 八(七)), by their numbers in the seed.
AGGRAVATING = {
    "1": gettext_lazy("Rude language (service taboo phrases)"),
    "2": gettext_lazy("Retaliation against complainants or investigators"),
    "3": gettext_lazy("Two or more accountable acts within a year"),
    "4": gettext_lazy("Obstructing the investigation"),
    "5": gettext_lazy("Ignoring a supervision decision"),
    "6": gettext_lazy("Other aggravating circumstances"),
}
REPEAT = "3"
MITIGATING = {
    "1": gettext_lazy("Apologised and was forgiven"),
    "2": gettext_lazy("Prevented the harm"),
    "3": gettext_lazy("Corrected it and recovered the loss"),
    "4": gettext_lazy("Other mitigating circumstances"),
}


# --- who may do what ------------------------------------------------------------


def is_inspector(user) -> bool:
    return bool(getattr(user, "is_superuser", False) or Role.INSPECTOR in user_roles(user))


def is_director(user) -> bool:
    return Role.DIRECTOR in user_roles(user)


def _require_inspector(actor) -> None:
    if not is_inspector(actor):
        raise PermissionDenied(_("Only a discipline inspector takes this step."))


def _lock(case: AccountabilityCase) -> AccountabilityCase:
    return (
        AccountabilityCase.objects.select_for_update(of=("self",))
        .select_related("rule", "window")
        .get(pk=case.pk)
    )


def _save(obj, actor, **kwargs) -> None:
    obj._history_user = actor
    obj.save(**kwargs)


def _case_url(case: AccountabilityCase) -> str:
    return reverse("accountability:case", args=[case.pk])


# --- the chain of responsibility (R-ACC-2) ---------------------------------------------


def link_candidates(case: AccountabilityCase, link: str):
    """Who may be charged at `link` in this case (the people the form offers)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(is_active=True)
    if link == Link.CLERK:
        return users.filter(staff_member__isnull=False)
    if link == Link.CHIEF:
        window = case.window
        if window is None:
            return users.filter(
                Q(headed_windows__isnull=False) | Q(represented_windows__isnull=False)
            ).distinct()
        return users.filter(pk__in=[window.chief_representative_id, window.window_head_id])
    if link == Link.SUPERVISOR:
        return users.filter(groups__name=Role.SUPERVISOR.value)
    return users.filter(groups__name=Role.INSPECTOR.value)


def link_default(case: AccountabilityCase, link: str):
    """The person the form proposes at `link`: the person the case is about as the
    clerk, the window's chief representative (or head) as its leader."""
    if link == Link.CLERK:
        return case.person
    if link == Link.CHIEF and case.window is not None:
        return case.window.chief_representative or case.window.window_head
    return None


# --- 1. hearing --------------------------------------------------------------------------


@transaction.atomic
def hearing_start(
    *, actor, case: AccountabilityCase, charged: dict[str, object], now: dt.datetime
) -> list[Hearing]:
    """Tell each person to be charged the facts and the deadline to state and defend.

    `charged` maps a link (R-ACC-2) to the user charged there; the links must be ones
    the case's rule charges. May be called again while the case is being heard to
    add a link (a supervisor found to share the fault)."""
    _require_inspector(actor)
    case = _lock(case)
    if case.status not in (Status.OPEN, Status.HEARING):
        raise ValidationError(_("This case is past its hearing."))
    rule = case.rule
    errors = {}
    if not charged:
        errors["links"] = _("Name at least one link of the chain to be charged.")
    # A decision charges each link once (one Charge per link): a link already heard
    # takes no second person.
    heard = {h.link: h.person_id for h in case.hearings.all()}
    for link, person in charged.items():
        if link not in Link.values:
            errors[link] = _("Unknown link of the chain.")
        elif link not in (rule.links or []):
            errors[link] = _("Rule %(rule)s does not charge the %(link)s link.") % {
                "rule": rule.code,
                "link": Link(link).label,
            }
        elif person is None:
            errors[link] = _("Name the person charged at this link.")
        elif not link_candidates(case, link).filter(pk=person.pk).exists():
            errors[link] = _("%(person)s cannot be charged at this link.") % {
                "person": person.get_full_name() or person.username
            }
        elif person.pk == actor.pk:
            errors[link] = _("An inspector cannot hear a case in which they are charged.")
        elif heard.get(link) == person.pk:
            errors[link] = _("This person is already being heard at this link.")
        elif link in heard:
            errors[link] = _("Another person is already being heard at this link.")
    if errors:
        raise ValidationError(errors)
    due = end_of_working_day(now, settings.HALL_ACC_HEARING_DAYS)
    hearings = []
    for link, person in charged.items():
        hearing = Hearing(
            case=case,
            person=person,
            link=link,
            facts=case.facts,
            notified_by=actor,
            notified_at=now,
            due_at=due,
        )
        _save(hearing, actor)
        hearings.append(hearing)
    if case.status == Status.OPEN:
        case.status = Status.HEARING
        _save(case, actor, update_fields=["status"])
    alerts_send(
        [
            AlertSpec(
                user_id=h.person_id,
                key=f"acc-hearing-{h.pk}",
                level="warning",
                title=_("Accountability case %(number)s: state and defend by %(due)s")
                % {"number": case.number, "due": timezone.localtime(due).strftime("%Y-%m-%d")},
                body=case.facts[:500],
                url=reverse("accountability:hearing", args=[h.pk]),
            )
            for h in hearings
        ],
        now=now,
    )
    return hearings


def may_state(user, hearing: Hearing) -> bool:
    return user.pk == hearing.person_id or is_inspector(user)


@transaction.atomic
def hearing_state(*, actor, hearing: Hearing, statement: str, now: dt.datetime) -> Hearing:
    """Record the statement and defence: by the person, or by an inspector writing
    down what the person said or handed in. Once, before the deadline."""
    hearing = (
        Hearing.objects.select_for_update(of=("self",)).select_related("case").get(pk=hearing.pk)
    )
    if not may_state(actor, hearing):
        raise PermissionDenied(_("Only the person heard, or an inspector for them, states."))
    if hearing.stated_at is not None:
        raise ValidationError(_("The statement is already recorded."))
    if hearing.case.status != Status.HEARING:
        raise ValidationError(_("This case is no longer being heard."))
    if now > hearing.due_at:
        raise ValidationError(_("The deadline to state and defend has passed."))
    statement = (statement or "").strip()
    if not statement:
        raise ValidationError({"statement": _("Write the statement.")})
    hearing.statement = statement
    hearing.stated_at = now
    hearing.stated_by = actor
    _save(hearing, actor)
    if actor.pk == hearing.person_id:
        alerts_send(
            [
                AlertSpec(
                    user_id=user_id,
                    key=f"acc-stated-{hearing.pk}-{user_id}",
                    level="info",
                    title=_("Accountability case %(number)s: a statement is in")
                    % {"number": hearing.case.number},
                    url=_case_url(hearing.case),
                )
                for user_id in {hearing.notified_by_id}
            ],
            now=now,
        )
    return hearing


def hearing_over(case: AccountabilityCase, now: dt.datetime) -> bool:
    """Every person heard has stated, or their deadline has passed (R-ACC-1)."""
    hearings = list(case.hearings.all())
    return bool(hearings) and all(h.is_over(now) for h in hearings)


# --- 2. decision ------------------------------------------------------------------------


@dataclass(frozen=True)
class Range:
    low: Decimal
    high: Decimal

    def allows(self, points: Decimal) -> bool:
        return self.low <= points <= self.high


def points_range(rule: Rule, *, aggravating=(), mitigating=()) -> Range:
    """The points a decision may deduct per link: the rule's range; aggravated
    (从重或者加重, R-ACC-6), raised by its width above its top; mitigated (从轻、减轻
    或免于处理, R-ACC-7), down to nothing. Both: from nothing to the raised top."""
    low, high = rule.points_min, rule.points_max
    if aggravating:
        width = max(high - low, Decimal(1))
        low, high = high, high + width
    if mitigating:
        low = Decimal(0)
    return Range(low, high)


def earlier_acts(case: AccountabilityCase) -> list[AccountabilityCase]:
    """The person's (or, for a case without a person, the window's) other accountable
    acts within twelve months before this one (R-ACC-6.3): cases with a decision in
    force. Whose act happened more than a year before does not count."""
    act = case.act_date()
    since = add_months(act, -12)
    decided = Decision.objects.filter(status=Decision.Status.IN_FORCE).exclude(case=case)
    if case.person_id:
        decided = decided.filter(
            Q(case__person=case.person_id)
            | Q(charges__person=case.person_id, charges__link=Link.CLERK)
        )
    elif case.window_id:
        decided = decided.filter(case__window=case.window_id)
    else:
        return []
    found = []
    for decision in decided.select_related("case").prefetch_related("case__occurrences").distinct():
        other = decision.case.act_date()
        if since <= other <= act:
            found.append(decision.case)
    return sorted(found, key=lambda c: c.act_date())


def needs_countersignature(total: Decimal, aggravating) -> bool:
    return total > settings.HALL_ACC_COUNTERSIGN_POINTS or bool(aggravating)


def _points(value, field: str) -> Decimal:
    try:
        points = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter a number of points.")}) from None
    return points


@transaction.atomic
def decision_take(
    *,
    actor,
    case: AccountabilityCase,
    points: dict[str, object],
    reasons: str,
    now: dt.datetime,
    aggravating: list[str] | tuple = (),
    mitigating: list[str] | tuple = (),
    rectify_by: dt.date | None = None,
) -> Decision:
    """Decide the points for each link heard (R-ACC-2, -4..-7). `points` maps a link
    to its points; links heard but not given are not charged."""
    _require_inspector(actor)
    case = _lock(case)
    if case.status != Status.HEARING:
        raise ValidationError(_("Only a case that has been heard can be decided."))
    if not hearing_over(case, now):
        raise ValidationError(
            _(
                "No decision before every person heard has stated and defended or "
                "their deadline has passed (R-ACC-1)."
            )
        )
    hearings = {h.link: h for h in case.hearings.all()}
    if actor.pk in {h.person_id for h in hearings.values()}:
        raise PermissionDenied(_("An inspector cannot decide a case in which they are charged."))
    errors = {}
    aggravating = sorted(set(aggravating))
    mitigating = sorted(set(mitigating))
    if any(code not in AGGRAVATING for code in aggravating):
        errors["aggravating"] = _("Unknown aggravating circumstance.")
    if any(code not in MITIGATING for code in mitigating):
        errors["mitigating"] = _("Unknown mitigating circumstance.")
    allowed = points_range(case.rule, aggravating=aggravating, mitigating=mitigating)
    given: dict[str, Decimal] = {}
    for link, value in points.items():
        if link not in hearings:
            errors[link] = _("This link was not heard; it cannot be charged.")
            continue
        if value in (None, ""):
            continue
        amount = _points(value, link)
        if not allowed.allows(amount):
            errors[link] = _("Points must be between %(low)s and %(high)s.") % {
                "low": allowed.low,
                "high": allowed.high,
            }
        given[link] = amount
    if not given and "links" not in errors:
        errors["links"] = _("Charge at least one link heard.")
    reasons = (reasons or "").strip()
    if not reasons:
        errors["reasons"] = _("Give the reasons of the decision.")
    if rectify_by is not None and rectify_by <= timezone.localdate(now):
        errors["rectify_by"] = _("The rectification deadline must be after today.")
    if errors:
        raise ValidationError(errors)
    total = sum(given.values(), Decimal(0))
    countersign = needs_countersignature(total, aggravating)
    decision = Decision(
        case=case,
        status=Decision.Status.COUNTERSIGN if countersign else Decision.Status.IN_FORCE,
        decided_by=actor,
        decided_at=now,
        reasons=reasons,
        aggravating=aggravating,
        mitigating=mitigating,
        points_min=allowed.low,
        points_max=allowed.high,
        rectify_by=rectify_by,
    )
    _save(decision, actor)
    for link, amount in given.items():
        _save(
            Charge(decision=decision, link=link, person=hearings[link].person, points=amount),
            actor,
        )
    if countersign:
        case.status = Status.COUNTERSIGN
        _save(case, actor, update_fields=["status"])
        alerts_send(
            [
                AlertSpec(
                    user_id=user_id,
                    key=f"acc-countersign-{decision.pk}-{user_id}",
                    level="warning",
                    title=_("Accountability case %(number)s awaits your countersignature")
                    % {"number": case.number},
                    url=_case_url(case),
                )
                for user_id in role_holders(Role.DIRECTOR)
            ],
            now=now,
        )
    else:
        _bring_into_force(decision, actor=actor, now=now)
    return decision


@transaction.atomic
def decision_countersign(*, actor, decision: Decision, now: dt.datetime) -> Decision:
    """The director countersigns a decision above the threshold; it comes into force."""
    if not is_director(actor):
        raise PermissionDenied(_("Only the center director countersigns."))
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status != Decision.Status.COUNTERSIGN:
        raise ValidationError(_("This decision does not await a countersignature."))
    if actor.pk == decision.decided_by_id:
        raise PermissionDenied(_("Whoever decided cannot countersign their own decision."))
    decision.countersigned_by = actor
    decision.countersigned_at = now
    _save(decision, actor)
    _bring_into_force(decision, actor=actor, now=now)
    return decision


@transaction.atomic
def decision_send_back(*, actor, decision: Decision, reasons: str, now: dt.datetime) -> None:
    """The director does not countersign: the decision is dropped and the case goes
    back to the inspectors to decide again, with the director's reasons."""
    if not is_director(actor):
        raise PermissionDenied(_("Only the center director countersigns."))
    decision = (
        Decision.objects.select_for_update(of=("self",)).select_related("case").get(pk=decision.pk)
    )
    if decision.status != Decision.Status.COUNTERSIGN:
        raise ValidationError(_("This decision does not await a countersignature."))
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": _("Say why the decision goes back.")})
    decision.status = Decision.Status.SENT_BACK
    decision.reasons = f"{decision.reasons}\n\n{_('Sent back by the director')}: {reasons}"
    _save(decision, actor)
    case = _lock(decision.case)
    case.status = Status.HEARING
    _save(case, actor, update_fields=["status"])
    alerts_send(
        [
            AlertSpec(
                user_id=decision.decided_by_id,
                key=f"acc-sent-back-{decision.pk}",
                level="warning",
                title=_("Accountability case %(number)s: the director sent the decision back")
                % {"number": case.number},
                body=reasons,
                url=_case_url(case),
            )
        ],
        now=now,
    )


def _effects_of(decision: Decision, now: dt.datetime) -> list[Effect]:
    """The rows a decision in force brings (R-ACC-4, -5, -6, -9)."""
    case, rule = decision.case, decision.case.rule
    charges = list(decision.charges.select_related("person__staff_member__window"))
    total = sum((c.points for c in charges), Decimal(0))
    if total == 0 and decision.mitigating:
        return []  # 免于处理: waived altogether (R-ACC-7)
    month, today = case.month, timezone.localdate(now)
    direct = next((c for c in charges if c.link == Link.CLERK), None)
    subject = direct.person if direct else case.person

    def window_of(person):
        member = getattr(person, "staff_member", None) if person else None
        return member.window if member else None

    window = case.window or window_of(subject)
    effects = []

    def add(kind, **fields):
        effects.append(Effect(decision=decision, kind=kind, month=month, created_at=now, **fields))

    for charge in charges:
        if charge.points == 0:
            continue
        # The direct link of a rule on the window comes off the window's month; every
        # other link's points come off the person's own month.
        if charge.link == Link.CLERK and rule.target == Rule.Target.WINDOW and window:
            add(
                Effect.Kind.WINDOW_POINTS,
                window=window,
                person=charge.person,
                points=charge.points,
            )
        else:
            add(
                Effect.Kind.PERSON_POINTS,
                window=window_of(charge.person),
                person=charge.person,
                points=charge.points,
            )
    if rule.award_loss and window:
        add(Effect.Kind.AWARD_LOSS, window=window)
    if rule.warn_window_head and window:
        add(Effect.Kind.WARNING, window=window, person=window.window_head)
    if rule.criticism and subject:
        add(Effect.Kind.CRITICISM, window=window, person=subject)
    if rule.self_examination:
        due = add_working_days(today, settings.HALL_ACC_SELF_EXAMINATION_DAYS).date
        add(Effect.Kind.SELF_EXAMINATION, window=window, person=subject, due_on=due)
    if rule.rectification:
        due = decision.rectify_by or (
            add_working_days(today, settings.HALL_ACC_RECTIFICATION_DAYS).date
        )
        add(Effect.Kind.RECTIFICATION, window=window, person=subject, due_on=due)
    if decision.aggravating:
        head = window.department.head if window else None
        add(Effect.Kind.DEPARTMENT_NOTICE, window=window, person=head)
        if subject:
            add(Effect.Kind.REMOVAL, window=window, person=subject)
    return effects


def _bring_into_force(decision: Decision, *, actor, now: dt.datetime) -> None:
    decision.status = Decision.Status.IN_FORCE
    decision.in_force_at = now
    decision.appeal_due_at = end_of_working_day(now, settings.HALL_ACC_APPEAL_DAYS)
    _save(decision, actor)
    case = _lock(decision.case)
    case.status = Status.DECIDED
    _save(case, actor, update_fields=["status"])
    effects = _effects_of(decision, now)
    for effect in effects:
        _save(effect, actor)
    _tell_effects(decision, effects, now)


def _tell_effects(decision: Decision, effects: list[Effect], now: dt.datetime) -> None:
    case = decision.case
    url = _case_url(case)
    title = _("Accountability case %(number)s: decision in force") % {"number": case.number}
    specs = [
        AlertSpec(
            user_id=charge.person_id,
            key=f"acc-decided-{decision.pk}-{charge.person_id}",
            level="red" if charge.points else "info",
            title=title,
            body=_("%(points)s points; you may appeal until %(due)s.")
            % {
                "points": charge.points,
                "due": timezone.localtime(decision.appeal_due_at).strftime("%Y-%m-%d"),
            },
            url=url,
        )
        for charge in decision.charges.all()
    ]
    for effect in effects:
        if effect.kind in (Effect.Kind.WARNING, Effect.Kind.DEPARTMENT_NOTICE) and effect.person_id:
            specs.append(
                AlertSpec(
                    user_id=effect.person_id,
                    key=f"acc-effect-{effect.pk}",
                    level="warning",
                    title=f"{effect.get_kind_display()} · {case.number}",
                    body=case.facts[:500],
                    url=url,
                )
            )
    alerts_send(specs, now=now)


# --- 3. appeal ---------------------------------------------------------------------------


def may_appeal(user, decision: Decision, now: dt.datetime) -> bool:
    return (
        decision.status == Decision.Status.IN_FORCE
        and decision.appeal_due_at is not None
        and now <= decision.appeal_due_at
        and decision.charges.filter(person=user.pk).exists()
        and not decision.appeals.filter(appellant=user.pk).exists()
    )


@transaction.atomic
def appeal_file(*, actor, decision: Decision, grounds: str, now: dt.datetime) -> Appeal:
    """A person charged appeals (申诉) within the set time, once per decision."""
    decision = (
        Decision.objects.select_for_update(of=("self",)).select_related("case").get(pk=decision.pk)
    )
    if not decision.charges.filter(person=actor.pk).exists():
        raise PermissionDenied(_("Only a person charged by the decision may appeal."))
    if decision.status != Decision.Status.IN_FORCE:
        raise ValidationError(_("Only a decision in force can be appealed."))
    if now > decision.appeal_due_at:
        raise ValidationError(_("The time to appeal has passed."))
    if decision.appeals.filter(appellant=actor.pk).exists():
        raise ValidationError(_("You have appealed against this decision already."))
    grounds = (grounds or "").strip()
    if not grounds:
        raise ValidationError({"grounds": _("Give the grounds of the appeal.")})
    appeal = Appeal(decision=decision, appellant=actor, grounds=grounds, filed_at=now)
    _save(appeal, actor)
    case = _lock(decision.case)
    case.status = Status.APPEALED
    _save(case, actor, update_fields=["status"])
    reviewers = set(role_holders(Role.INSPECTOR)) | set(role_holders(Role.DIRECTOR))
    reviewers -= {decision.decided_by_id, actor.pk}
    reviewers -= set(decision.charges.values_list("person_id", flat=True))
    alerts_send(
        [
            AlertSpec(
                user_id=user_id,
                key=f"acc-appeal-{appeal.pk}-{user_id}",
                level="warning",
                title=_("Accountability case %(number)s: an appeal to review")
                % {"number": case.number},
                body=grounds[:500],
                url=_case_url(case),
            )
            for user_id in reviewers
        ],
        now=now,
    )
    return appeal


def may_review(user, appeal: Appeal) -> bool:
    decision = appeal.decision
    if user.pk in (decision.decided_by_id, appeal.appellant_id):
        return False
    # Nor anyone the decision charges (an inspector charged at the inspector link).
    if decision.charges.filter(person=user.pk).exists():
        return False
    return is_director(user) or is_inspector(user)


@transaction.atomic
def appeal_review(
    *,
    actor,
    appeal: Appeal,
    outcome: str,
    reasons: str,
    now: dt.datetime,
    points: dict[str, object] | None = None,
) -> Decision | None:
    """Uphold, change or annul the decision appealed against. A change replaces the
    decision with a new one (points per link between nothing and the old top) and
    its effects; an annulment revokes every effect. Returns the decision in force
    afterwards, if any. Other pending appeals against the same decision are settled
    with it."""
    appeal = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("decision__case")
        .get(pk=appeal.pk)
    )
    if not may_review(actor, appeal):
        raise PermissionDenied(
            _("A different inspector or the director reviews an appeal, not whoever decided.")
        )
    if appeal.outcome:
        raise ValidationError(_("This appeal has been reviewed."))
    old = appeal.decision
    errors = {}
    if outcome not in Appeal.Outcome.values:
        errors["outcome"] = _("Choose the outcome of the review.")
    reasons = (reasons or "").strip()
    if not reasons:
        errors["reasons"] = _("Give the reasons of the review.")
    new_points: dict[str, Decimal] = {}
    if outcome == Appeal.Outcome.CHANGED:
        charged = {c.link: c for c in old.charges.all()}
        for link, value in (points or {}).items():
            if link not in charged:
                errors[link] = _("This link was not charged by the decision.")
                continue
            if value in (None, ""):
                continue
            amount = _points(value, link)
            if not Decimal(0) <= amount <= old.points_max:
                errors[link] = _("Points must be between %(low)s and %(high)s.") % {
                    "low": 0,
                    "high": old.points_max,
                }
            new_points[link] = amount
        old_points = {link: c.points for link, c in charged.items()}
        if not errors and {**old_points, **new_points} == old_points:
            errors["outcome"] = _("The points are unchanged: uphold the decision instead.")
    if errors:
        raise ValidationError(errors)
    pending = list(old.appeals.select_for_update().filter(outcome=""))
    for each in pending:
        each.reviewer = actor
        each.reviewed_at = now
        each.outcome = outcome
        each.review_reasons = reasons
        _save(each, actor)
    case = _lock(old.case)
    in_force: Decision | None = old
    if outcome in (Appeal.Outcome.ANNULLED, Appeal.Outcome.CHANGED):
        _revoke(old, actor=actor, now=now)
        old.status = (
            Decision.Status.ANNULLED
            if outcome == Appeal.Outcome.ANNULLED
            else Decision.Status.SUPERSEDED
        )
        _save(old, actor)
        in_force = None
    if outcome == Appeal.Outcome.CHANGED:
        in_force = Decision(
            case=case,
            status=Decision.Status.IN_FORCE,
            decided_by=actor,
            decided_at=now,
            reasons=reasons,
            aggravating=old.aggravating,
            mitigating=old.mitigating,
            points_min=Decimal(0),
            points_max=old.points_max,
            rectify_by=old.rectify_by,
            in_force_at=now,
            appeal_due_at=now,  # a reviewed decision is final
        )
        _save(in_force, actor)
        for charge in old.charges.all():
            _save(
                Charge(
                    decision=in_force,
                    link=charge.link,
                    person=charge.person,
                    points=new_points.get(charge.link, charge.points),
                ),
                actor,
            )
        old.replaced_by = in_force
        _save(old, actor)
        effects = _effects_of(in_force, now)
        for effect in effects:
            _save(effect, actor)
        _tell_effects(in_force, effects, now)
    case.status = Status.CLOSED
    case.closed_at = now
    _save(case, actor, update_fields=["status", "closed_at"])
    alerts_send(
        [
            AlertSpec(
                user_id=each.appellant_id,
                key=f"acc-reviewed-{each.pk}",
                level="info",
                title=_("Accountability case %(number)s: your appeal was reviewed (%(outcome)s)")
                % {"number": case.number, "outcome": each.get_outcome_display()},
                body=reasons[:500],
                url=_case_url(case),
            )
            for each in pending
        ],
        now=now,
    )
    return in_force


def _revoke(decision: Decision, *, actor, now: dt.datetime) -> None:
    for effect in decision.effects.in_force():
        effect.revoked_at = now
        _save(effect, actor)


# --- closing without a decision, effects handed in, the sweep ----------------------------


@transaction.atomic
def case_dismiss(*, actor, case: AccountabilityCase, reasons: str, now: dt.datetime) -> None:
    """The facts do not hold: the case is closed without accountability, with reasons."""
    _require_inspector(actor)
    case = _lock(case)
    if case.status not in (Status.OPEN, Status.HEARING):
        raise ValidationError(_("Only a case not yet decided can be closed without one."))
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": _("Say why there is no accountability.")})
    case.status = Status.CLOSED
    case.dismissed_reason = reasons
    case.closed_at = now
    _save(case, actor)


def may_hand_in(user, effect: Effect) -> bool:
    window = effect.window
    return is_inspector(user) or bool(
        window and user.pk in (window.window_head_id, window.chief_representative_id)
    )


@transaction.atomic
def effect_hand_in(*, actor, effect: Effect, now: dt.datetime) -> Effect:
    """Record that a self-examination or a rectification report was handed in."""
    effect = (
        Effect.objects.select_for_update(of=("self",)).select_related("window").get(pk=effect.pk)
    )
    if not may_hand_in(actor, effect):
        raise PermissionDenied(_("Only an inspector or the window's head records this."))
    if effect.kind not in Effect.DUE_KINDS:
        raise ValidationError(_("Nothing is handed in for this effect."))
    if effect.revoked_at is not None:
        raise ValidationError(_("This effect was revoked on appeal."))
    if effect.done_at is not None:
        raise ValidationError(_("This was handed in already."))
    effect.done_at = now
    _save(effect, actor)
    return effect


def sweep(*, now: dt.datetime) -> dict[str, int]:
    """Flag self-examinations and rectifications not handed in by their day (once each,
    telling the inspectors and the window's head), and close decided cases whose
    time to appeal has passed. Idempotent."""
    today = timezone.localdate(now)
    late = list(
        Effect.objects.in_force()
        .filter(kind__in=Effect.DUE_KINDS, due_on__lt=today, done_at=None, late_at=None)
        .select_related("window", "decision__case")
    )
    specs = []
    inspectors = list(role_holders(Role.INSPECTOR))
    for effect in late:
        effect.late_at = now
        _save(effect, None)
        people = set(inspectors)
        if effect.window:
            heads = (effect.window.window_head_id, effect.window.chief_representative_id)
            people |= {pk for pk in heads if pk}
        case = effect.decision.case
        specs += [
            AlertSpec(
                user_id=user_id,
                key=f"acc-late-{effect.pk}-{user_id}",
                level="yellow",
                title=_("%(effect)s of case %(number)s is late (due %(due)s)")
                % {
                    "effect": effect.get_kind_display(),
                    "number": case.number,
                    "due": effect.due_on.isoformat(),
                },
                url=_case_url(case),
            )
            for user_id in people
        ]
    alerts_send(specs, now=now)
    closed = 0
    for case in AccountabilityCase.objects.filter(
        status=Status.DECIDED,
        decisions__status=Decision.Status.IN_FORCE,
        decisions__appeal_due_at__lt=now,
    ).distinct():
        case.status = Status.CLOSED
        case.closed_at = now
        _save(case, None, update_fields=["status", "closed_at"])
        closed += 1
    return {"late": len(late), "closed": closed}


# --- R-ORG-5: circulated criticisms toward the return rule --------------------------------


def criticisms_in(member_ids, since: dt.date, until: dt.date):
    """The return rule's fact source: circulated criticisms in force per staff member,
    by the month they concern."""
    from staff.models import StaffMember
    from staff.returns import Fact

    users = dict(StaffMember.objects.filter(pk__in=list(member_ids)).values_list("user_id", "pk"))
    found: dict[int, list] = {}
    rows = (
        Effect.objects.in_force()
        .filter(
            kind=Effect.Kind.CRITICISM,
            person__in=list(users),
            month__gte=since.replace(day=1),
            month__lte=until,
        )
        .values_list("person_id", "month", "decision__case__number")
    )
    for person_id, month, number in rows:
        found.setdefault(users[person_id], []).append(
            Fact(month, _("Circulated criticism, case %(n)s") % {"n": number})
        )
    return found
