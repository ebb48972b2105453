"""The supervision sweep (电子监察, N-3): stores each open case's light, set-based.

Every minute beat runs `sweep_lights`. For each light it issues one
``UPDATE … SET light = L WHERE <L's date condition> AND light <> L RETURNING id``:
the condition is plain date arithmetic because the calendar turns "two working
days before the promised date" into one date for today. The cost is a few
statements whatever the number of cases; a second run, or a second worker at
the same time, finds ``light <> L`` false and changes nothing (on PostgreSQL the
second UPDATE waits for the first's row locks and then re-checks the WHERE).

Only the rows an UPDATE returned get a history row, an occurrence and alerts,
so each transition is recorded once. Suspended cases are not swept: their clock
stands still until it resumes (and resuming moves the dates).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accountability.services import occurrence_record_many
from hall.alerts import AlertSpec, alerts_send
from hall.calendar import WorkingCalendar
from hall.roles import Role, role_holders

from .models import Case, Extension, Light, RejectionFiling

CLOCKED_STATUSES = ("in_progress", "awaiting_supplement")


@dataclass
class SweepReport:
    changed: dict[str, int] = field(default_factory=dict)
    occurrences: int = 0
    alerts: int = 0

    @property
    def total(self) -> int:
        return sum(self.changed.values())


def _update_returning(model, light: str, now, where: str, params: list) -> list[int]:
    table = connection.ops.quote_name(model._meta.db_table)
    sql = (
        f"UPDATE {table} SET light = %s, light_changed_at = %s "
        f"WHERE ({where}) AND light <> %s RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [light, now, *params, light])
        return [row[0] for row in cursor.fetchall()]


def _case_conditions(today: dt.date, warn_until: dt.date) -> list[tuple[str, str, list]]:
    statuses = ", ".join(["%s"] * len(CLOCKED_STATUSES))
    open_clock = f"status IN ({statuses}) AND promised_due IS NOT NULL"
    s = list(CLOCKED_STATUSES)
    return [
        (Light.RED, f"{open_clock} AND statutory_due < %s", [*s, today]),
        (
            Light.YELLOW,
            f"{open_clock} AND promised_due < %s AND statutory_due >= %s",
            [*s, today, today],
        ),
        (
            Light.WARNING,
            f"{open_clock} AND promised_due >= %s AND promised_due <= %s",
            [*s, today, warn_until],
        ),
        (Light.GREEN, f"{open_clock} AND promised_due > %s", [*s, warn_until]),
    ]


PROMISED_RULE, STATUTORY_RULE = "R-ACC-4.5", "R-ACC-5.1"
CARD_RULES = {
    Light.GREEN: [],
    Light.WARNING: [],
    # R-ACC-4.5: promised limit exceeded; a red card has passed it too. R-ACC-5.1:
    # statutory limit exceeded.
    Light.YELLOW: [PROMISED_RULE],
    Light.RED: [PROMISED_RULE, STATUTORY_RULE],
}


def _sweep_cases_in_sql(today, warn_until, now, report: SweepReport) -> None:
    """PostgreSQL: each light is ONE statement that updates the cases and, from the rows
    it changed, writes their history rows, their occurrences and their alerts.

    The same recipients and rules as the portable path below (`_recipients`,
    `_record_case_transitions`); the portable path serves SQLite, which has no
    data-modifying WITH. Both are tested on both databases by the suite.
    """
    from django.contrib.contenttypes.models import ContentType

    from accountability.models import Occurrence
    from hall.models import Alert
    from windows.models import Department, ServiceItem, Window

    q = connection.ops.quote_name
    history = Case.history.model
    columns = [f.column for f in Case._meta.concrete_fields]
    column_list = ", ".join(q(c) for c in columns)
    case_type = ContentType.objects.get_for_model(Case).pk
    group_table = Case._meta.get_field("created_by").related_model.groups.through._meta.db_table
    facts = {
        rule: text % {"number": "@@N@@", "item": "@@I@@", "due": "@@D@@"}
        for rule, text in _occurrence_facts().items()
    }
    with translation.override(settings.LANGUAGE_CODE):
        url = reverse("cases:detail", args=["@@N@@"])
        titles = {
            light: _("Case %(number)s: %(light)s")
            % {"number": "@@N@@", "light": Light(light).label}
            for light in Light.values
        }
    for light, where, params in _case_conditions(today, warn_until):
        carded = light in (Light.YELLOW, Light.RED)
        red = light == Light.RED
        sql = f"""
        WITH changed AS (
            UPDATE {q(Case._meta.db_table)} SET light = %s, light_changed_at = %s
            WHERE ({where}) AND light <> %s
            RETURNING *
        ), hist AS (
            INSERT INTO {q(history._meta.db_table)}
                ({column_list}, history_date, history_change_reason, history_type,
                 history_user_id)
            SELECT {column_list}, %s, %s, '~', NULL FROM changed
        ), occ AS (
            INSERT INTO {q(Occurrence._meta.db_table)}
                (rule, source_type_id, source_id, window_id, person_id, acting_for_id,
                 occurred_at, detail, created_at)
            SELECT r.rule, %s, c.id, c.window_id, c.created_by_id, c.acting_for_id, %s,
                   replace(replace(replace(
                       CASE WHEN r.rule = %s THEN %s ELSE %s END,
                       '@@N@@', c.number), '@@I@@', i.name),
                       '@@D@@', COALESCE(to_char(
                           CASE WHEN r.rule = %s THEN c.statutory_due ELSE c.promised_due END,
                           'YYYY-MM-DD'), '—')),
                   %s
            FROM changed c JOIN {q(ServiceItem._meta.db_table)} i ON i.id = c.item_id
            CROSS JOIN unnest(%s::varchar[]) AS r(rule)
            ON CONFLICT (source_type_id, source_id, rule) DO NOTHING
            RETURNING 1
        ), rcp AS (
            SELECT c.id, c.number, r.u FROM changed c
            JOIN {q(Window._meta.db_table)} w ON w.id = c.window_id
            JOIN {q(Department._meta.db_table)} d ON d.id = w.department_id
            CROSS JOIN LATERAL (VALUES (c.created_by_id), (c.acting_for_id),
                (CASE WHEN %s THEN w.window_head_id END),
                (CASE WHEN %s THEN w.chief_representative_id END),
                (CASE WHEN %s THEN d.head_id END)) AS r(u)
            WHERE r.u IS NOT NULL AND %s
            UNION
            SELECT c.id, c.number, ug.user_id FROM changed c
            CROSS JOIN {q(group_table)} ug
            JOIN auth_group g ON g.id = ug.group_id
            JOIN auth_user u ON u.id = ug.user_id
            WHERE %s AND g.name = %s AND u.is_active
        ), al AS (
            INSERT INTO {q(Alert._meta.db_table)}
                (user_id, key, level, title, body, url, created_at)
            SELECT u, 'case:' || id || ':' || %s, %s, left(replace(%s, '@@N@@', number), 200),
                   '', replace(%s, '@@N@@', number), %s
            FROM rcp
            ON CONFLICT (user_id, key) DO NOTHING
            RETURNING 1
        )
        SELECT (SELECT count(*) FROM changed), (SELECT count(*) FROM occ),
               (SELECT count(*) FROM al)
        """
        values = [
            light,
            now,
            *params,
            light,
            now,
            f"sweep: light → {light}",
            case_type,
            now,
            STATUTORY_RULE,
            facts[STATUTORY_RULE],
            facts[PROMISED_RULE],
            STATUTORY_RULE,
            now,
            CARD_RULES[light],
            carded,
            carded,
            red,
            light != Light.GREEN,  # a green light alerts nobody
            red,
            Role.SUPERVISOR,
            light,
            light,
            titles[light],
            url,
            now,
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, values)
            changed, occurrences, alerts = cursor.fetchone()
        report.changed[f"case:{light}"] = changed
        report.occurrences += occurrences
        report.alerts += alerts


def _due_conditions(due_sql: str, status_sql: str, today) -> list[tuple[str, str, list]]:
    """A short clock (a review, a correction, an approval): warning on its last day,
    yellow once it has passed."""
    return [
        (Light.YELLOW, f"{status_sql} AND {due_sql} < %s", [today]),
        (Light.WARNING, f"{status_sql} AND {due_sql} = %s", [today]),
        (Light.GREEN, f"{status_sql} AND {due_sql} > %s", [today]),
    ]


@transaction.atomic
def sweep_lights(
    *, now: dt.datetime | None = None, calendar: WorkingCalendar | None = None
) -> SweepReport:
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    calendar = calendar or WorkingCalendar()
    warn_until = calendar.add_working_days(today, settings.HALL_WARNING_DAYS).date
    report = SweepReport()

    if connection.vendor == "postgresql":
        _sweep_cases_in_sql(today, warn_until, now, report)
    else:
        transitions: dict[str, list[int]] = {}
        for light, where, params in _case_conditions(today, warn_until):
            ids = _update_returning(Case, light, now, where, params)
            transitions[light] = ids
            report.changed[f"case:{light}"] = len(ids)
        _record_case_transitions(transitions, now, report)

    for model, clocks in (
        (
            RejectionFiling,
            [("review_due", "status = 'pending'"), ("correction_due", "status = 'overturned'")],
        ),
        (Extension, [("decision_due", "status = 'pending' AND decision_due IS NOT NULL")]),
    ):
        for due_sql, status_sql in clocks:
            for light, where, params in _due_conditions(due_sql, status_sql, today):
                ids = _update_returning(model, light, now, where, params)
                report.changed[f"{model._meta.model_name}:{due_sql}:{light}"] = len(ids)
                if ids:
                    _history(model, ids, light)
                    if light == Light.YELLOW:
                        report.alerts += _short_clock_alerts(model, ids, now, due_sql)
    return report


def _history(model, ids: list[int], light: str) -> None:
    for start in range(0, len(ids), 2000):
        chunk = list(model.objects.filter(pk__in=ids[start : start + 2000]))
        model.history.bulk_history_create(
            chunk, update=True, default_change_reason=f"sweep: light → {light}"
        )


def _occurrence_facts() -> dict[str, str]:
    """The facts a card's occurrence records, per rule, in the hall's language whatever
    the request's: what the accountability case and its notices quote."""
    with translation.override(settings.LANGUAGE_CODE):
        return {
            PROMISED_RULE: _(
                "Case %(number)s (%(item)s) not finished by its promised date %(due)s."
            ),
            STATUTORY_RULE: _(
                "Case %(number)s (%(item)s) not finished by its statutory date %(due)s."
            ),
        }


