"""Fault injection: Redis stopped, PostgreSQL restarted, a worker killed mid-job.

Builds a realistic hall in a fresh PostgreSQL database (`hall_faults`) with the loader of
`bench/supervision_million.py` (imported: the demo seed, then --cases cases over five
years written with COPY) and, with `bench/assessment_month.py`'s helpers, a large last
month (200 windows, 1,000 staff, --month-cases accepted cases) so that the month-end run
takes a measurable time. Then, with gunicorn (`config/gunicorn.py`, 3 workers, DEBUG
off), a Celery worker and beat (Redis db 14, a sweep every 10 s) it runs:

(a) Redis stopped while clerks take in cases: --clerks clerks, each at a window of their
    own, log in through the login form and, in a loop (--think seconds apart), open the
    intake form, post a real intake (every material received), open the case and
    complete every third one (approve); an applicant looks cases up on the public
    tracking page (its counter of wrong codes lives in the Redis cache). After --before
    seconds Redis is shut down (`redis-cli shutdown nosave`) for --outage seconds, then
    started again, and the clerks go on for --after seconds. PASS when no request
    failed, none took 2 s or more, every case posted is in the database exactly once,
    and once Redis is back the sweeps that could not be queued are made up: every
    clocked case has its right light. The 2 s bar holds on a quiet 2-core machine; when
    other work loads it, a line says whether requests were that slow before the fault.
(b) PostgreSQL restarted (pg_ctlcluster restart) under the same load. Requests in flight
    may fail, but only cleanly (an error page within a few seconds); PASS when nothing
    is half-written (every case has its materials, its acceptance notice and receipt,
    their history rows, its due dates and its place in the window's sequence), the app
    answers again within a few seconds without restarting gunicorn, and the worker
    sweeps again.
(c) A worker killed (SIGKILL) in the middle of the lights sweep and of the month-end
    run. The month-end job works only on the first working day of a month, so the
    bench hall's calendar makes today that day (the days of this month before it become
    holidays), and every clocked case's light is reset so that the sweep has all of
    them to change. The hall is copied (CREATE DATABASE … TEMPLATE) and each job runs
    once cleanly on the copy through a worker, which gives its duration; on the
    original the job is sent to a worker that is killed at half that duration, a new
    worker runs it again, and PASS when the kill landed inside the job's transaction,
    nothing was left half-written by it, and the result equals the clean run's: the
    same lights, history rows, occurrences and alerts; the same scores for every window
    and person; no duplicate and no gap.

Each scenario prints PASS/FAIL lines with its figures ((c) one for each job). Redis and
PostgreSQL are left running at the end, even when a scenario fails or the script is
interrupted; gunicorn and the workers it started are stopped.

    .venv/bin/python bench/faults.py [--scenarios abc] [--cases 200000] [--keep] [--reuse]

PostgreSQL is reached with BENCH_PG_URL (default postgres://hall:hall@127.0.0.1:5432/postgres,
a role that may create databases); the cluster is restarted with pg_ctlcluster
(FAULTS_PG_CLUSTER, default 15/main), Redis (127.0.0.1:6379) stopped with redis-cli and
started with redis-server (FAULTS_REDIS_PORT: a private redis-server on that port
instead, stopped at the end). The databases hall_faults and hall_faults_clean are
dropped at the end unless --keep.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import assessment_month as am  # noqa: E402  (its month of cases and its larger hall)
import supervision_million as sm  # noqa: E402  (its loader; it puts the project on sys.path)

ROOT = sm.ROOT
DB = "hall_faults"
CLEAN_DB = "hall_faults_clean"
# The hall's Redis; FAULTS_REDIS_PORT runs the scenarios against a private redis-server
# on another port instead (started with the same options, its files in /tmp).
REDIS_PORT = os.environ.get("FAULTS_REDIS_PORT", "6379")
REDIS_URL = f"redis://127.0.0.1:{REDIS_PORT}/14"
REDIS_CLI = ["redis-cli", "-h", "127.0.0.1", "-p", REDIS_PORT]
REDIS_START = [
    "redis-server",
    "--daemonize",
    "yes",
    "--bind",
    "127.0.0.1",
    "-::1",
    "--port",
    REDIS_PORT,
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    "/var/lib/redis" if REDIS_PORT == "6379" else "/tmp",
    "--logfile",
    "/var/log/redis/ci.log" if REDIS_PORT == "6379" else f"/tmp/redis-faults-{REDIS_PORT}.log",
]
PG_VERSION, PG_CLUSTER = os.environ.get("FAULTS_PG_CLUSTER", "15/main").split("/")
SLOW = 2.0  # seconds: a request slower than this fails scenario (a)
HANG = 5.0  # seconds: a failing request in scenario (b) must answer within this
RECOVERY = 5.0  # seconds after PostgreSQL is back by which requests succeed again
MARK = "故障演练"  # applicant names start with it, then the scenario, clerk and sequence
CLOCKED = ("in_progress", "awaiting_supplement")
RUN = secrets.token_hex(2)  # in the applicant names: a kept hall may be used again


def say(text: str = "") -> None:
    print(text, flush=True)


def p95(values: list[float]) -> float:
    return sm.p95(values) if values else 0.0


def db_url(name: str) -> str:
    return urlunsplit(urlsplit(sm.SERVER_URL)._replace(path=f"/{name}"))


# -- the services ------------------------------------------------------------------------


def run(argv: list[str], timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)


def redis_up() -> bool:
    try:
        return run([*REDIS_CLI, "ping"], 5).stdout.strip() == "PONG"
    except subprocess.TimeoutExpired:
        return False


def redis_stop() -> None:
    run([*REDIS_CLI, "shutdown", "nosave"], 10)
    deadline = time.monotonic() + 10
    while redis_up() and time.monotonic() < deadline:
        time.sleep(0.05)


def redis_start() -> None:
    if redis_up():
        return
    run(REDIS_START, 20)
    deadline = time.monotonic() + 15
    while not redis_up():
        if time.monotonic() > deadline:
            raise RuntimeError("redis-server did not start")
        time.sleep(0.05)


def pg_up() -> bool:
    return run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"], 10).returncode == 0


def pg_ctl(action: str) -> None:
    result = run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", PG_VERSION, PG_CLUSTER, action], 120
    )
    if result.returncode != 0 and action != "start":
        raise RuntimeError(f"pg_ctlcluster {action}: {result.stderr.strip()}")
    deadline = time.monotonic() + 30
    while not pg_up():
        if time.monotonic() > deadline:
            raise RuntimeError("PostgreSQL did not come back")
        time.sleep(0.05)


def restore_services(when: str = "at the end") -> None:
    """Whatever happened: Redis and PostgreSQL running again (other engineers use them)."""
    for name, up, start in (("Redis", redis_up, redis_start), ("PostgreSQL", pg_up, pg_start)):
        if not up():
            say(f"{name} was down {when}: starting it.")
            try:
                start()
            except Exception as exc:  # noqa: BLE001 - say it and try the other one
                say(f"!! could not start {name}: {exc}")


def pg_start() -> None:
    pg_ctl("start")


def flush_redis_db() -> None:
    db = urlsplit(REDIS_URL).path.strip("/") or "0"
    if redis_up():
        run([*REDIS_CLI, "-n", db, "flushdb"], 10)


# -- processes we start ------------------------------------------------------------------


class Process:
    """A child in a process group of its own, with its output in a log file."""

    def __init__(self, name: str, argv: list[str], env: dict, log: Path):
        self.name, self.log_path = name, log
        self._log = log.open("w")
        self.popen = subprocess.Popen(  # noqa: S603
            argv,
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for(self, pattern: str, timeout: float, start: int = 0) -> re.Match | None:
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern)
        while time.monotonic() < deadline:
            found = regex.search(self.log(), start)
            if found:
                return found
            if self.popen.poll() is not None:
                return regex.search(self.log(), start)
            time.sleep(0.01)
        return None

    def alive(self) -> bool:
        return self.popen.poll() is None

    def _signal(self, sig) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, sig)

    def kill(self) -> None:
        """SIGKILL the whole group: the way an out-of-memory killer or a pulled plug ends it."""
        self._signal(signal.SIGKILL)
        self.popen.wait()
        self._log.close()

    def stop(self, timeout: float = 20) -> None:
        if self.popen.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self.popen.wait()
        self._log.close()


@dataclass
class Stack:
    env: dict
    scratch: Path
    processes: list[Process] = field(default_factory=list)
    count: int = 0

    def start(self, name: str, argv: list[str], **extra) -> Process:
        self.count += 1
        process = Process(
            name, argv, {**self.env, **extra}, self.scratch / f"{self.count:02d}-{name}.log"
        )
        self.processes.append(process)
        return process

    def worker(self, name: str, **extra) -> Process:
        process = self.start(
            name,
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--without-mingle",
                "--without-gossip",
                "-n",
                f"{name}@%h",
                "--loglevel=INFO",
            ],
            **extra,
        )
        if not process.wait_for(r"ready\.", 60):
            raise RuntimeError(f"worker {name} did not start:\n{process.log()[-3000:]}")
        return process

    def stop_all(self) -> None:
        for process in reversed(self.processes):
            if process.alive():
                process.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- the hall ----------------------------------------------------------------------------


def build(args, url: str) -> None:
    """The demo seed, --cases cases over five years, a large last month; every light set."""
    from django.core.management import call_command
    from django.utils import timezone

    from cases.sweep import sweep_lights
    from hall.calendar import WorkingCalendar

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    # The demo's cases, periods and the facts about them give way to the bulk ones.
    sm.execute(
        "TRUNCATE cases_case, cases_casesequence, cases_firstinquiry, complaints_complaint, "
        "complaints_rating, staff_attendance, patrols_round, accountability_occurrence, "
        "accountability_accountabilitycase, assessment_commendation, assessment_period, "
        "hall_alert CASCADE"
    )
    seeded = time.perf_counter() - started
    rng = random.Random(2026)
    loaded = sm.bulk_load(url, args.cases, rng)

    # The month-end run's month: the hall grown to 200 windows and 1,000 staff, the last
    # month topped up with accepted cases (assessment_month's loader).
    now = timezone.now()
    this_month = timezone.localdate(now).replace(day=1)
    last_month = am.add_months(this_month, -1)
    grow_rng = random.Random(77)
    am.grow_hall(grow_rng, last_month)
    days = am.working_days(WorkingCalendar(), last_month, this_month)
    hall = am.AllStaffHall(grow_rng)
    people = sm.People(grow_rng, size=20_000)
    now_local = timezone.localtime(now).replace(tzinfo=None, microsecond=0)
    month_copy = am.copy_case_lines(
        url,
        am.month_case_rows(hall, days, args.month_cases, people, sm.Dues(), grow_rng, now_local),
    )
    sm.vacuum_analyze()
    sm.execute("ANALYZE")
    report = sweep_lights()
    figures = sm.execute(
        "SELECT count(*), count(*) FILTER (WHERE status = ANY(%s)), "
        "count(*) FILTER (WHERE kind = 'accepted' AND accepted_on >= %s AND accepted_on < %s) "
        "FROM cases_case",
        [list(CLOCKED), last_month, this_month],
        fetch=True,
    )[0]
    say(
        f"Hall built in {time.perf_counter() - started:.0f} s (migrate + seed {seeded:.0f} s, "
        f"COPY {loaded['copy']:.0f} s + {month_copy:.0f} s): {figures[0]:,} cases, "
        f"{figures[1]:,} clocked, {figures[2]:,} accepted in {last_month:%Y-%m}; first sweep "
        f"lit {report.total:,}."
    )


@dataclass
class ClerkAccount:
    username: str
    window_id: int
    items: list[tuple[str, int]]  # (code, number of materials)


def clerk_accounts(n: int, password: str) -> list[ClerkAccount]:
    """One clerk at each of n windows (the first ones with promised items that have
    materials), each with a usable password and nothing forced at login."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db.models import Count

    from cases.selectors import acting_windows
    from staff.models import StaffMember
    from windows.models import ServiceItem

    accounts = []
    seen = set()
    members = (
        StaffMember.objects.filter(is_active=True, window__is_active=True, role="clerk")
        .select_related("window", "user")
        .order_by("window__floor_order", "pk")
    )
    for member in members:
        if member.window_id in seen or len(accounts) == n:
            continue
        items = list(
            ServiceItem.objects.published()
            .filter(department_id=member.window.department_id, kind="promised")
            .annotate(n=Count("materials"))
            .filter(n__gt=0)
            .values_list("code", "n")
        )
        if not items or acting_windows(member.user).count() != 1:
            continue
        seen.add(member.window_id)
        accounts.append(ClerkAccount(member.user.username, member.window_id, items))
    if len(accounts) < n:
        raise SystemExit(f"only {len(accounts)} windows with a clerk and promised items")
    users = get_user_model().objects.filter(username__in=[a.username for a in accounts])
    users.update(password=make_password(password), is_active=True)
    try:
        from hall.models import Account
    except ImportError:
        pass
    else:
        Account.objects.filter(user__in=users).update(must_change_password=False)
    return accounts


