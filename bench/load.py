"""Load test: 200 window clerks and 20 supervisors on the million-case hall, through gunicorn.

One command builds (or with --reuse, reuses) the million-case hall of
`bench/supervision_million.py` in the PostgreSQL database `hall_load` (its loader,
imported), runs the lights sweep once as beat would, makes sure the load accounts exist
(200 clerks spread over the windows, 20 supervisors, one password, no forced password
change), collects the static files into a scratch folder, starts gunicorn with
`config/gunicorn.py` (its 2-core settings, DEBUG off, Redis db 13 as the broker) and drives
it with locust (`bench/locustfile.py`, as a library in a child process) in four phases:

1. the floor (--floor s): as many anonymous users, at the clerks' pace, fetching a static
   file and the login page -- requests that do no database work -- to read the figures
   below against what this machine gives for nothing;
2. light load (--light s): a tenth of the clerks and supervisors doing the real work, so
   the working phase can be read against the same pages without the crowd;
3. the morning login of everyone else at --spawn-rate a second (a password check is
   ~0.2 s of PBKDF2 on one core); reported, not measured against the goal;
4. the working phase (--duration s): each clerk opens the window's list, takes in a case
   (item picker, intake form, its POST with CSRF), opens a case from the list and
   completes it (the approve action), one page every 10-30 s; each supervisor reads the
   overview, a window's red or yellow lights and one of the patrol, finding, complaint,
   rectification, card-appeal and alert lists, one page every 15-45 s.

It prints throughput, the median and 95th percentile overall and per request kind, the
errors (a status other than the expected one, a refused form, an exception) and checks the
goal: no error, and p95 under 300 ms in the working phase. gunicorn is stopped at the
end; the database is kept for --reuse.

    .venv/bin/python bench/load.py              # builds hall_load (~4 min), then ~11 min
    .venv/bin/python bench/load.py --reuse      # the hall already built
    .venv/bin/python bench/load.py --reuse --duration 30 --users-clerks 40 \
        --users-supervisors 5 --floor 15 --light 30          # a smoke run, ~3 min

The database server is reached with BENCH_PG_URL (default
postgres://hall:hall@127.0.0.1:5432/postgres); without --reuse the database is dropped and
built again.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import supervision_million as sm  # noqa: E402  (its loader; it puts the project on sys.path)

ROOT = sm.ROOT
PYTHON = sys.executable
REDIS_URL = os.environ.get("BENCH_LOAD_REDIS_URL", "redis://127.0.0.1:6379/13")
PASSWORD = "hall-load-2026"  # every load account's; they exist only in the load database
CLERK_PREFIX, SUPERVISOR_PREFIX = "load-clerk-", "load-supervisor-"
GOAL_P95_MS = 300.0
CLERK_THINK = (10.0, 30.0)
SUPERVISOR_THINK = (15.0, 45.0)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(q * len(ordered))) - 1))]


# -- the database ------------------------------------------------------------------------


def database_url(name: str) -> str:
    return urlunsplit(urlsplit(sm.SERVER_URL)._replace(path=f"/{name}"))


def database_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(sm.SERVER_URL, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return found is not None


def django_setup(url: str, scratch: Path) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.server_settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="bench-load-only-" + "x" * 40,
        DATABASE_URL=url,
        DJANGO_LOG_LEVEL="WARNING",
        DJANGO_MEDIA_ROOT=str(scratch / "media"),
        HALL_BROKER_DIR=str(scratch / "broker"),
        HALL_RESULTS_DIR=str(scratch / "results"),
        HALL_BENCH_STATIC_ROOT=str(scratch / "static"),
    )
    os.environ.pop("REDIS_URL", None)  # setup queues nothing on the load run's Redis
    import django

    django.setup()


def build_hall(url: str, cases: int) -> None:
    """supervision_million's hall: migrate, seed_demo, the demo's cases out, COPY the bulk.
    The demo's cases go with TRUNCATE … CASCADE, as in assessment_month.py: the seed's
    ratings (and anything else pointing at a case) protect them from a DELETE."""
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    sm.execute(
        "TRUNCATE cases_case, cases_historicalcase, cases_casesequence, "
        "accountability_occurrence, hall_alert CASCADE"
    )
    print(f"  migrate + seed_demo: {time.perf_counter() - started:.1f} s")
    loaded = sm.bulk_load(url, cases, random.Random(2026))
    print(
        f"  {cases:,} cases with COPY in {loaded['copy']:.1f} s, "
        f"VACUUM ANALYZE {loaded['vacuum']:.1f} s"
    )


def clear_forced_password_change(user_ids: list[int]) -> list[str]:
    """The load accounts must not be sent to the password-change page (hall.Account)."""
    from hall.models import Account

    Account.objects.filter(user_id__in=user_ids).update(must_change_password=False)
    return ["hall.Account.must_change_password"]


def ensure_load_accounts(n_clerks: int, n_supervisors: int) -> dict:
    """`load-clerk-001`… : each a staff member of one of the hall's windows (round robin
    over the windows that have service items), in the clerk group, so their scope is that
    window and they may take in and complete its cases; `load-supervisor-01`… in the
    center supervisor group. One known password, no forced change, idempotent."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from demo.management.commands.seed_demo import chinese_name
    from hall.roles import Role
    from staff.models import StaffMember

    User = get_user_model()
    rng = random.Random(7)
    hall = sm.Hall(random.Random(2026))
    windows = hall.windows
    hashed = make_password(PASSWORD)  # one hash for all: 220 hashes would take a minute
    clerk_group = Group.objects.get(name=Role.CLERK)
    supervisor_group = Group.objects.get(name=Role.SUPERVISOR)

    def account(username: str, group) -> object:
        user, _ = User.objects.get_or_create(username=username)
        user.first_name = user.first_name or chinese_name(rng)
        user.password, user.is_active = hashed, True
        user.save()
        user.groups.set([group])
        return user

    clerks, supervisors, per_window = [], [], Counter()
    for i in range(1, n_clerks + 1):
        window = windows[(i - 1) % len(windows)]
        user = account(f"{CLERK_PREFIX}{i:03d}", clerk_group)
        member = StaffMember.objects.filter(user=user).first() or StaffMember(user=user)
        wanted = {
            "name": user.first_name,
            "department_id": window.department_id,
            "window_id": window.pk,
            "post": None,
            "slot": "",
            "role": StaffMember.Role.CLERK,
            "is_active": True,
            "left_on": None,
        }
        if member.pk is None or any(getattr(member, k) != v for k, v in wanted.items()):
            for key, value in wanted.items():
                setattr(member, key, value)
            member.on_post_since = member.on_post_since or dt.date(2025, 1, 6)
            member._change_reason = "load test account"
            member.save()
        clerks.append(user.username)
        per_window[window.number] += 1
    for i in range(1, n_supervisors + 1):
        supervisors.append(account(f"{SUPERVISOR_PREFIX}{i:02d}", supervisor_group).username)
    ids = list(User.objects.filter(username__in=clerks + supervisors).values_list("pk", flat=True))
    cleared = clear_forced_password_change(ids)
    # A lockout left by an earlier, broken run.
    from django.core.management import call_command

    call_command("axes_reset", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    return {
        "clerks": clerks,
        "supervisors": supervisors,
        "windows": len(per_window),
        "per_window": (min(per_window.values()), max(per_window.values())) if clerks else (0, 0),
        "cleared": cleared,
    }


def open_cases_per_window(usernames: list[str]) -> tuple[int, int]:
    """The fewest and most open cases in a load clerk's window list."""
    from django.db.models import Count

    from cases.models import Case
    from staff.models import StaffMember

    windows = StaffMember.objects.filter(user__username__in=usernames).values("window_id")
    counts = list(
        Case.objects.filter(status__in=Case.OPEN_STATUSES, window_id__in=windows)
        .values("window_id")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True)
    )
    return (min(counts), max(counts)) if counts else (0, 0)