def _record_case_transitions(transitions: dict[str, list[int]], now, report: SweepReport):
    changed = [pk for ids in transitions.values() for pk in ids]
    if not changed:
        return
    for light, ids in transitions.items():
        if ids:
            _history(Case, ids, light)
    carded = transitions[Light.YELLOW] + transitions[Light.RED]
    rows = list(
        Case.objects.filter(pk__in=carded).values(
            "pk",
            "number",
            "window_id",
            "created_by_id",
            "acting_for_id",
            "item__name",
            "promised_due",
            "statutory_due",
        )
    )
    by_pk = {row["pk"]: row for row in rows}

    facts = _occurrence_facts()

    def occurrence_rows(ids, rule, due):
        # The facts the accountability case and its notices start from.
        return [
            {
                "source_id": pk,
                "window_id": by_pk[pk]["window_id"],
                "person_id": by_pk[pk]["created_by_id"],
                "acting_for_id": by_pk[pk]["acting_for_id"],
                "detail": facts[rule]
                % {
                    "number": by_pk[pk]["number"],
                    "item": by_pk[pk]["item__name"],
                    "due": by_pk[pk][due] or "—",
                },
            }
            for pk in ids
        ]

    # R-ACC-4.5: promised limit exceeded (a red card has passed it too);
    # R-ACC-5.1: statutory limit exceeded.
    report.occurrences += occurrence_record_many(
        rule=PROMISED_RULE,
        model=Case,
        rows=occurrence_rows(carded, PROMISED_RULE, "promised_due"),
        occurred_at=now,
    )
    report.occurrences += occurrence_record_many(
        rule=STATUTORY_RULE,
        model=Case,
        rows=occurrence_rows(transitions[Light.RED], STATUTORY_RULE, "statutory_due"),
        occurred_at=now,
    )
    report.alerts += _case_alerts(transitions, now)