# -- the clerks --------------------------------------------------------------------------

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MATERIAL_RE = re.compile(r'name="mat_(\d+)_received"')
DETAIL_RE = re.compile(r"^/cases/([^/]+)/$")


@dataclass
class Request:
    start: float  # seconds after the load started
    seconds: float
    what: str
    ok: bool
    detail: str = ""


@dataclass
class Intake:
    name: str
    start: float
    ok: bool = False
    number: str = ""
    approved: bool = False
    detail: str = ""


class Load:
    """--clerks threads, each a clerk with a browser session, taking in cases in a loop,
    and an applicant looking cases up on the public tracking page (number and code)."""

    def __init__(self, base: str, accounts, password: str, tag: str, think: float, tracked):
        self.base, self.accounts, self.password, self.tag = base, accounts, password, tag
        self.think, self.tracked = think, tracked
        self.requests: list[Request] = []
        self.intakes: list[Intake] = []
        self.lock = threading.Lock()
        self.login_failures: list[str] = []
        self.stop_event = threading.Event()
        self.go = threading.Event()
        self.t0 = 0.0
        self.logged_in = threading.Barrier(len(accounts) + 1)
        self.threads = [
            threading.Thread(target=self.clerk, args=(i, a), daemon=True)
            for i, a in enumerate(accounts)
        ]
        self.threads.append(threading.Thread(target=self.applicant, daemon=True))

    def now(self) -> float:
        return time.monotonic() - self.t0

    def start(self) -> None:
        for thread in self.threads:
            thread.start()
        self.logged_in.wait(timeout=120)
        self.t0 = time.monotonic()
        self.go.set()

    def stop(self) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def call(self, session, method: str, path: str, what: str, check, **kwargs):
        import requests

        started = time.monotonic()
        at = started - self.t0 if self.go.is_set() else -1.0
        try:
            response = session.request(
                method, self.base + path, timeout=(5, 30), allow_redirects=False, **kwargs
            )
        except requests.RequestException as exc:
            seconds = time.monotonic() - started
            self._record(Request(at, seconds, what, False, type(exc).__name__))
            return None
        seconds = time.monotonic() - started
        problem = check(response)
        self._record(Request(at, seconds, what, problem is None, problem or ""))
        return response if problem is None else None

    def _record(self, request: Request) -> None:
        if request.start >= 0:
            with self.lock:
                self.requests.append(request)

    def clerk(self, index: int, account: ClerkAccount) -> None:
        import requests

        session = requests.Session()
        rng = random.Random(index)
        try:
            self.login(session, account)
        except Exception as exc:  # noqa: BLE001 - counted: the scenario fails
            with self.lock:
                self.login_failures.append(f"{account.username}: {exc}")
            self.logged_in.wait(timeout=120)
            return
        self.logged_in.wait(timeout=120)
        self.go.wait()
        sequence = 0
        while not self.stop_event.is_set():
            sequence += 1
            self.take_in(session, account, rng, index, sequence)
            self.stop_event.wait(self.think * rng.uniform(0.5, 1.5))

    def applicant(self) -> None:
        """Someone at home with a receipt: the tracking page's form, then the lookup."""
        import requests

        session = requests.Session()
        rng = random.Random(-1)
        self.go.wait()
        while not self.stop_event.is_set():
            form = self.call(session, "GET", "/track/", "tracking form", expect_page)
            if form is not None:
                number, code = rng.choice(self.tracked)
                self.call(
                    session,
                    "POST",
                    "/track/",
                    "tracking lookup",
                    expect_tracked,
                    data={"csrfmiddlewaretoken": csrf(form), "number": number, "code": code},
                )
            self.stop_event.wait(self.think * rng.uniform(0.5, 1.5))

    def login(self, session, account: ClerkAccount) -> None:
        page = self.call(session, "GET", "/accounts/login/", "login form", expect_page)
        if page is None:
            raise RuntimeError(f"{account.username}: no login page")
        response = self.call(
            session,
            "POST",
            "/accounts/login/",
            "login",
            expect_redirect,
            data={
                "username": account.username,
                "password": self.password,
                "csrfmiddlewaretoken": csrf(page),
                "next": "",
            },
        )
        if response is None or "/accounts/login/" in response.headers.get("Location", ""):
            raise RuntimeError(f"{account.username}: the login failed")

    def take_in(self, session, account: ClerkAccount, rng, index: int, sequence: int) -> None:
        code, _materials = rng.choice(account.items)
        form = self.call(session, "GET", f"/cases/new/?item={code}", "intake form", expect_form)
        if form is None:
            return
        name = f"{MARK}{self.tag}{RUN}{index:02d}{sequence:05d}"
        intake = Intake(name, self.now())
        with self.lock:
            self.intakes.append(intake)
        identity = PEOPLE.ids[(index * 100_003 + sequence) % len(PEOPLE.ids)]
        data = {
            "csrfmiddlewaretoken": csrf(form),
            "item": code,
            "kind": "accepted",
            "applicant_kind": "person",
            "applicant_name": name,
            "id_type": "resident_id",
            "id_number": identity,
            "phone": PEOPLE.phones[sequence % len(PEOPLE.phones)],
            "contact_name": "",
            "returned_reasons": "",
            "leader_assigned": "",
            "part_description": "",
        }
        for material in MATERIAL_RE.findall(form.text):
            data[f"mat_{material}_received"] = "on"
            data[f"mat_{material}_pages"] = str(rng.randint(1, 9))
        posted = self.call(session, "POST", "/cases/new/", "intake", expect_case, data=data)
        if posted is None:
            intake.detail = "intake refused or failed"
            return
        location = posted.headers["Location"]
        page = self.call(session, "GET", location, "case page", expect_success)
        if page is None:
            intake.detail = "no success message"
            return
        intake.ok, intake.number = True, DETAIL_RE.match(location).group(1)
        if sequence % 3 == 0:
            done = self.call(
                session,
                "POST",
                f"{location}do/approve/",
                "approve",
                lambda r, url=location: expect_redirect_to(r, url),
                data={"csrfmiddlewaretoken": csrf(page)},
            )
            if done is not None and self.call(
                session, "GET", location, "case page", expect_success
            ):
                intake.approved = True