# -- the server --------------------------------------------------------------------------


def server_env(url: str, scratch: Path, port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HALL_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.server_settings",
        HALL_BENCH_STATIC_ROOT=str(scratch / "static"),
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="bench-load-only-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        # Plain HTTP on 127.0.0.1: a Secure cookie would never come back.
        DJANGO_SECURE_COOKIES="false",
        DATABASE_URL=url,
        REDIS_URL=REDIS_URL,
        DJANGO_MEDIA_ROOT=str(scratch / "media"),
        DJANGO_LOG_LEVEL="WARNING",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        PYTHONPATH=str(ROOT),
    )
    env.pop("GUNICORN_WORKERS", None)  # config/gunicorn.py's own 2 × cores + 1
    env.pop("GUNICORN_THREADS", None)
    return env


def collectstatic(env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return time.perf_counter() - started


def flush_redis() -> None:
    """The sweeps each intake and completion queue (nobody consumes them here) go."""
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def start_gunicorn(env: dict, port: int, log: Path) -> subprocess.Popen:
    out = open(log, "wb")  # noqa: SIM115  (closed with the process)
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "-c",
            "config/gunicorn.py",
        ],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stopped with its workers
    )
    deadline = time.monotonic() + 90
    url = f"http://127.0.0.1:{port}/accounts/login/"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}; see {log}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return process
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    stop_gunicorn(process)
    raise SystemExit(f"gunicorn did not answer {url} within 90 s; see {log}")