def _recipients(ids: list[int], light: str) -> dict[int, set[int]]:
    """Case id → users to tell: warning to the clerk; yellow also to the window head and
    the chief representative; red also to the supervisors and the department head."""

    cases = Case.objects.filter(pk__in=ids).values(
        "pk",
        "created_by_id",
        "acting_for_id",
        "window__window_head_id",
        "window__chief_representative_id",
        "window__department__head_id",
    )
    supervisors: set[int] = set()
    if light == Light.RED:
        supervisors = set(role_holders(Role.SUPERVISOR))
    result = {}
    for c in cases:
        users = {c["created_by_id"], c["acting_for_id"]}
        if light in (Light.YELLOW, Light.RED):
            users |= {c["window__window_head_id"], c["window__chief_representative_id"]}
        if light == Light.RED:
            users |= supervisors | {c["window__department__head_id"]}
        result[c["pk"]] = {u for u in users if u}
    return result


def _case_alerts(transitions: dict[str, list[int]], now) -> int:
    specs = []
    numbers = dict(
        Case.objects.filter(
            pk__in=[
                pk
                for light in (Light.WARNING, Light.YELLOW, Light.RED)
                for pk in transitions[light]
            ]
        ).values_list("pk", "number")
    )
    with translation.override(settings.LANGUAGE_CODE):
        for light in (Light.WARNING, Light.YELLOW, Light.RED):
            ids = transitions[light]
            if not ids:
                continue
            label = Light(light).label
            for pk, users in _recipients(ids, light).items():
                number = numbers[pk]
                title = _("Case %(number)s: %(light)s") % {"number": number, "light": label}
                url = reverse("cases:detail", args=[number])
                specs += [
                    AlertSpec(
                        user_id=u, key=f"case:{pk}:{light}", level=light, title=title, url=url
                    )
                    for u in users
                ]
    return alerts_send(specs, now=now)


