"""Benchmark: the supervision sweep and the two busiest pages at a million cases (PostgreSQL).

Loads a realistic hall into a fresh PostgreSQL database -- the demo seed's 60 windows,
200 staff and 150 items, then 1,000,000 cases over the last 5 years, about 5 % of them
open, written with COPY from a generator -- and prints, in one run:

- the sweep (`cases.sweep.sweep_lights`) when 10,000 lights change, and when nothing
  changes (the every-minute run);
- the same work done by a per-row Python loop, as a baseline, and the ratio;
- a floor: the bare SQL UPDATE of the same rows, and the sweep's ratio to it;
- the supervisor's overview (/supervision/) and a clerk's window list (/cases/): server
  time through Django's test client, median and 95th percentile over 100 requests;
- a summary of each figure against its goal.

The bulk cases have no history rows (only what the sweep itself writes), no materials
and no notices: the sweep and the two pages do not read them.

    .venv/bin/python bench/supervision_million.py [--cases 1000000] [--db hall_bench] [--keep]

The database server is reached with BENCH_PG_URL (default
postgres://hall:hall@127.0.0.1:5432/postgres); the role must be allowed to create
databases. The database named by --db is dropped and created again.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVER_URL = os.environ.get("BENCH_PG_URL", "postgres://hall:hall@127.0.0.1:5432/postgres")
OPEN_SHARE = 0.05
CHANGE_TARGET = 10_000
EVERY_MINUTE_RUNS = 20
PAGE_REQUESTS = 100
BASELINE_BUDGET_SECONDS = 300.0  # the per-row loop stops here and is extrapolated

REGIONS = (  # noqa: SIM905
    "110105 110108 310104 310115 320102 320583 330106 340104 350203 370102 410105 420106 "
    "430104 440106 440305 500103 510107 610113 130102 210102 230103 360102 450103 530102"
).split()
RETURN_REASON = "不属于本中心受理范围"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * len(ordered))) - 1)]


@contextmanager
def timer(box: dict, key: str):
    started = time.perf_counter()
    try:
        yield
    finally:
        box[key] = box.get(key, 0.0) + time.perf_counter() - started


# -- the database ------------------------------------------------------------------------


def recreate_database(name: str) -> str:
    import psycopg
    from psycopg import sql

    with psycopg.connect(SERVER_URL, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    parts = urlsplit(SERVER_URL)
    return urlunsplit(parts._replace(path=f"/{name}"))


def drop_database(name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(SERVER_URL, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def execute(sql: str, params=None, *, fetch: bool = False):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if fetch else cursor.rowcount


def vacuum_analyze(table: str = "cases_case") -> float:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {table}")
    return time.perf_counter() - started


# -- the hall's shape --------------------------------------------------------------------


class Hall:
    """Windows with their clerks and items, read once from the seeded tables."""

    def __init__(self, rng: random.Random):
        from staff.models import StaffMember
        from windows.models import ServiceItem, Window

        self.windows = list(Window.objects.filter(is_active=True).order_by("pk"))
        self.clerks: dict[int, list[int]] = {}
        self.items: dict[int, list] = {}
        self.promised: dict[int, list] = {}
        items = list(ServiceItem.objects.all())
        for w in self.windows:
            staff = StaffMember.objects.filter(window=w, is_active=True)
            clerks = list(
                staff.filter(role=StaffMember.Role.CLERK).values_list("user_id", flat=True)
            )
            self.clerks[w.pk] = clerks or list(staff.values_list("user_id", flat=True))
            own = [
                i
                for i in items
                if i.department_id == w.department_id and i.window_id in (None, w.pk)
            ]
            own = own or [i for i in items if i.department_id == w.department_id]
            self.items[w.pk] = own
            self.promised[w.pk] = [i for i in own if i.kind == "promised"]
        self.windows = [w for w in self.windows if self.items[w.pk] and self.clerks[w.pk]]
        # Some windows are busier than others; the demo clerk's (the first) is average.
        self.weights = [rng.uniform(0.3, 2.5) for _ in self.windows]
        self.weights[0] = sum(self.weights) / len(self.weights)
        self.open_windows = [w for w in self.windows if self.promised[w.pk]]
        self.open_weights = [self.weights[self.windows.index(w)] for w in self.open_windows]


class People:
    """Pools of applicants (names, valid resident IDs, mobiles) to draw from quickly."""

    def __init__(self, rng: random.Random, size: int = 60_000):
        from demo.management.commands.seed_demo import chinese_name, mobile
        from hall.identity import resident_id_check_char, validate_resident_id

        self.names = [chinese_name(rng) for _ in range(size)]
        self.phones = [mobile(rng) for _ in range(size)]
        ids = []
        first_birth = dt.date(1945, 1, 1).toordinal()
        last_birth = dt.date(2006, 12, 31).toordinal()
        for _ in range(size):
            birth = dt.date.fromordinal(rng.randint(first_birth, last_birth))
            first_17 = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{rng.randrange(1000):03d}"
            ids.append(first_17 + resident_id_check_char(first_17))
        for number in ids[:200]:
            validate_resident_id(number)
        self.ids = ids
        self.size = size


class Dues:
    """The calendar's answers, cached per (date, n): a million calls would be slow."""

    def __init__(self):
        from hall.calendar import WorkingCalendar

        self.calendar = WorkingCalendar()
        self.cache: dict[tuple[dt.date, int], object] = {}

    def add(self, day: dt.date, n: int):
        key = (day, n)
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = self.calendar.add_working_days(day, n)
        return found


