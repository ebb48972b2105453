"""Return to the department (退回, R-ORG-5; S4 二.4, S2 §19).

The facts live in the apps above `staff` (complaints, accountability, assessment),
which `staff` must not import. Each of them registers a *fact source* for the
rules it can answer, in its `AppConfig.ready()`:

    register_return_source("criticisms", my_selector)

A source is called with the active members' ids and the window of time and
returns ``{member_id: [Fact, …]}``. A rule without a registered source is shown
as "not yet available", never as passed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hall.alerts import AlertSpec, alerts_send
from hall.roles import Role, role_holders

from .models import ReturnDecision, StaffMember
from .selectors import scope_for_user


@dataclass(frozen=True)
class Fact:
    on: dt.date
    text: str


@dataclass(frozen=True)
class ReturnRule:
    code: str
    label: str
    threshold: int  # how many facts in the window meet the rule


RULES = (
    ReturnRule("annual_grade", gettext_lazy("Annual grade 不称职 (incompetent)"), 1),
    ReturnRule("complaints", gettext_lazy("2 or more verified complaints in 12 months"), 2),
    ReturnRule("criticisms", gettext_lazy("2 or more circulated criticisms in 12 months"), 2),
    ReturnRule("exposure", gettext_lazy("Exposed in an inspection or by the media"), 1),
    ReturnRule("serious_violation", gettext_lazy("Serious violation"), 1),
)

Source = Callable[[Iterable[int], dt.date, dt.date], dict[int, list[Fact]]]
_sources: dict[str, Source] = {}


def register_return_source(code: str, source: Source) -> None:
    if code not in {r.code for r in RULES}:
        raise ValueError(f"unknown return rule {code!r}")
    _sources[code] = source


def unregister_return_source(code: str) -> None:
    _sources.pop(code, None)


@dataclass
class RuleResult:
    rule: ReturnRule
    available: bool
    met: bool = False
    facts: list[Fact] = field(default_factory=list)


@dataclass
class Candidate:
    member: StaffMember
    results: list[RuleResult]

    @property
    def met(self) -> list[RuleResult]:
        return [r for r in self.results if r.met]


def return_check(*, today: dt.date, members=None) -> tuple[list[Candidate], list[RuleResult]]:
    """Who meets a return rule in the 12 months up to `today`; and each rule's state
    (available or not) for the page's legend."""
    members = list(
        (members if members is not None else StaffMember.objects.filter(is_active=True))
        .select_related("department", "window")
        .order_by("department__code", "name")
    )
    ids = [m.pk for m in members]
    since = today - dt.timedelta(days=365)
    facts_by_rule = {
        rule.code: (_sources[rule.code](ids, since, today) if rule.code in _sources else None)
        for rule in RULES
    }
    candidates = []
    for member in members:
        results = []
        for rule in RULES:
            found = facts_by_rule[rule.code]
            if found is None:
                results.append(RuleResult(rule, available=False))
                continue
            facts = sorted(found.get(member.pk, []), key=lambda f: f.on)
            results.append(
                RuleResult(rule, available=True, met=len(facts) >= rule.threshold, facts=facts)
            )
        if any(r.met for r in results):
            candidates.append(Candidate(member, results))
    legend = [RuleResult(rule, available=facts_by_rule[rule.code] is not None) for rule in RULES]
    return candidates, legend


def return_check_notify(*, now: dt.datetime) -> int:
    """The yearly run: tell the director (and supervisors) how many people meet a rule."""
    from django.urls import reverse

    candidates, _legend = return_check(today=timezone.localtime(now).date())
    recipients = role_holders(Role.DIRECTOR)
    year = timezone.localtime(now).year
    return alerts_send(
        [
            AlertSpec(
                user_id=user,
                key=f"return-check:{year}",
                level="warning" if candidates else "info",
                title=_("Return check %(year)s: %(count)s people meet a return rule")
                % {"year": year, "count": len(candidates)},
                url=reverse("staff:returns"),
            )
            for user in recipients
        ],
        now=now,
    )


@transaction.atomic
def return_decide(
    *, actor, member: StaffMember, decision: str, reasons: str, now: dt.datetime
) -> ReturnDecision:
    """The director decides; on a return the person leaves the hall and the department
    head is told."""
    from django.urls import reverse

    scope = scope_for_user(actor)
    if not (actor.is_superuser or Role.DIRECTOR in scope.roles):
        raise PermissionDenied(_("Only the center director decides a return."))
    if decision not in ReturnDecision.Decision.values:
        raise ValidationError({"decision": _("Choose to return or to keep the person.")})
    if not reasons.strip():
        raise ValidationError({"reasons": _("Give the reasons for the decision.")})
    member = (
        StaffMember.objects.select_for_update(of=("self",))
        .select_related("department", "post")
        .get(pk=member.pk)
    )
    if not member.is_active:
        raise ValidationError(_("%(name)s has left the hall already.") % {"name": member.name})
    candidates, _legend = return_check(
        today=timezone.localtime(now).date(), members=StaffMember.objects.filter(pk=member.pk)
    )
    facts = [
        {
            "rule": r.rule.code,
            "label": str(r.rule.label),
            "facts": [[f.on.isoformat(), f.text] for f in r.facts],
        }
        for c in candidates
        for r in c.met
    ]
    if decision == ReturnDecision.Decision.RETURN and not facts:
        raise ValidationError(_("%(name)s meets no return rule.") % {"name": member.name})
    record = ReturnDecision(
        member=member,
        decision=decision,
        reasons=reasons.strip(),
        facts=facts,
        decided_by=actor,
        decided_at=now,
    )
    record._history_user = actor
    record.save()
    if decision == ReturnDecision.Decision.RETURN:
        from .posts import post_change_record

        if member.post_id:
            post_change_record(
                actor, member.post, member.slot, member, None, _("Returned to the department"), now
            )
        member.post, member.slot = None, ""
        member.is_active, member.left_on = False, timezone.localtime(now).date()
        member._history_user = actor
        member.save()
        head_id = member.department.head_id
        if head_id:
            alerts_send(
                [
                    AlertSpec(
                        user_id=head_id,
                        key=f"return:{record.pk}",
                        level="danger",
                        title=_("%(name)s is returned to your department (R-ORG-5)")
                        % {"name": member.name},
                        body=reasons.strip(),
                        url=reverse("staff:people"),
                    )
                ],
                now=now,
            )
    return record