PEOPLE = None  # sm.People, made once


def csrf(response) -> str:
    found = CSRF_RE.search(response.text)
    return found.group(1) if found else ""


def expect_page(response) -> str | None:
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    return None if csrf(response) else "no CSRF token"


def expect_form(response) -> str | None:
    problem = expect_page(response)
    if problem is None and not MATERIAL_RE.search(response.text):
        return "no materials in the intake form"
    return problem


def expect_redirect(response) -> str | None:
    return None if response.status_code == 302 else f"HTTP {response.status_code}"


def expect_redirect_to(response, url: str) -> str | None:
    if response.status_code != 302:
        return f"HTTP {response.status_code}"
    return None if response.headers.get("Location") == url else "redirected elsewhere"


def expect_case(response) -> str | None:
    if response.status_code != 302:
        return f"HTTP {response.status_code}"
    return None if DETAIL_RE.match(response.headers.get("Location", "")) else "not to a case"


def expect_tracked(response) -> str | None:
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    return None if 'data-testid="track-result"' in response.text else "case not shown"


def expect_success(response) -> str | None:
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    return None if "alert-success" in response.text else "no success message"


# -- figures -----------------------------------------------------------------------------


def phase(load: Load, label: str, since: float, until: float) -> tuple[list[str], dict]:
    """The figures of the requests that started between `since` and `until`, and the
    lines that print them: counts, max and p95, then what failed and what was slow."""
    requests = [r for r in load.requests if since <= r.start < until]
    intakes = [i for i in load.intakes if since <= i.start < until]
    times = [r.seconds for r in requests]
    failed = [r for r in requests if not r.ok]
    figures = {
        "requests": len(requests),
        "intakes": len(intakes),
        "lookups": sum(r.what == "tracking lookup" for r in requests),
        "failed": len(failed),
        "max": max(times, default=0.0),
        "p95": p95(times),
        "slow": sum(t >= SLOW for t in times),
    }
    lines = [
        f"{label:<11}{until - since:5.1f} s: {figures['intakes']} intakes, "
        f"{figures['lookups']} tracking lookups, "
        f"{figures['failed']} failed of {figures['requests']} requests, "
        f"max {figures['max']:.2f} s, p95 {figures['p95']:.2f} s"
    ]
    for failure, n in Counter(f"{r.what}: {r.detail}" for r in failed).most_common(6):
        lines.append(f"    failed: {n} × {failure}")
    slow = Counter(r.what for r in requests if r.seconds >= SLOW)
    if slow:
        lines.append(
            f"    {SLOW:.0f} s or more: "
            + ", ".join(
                f"{n} × {what} (slowest {max(r.seconds for r in requests if r.what == what):.2f} s)"
                for what, n in slow.most_common()
            )
        )
    return lines, figures