def stop_gunicorn(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)  # its own group: the master and its workers
    try:
        process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def gunicorn_shape(log: Path) -> str:
    text = log.read_text(errors="replace")
    workers = text.count("Booting worker")
    kind = "gthread" if "gthread" in text else "sync"
    return f"{workers} workers ({kind})"


# -- the load ----------------------------------------------------------------------------


def run_locust(config: dict, scratch: Path) -> dict:
    path = scratch / "locust-config.json"
    path.write_text(json.dumps(config))
    subprocess.run([PYTHON, str(BENCH / "locustfile.py"), str(path)], cwd=ROOT, check=True)
    return json.loads(Path(config["out"]).read_text())


# -- the report --------------------------------------------------------------------------


def ms(value: float) -> str:
    return f"{value:,.0f} ms" if value >= 10 else f"{value:,.1f} ms"


def table(records: list, seconds: float, title: str) -> tuple[float, float]:
    """Print per-kind and overall figures; return (overall median, overall p95) in ms."""
    by_name: dict[str, list[float]] = defaultdict(list)
    failures: Counter = Counter()
    for r in records:
        by_name[r["name"]].append(r["ms"])
        if r["error"]:
            failures[r["name"]] += 1
    every = [r["ms"] for r in records]
    print(f"\n{title}")
    width = max([len(n) for n in by_name] + [20])
    header = f"  {'request kind':<{width}}{'count':>7}{'req/s':>8}{'median':>10}{'p95':>10}"
    print(header + f"{'max':>10}{'errors':>8}")
    for name in sorted(by_name, key=lambda n: -percentile(by_name[n], 0.95)):
        values = by_name[name]
        print(
            f"  {name:<{width}}{len(values):>7}{len(values) / seconds:>8.2f}"
            f"{ms(percentile(values, 0.5)):>10}{ms(percentile(values, 0.95)):>10}"
            f"{ms(max(values)):>10}{failures[name]:>8}"
        )
    median, p95 = percentile(every, 0.5), percentile(every, 0.95)
    print(
        f"  {'all':<{width}}{len(every):>7}{len(every) / seconds:>8.2f}{ms(median):>10}"
        f"{ms(p95):>10}{ms(max(every) if every else 0):>10}{sum(failures.values()):>8}"
    )
    return median, p95


def describe_machine(phase: dict) -> str:
    cpu = phase.get("server_cpu")
    per_request = phase.get("requests") and cpu is not None and cpu / phase["requests"]
    text = (
        f"  machine: CPU {phase['busy']:.0%} busy of {phase['cores']} cores (everything on it), "
        f"load average {phase['load'][0]:.1f} → {phase['load'][1]:.1f}"
    )
    if per_request:
        text += (
            f"; gunicorn used {cpu:.1f} CPU-s, {per_request * 1000:.0f} ms a request "
            f"(PostgreSQL's share not included)"
        )
    return text