# -- the rows ----------------------------------------------------------------------------

COLUMNS = (  # noqa: SIM905
    "number tracking_code window_id item_id kind status leader_assigned applicant_kind "
    "applicant_name id_type id_number phone contact_name received_at accepted_on promised_due "
    "statutory_due due_provisional suspended_days extension_days completed_at picked_up_at "
    "returned_reasons light light_changed_at created_by_id acting_for_id"
).split()
NULL = "\\N"
TRACKING = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def ts(value: dt.datetime) -> str:
    return f"{value:%Y-%m-%d %H:%M:%S}+08"


def case_rows(total: int, hall: Hall, people: People, dues: Dues, rng: random.Random, now_local):
    """Yield COPY text lines, day by day from five years ago to now, numbered per window
    and year in the order received. Also fills `sequences` and `stats` on the function."""
    today = now_local.date()
    first = today.replace(year=today.year - 5) + dt.timedelta(days=1)
    calendar = dues.calendar
    days = [
        first + dt.timedelta(days=i)
        for i in range((today - first).days + 1)
        if calendar.is_working_day(first + dt.timedelta(days=i))
    ]
    opening, closing = 8 * 60 + 30, 17 * 60 + 30
    minutes_now = now_local.hour * 60 + now_local.minute
    if days[-1] == today and minutes_now <= opening + 1:
        days.pop()  # the hall has not opened yet today
    open_total = round(total * OPEN_SHARE)
    closed_total = total - open_total

    # Open cases: received in the last ~2 months (42 working days); most are still within
    # their promised limit (green or warning), some past it (yellow), a few past the
    # statutory limit (red). `back` counts working days before today.
    before_today = [d for d in days if d < today][-42:]
    open_today = days[-1] == today
    open_by_day: dict[dt.date, list] = defaultdict(list)
    for _ in range(open_total):
        window = rng.choices(hall.open_windows, hall.open_weights)[0]
        item = rng.choice(hall.promised[window.pk])
        p, s = item.promised_limit_days, item.statutory_limit_days
        longest = len(before_today)
        roll = rng.random()
        if roll < 0.92 or p >= longest:
            back = rng.randint(0 if open_today else 1, min(p, longest))
        elif roll < 0.99 or s >= longest:
            back = rng.randint(p + 1, min(s, longest))
        else:
            back = rng.randint(s + 1, longest)
        open_by_day[today if back == 0 else before_today[-back]].append((window, item))

    # Closed cases: every working day, a slowly growing hall, busier on Mondays.
    growth = [1.0 + 0.3 * i / len(days) for i in range(len(days))]
    weights = [g * (1.15 if d.weekday() == 0 else 1.0) for g, d in zip(growth, days, strict=True)]
    if days[-1] == today and minutes_now < closing:  # today is only partly over
        weights[-1] *= max(0.0, (minutes_now - opening) / (closing - opening))
    scale = closed_total / sum(weights)
    counts, running, previous = [], 0.0, 0
    for w in weights:
        running += w * scale
        counts.append(round(running) - previous)
        previous = round(running)

    sequences: Counter = Counter()
    stats: Counter = Counter()
    case_rows.sequences = sequences
    case_rows.stats = stats
    names, phones, ids, size = people.names, people.phones, people.ids, people.size
    windows, weights_w = hall.windows, hall.weights
    rnd, randint, choice, choices = rng.random, rng.randint, rng.choice, rng.choices
    last_minute = max(opening + 1, min(closing, minutes_now - 1))

    for day, closed_n in zip(days, counts, strict=True):
        end = last_minute if day == today else closing
        specs = [(w, None) for w in choices(windows, weights_w, k=closed_n)]
        specs += open_by_day.get(day, [])
        stamped = sorted(
            (randint(opening * 60, end * 60 - 1), index, spec) for index, spec in enumerate(specs)
        )
        midnight = dt.datetime.combine(day, dt.time.min)
        year = day.year
        for seconds, _, (window, open_item) in stamped:
            received = midnight + dt.timedelta(seconds=seconds)
            sequences[(year, window.pk)] += 1
            number = f"{year}-{window.number}-{sequences[(year, window.pk)]:06d}"
            person = int(rnd() * size)
            created_by = choice(hall.clerks[window.pk])
            accepted_on = promised = statutory = completed = picked = None
            provisional = False
            returned = ""
            kind = "accepted"
            if open_item is not None:
                item = open_item
                roll = rnd()
                status = (
                    "in_progress"
                    if roll < 0.90
                    else "suspended"
                    if roll < 0.94
                    else "awaiting_supplement"
                    if roll < 0.97
                    else "approved"
                )
                if status == "awaiting_supplement":
                    kind = "supplement"  # dates only once the materials are in
                else:
                    accepted_on = day
                    pd = dues.add(day, item.promised_limit_days)
                    sd = dues.add(day, item.statutory_limit_days)
                    promised, statutory = pd.date, sd.date
                    provisional = pd.provisional or sd.provisional
                    if status == "approved":
                        completed = min(now_local, received + dt.timedelta(hours=randint(2, 200)))
                stats[f"open {status}"] += 1
            else:
                item = choice(hall.items[window.pk])
                roll = rnd()
                if roll < 0.07:
                    kind, status = "consultation", "consulted"
                elif roll < 0.11:
                    kind, status, returned = "returned", "returned", RETURN_REASON
                else:
                    status = "refused" if roll < 0.13 else "picked_up"
                    accepted_on = day
                    p, s = item.promised_limit_days, item.statutory_limit_days
                    pd, sd = dues.add(day, p), dues.add(day, s)
                    promised, statutory = pd.date, sd.date
                    provisional = pd.provisional or sd.provisional
                    if item.kind == "immediate":
                        completed = received + dt.timedelta(minutes=randint(5, 40))
                    else:
                        late = rnd()
                        k = randint(1, p) if late < 0.94 else randint(p + 1, max(p + 1, s))
                        done_on = dues.add(day, k).date
                        completed = dt.datetime.combine(done_on, dt.time.min) + dt.timedelta(
                            seconds=randint(opening * 60, closing * 60 - 1)
                        )
                    if completed >= now_local:
                        completed = received + (now_local - received) * rnd()
                    if status == "picked_up":
                        picked = completed
                        if item.kind == "promised":
                            picked += dt.timedelta(hours=randint(1, 120))
                        picked = min(picked, now_local)
                stats[f"closed {status}"] += 1
            yield (
                "\t".join(
                    (
                        number,
                        "".join(choices(TRACKING, k=8)),
                        str(window.pk),
                        str(item.pk),
                        kind,
                        status,
                        "",
                        "person",
                        names[person],
                        "resident_id",
                        ids[person],
                        phones[person],
                        "",
                        ts(received),
                        accepted_on.isoformat() if accepted_on else NULL,
                        promised.isoformat() if promised else NULL,
                        statutory.isoformat() if statutory else NULL,
                        "t" if provisional else "f",
                        "0",
                        "0",
                        ts(completed) if completed else NULL,
                        ts(picked) if picked else NULL,
                        returned,
                        "",
                        NULL,
                        str(created_by),
                        NULL,
                    )
                )
                + "\n"
            )