def in_database(prefix: str) -> Counter:
    rows = sm.execute(
        "SELECT applicant_name, count(*) FROM cases_case WHERE applicant_name LIKE %s GROUP BY 1",
        [prefix + "%"],
        fetch=True,
    )
    return Counter(dict(rows))


def today_and_warn():
    from django.conf import settings
    from django.utils import timezone

    from hall.calendar import WorkingCalendar

    today = timezone.localdate()
    warn = WorkingCalendar().add_working_days(today, settings.HALL_WARNING_DAYS).date
    return today, warn


STALE_SQL = (
    "SELECT count(*) FROM cases_case WHERE status IN ('in_progress', 'awaiting_supplement') "
    "AND promised_due IS NOT NULL AND light <> CASE WHEN statutory_due < %(today)s THEN 'red' "
    "WHEN promised_due < %(today)s THEN 'yellow' WHEN promised_due <= %(warn)s THEN 'warning' "
    "ELSE 'green' END"
)


def stale_lights() -> int:
    """Clocked cases whose stored light is not today's (the sweep's own conditions)."""
    today, warn = today_and_warn()
    return sm.execute(STALE_SQL, {"today": today, "warn": warn}, fetch=True)[0][0]


def wait_until_swept(timeout: float) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if stale_lights() == 0:
            return time.monotonic() - started
        time.sleep(0.5)
    return None


def machine_load() -> str:
    """The figures depend on what else the machine runs: say how busy it is."""
    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


# -- (a) Redis stopped -------------------------------------------------------------------


def scenario_a(args, ctx) -> bool:
    from django.db.models import Max
    from django.utils import timezone

    from cases.models import Case

    load = Load(ctx["base"], ctx["accounts"], ctx["password"], "a", args.think, ctx["tracked"])
    gunicorn_log = len(ctx["gunicorn"].log())
    say(f"(a) {len(load.accounts)} clerks; {machine_load()}")
    load.start()
    time.sleep(args.before)
    down_at = load.now()
    redis_stop()
    down_done = load.now()
    time.sleep(max(0.0, args.outage - (down_done - down_at) - 0.5))
    # Just before Redis comes back: what the lost messages left undone.
    taken_down = [i.name for i in load.intakes if i.ok and not i.approved and i.start >= down_at]
    unlit = Case.objects.filter(applicant_name__in=taken_down, light="", status="in_progress")
    unlit_names = list(unlit.values_list("applicant_name", flat=True))
    redis_start()
    up_at = load.now()
    up_wall = timezone.now()
    time.sleep(args.after)
    end = load.now()
    load.stop()
    swept = wait_until_swept(90)
    # (A clerk may have approved one of them since: its clock stopped, it keeps no light.)
    still_unlit = Case.objects.filter(
        applicant_name__in=unlit_names, light="", status__in=CLOCKED
    ).count()
    lit_at = Case.objects.filter(applicant_name__in=unlit_names).aggregate(
        last=Max("light_changed_at")
    )["last"]
    lit_after = None if lit_at is None else (lit_at - up_wall).total_seconds()

    ok = True
    lines = []
    phases = {}
    for label, since, until in (
        ("before", 0.0, down_at),
        ("Redis down", down_at, up_at),
        ("after", up_at, end),
    ):
        phase_lines, phases[label] = phase(load, label, since, until)
        lines += phase_lines
        ok &= phases[label]["failed"] == 0 and phases[label]["slow"] == 0
    posted = list(load.intakes)
    stored = in_database(f"{MARK}a{RUN}")
    not_once = [i.name for i in posted if i.ok and stored.get(i.name, 0) != 1]
    extra = [name for name, n in stored.items() if n > 1]
    ok &= not not_once and not extra and all(i.ok for i in posted) and not load.login_failures
    web_log = ctx["gunicorn"].log()[gunicorn_log:]
    queue_failures = web_log.count("Could not queue")
    uncounted = web_log.count("The cache is unreachable")
    repaired = swept is not None and still_unlit == 0 and bool(unlit_names)
    ok &= repaired
    for line in lines:
        say(f"(a) {line}")
    for failure in load.login_failures:
        say(f"(a) login failed: {failure}")
    if phases["before"]["slow"]:
        say(
            f"(a) note: {phases['before']['slow']} requests took {SLOW:.0f} s or more before "
            f"Redis was stopped too: the machine is busy ({machine_load()})"
        )
    say(
        f"(a) {len(posted)} intakes posted, {sum(i.ok for i in posted)} answered with the "
        f"case page, {sum(i.approved for i in posted)} approved; in the database: "
        f"{sum(1 for i in posted if stored.get(i.name) == 1)} exactly once, "
        f"{len(not_once)} missing or twice"
    )
    say(
        f"(a) {queue_failures} sweeps could not be queued and {uncounted} tracking attempts "
        f"not counted (logged); {len(unlit_names)} cases "
        f"taken in while Redis was down had no light when it came back; "
        + (
            f"a sweep lit them {lit_after:.1f} s after Redis was back"
            if lit_after is not None and not still_unlit
            else f"{still_unlit} of them still unlit"
        )
        + (
            "; every clocked case's light is right"
            if swept is not None
            else "; lights still stale 90 s after the load stopped"
        )
    )
    outage = up_at - down_at
    _lines, down = phase(load, "", down_at, up_at)
    say(
        f"(a) Redis down {outage:.1f} s: {down['intakes']} intakes, {down['lookups']} tracking "
        f"lookups, {down['failed']} failed, "
        f"max {down['max']:.2f} s, p95 {down['p95']:.2f} s — {verdict(ok)}"
    )
    return ok


