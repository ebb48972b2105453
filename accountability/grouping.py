"""From occurrences to accountability cases (R-ACC-1): the scheduled job and the
inspector's button run `cases_from_occurrences`; an inspector opens a case by hand
with `case_open` (an inspection, a media exposure, a leader's instruction).

Idempotent: each case carries a unique group key, one per occurrence or one per
person (or window), rule and month, as the rule says; an occurrence attached to a
case is never taken up again, and one withdrawn before a case exists never becomes
one. Running the job twice, or in two workers at once, opens nothing new.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .decisions import is_inspector
from .models import AccountabilityCase, Occurrence, Rule


def _month_of(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment).replace(day=1)


def group_key(rule: Rule, occurrence: Occurrence) -> str:
    if rule.grouping == Rule.Grouping.EACH:
        return f"o{occurrence.pk}"
    subject = f"p{occurrence.person_id}" if occurrence.person_id else f"w{occurrence.window_id}"
    return f"{rule.code}:{subject}:{_month_of(occurrence.occurred_at):%Y-%m}"


def _numbered(case: AccountabilityCase, actor) -> AccountabilityCase:
    """Save a new case and give it its number (WZ-000123) from its id."""
    case.number = f"tmp-{uuid.uuid4().hex[:12]}"
    case._history_user = actor
    case.save()
    case.number = f"WZ-{case.pk:06d}"
    case.save(update_fields=["number"])
    return case


def _case_for(
    rule: Rule, occurrence: Occurrence, now: dt.datetime
) -> tuple[AccountabilityCase, bool]:
    """The open case this occurrence belongs to, opened if need be."""
    base = group_key(rule, occurrence)
    suffix = 1
    while True:
        key = base if suffix == 1 else f"{base}:{suffix}"
        case = AccountabilityCase.objects.filter(group_key=key).first()
        if case is not None:
            if case.status == AccountabilityCase.Status.OPEN:
                return case, False
            suffix += 1  # that month's case is decided: a later act opens another
            continue
        try:
            with transaction.atomic():
                case = _numbered(
                    AccountabilityCase(
                        rule=rule,
                        origin=AccountabilityCase.Origin.OCCURRENCE,
                        window=occurrence.window,
                        person=occurrence.person,
                        month=_month_of(occurrence.occurred_at),
                        group_key=key,
                        facts=occurrence.detail or rule.text,
                        opened_at=now,
                    ),
                    actor=None,
                )
        except IntegrityError:  # another worker opened it a moment ago
            continue
        return case, True


def pending_occurrences(rules):
    """The occurrences not yet in a case and not withdrawn, under the rules given."""
    return Occurrence.objects.filter(case__isnull=True, withdrawn_at__isnull=True, rule__in=rules)


def cases_from_occurrences(*, now: dt.datetime, actor=None) -> int:
    """Take up every occurrence not yet in a case, not withdrawn, under an active rule
    of the catalog. Returns how many cases were opened."""
    rules = {rule.code: rule for rule in Rule.objects.filter(is_active=True)}
    pending = (
        pending_occurrences(rules).select_related("window", "person").order_by("occurred_at", "pk")
    )
    opened = 0
    for occurrence in pending.iterator():
        with transaction.atomic():
            locked = (
                Occurrence.objects.select_for_update()
                .filter(pk=occurrence.pk, case__isnull=True, withdrawn_at__isnull=True)
                .first()
            )
            if locked is None:  # taken up or withdrawn meanwhile
                continue
            case, created = _case_for(rules[occurrence.rule], occurrence, now)
            opened += created
            locked.case = case
            locked._history_user = actor
            locked.save(update_fields=["case"])
            if not created and occurrence.detail and occurrence.detail not in case.facts:
                case.facts = f"{case.facts}\n{occurrence.detail}"
                case._history_user = actor
                case.save(update_fields=["facts"])
    return opened


@transaction.atomic
def case_open(
    *,
    actor,
    rule: Rule,
    origin: str,
    facts: str,
    now: dt.datetime,
    window=None,
    person=None,
    month: dt.date | None = None,
) -> AccountabilityCase:
    """An inspector opens a case from an inspection, a media exposure or a leader's
    instruction: facts first (R-ACC-1), and someone to answer for it."""
    if not is_inspector(actor):
        raise PermissionDenied(_("Only a discipline inspector opens an accountability case."))
    errors = {}
    if origin not in AccountabilityCase.Origin.values or origin == "occurrence":
        errors["origin"] = _("Say where the case comes from.")
    if not rule.is_active:
        errors["rule"] = _("This rule is retired.")
    facts = (facts or "").strip()
    if not facts:
        errors["facts"] = _("Write down the facts.")
    if window is None and person is None:
        errors["window"] = _("Name the window or the person the case is about.")
    if errors:
        raise ValidationError(errors)
    return _numbered(
        AccountabilityCase(
            rule=rule,
            origin=origin,
            window=window,
            person=person,
            month=(month or timezone.localdate(now)).replace(day=1),
            facts=facts,
            opened_by=actor,
            opened_at=now,
        ),
        actor=actor,
    )