def report(result: dict, args, accounts: dict) -> bool:
    records = result["records"]
    by_phase: dict[str, list] = defaultdict(list)
    for r in records:
        by_phase[r["phase"]].append(r)
    phases = result["phases"]
    for name, phase in phases.items():
        phase["requests"] = len(by_phase[name])
    k = args.think_scale
    pace = (
        f"clerks a page every {CLERK_THINK[0] * k:.0f}-{CLERK_THINK[1] * k:.0f} s, supervisors "
        f"every {SUPERVISOR_THINK[0] * k:.0f}-{SUPERVISOR_THINK[1] * k:.0f} s"
        + ("" if k == 1 else f" -- THINK TIMES SCALED BY {k}")
    )
    figures = {}
    if "floor" in phases:
        floor = phases["floor"]
        figures["floor"] = table(
            by_phase["floor"],
            floor["seconds"],
            f"Floor: {floor['users'][0]} anonymous users at the clerks' pace, "
            f"{floor['seconds']:.0f} s (pages that do no database work)",
        )
        print(describe_machine(floor))
    if "light" in phases:
        light = phases["light"]
        figures["light"] = table(
            by_phase["light"],
            light["seconds"],
            f"Light load: {light['users'][0]} clerks + {light['users'][1]} supervisors "
            f"(a tenth), {pace}, {light['seconds']:.0f} s",
        )
        print(describe_machine(light))
    table(
        by_phase["ramp"],
        phases["ramp"]["seconds"],
        f"Morning login: {len(accounts['clerks'])} clerks + {len(accounts['supervisors'])} "
        f"supervisors at {args.spawn_rate}/s, {phases['ramp']['seconds']:.0f} s, with the "
        "work of those already in (not part of the goal)",
    )
    work = phases["work"]
    median, p95 = figures["work"] = table(
        by_phase["work"],
        work["seconds"],
        f"Working phase: {len(accounts['clerks'])} clerks + {len(accounts['supervisors'])} "
        f"supervisors, {pace}, {work['seconds']:.0f} s",
    )
    print(describe_machine(work))
    outcomes = result["outcomes"].get("work", {})
    print(
        "  outcomes: "
        + ", ".join(f"{key} {n:,}" for key, n in sorted(outcomes.items()))
        + (
            "\n  (a completion conflict: another clerk of the window completed the case first "
            "and the page says so; expected, not an error)"
            if outcomes.get("completion conflicts")
            else ""
        )
    )

    errors = [r for r in records if r["error"]]
    errors += [
        {
            "phase": e["phase"],
            "name": f"{e['user']} task (exception)",
            "error": e["error"],
            "at": e["at"],
        }
        for e in result["task_errors"]
    ]
    print(f"\nErrors (every phase): {len(errors)}")
    if errors:
        first, last = (
            time.strftime("%H:%M:%S", time.localtime(f(r["at"] for r in errors)))
            for f in (min, max)
        )
        print(
            f"  between {first} and {last} (compare with the gunicorn log, and with anything else "
            "run on this machine meanwhile: a restarted PostgreSQL shows up here)"
        )
    for (phase, name, error), n in Counter(
        (r["phase"], r["name"], r["error"][:200]) for r in errors
    ).most_common(12):
        print(f"  {n:>5} × [{phase}] {name}: {error}")

    print("\nSummary")
    print(f"  throughput, working phase: {len(by_phase['work']) / work['seconds']:.1f} requests/s")
    print(f"  latency, working phase: median {ms(median)}, p95 {ms(p95)}")
    if "light" in figures:
        print(f"  the same work at a tenth of the users: p95 {ms(figures['light'][1])}")
    if "floor" in figures:
        print(f"  floor (no database work) on this machine: p95 {ms(figures['floor'][1])}")
    ok_errors = not errors
    ok_p95 = bool(by_phase["work"]) and p95 < GOAL_P95_MS
    print(f"  goal: no error ............ {'PASS' if ok_errors else 'MISS'} ({len(errors)})")
    print(f"  goal: p95 < {GOAL_P95_MS:.0f} ms ........ {'PASS' if ok_p95 else 'MISS'} ({ms(p95)})")
    return ok_errors and ok_p95