# -- (b) PostgreSQL restarted ------------------------------------------------------------


def scenario_b(args, ctx) -> bool:
    from django.db import connections

    load = Load(ctx["base"], ctx["accounts"], ctx["password"], "b", args.think, ctx["tracked"])
    say(f"(b) {len(load.accounts)} clerks; {machine_load()}")
    load.start()
    time.sleep(args.before)
    connections.close_all()
    restart_at = load.now()
    pg_ctl("restart")
    back_at = load.now()
    time.sleep(args.after)
    end = load.now()
    load.stop()
    connections.close_all()
    swept = wait_until_swept(90)

    ok = True
    lines = []
    for label, since, until in (
        ("before", 0.0, restart_at),
        ("PG restart", restart_at, back_at),
        ("after", back_at, end),
    ):
        lines += phase(load, label, since, until)[0]
    failed = [r for r in load.requests if not r.ok]
    hung = [r for r in failed if r.seconds >= HANG]
    dirty = [r for r in failed if not r.detail.startswith("HTTP 5")]
    first_ok = min(
        (r.start + r.seconds for r in load.requests if r.ok and r.start >= back_at),
        default=None,
    )
    recovered = None if first_ok is None else first_ok - back_at
    late = [r for r in failed if r.start >= back_at + RECOVERY]
    ok &= not hung and not dirty and not late and not load.login_failures
    ok &= recovered is not None and recovered <= RECOVERY
    ok &= max((r.seconds for r in load.requests), default=0) < 30

    stored = in_database(f"{MARK}b{RUN}")
    lost = [i.name for i in load.intakes if i.ok and stored.get(i.name, 0) != 1]
    twice = [name for name, n in stored.items() if n > 1]
    committed_failed = [i for i in load.intakes if not i.ok and stored.get(i.name)]
    half = half_written(f"{MARK}")
    ok &= not lost and not twice and not half["bad"]
    ok &= swept is not None

    for line in lines:
        say(f"(b) {line}")
    say(
        f"(b) {len(failed)} requests failed ({len(dirty)} not as an error page, {len(hung)} after "
        f"{HANG:.0f} s or more); {sum(not i.ok for i in load.intakes)} of {len(load.intakes)} "
        f"intakes failed, {len(committed_failed)} of those were committed (complete) before the "
        f"error; every answered intake in the database once: {'yes' if not lost else lost[:5]}"
    )
    say(
        f"(b) nothing half-written: {half['cases']} cases of (a) and (b) checked "
        f"({half['rows']:,} rows: case, history, materials, notices, sequence), "
        f"{len(half['bad'])} incomplete" + (f": {half['bad'][:5]}" if half["bad"] else "")
    )
    say(
        f"(b) PostgreSQL restart {back_at - restart_at:.1f} s: {len(failed)} requests failed, "
        + (
            f"answering again {recovered:.1f} s after it was back"
            if recovered is not None
            else "never answered again"
        )
        + (f"; worker swept again ({'yes' if swept is not None else 'no'})")
        + f" — {verdict(ok)}"
    )
    return ok