def bulk_load(url: str, total: int, rng: random.Random) -> dict:
    import psycopg
    from django.utils import timezone

    from cases.models import CaseSequence

    now_local = timezone.localtime().replace(tzinfo=None, microsecond=0)
    hall = Hall(rng)
    people = People(rng)
    dues = Dues()
    required = execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'cases_case' "
        "AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'",
        fetch=True,
    )
    missing = {r[0] for r in required} - set(COLUMNS)
    if missing:
        raise SystemExit(f"cases_case has required columns the loader does not fill: {missing}")

    started = time.perf_counter()
    with psycopg.connect(url) as conn, conn.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        with cursor.copy(f"COPY cases_case ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            block: list[str] = []
            for line in case_rows(total, hall, people, dues, rng, now_local):
                block.append(line)
                if len(block) >= 5000:
                    copy.write("".join(block))
                    block.clear()
            if block:
                copy.write("".join(block))
    copied = time.perf_counter() - started
    CaseSequence.objects.bulk_create(
        [
            CaseSequence(year=year, window_id=window_id, last=last)
            for (year, window_id), last in case_rows.sequences.items()
        ]
    )
    started = time.perf_counter()
    vacuum_analyze()  # the visibility map and statistics autovacuum would otherwise make mid-run
    execute("ANALYZE")  # the seeded tables too (windows, items): the planner needs their sizes
    analyzed = time.perf_counter() - started
    return {
        "copy": copied,
        "vacuum": analyzed,
        "stats": case_rows.stats,
        "calendar_calls": len(dues.cache),
    }


# -- the sweep ---------------------------------------------------------------------------


class SweepTimer:
    """Wraps the sweep's parts to split its time: the UPDATE … RETURNING statements,
    the history rows, the occurrences and the alerts."""

    PARTS = (
        "_update_returning",
        "_history",
        "occurrence_record_many",
        "_case_alerts",
        "_sweep_cases_in_sql",
    )

    def __init__(self):
        import cases.sweep as sweep

        self.sweep = sweep
        self.box: dict[str, float] = {}
        self.saved = {name: getattr(sweep, name) for name in self.PARTS}
        for name, original in self.saved.items():
            setattr(sweep, name, self._wrap(name, original))

    def _wrap(self, name, original):
        def wrapped(*args, **kwargs):
            with timer(self.box, name):
                return original(*args, **kwargs)

        return wrapped

    def run(self) -> tuple[float, object, dict]:
        from django.utils import timezone

        self.box = {}
        started = time.perf_counter()
        report = self.sweep.sweep_lights(now=timezone.now())
        return time.perf_counter() - started, report, dict(self.box)

    def restore(self):
        for name, original in self.saved.items():
            setattr(self.sweep, name, original)


def describe_split(total: float, box: dict) -> str:
    in_sql = box.get("_sweep_cases_in_sql")
    if in_sql is not None:
        # PostgreSQL: the cases' update, history, occurrences and alerts are one
        # statement per light; the rest is the short clocks (filings, extensions) and commit.
        return (
            f"cases, one statement per light (update + history + occurrences + alerts) "
            f"{ms(in_sql)}, short clocks and commit {ms(total - in_sql)}"
        )
    update = box.get("_update_returning", 0.0)
    history = box.get("_history", 0.0)
    occurrences = box.get("occurrence_record_many", 0.0)
    alerts = box.get("_case_alerts", 0.0)
    rest = total - update - history - occurrences - alerts
    return (
        f"UPDATE … RETURNING {ms(update)}, history rows {ms(history)}, "
        f"occurrences {ms(occurrences)}, alerts {ms(alerts)}, rest (reads, commit) {ms(rest)}"
    )


def light_counts() -> dict[str, int]:
    from cases.models import Case
    from cases.sweep import CLOCKED_STATUSES

    rows = (
        Case.objects.filter(status__in=CLOCKED_STATUSES, promised_due__isnull=False)
        .values_list("light")
        .order_by()
    )
    return dict(Counter(light for (light,) in rows))


def undo_transitions(ids: list[int], light: str) -> None:
    """Put the chosen cases back to their light before the change, and remove the
    occurrences and alerts the change recorded, so the next contender does the same work."""
    from django.contrib.contenttypes.models import ContentType

    from accountability.models import Occurrence
    from cases.models import Case
    from hall.models import Alert

    execute("UPDATE cases_case SET light = %s WHERE id = ANY(%s)", [light, ids])
    Occurrence.objects.filter(
        source_type=ContentType.objects.get_for_model(Case), source_id__in=ids
    ).delete()
    keys = [f"case:{pk}:{level}" for pk in ids for level in ("yellow", "red")]
    for start in range(0, len(keys), 5000):
        Alert.objects.filter(key__in=keys[start : start + 5000]).delete()


def naive_sweep(now, budget: float) -> dict:
    """The per-row way: read every clocked case, compute its light in Python, save the
    ones that changed (simple-history writes a row per save) and record an occurrence
    per yellow or red card. In one transaction, like ours; no alerts (ours sends them)."""
    from django.db import transaction
    from django.utils import timezone

    from accountability.services import occurrence_record
    from cases import clock
    from cases.models import Case, Light
    from cases.sweep import CLOCKED_STATUSES
    from hall.calendar import WorkingCalendar

    today = timezone.localtime(now).date()
    calendar = WorkingCalendar()
    cases = (
        Case.objects.filter(status__in=CLOCKED_STATUSES)
        .select_related("window", "created_by", "acting_for")
        .order_by("pk")
    )
    total = cases.count()
    processed = changed = 0
    started = time.perf_counter()
    with transaction.atomic():
        for case in cases.iterator(chunk_size=2000):
            processed += 1
            new = clock.light(case, today, calendar)
            if new != case.light:
                case.light, case.light_changed_at = new, now
                case._change_reason = f"sweep: light → {new}"
                case.save()
                changed += 1
                if new in (Light.YELLOW, Light.RED):
                    occurrence_record(
                        rule="R-ACC-4.5",
                        source=case,
                        occurred_at=now,
                        window=case.window,
                        person=case.created_by,
                        acting_for=case.acting_for,
                        detail=case.number,
                    )
                if new == Light.RED:
                    occurrence_record(
                        rule="R-ACC-5.1",
                        source=case,
                        occurred_at=now,
                        window=case.window,
                        person=case.created_by,
                        acting_for=case.acting_for,
                        detail=case.number,
                    )
            if processed % 500 == 0 and time.perf_counter() - started > budget:
                break
    elapsed = time.perf_counter() - started
    return {
        "elapsed": elapsed,
        "processed": processed,
        "total": total,
        "changed": changed,
        "estimate": elapsed * total / processed if processed < total else elapsed,
    }


def floor_sql(now) -> tuple[str, list]:
    from django.conf import settings
    from django.utils import timezone

    from cases.sweep import CLOCKED_STATUSES
    from hall.calendar import WorkingCalendar

    today = timezone.localtime(now).date()
    warn_until = WorkingCalendar().add_working_days(today, settings.HALL_WARNING_DAYS).date
    light = (
        "CASE WHEN statutory_due < %s THEN 'red' WHEN promised_due < %s THEN 'yellow' "
        "WHEN promised_due <= %s THEN 'warning' ELSE 'green' END"
    )
    sql = (
        f"UPDATE cases_case SET light = {light}, light_changed_at = %s "
        f"WHERE status = ANY(%s) AND promised_due IS NOT NULL AND light <> {light}"
    )
    dates = [today, today, warn_until]
    return sql, [*dates, now, list(CLOCKED_STATUSES), *dates]


def run_floor(now) -> tuple[float, int]:
    from django.db import connection, transaction

    sql, params = floor_sql(now)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        count = cursor.rowcount
    return time.perf_counter() - started, count


# -- the pages ---------------------------------------------------------------------------


def measure_page(client, url: str, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(5):  # warm-up: templates, translations, the calendar tables
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    captured = list(queries.captured_queries)  # the next request_started clears the log
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    return {
        "median": statistics.median(times),
        "p95": p95(times),
        "max": max(times),
        "queries": len(captured),
        "slowest": sorted(captured, key=lambda q: -float(q["time"]))[:3],
        "bytes": len(response.content),
    }


# -- the run -----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--db", default="hall_bench")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    if args.cases < 1000:
        parser.error("--cases must be at least 1000")
    script_started = time.perf_counter()

    url = recreate_database(args.db)
    scratch = tempfile.mkdtemp(prefix="hall-bench-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DJANGO_DEBUG="true",
        DJANGO_SECRET_KEY="bench-only",
        DATABASE_URL=url,
        DJANGO_LOG_LEVEL="WARNING",
        DJANGO_MEDIA_ROOT=f"{scratch}/media",
        HALL_BROKER_DIR=f"{scratch}/broker",
        HALL_RESULTS_DIR=f"{scratch}/results",
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.conf import settings

    # Every figure is taken as in production: no query log, no template debugging.
    settings.DEBUG = False
    from django.core.management import call_command
    from django.db import connection, connections

    from cases.models import Case

    print(f"PostgreSQL database {args.db}: {connection.cursor().connection.info.server_version}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    # Start clean: the demo's ~54 cases (and what they made) give way to the bulk cases.
    # TRUNCATE … CASCADE: the demo's ratings and complaints protect its cases from DELETE.
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE cases_case, cases_historicalcase, cases_casesequence, "
            "accountability_occurrence, hall_alert CASCADE"
        )
    print(f"migrate + seed_demo: {time.perf_counter() - started:.1f} s")

    # -- loading ------------------------------------------------------------------------
    rng = random.Random(2026)
    loaded = bulk_load(url, args.cases, rng)
    count = Case.objects.count()
    rate = count / loaded["copy"]
    print(
        f"\nLoaded {count:,} cases with COPY in {loaded['copy']:.1f} s ({rate:,.0f} rows/s, "
        f"into the table with all its indexes); VACUUM ANALYZE + ANALYZE {loaded['vacuum']:.1f} s."
    )
    print(f"  {loaded['calendar_calls']:,} distinct (date, n) due-date questions to the calendar.")
    for key, n in sorted(loaded["stats"].items()):
        print(f"  {key:<28}{n:>10,}")
    print("  No history rows, materials or notices for the bulk cases (the sweep writes its own).")
    size = execute("SELECT pg_size_pretty(pg_total_relation_size('cases_case'))", fetch=True)[0][0]
    print(f"  cases_case with its indexes: {size}")

    # -- the sweep ----------------------------------------------------------------------
    sweeper = SweepTimer()
    elapsed, report, box = sweeper.run()
    print(
        f"\nFirst sweep, {report.total:,} lights set (from none): {elapsed:.2f} s; "
        f"{report.occurrences:,} occurrences, {report.alerts:,} alerts"
    )
    print(f"  split: {describe_split(elapsed, box)}")
    print(f"  open clocked cases by light: {light_counts()}")

    # Move CHANGE_TARGET green cases' promised date to yesterday: they must turn yellow.
    greens = Case.objects.filter(status__in=("in_progress", "awaiting_supplement"), light="green")
    green_n = greens.count()
    target = min(CHANGE_TARGET, green_n)
    execute("SELECT setseed(0.2026)")
    ids = [
        r[0]
        for r in execute(
            "SELECT id FROM cases_case WHERE status IN ('in_progress', 'awaiting_supplement') "
            "AND light = 'green' ORDER BY random() LIMIT %s",
            [target],
            fetch=True,
        )
    ]
    execute(
        "UPDATE cases_case SET promised_due = CURRENT_DATE - 1 WHERE id = ANY(%s)", [ids]
    )  # statutory_due stays ahead: yellow, not red
    vacuum_analyze()
    print(f"\n{len(ids):,} of {green_n:,} green cases moved to a promised date of yesterday.")

    elapsed, report, box = sweeper.run()
    ours_many = elapsed
    ours_many_update = box.get("_update_returning", 0.0)
    print(
        f"Sweep, many change: {ms(elapsed)}, {report.total:,} lights changed "
        f"({report.changed.get('case:yellow', 0):,} to yellow), "
        f"{report.occurrences:,} occurrences, {report.alerts:,} alerts"
    )
    print(f"  split: {describe_split(elapsed, box)}")

    idle = []
    for _ in range(EVERY_MINUTE_RUNS):
        elapsed, report, box = sweeper.run()
        assert report.total == 0, report.changed
        idle.append(elapsed)
    ours_idle = statistics.median(idle)
    print(
        f"Sweep, nothing changes (every minute), {EVERY_MINUTE_RUNS} runs: median {ms(ours_idle)}"
        f", p95 {ms(p95(idle))}, max {ms(max(idle))}"
    )
    print(f"  split of the last: {describe_split(elapsed, box)}")
    sweeper.restore()

    # -- the per-row baseline -------------------------------------------------------------
    from django.utils import timezone

    undo_transitions(ids, "green")
    vacuum_analyze()
    naive = naive_sweep(timezone.now(), BASELINE_BUDGET_SECONDS)
    print(
        f"\nBaseline, per-row Python loop (read each clocked case, clock.light(), save(), "
        f"occurrence_record(); no alerts): {naive['changed']:,} lights changed"
    )
    if naive["processed"] < naive["total"]:
        print(
            f"  stopped after {BASELINE_BUDGET_SECONDS:.0f} s at {naive['processed']:,} of "
            f"{naive['total']:,} cases; EXTRAPOLATED linearly to all: {naive['estimate']:.1f} s"
        )
    else:
        print(f"  all {naive['total']:,} clocked cases: {naive['elapsed']:.2f} s")
    ratio_baseline = naive["estimate"] / ours_many
    print(f"  baseline / ours: {ratio_baseline:,.1f}×")

    # -- the floor ------------------------------------------------------------------------
    undo_transitions(ids, "green")
    vacuum_analyze()
    floor, floor_rows = run_floor(timezone.now())
    ratio_floor = ours_many / floor
    print(
        f"\nFloor, one bare UPDATE … SET light = CASE … END (no history, occurrences, alerts): "
        f"{ms(floor)}, {floor_rows:,} rows"
    )
    if ours_many_update:
        print(
            f"  ours / floor: {ratio_floor:.2f}× (our UPDATE … RETURNING statements alone: "
            f"{ms(ours_many_update)}, {ours_many_update / floor:.2f}× the floor)"
        )
    else:
        print(
            f"  ours / floor: {ratio_floor:.2f}× (on PostgreSQL the update and what it records"
            " are one statement per light, so they cannot be timed apart)"
        )
    idle_floor = []
    for _ in range(EVERY_MINUTE_RUNS):
        elapsed, rows = run_floor(timezone.now())
        idle_floor.append(elapsed)
    print(f"  the floor with nothing to change: median {ms(statistics.median(idle_floor))}")

    # -- the pages ------------------------------------------------------------------------
    from django.contrib.auth import get_user_model
    from django.test import Client

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    users = get_user_model().objects
    pages = {}
    for username, url_path, label in (
        ("supervisor", "/supervision/", "Supervisor overview /supervision/"),
        ("clerk", "/cases/", "Clerk's window list /cases/"),
    ):
        client = Client()
        client.force_login(users.get(username=username))
        pages[url_path] = figures = measure_page(client, url_path, PAGE_REQUESTS)
        print(
            f"\n{label}, {PAGE_REQUESTS} requests: median {ms(figures['median'])}, "
            f"p95 {ms(figures['p95'])}, max {ms(figures['max'])}; "
            f"{figures['queries']} SQL queries per request, {figures['bytes']:,} bytes"
        )
        for q in figures["slowest"]:
            print(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:160]}")
    clerk_window = Case.objects.filter(
        window__staff__user__username="clerk", status__in=Case.OPEN_STATUSES
    ).count()
    print(f"  (the clerk's window has {clerk_window:,} open cases)")

    # -- summary --------------------------------------------------------------------------
    rows = [
        ("every-minute sweep, nothing to change (median)", ours_idle, 0.100, "< 100 ms"),
        (f"sweep changing {len(ids):,} lights", ours_many, 1.0, "< 1 s"),
        ("that sweep / bare SQL floor", ratio_floor, 2.0, "≤ 2×"),
        ("/supervision/ p95", pages["/supervision/"]["p95"], 0.100, "< 100 ms"),
        ("/cases/ (clerk) p95", pages["/cases/"]["p95"], 0.100, "< 100 ms"),
    ]
    print(f"\nSummary at {count:,} cases")
    print(f"{'figure':<50}{'measured':>14}  {'goal':<10}result")
    for label, value, goal, goal_text in rows:
        shown = f"{value:.2f}×" if "floor" in label else ms(value)
        print(f"{label:<50}{shown:>14}  {goal_text:<10}{'PASS' if value < goal else 'MISS'}")
    print(f"{'per-row Python baseline / ours (for reference)':<50}{ratio_baseline:>13.1f}×")
    print(f"\nWhole run: {time.perf_counter() - script_started:.0f} s")

    connections.close_all()
    if args.keep:
        print(f"Database {args.db} kept ({url}).")
    else:
        drop_database(args.db)


if __name__ == "__main__":
    main()