# -- the run -----------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reuse", action="store_true", help="use the hall already in --db")
    parser.add_argument("--db", default="hall_load")
    parser.add_argument("--cases", type=int, default=1_000_000, help="when building")
    parser.add_argument("--duration", type=float, default=300.0, help="working phase, seconds")
    parser.add_argument("--users-clerks", type=int, default=200)
    parser.add_argument("--users-supervisors", type=int, default=20)
    parser.add_argument("--floor", type=float, default=40.0, help="floor phase, seconds (0: none)")
    parser.add_argument("--light", type=float, default=90.0, help="light load, seconds (0: none)")
    parser.add_argument("--spawn-rate", type=float, default=2.0, help="logins a second")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", type=int, default=2026, help="the simulated users' choices")
    parser.add_argument(
        "--think-scale",
        type=float,
        default=1.0,
        help="multiply every think time (0.1 for a quick functional check; the goal is at 1)",
    )
    args = parser.parse_args()
    if args.users_clerks < 1 or args.users_supervisors < 0:
        parser.error("at least one clerk; supervisors may be 0")
    started = time.perf_counter()

    url = database_url(args.db)
    scratch = Path(tempfile.mkdtemp(prefix="hall-load-"))
    gunicorn = None
    try:
        if args.reuse:
            if not database_exists(args.db):
                raise SystemExit(f"No database {args.db}: run without --reuse to build it.")
            django_setup(url, scratch)
            from django.core.management import call_command

            print(f"Reusing database {args.db}; migrating it to the current code.")
            call_command("migrate", verbosity=0)
        else:
            print(f"Building the million-case hall in {args.db} (dropped and created again).")
            sm.recreate_database(args.db)
            django_setup(url, scratch)
            build_hall(url, args.cases)
        from django.db import connections
        from django.utils import timezone

        from cases.models import Case
        from cases.sweep import sweep_lights

        # As beat does every minute: every open case's light as of now, its cards and
        # alerts (the first time, the whole hall's; after that, what changed since).
        sweep_started = time.perf_counter()
        swept = sweep_lights(now=timezone.now())
        print(
            f"  lights sweep: {swept.total:,} lights changed in "
            f"{time.perf_counter() - sweep_started:.1f} s"
        )
        total = Case.objects.count()
        accounts = ensure_load_accounts(args.users_clerks, args.users_supervisors)
        print(
            f"  {total:,} cases; {len(accounts['clerks'])} load clerks at "
            f"{accounts['windows']} windows ({accounts['per_window'][0]}-"
            f"{accounts['per_window'][1]} each), {len(accounts['supervisors'])} supervisors; "
            f"password {PASSWORD}"
        )
        low, high = open_cases_per_window(accounts["clerks"])
        print(f"  their windows' lists hold {low:,}-{high:,} open cases")
        if accounts["cleared"]:
            print(f"  forced password change cleared: {', '.join(accounts['cleared'])}")
        connections.close_all()

        env = server_env(url, scratch, args.port)
        print(f"collectstatic into {scratch / 'static'}: {collectstatic(env):.1f} s")
        flush_redis()
        log = Path(tempfile.gettempdir()) / f"hall-load-gunicorn-{args.port}.log"
        gunicorn = start_gunicorn(env, args.port, log)
        print(f"gunicorn on 127.0.0.1:{args.port}: {gunicorn_shape(log)}, log {log}")

        result = run_locust(
            {
                "host": f"http://127.0.0.1:{args.port}",
                "password": PASSWORD,
                "clerks": accounts["clerks"],
                "supervisors": accounts["supervisors"],
                "clerk_think": [t * args.think_scale for t in CLERK_THINK],
                "supervisor_think": [t * args.think_scale for t in SUPERVISOR_THINK],
                "floor_seconds": args.floor,
                "light_seconds": args.light,
                "server_pid": gunicorn.pid,
                "work_seconds": args.duration,
                "spawn_rate": args.spawn_rate,
                "seed": args.seed,
                "out": str(scratch / "locust-result.json"),
            },
            scratch,
        )
        passed = report(result, args, accounts)
        server_errors = [
            line
            for line in log.read_text(errors="replace").splitlines()
            if "[ERROR]" in line or "Traceback" in line or "WORKER TIMEOUT" in line
        ]
        if server_errors:
            print(f"\ngunicorn logged {len(server_errors)} error lines, e.g.:")
            for line in server_errors[:5]:
                print(f"  {line[:200]}")
        print(f"\nWhole run: {time.perf_counter() - started:.0f} s; database {args.db} kept.")
        return 0 if passed else 1
    finally:
        if gunicorn is not None:
            stop_gunicorn(gunicorn)
        with contextlib.suppress(Exception):  # cleaning up; Redis may be why we stopped
            flush_redis()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