def half_written(prefix: str) -> dict:
    """Every case the clerks took in has what `cases.services.intake.case_intake` writes
    for an accepted promised case, in its one transaction: the case with its due dates
    and its history row, one material row (and history row) per material of the item,
    an acceptance notice and a receipt (with history rows), its number within the
    window's sequence; an approved case its completion and its history row."""
    from django.db.models import Count

    from cases.models import Case, CaseMaterial, CaseSequence, Notice

    cases = list(
        Case.objects.filter(applicant_name__startswith=prefix)
        .annotate(required=Count("item__materials", distinct=True))
        .values(
            "pk",
            "number",
            "status",
            "window_id",
            "received_at",
            "accepted_on",
            "promised_due",
            "statutory_due",
            "completed_at",
            "required",
        )
    )
    ids = [c["pk"] for c in cases]

    def per_case(queryset, key="case_id"):
        return dict(queryset.values_list(key).annotate(n=Count("pk")).order_by())

    materials = per_case(CaseMaterial.objects.filter(case_id__in=ids, received=True))
    material_history = per_case(CaseMaterial.history.filter(case_id__in=ids, history_type="+"))
    notices = {
        (case_id, kind): n
        for case_id, kind, n in Notice.objects.filter(case_id__in=ids)
        .values_list("case_id", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    }
    notice_history = per_case(Notice.history.filter(case_id__in=ids, history_type="+"))
    created = per_case(Case.history.filter(id__in=ids, history_type="+"), key="id")
    approved_history = per_case(
        Case.history.filter(id__in=ids, history_type="~", status="approved"), key="id"
    )
    sequences = {
        (s.year, s.window_id): s.last
        for s in CaseSequence.objects.filter(window_id__in={c["window_id"] for c in cases})
    }
    bad = []
    for c in cases:
        pk, required = c["pk"], c["required"]
        year, serial = c["number"].split("-")[0], c["number"].rsplit("-", 1)[1]
        problems = [
            not (c["accepted_on"] and c["promised_due"] and c["statutory_due"]),
            c["status"] not in ("in_progress", "approved"),
            materials.get(pk, 0) != required,
            material_history.get(pk, 0) != required,
            notices.get((pk, Notice.Kind.ACCEPTANCE), 0) != 1,
            notices.get((pk, Notice.Kind.RECEIPT), 0) != 1,
            notice_history.get(pk, 0) != 2,
            created.get(pk, 0) != 1,
            sequences.get((int(year), c["window_id"]), 0) < int(serial),
            c["status"] == "approved" and (not c["completed_at"] or not approved_history.get(pk)),
        ]
        if any(problems):
            bad.append(c["number"])
    rows = (
        len(cases)
        + sum(materials.values())
        + sum(material_history.values())
        + sum(notices.values())
        + sum(notice_history.values())
        + sum(created.values())
        + sum(approved_history.values())
    )
    return {"cases": len(cases), "rows": rows, "bad": bad}


# -- (c) a worker killed mid-job ---------------------------------------------------------


def psql(url: str, sql: str, params=None) -> list[tuple]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def clone(source: str, target: str) -> float:
    """CREATE DATABASE … TEMPLATE: an exact copy (nobody may be connected to the source)."""
    from django.db import connections

    connections.close_all()
    sm.drop_database(target)
    started = time.perf_counter()
    deadline = time.monotonic() + 60
    while True:
        try:
            psql(
                sm.SERVER_URL,
                f'CREATE DATABASE "{target}" TEMPLATE "{source}" STRATEGY FILE_COPY',
            )
            return time.perf_counter() - started
        except Exception as exc:  # noqa: BLE001 - autovacuum may still be in the source
            if "being accessed" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(1)


def prepare_month_end() -> dt.date:
    """Make today the first working day of its month: the days of the month before it
    become holidays, today a make-up working day if it is not a working day. Returns
    the month the month-end run scores."""
    from django.utils import timezone

    from assessment.services import previous_month
    from hall.calendar import WorkingCalendar
    from hall.models import CalendarDay, CalendarYear

    today = timezone.localdate()
    CalendarYear.objects.get_or_create(year=today.year, defaults={"source": "manual"})
    day = today.replace(day=1)
    while day < today:
        CalendarDay.objects.update_or_create(
            date=day, defaults={"kind": CalendarDay.Kind.HOLIDAY, "name": "故障演练"}
        )
        day += dt.timedelta(days=1)
    if not WorkingCalendar().is_working_day(today):
        CalendarDay.objects.update_or_create(
            date=today, defaults={"kind": CalendarDay.Kind.WORKDAY, "name": "故障演练"}
        )
    return previous_month(today)


def reset_jobs() -> int:
    """Every clocked case's light back to none, with what the sweeps recorded about the
    cases (history rows, occurrences, alerts): the next sweep has all of it to do. No
    period scored yet (a kept hall may have been through this before)."""
    from django.contrib.contenttypes.models import ContentType

    from assessment.models import Score
    from cases.models import Case

    sm.execute(f"TRUNCATE assessment_period, {Score.history.model._meta.db_table} CASCADE")
    sm.execute("DELETE FROM hall_alert WHERE key LIKE 'assessment:%'")

    case_type = ContentType.objects.get_for_model(Case).pk
    changed = sm.execute(
        "UPDATE cases_case SET light = '', light_changed_at = NULL WHERE status = ANY(%s)",
        [list(CLOCKED)],
    )
    sm.execute("DELETE FROM accountability_occurrence WHERE source_type_id = %s", [case_type])
    sm.execute("DELETE FROM hall_alert WHERE key LIKE 'case:%'")
    sm.execute(
        f"DELETE FROM {Case.history.model._meta.db_table} "
        "WHERE history_change_reason LIKE 'sweep:%'"
    )
    sm.vacuum_analyze()
    for table in ("accountability_occurrence", "hall_alert", Case.history.model._meta.db_table):
        sm.vacuum_analyze(table)
    return changed


def sweep_state(url: str, case_type: int, history_table: str) -> dict:
    today, warn = today_and_warn()
    return {
        "lights": dict(psql(url, "SELECT id, light FROM cases_case WHERE light <> ''")),
        "history": Counter(
            {
                (pk, light): n
                for pk, light, n in psql(
                    url,
                    f"SELECT id, light, count(*) FROM {history_table} "
                    "WHERE history_change_reason LIKE 'sweep:%' GROUP BY 1, 2",
                )
            }
        ),
        "occurrences": Counter(
            {
                (pk, rule): n
                for pk, rule, n in psql(
                    url,
                    "SELECT source_id, rule, count(*) FROM accountability_occurrence "
                    "WHERE source_type_id = %s GROUP BY 1, 2",
                    [case_type],
                )
            }
        ),
        "alerts": Counter(
            {
                (user, key): n
                for user, key, n in psql(
                    url,
                    "SELECT user_id, key, count(*) FROM hall_alert WHERE key LIKE 'case:%' "
                    "GROUP BY 1, 2",
                )
            }
        ),
        "stale": psql(url, STALE_SQL, {"today": today, "warn": warn})[0][0],
    }


def score_state(url: str, month: dt.date) -> dict:
    from django.db.models import DateTimeField

    from assessment.models import Score

    columns = [
        f.column
        for f in Score._meta.concrete_fields
        if f.column not in ("id", "period_id") and not isinstance(f, DateTimeField)
    ]
    listed = ", ".join(f's."{c}"' for c in columns)
    rows = psql(
        url,
        f"SELECT {listed} FROM assessment_score s JOIN assessment_period p ON p.id = s.period_id "
        "WHERE p.kind = 'month' AND p.start = %s",
        [month],
    )
    history_table = Score.history.model._meta.db_table
    history = dict(
        psql(
            url,
            f"SELECT h.history_type, count(*) FROM {history_table} h JOIN assessment_period p "
            "ON p.id = h.period_id WHERE p.kind = 'month' AND p.start = %s GROUP BY 1",
            [month],
        )
    )
    subject = columns.index("subject")
    window, member = columns.index("window_id"), columns.index("member_id")
    keys = Counter((r[subject], r[window] if r[subject] == "window" else r[member]) for r in rows)
    period = psql(
        url,
        "SELECT status, computed_at IS NOT NULL FROM assessment_period "
        "WHERE kind = 'month' AND start = %s",
        [month],
    )
    alerts = psql(
        url,
        "SELECT user_id, count(*) FROM hall_alert WHERE key LIKE 'assessment:draft:%' GROUP BY 1",
    )
    rows = [
        tuple(json.dumps(v, sort_keys=True) if isinstance(v, dict | list) else v for v in row)
        for row in rows
    ]
    return {
        "rows": Counter(rows),
        "keys": keys,
        "history": history,
        "period": period,
        "alerts": dict(alerts),
    }


HALF = "HALF-WRITTEN"


def outcome(after: list, before: list, done: list) -> str:
    """What a killed job left: nothing (rolled back), all of it (it had committed), or
    part of it (half-written, the failure this scenario looks for)."""
    if after == before:
        return "rolled back"
    if after == done:
        return "had committed"
    return HALF


def run_task(app, name: str, timeout: float = 300):
    return app.send_task(name).get(timeout=timeout, propagate=True)


def duration_in_log(process: Process, task: str) -> float:
    found = process.wait_for(rf"Task {re.escape(task)}\[[^\]]+\] succeeded in ([0-9.]+)s", 5)
    return float(found.group(1)) if found else float("nan")


def kill_mid_run(stack: Stack, app, task: str, name: str, after: float, url: str) -> dict:
    """Send `task` to a fresh worker and SIGKILL the worker `after` seconds after it
    took the message; wait until PostgreSQL has ended the dead worker's session."""
    worker = stack.worker(name)
    mark = len(worker.log())
    app.send_task(task)
    received = worker.wait_for(rf"Task {re.escape(task)}\[[^\]]+\] received", 30, mark)
    if received is None:
        raise RuntimeError(f"{name} never received {task}:\n{worker.log()[-2000:]}")
    took_at = time.monotonic()
    time.sleep(after)
    # What the worker's database session is doing at the moment of the kill.
    doing = psql(
        sm.SERVER_URL,
        "SELECT now() - xact_start, left(btrim(regexp_replace(query, '\\s+', ' ', 'g')), 60) "
        "FROM pg_stat_activity WHERE datname = %s AND backend_type = 'client backend' "
        "AND state <> 'idle' AND pid <> pg_backend_pid()",
        [urlsplit(url).path.strip("/")],
    )
    worker.kill()
    killed_after = time.monotonic() - took_at
    finished = "succeeded" in worker.log()[mark:]
    # The dead worker's statement runs on in its backend until it tries to answer; then
    # PostgreSQL rolls the transaction back. Wait for that.
    waited = time.monotonic()
    name_db = urlsplit(url).path.strip("/")
    while time.monotonic() - waited < 120:
        busy = psql(
            sm.SERVER_URL,
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> "
            "pg_backend_pid() AND backend_type = 'client backend' AND state <> 'idle'",
            [name_db],
        )[0][0]
        if busy == 0:
            break
        time.sleep(0.1)
    return {
        "in_transaction": bool(doing and doing[0][0] is not None),
        "doing": (
            f"in a transaction for {doing[0][0].total_seconds():.2f} s, running “{doing[0][1]}…”"
            if doing and doing[0][0] is not None
            else "not in a transaction"
        ),
        "killed_after": killed_after,
        "finished": finished,
        "rolled_back_in": time.monotonic() - waited,
    }


def scenario_c(args, ctx) -> bool:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connections

    from assessment.scoring import month_bounds, scored_members, scored_windows
    from cases.models import Case
    from config.celery_app import app

    stack: Stack = ctx["stack"]
    url, clean_url = ctx["url"], db_url(CLEAN_DB)
    reset = reset_jobs()
    month = prepare_month_end()
    start, end, _a, _b = month_bounds(month)
    windows_expected = scored_windows().count()
    people_expected = scored_members(start, end).count()
    case_type = ContentType.objects.get_for_model(Case).pk
    history_table = Case.history.model._meta.db_table
    copied = clone(DB, CLEAN_DB)
    say(
        f"(c) {machine_load()}; {reset:,} clocked cases with no light; {month:%Y-%m} to score "
        f"({windows_expected} windows, {people_expected} people); hall copied in {copied:.1f} s"
    )

    # The clean runs, on the copy.
    clean = stack.worker("faults-clean", DATABASE_URL=clean_url)
    clean_sweep = run_task(app, "cases.tasks.sweep_lights")
    sweep_seconds = duration_in_log(clean, "cases.tasks.sweep_lights")
    clean_month = run_task(app, "assessment.tasks.month_end")
    month_seconds = duration_in_log(clean, "assessment.tasks.month_end")
    clean.stop()
    if not clean_month:
        raise RuntimeError("the clean month-end run did nothing: today is not its day")
    say(
        f"(c) clean runs on the copy: sweep {sweep_seconds:.2f} s "
        f"({sum(clean_sweep.values()):,} lights), month-end {month_seconds:.2f} s ({clean_month})"
    )

    # The sweep, killed half-way, then run again.
    connections.close_all()
    before_kill = sweep_state(url, case_type, history_table)
    sweep_kill = kill_mid_run(
        stack, app, "cases.tasks.sweep_lights", "faults-kill1", sweep_seconds / 2, url
    )
    after_kill = sweep_state(url, case_type, history_table)
    again = stack.worker("faults-again1")
    rerun_sweep = run_task(app, "cases.tasks.sweep_lights")
    rerun_seconds = duration_in_log(again, "cases.tasks.sweep_lights")
    ours = sweep_state(url, case_type, history_table)
    theirs = sweep_state(clean_url, case_type, history_table)
    sweep_dups = sum(
        1 for part in ("history", "occurrences", "alerts") for n in ours[part].values() if n > 1
    )
    parts = ("lights", "history", "occurrences", "alerts")
    sweep_same = all(ours[k] == theirs[k] for k in parts)
    sweep_kill["outcome"] = outcome(
        [after_kill[k] for k in parts], [before_kill[k] for k in parts], [theirs[k] for k in parts]
    )
    sweep_ok = (
        sweep_kill["in_transaction"]
        and not sweep_kill["finished"]
        and sweep_kill["outcome"] != HALF
        and sweep_same
        and sweep_dups == 0
        and ours["stale"] == 0
        and rerun_sweep == clean_sweep
    )
    say(
        f"(c) sweep killed {sweep_kill['killed_after']:.2f} s into a {sweep_seconds:.2f} s run "
        f"({sweep_kill['doing']}; the task had not finished: "
        f"{'no' if sweep_kill['finished'] else 'yes'}); its "
        f"transaction {sweep_kill['outcome']} ({sweep_kill['rolled_back_in']:.1f} s after the "
        f"kill): {len(after_kill['lights']) - len(before_kill['lights'])} lights, "
        f"{sum(after_kill['history'].values()) - sum(before_kill['history'].values())} history "
        f"rows, {sum(after_kill['occurrences'].values())} occurrences left behind"
    )
    say(
        f"(c) sweep run again in {rerun_seconds:.2f} s: {len(ours['lights']):,} lights, "
        f"{sum(ours['history'].values()):,} history rows, "
        f"{sum(ours['occurrences'].values()):,} occurrences, {sum(ours['alerts'].values()):,} "
        f"alerts; equal to the clean run: {'yes' if sweep_same else 'NO'} "
        f"({len(theirs['lights']):,} / {sum(theirs['history'].values()):,} / "
        f"{sum(theirs['occurrences'].values()):,} / {sum(theirs['alerts'].values()):,}); "
        f"{sweep_dups} duplicates, {ours['stale']} lights not changed — {verdict(sweep_ok)}"
    )

    # The month-end run, killed half-way, then run again.
    again.stop()
    connections.close_all()
    before_month_kill = score_state(url, month)
    month_kill = kill_mid_run(
        stack, app, "assessment.tasks.month_end", "faults-kill2", month_seconds / 2, url
    )
    after_month_kill = score_state(url, month)
    again = stack.worker("faults-again2")
    rerun_month = run_task(app, "assessment.tasks.month_end")
    rerun_month_seconds = duration_in_log(again, "assessment.tasks.month_end")
    again.stop()
    ours_m = score_state(url, month)
    theirs_m = score_state(clean_url, month)
    month_dups = sum(1 for n in ours_m["keys"].values() if n > 1)
    windows_scored = sum(1 for (subject, _k) in ours_m["keys"] if subject == "window")
    people_scored = sum(1 for (subject, _k) in ours_m["keys"] if subject == "person")
    month_same = ours_m["rows"] == theirs_m["rows"] and ours_m["alerts"] == theirs_m["alerts"]
    parts = ("rows", "period", "alerts")
    month_kill["outcome"] = outcome(
        [after_month_kill[k] for k in parts],
        [before_month_kill[k] for k in parts],
        [theirs_m[k] for k in parts],
    )
    month_ok = (
        month_kill["in_transaction"]
        and not month_kill["finished"]
        and month_kill["outcome"] != HALF
        and month_same
        and month_dups == 0
        and windows_scored == windows_expected
        and people_scored == people_expected
        and rerun_month == clean_month
        and ours_m["period"] == theirs_m["period"]
    )
    say(
        f"(c) month-end killed {month_kill['killed_after']:.2f} s into a {month_seconds:.2f} s run "
        f"({month_kill['doing']}; the task had not finished: "
        f"{'no' if month_kill['finished'] else 'yes'}); its "
        f"transaction {month_kill['outcome']} ({month_kill['rolled_back_in']:.1f} s after the "
        f"kill): {sum(after_month_kill['rows'].values())} scores, "
        f"{len(after_month_kill['period'])} periods left behind"
    )
    say(
        f"(c) month-end run again in {rerun_month_seconds:.2f} s: {windows_scored} of "
        f"{windows_expected} windows and {people_scored} of {people_expected} people scored, "
        f"{month_dups} duplicates; scores and draft alerts equal to the clean run: "
        f"{'yes' if month_same else 'NO'} ({sum(ours_m['rows'].values())} / "
        f"{sum(theirs_m['rows'].values())} scores, history {ours_m['history']} / "
        f"{theirs_m['history']}) — {verdict(month_ok)}"
    )
    return sweep_ok and month_ok


# -- the run -----------------------------------------------------------------------------


def main() -> int:  # noqa: PLR0915
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenarios", default="abc")
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--month-cases", type=int, default=100_000)
    parser.add_argument("--clerks", type=int, default=10)
    parser.add_argument(
        "--think", type=float, default=1.0, help="seconds a clerk waits between intakes"
    )
    parser.add_argument("--before", type=float, default=8.0)
    parser.add_argument("--outage", type=float, default=15.0)
    parser.add_argument("--after", type=float, default=15.0)
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument("--reuse", action="store_true", help="use a kept hall_faults as it is")
    args = parser.parse_args()
    script_started = time.perf_counter()
    # A SIGTERM unwinds like Ctrl-C: the finally below restarts Redis and PostgreSQL.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    scratch = Path(tempfile.mkdtemp(prefix="hall-faults-"))
    url = db_url(DB)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.server_settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_COOKIES="false",
        DATABASE_URL=url,
        REDIS_URL=REDIS_URL,
        DJANGO_LOG_LEVEL="WARNING",
        DJANGO_MEDIA_ROOT=str(scratch / "media"),
        HALL_BENCH_STATIC_ROOT=str(scratch / "static"),
        HALL_SWEEP_SECONDS="10",
        PYTHONPATH=str(ROOT),
    )
    for name in [n for n in os.environ if n.startswith("GUNICORN_")]:
        del os.environ[name]
    stack = Stack(env=dict(os.environ, DJANGO_LOG_LEVEL="INFO"), scratch=scratch)
    results: dict[str, bool] = {}
    try:
        restore_services("at the start")
        flush_redis_db()
        if not args.reuse:
            sm.recreate_database(DB)
        import django

        django.setup()
        from django.core.management import call_command

        if not args.reuse:
            build(args, url)
        global PEOPLE
        PEOPLE = sm.People(random.Random(5), size=5_000)
        password = "Faults-" + secrets.token_urlsafe(12)
        accounts = clerk_accounts(args.clerks, password)
        call_command("collectstatic", interactive=False, verbosity=0)

        ctx = {"url": url, "stack": stack, "accounts": accounts, "password": password}
        ctx["tracked"] = sm.execute(
            "SELECT number, tracking_code FROM cases_case ORDER BY id DESC LIMIT 200", fetch=True
        )
        if {"a", "b"} & set(args.scenarios):
            port = free_port()
            ctx["gunicorn"] = stack.start(
                "gunicorn",
                [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
                GUNICORN_BIND=f"127.0.0.1:{port}",
                GUNICORN_WORKERS="3",
                DJANGO_LOG_LEVEL="WARNING",
            )
            ctx["base"] = f"http://127.0.0.1:{port}"
            wait_for_http(ctx["base"] + "/accounts/login/", 60)
            stack.worker("faults-web")
            stack.start(
                "beat",
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "beat",
                    "-s",
                    str(scratch / "celerybeat-schedule"),
                    "--pidfile",
                    str(scratch / "beat.pid"),
                    "--loglevel=INFO",
                ],
            )
            say(
                f"gunicorn (3 workers × 2 threads) on {ctx['base']}, a worker and beat (a sweep "
                f"every 10 s) on {REDIS_URL}; {args.clerks} clerks at {args.clerks} windows"
            )
        for scenario, function in (("a", scenario_a), ("b", scenario_b)):
            if scenario in args.scenarios:
                try:
                    results[scenario] = function(args, ctx)
                except Exception as exc:  # noqa: BLE001 - report it, go on with the next
                    results[scenario] = False
                    say(f"({scenario}) FAIL: {type(exc).__name__}: {exc}")
                finally:
                    restore_services(f"after ({scenario})")
        stack.stop_all()
        flush_redis_db()
        if "c" in args.scenarios:
            try:
                results["c"] = scenario_c(args, ctx)
            except Exception as exc:  # noqa: BLE001
                results["c"] = False
                say(f"(c) FAIL: {type(exc).__name__}: {exc}")
    finally:
        stack.stop_all()
        restore_services()
        flush_redis_db()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001, S110 - Django may not be set up
            pass
        if not args.keep:
            for name in (CLEAN_DB, DB):
                try:
                    sm.drop_database(name)
                except Exception as exc:  # noqa: BLE001
                    say(f"could not drop {name}: {exc}")
        if results and all(results.values()):
            shutil.rmtree(scratch, ignore_errors=True)
        else:
            say(f"Logs kept in {scratch}")
    redis_status = "up" if redis_up() else "DOWN"
    if REDIS_PORT != "6379":  # our own private redis-server
        run([*REDIS_CLI, "shutdown", "nosave"], 10)
        redis_status += " (private, now stopped)"
    say(
        f"\n{' '.join(f'({k}) {verdict(v)}' for k, v in results.items())}; "
        f"whole run {time.perf_counter() - script_started:.0f} s; "
        f"Redis {redis_status}, PostgreSQL {'up' if pg_up() else 'DOWN'}"
    )
    return 0 if results and all(results.values()) else 1


def wait_for_http(address: str, timeout: float) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(address, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer at {address}")


if __name__ == "__main__":
    sys.exit(main())