def _short_clock_alerts(model, ids: list[int], now, clock: str) -> int:
    specs = []
    with translation.override(settings.LANGUAGE_CODE):
        rows = model.objects.filter(pk__in=ids).values(
            "pk", "case__number", "case__created_by_id", "case__window__window_head_id"
        )
        for row in rows:
            if model is RejectionFiling:
                title = _("Case %(number)s: the rejection filing is overdue")
            else:
                title = _("Case %(number)s: the extension request waits for a decision")
            title = title % {"number": row["case__number"]}
            url = reverse("cases:detail", args=[row["case__number"]])
            for user in {row["case__window__window_head_id"], row["case__created_by_id"]} - {None}:
                specs.append(
                    AlertSpec(
                        user_id=user,
                        key=f"{model._meta.model_name}:{row['pk']}:{clock}:yellow",
                        level=Light.YELLOW,
                        title=title,
                        url=url,
                    )
                )
    return alerts_send(specs, now=now)


def warning_digest(*, now: dt.datetime | None = None) -> int:
    """A daily digest per window head of the cases about to go yellow (N-3)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    rows = Case.objects.filter(status__in=CLOCKED_STATUSES, light=Light.WARNING).values(
        "window_id",
        "window__number",
        "window__window_head_id",
        "window__chief_representative_id",
        "number",
    )
    by_head: dict[int, list[str]] = {}
    for row in rows:
        for head in (row["window__window_head_id"], row["window__chief_representative_id"]):
            if head:
                by_head.setdefault(head, []).append(row["number"])
    specs = []
    with translation.override(settings.LANGUAGE_CODE):
        for head, numbers in by_head.items():
            title = _("%(count)s cases will turn yellow soon") % {"count": len(numbers)}
            specs.append(
                AlertSpec(
                    user_id=head,
                    key=f"digest:{today.isoformat()}",
                    level=Light.WARNING,
                    title=title,
                    body="、".join(numbers[:50]),
                    url=reverse("cases:list") + "?light=warning",
                )
            )
    return alerts_send(specs, now=now)
