"""The simulated people of bench/load.py: window clerks, center supervisors, and the floor.

bench/load.py runs this file as a script (`python bench/locustfile.py CONFIG.json`): it
drives locust as a library through three phases -- the floor, the morning login, the
working phase -- records every request with its phase, and writes them to the JSON file
the config names. The user classes also work with locust's own command line against a
running server whose load accounts exist (`bench/load.py` creates them), e.g.:

    locust -f bench/locustfile.py --headless -u 220 -r 5 -t 5m --host http://127.0.0.1:8765

Think time: a clerk opens a page or sends a form every 10-30 s (uniform, mean 20 s). A
real window clerk spends 5-10 minutes with each applicant, in which the system sees about
eight pages (the list, the item, the intake form and its answer, the case, its
completion), one every 40-75 s; 10-30 s is two to three times that pace, a busy morning
with margin. A supervisor reads a dashboard for longer: a page every 15-45 s.
"""

from __future__ import annotations

import html
import itertools
import json
import os
import random
import re
import sys
import time
from html.parser import HTMLParser

import gevent
from locust import HttpUser, constant, events, task
from locust.env import Environment
from locust.exception import StopUser

CONFIG: dict = {
    "password": os.environ.get("LOAD_PASSWORD", "hall-load-2026"),
    "clerks": [f"load-clerk-{i:03d}" for i in range(1, 201)],
    "supervisors": [f"load-supervisor-{i:02d}" for i in range(1, 21)],
    "clerk_think": (10.0, 30.0),
    "supervisor_think": (15.0, 45.0),
    "seed": 2026,
}
PHASE = "ramp"  # floor, light, ramp, work, done: a request is filed under the phase it ends in
RECORDS: list[dict] = []
TASK_ERRORS: list[dict] = []
OUTCOMES: dict[str, dict[str, int]] = {}  # phase → outcome → count
LOGINS = {"done": 0, "ok": 0}
_serial = itertools.count()

REGIONS = ("110105", "310104", "320102", "330106", "440305", "510107", "610113", "420106")
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉玲"
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CASE_RE = re.compile(r'<a href="/cases/([0-9A-Za-z-]+)/">')
ITEM_RE = re.compile(r'href="/cases/new/\?item=([^"&]+)')
LIGHTS_RE = re.compile(r'href="(/cases/\?window=[^"]+)"')
MESSAGE_RE = re.compile(r'class="alert alert-(\w+) alert-dismissible[^>]*>\s*([^<]*)')
APPROVE_MARK = 'data-testid="approve"'


def count(outcome: str) -> None:
    if PHASE != "done":
        box = OUTCOMES.setdefault(PHASE, {})
        box[outcome] = box.get(outcome, 0) + 1


@events.request.add_listener
def _record(name, response_time, exception=None, **_kwargs) -> None:
    if PHASE != "done":
        error = "" if exception is None else str(exception) or type(exception).__name__
        RECORDS.append(
            {"phase": PHASE, "name": name, "ms": response_time, "error": error, "at": time.time()}
        )


@events.user_error.add_listener
def _task_error(user_instance, exception, tb, **_kwargs) -> None:
    if PHASE != "done":
        TASK_ERRORS.append(
            {
                "phase": PHASE,
                "user": type(user_instance).__name__,
                "error": repr(exception),
                "at": time.time(),
            }
        )


# -- helpers -----------------------------------------------------------------------------


def resident_id(rng: random.Random) -> str:
    birth = f"{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    first = f"{rng.choice(REGIONS)}{birth}{rng.randrange(1000):03d}"
    return first + "10X98765432"[sum(int(d) * w for d, w in zip(first, WEIGHTS, strict=True)) % 11]


class FormFields(HTMLParser):
    """The fields of every form on a page: name → list of (type, value, checked)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, list]] = []
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({})
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            self.forms[-1].setdefault(a["name"], []).append(
                (kind, a.get("value") or "", "checked" in a)
            )
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self.forms[-1].setdefault(self._select, [])
        elif tag == "option" and self._select:
            self.forms[-1][self._select].append(("option", a.get("value", ""), "selected" in a))
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.forms[-1][a["name"]] = [("textarea", "", False)]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def intake_data(page: str, rng: random.Random) -> dict:
    """Fill the intake form as a clerk does: an accepted case, every material received."""
    parser = FormFields()
    parser.feed(page)
    form = next((f for f in parser.forms if "item" in f), None)
    if form is None:
        raise ValueError("the intake form is not on the page")
    data: dict[str, str] = {}
    for name, entries in form.items():
        kind = entries[0][0] if entries else ""
        if kind in ("radio", "option"):
            chosen = [v for _, v, on in entries if on] or [entries[0][1]]
            if len(chosen) and not name.startswith("part_"):
                data[name] = chosen[0]
        elif kind == "checkbox":
            continue
        else:
            data[name] = entries[0][1] if entries else ""
    data.pop("part_windows", None)
    data.update(
        kind="accepted",
        applicant_kind="person",
        applicant_name=rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2)))),
        id_type="resident_id",
        id_number=resident_id(rng),
        phone=rng.choice(("135", "138", "139", "150", "186")) + f"{rng.randrange(10**8):08d}",
        contact_name="",
        returned_reasons="",
        leader_assigned="",
        part_description="",
    )
    for name in form:
        if match := re.fullmatch(r"(mat_\d+)_received", name):
            data[name] = "on"
            data[f"{match.group(1)}_pages"] = str(rng.randint(1, 6))
            data[f"{match.group(1)}_reason"] = ""
    return data


# -- the users ---------------------------------------------------------------------------


class HallUser(HttpUser):
    """Sends every request itself, without following redirects, so each is timed and
    checked alone; thinks between pages as its config says."""

    abstract = True
    wait_time = constant(0)  # the think time is inside the task, between pages
    think_range = (10.0, 30.0)

    def __init__(self, environment):
        super().__init__(environment)
        self.rng = random.Random(f"{CONFIG['seed']}-{next(_serial)}")
        # A fresh connection each time: a clerk's next click comes long after gunicorn's
        # 2 s keep-alive, and a reused dead socket would be the client's error, not ours.
        self.client.headers["Connection"] = "close"

    def think(self) -> None:
        gevent.sleep(self.rng.uniform(*self.think_range))

    def request(self, method, url, name, *, expect=200, data=None, check=None):
        with self.client.request(
            method,
            url,
            name=name,
            data=data,
            allow_redirects=False,
            catch_response=True,
            timeout=60,
        ) as response:
            if response.status_code != expect:
                where = response.headers.get("Location", "") if response.status_code else ""
                detail = f" → {where}" if where else ""
                if response.status_code == 200 and expect == 302:
                    errors = re.findall(
                        r'class="(?:invalid-feedback|text-danger[^"]*)">([^<]+)', response.text
                    )
                    detail = f" (form refused: {'; '.join(errors[:3]) or 'no message'})"
                response.failure(
                    f"HTTP {response.status_code or response.error} (expected {expect}){detail}"
                )
            elif check and (problem := check(response)):
                response.failure(problem)
            else:
                response.success()
            return response

    def login(self, username: str) -> None:
        page = self.request("GET", "/accounts/login/", "login page")
        token = CSRF_RE.search(page.text or "")
        ok = False
        if token:
            answer = self.request(
                "POST",
                "/accounts/login/",
                "login POST",
                expect=302,
                data={
                    "csrfmiddlewaretoken": token.group(1),
                    "username": username,
                    "password": CONFIG["password"],
                    "next": "",
                },
                check=lambda r: (
                    f"sent to {r.headers['Location']} instead of the home page"
                    if "password" in r.headers.get("Location", "")
                    else None
                ),
            )
            location = answer.headers.get("Location", "")
            if answer.status_code == 302 and "password" not in location:
                self.request("GET", location, "home page after login")
                ok = True
        LOGINS["done"] += 1
        LOGINS["ok"] += ok
        if not ok:
            raise StopUser()

    def csrf(self, page) -> str:
        found = CSRF_RE.search(page.text or "")
        return found.group(1) if found else ""


class Clerk(HallUser):
    """A window clerk: the window's list, a case taken in, a case opened and completed."""

    fixed_count = 200

    def on_start(self):
        self.think_range = tuple(CONFIG["clerk_think"])
        if not CONFIG["clerks"]:
            raise StopUser()
        self.login(CONFIG["clerks"].pop(0))

    @task
    def a_few_minutes_at_the_window(self):
        self.think()
        listing = self.request("GET", "/cases/", "clerk: window list /cases/")
        numbers = [n for n in CASE_RE.findall(listing.text or "") if n not in ("new", "inquiries")]

        self.think()
        picker = self.request("GET", "/cases/new/", "clerk: intake, item picker")
        codes = ITEM_RE.findall(picker.text or "")
        if codes:
            self.think()
            code = html.unescape(self.rng.choice(codes))
            form = self.request("GET", f"/cases/new/?item={code}", "clerk: intake form")
            if form.status_code == 200:
                data = intake_data(form.text, self.rng)
                self.think()  # filling it in
                sent = self.request(
                    "POST",
                    "/cases/new/",
                    "clerk: intake POST",
                    expect=302,
                    data=data,
                    check=lambda r: (
                        None
                        if CASE_RE.match(f'<a href="{r.headers.get("Location", "")}">')
                        else f"redirected to {r.headers.get('Location')}, not to a case"
                    ),
                )
                if sent.status_code == 302:
                    count("cases taken in")
                    self.request("GET", sent.headers["Location"], "clerk: case page after a POST")
        else:
            count("no item to take in")

        if not numbers:
            count("empty window list")
            return
        self.think()
        number = self.rng.choice(numbers)
        case = self.request("GET", f"/cases/{number}/", "clerk: case page")
        if APPROVE_MARK not in (case.text or ""):
            count("cases opened, nothing to complete")
            return
        self.think()  # the work is done; the clerk completes it
        done = self.request(
            "POST",
            f"/cases/{number}/do/approve/",
            "clerk: complete (approve) POST",
            expect=302,
            data={"csrfmiddlewaretoken": self.csrf(case)},
        )
        if done.status_code != 302:
            return
        after = self.request("GET", done.headers["Location"], "clerk: case page after a POST")
        kinds = [kind for kind, _text in MESSAGE_RE.findall(after.text or "")]
        if "success" in kinds:
            count("cases completed")
        elif "danger" in kinds:
            count("completion conflicts")
        else:
            count("completions without a message")


class Supervisor(HallUser):
    """A center supervisor: the overview, a window's lights, one of the center's lists."""

    fixed_count = 20
    LISTS = (
        ("/patrols/", "supervisor: patrols /patrols/"),
        ("/patrols/findings/", "supervisor: patrol findings"),
        ("/complaints/", "supervisor: complaints /complaints/"),
        ("/ratings/rectifications/", "supervisor: bad-review rectifications"),
        ("/supervision/appeals/", "supervisor: card appeals"),
        ("/alerts/", "supervisor: alerts /alerts/"),
    )

    def on_start(self):
        self.think_range = tuple(CONFIG["supervisor_think"])
        if not CONFIG["supervisors"]:
            raise StopUser()
        self.login(CONFIG["supervisors"].pop(0))

    @task
    def a_round_of_the_dashboards(self):
        self.think()
        overview = self.request("GET", "/supervision/", "supervisor: overview /supervision/")
        links = [html.unescape(u) for u in LIGHTS_RE.findall(overview.text or "")]
        urgent = [u for u in links if "light=red" in u or "light=yellow" in u]
        if links:
            self.think()
            self.request(
                "GET",
                self.rng.choice(urgent or links),
                "supervisor: a window's lights /cases/?window=",
            )
        self.think()
        url, name = self.rng.choice(self.LISTS)
        self.request("GET", url, name)


class Floor(HallUser):
    """The floor: pages that do no database work, at the clerks' pace, anonymously."""

    abstract = True  # bench/load.py starts it for the floor; locust's command line does not

    def on_start(self):
        self.think_range = tuple(CONFIG["clerk_think"])
        self.static = CONFIG.get("static_path", "/static/css/hall.css")

    @task
    def look(self):
        self.think()
        if self.rng.random() < 0.5:
            self.request("GET", self.static, "floor: static file (WhiteNoise)")
        else:
            self.request("GET", "/accounts/login/", "floor: login page, anonymous")


# -- the phases, when run by bench/load.py -----------------------------------------------


def cpu_times() -> tuple[int, int]:
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    return sum(fields), fields[3] + fields[4]  # total, idle + iowait


def process_seconds(pid: int) -> float:
    """CPU seconds used so far by a process and its live children (gunicorn's workers)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
            with open(f"/proc/{current}/task/{current}/children") as f:
                todo += [int(child) for child in f.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


def load_average() -> float:
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def measure(phase: str, seconds: float, server_pid: int | None) -> dict:
    """Run the users already started for `seconds`, filing their requests under `phase`;
    return what the machine and the server spent meanwhile."""
    global PHASE
    PHASE = phase
    total0, idle0 = cpu_times()
    server0 = process_seconds(server_pid) if server_pid else 0.0
    load0 = load_average()
    started = time.monotonic()
    progress = max(30.0, seconds / 10)
    while (left := started + seconds - time.monotonic()) > 0:
        gevent.sleep(min(progress, left))
        done = [r for r in RECORDS if r["phase"] == phase]
        failed = sum(1 for r in done if r["error"])
        print(
            f"  {phase} {time.monotonic() - started:5.0f} s: {len(done)} requests, {failed} errors",
            flush=True,
        )
    PHASE = "ramp"
    total1, idle1 = cpu_times()
    return {
        "seconds": time.monotonic() - started,
        "busy": 1 - (idle1 - idle0) / max(1, total1 - total0),
        "cores": os.cpu_count(),
        "server_cpu": (process_seconds(server_pid) - server0) if server_pid else None,
        "load": (load0, load_average()),
    }


def start_users(host: str, clerks: int, supervisors: int, spawn_rate: float, tag: str):
    """Start this many more clerks and supervisors in a runner of their own (a runner's
    counts are fixed at its start); wait until all have tried to log in."""
    classes = [type(f"{tag}Clerk", (Clerk,), {"fixed_count": clerks})]
    if supervisors:
        classes.append(type(f"{tag}Supervisor", (Supervisor,), {"fixed_count": supervisors}))
    env = Environment(user_classes=classes, events=events, host=host)
    runner = env.create_local_runner()
    target = LOGINS["done"] + clerks + supervisors
    started = time.monotonic()
    runner.start(clerks + supervisors, spawn_rate=spawn_rate)
    deadline = started + (clerks + supervisors) / spawn_rate + 300
    while LOGINS["done"] < target and time.monotonic() < deadline:
        gevent.sleep(0.5)
    print(
        f"logged in: {LOGINS['ok']} of {target} ({time.monotonic() - started:.0f} s)",
        flush=True,
    )
    return runner, time.monotonic() - started


def run(config: dict) -> dict:
    """The floor, a light load (a tenth of the users), the login of the rest, the working
    phase; every request filed under its phase."""
    global PHASE
    from locust.log import setup_logging

    setup_logging("WARNING")
    CONFIG.update(config)
    CONFIG["clerks"], CONFIG["supervisors"] = list(config["clerks"]), list(config["supervisors"])
    host, pid, rate = config["host"], config.get("server_pid"), config["spawn_rate"]
    phases: dict[str, dict] = {}
    n_clerks, n_supervisors = len(CONFIG["clerks"]), len(CONFIG["supervisors"])
    users = n_clerks + n_supervisors

    if config["floor_seconds"] > 0:
        floor = type("FloorUser", (Floor,), {"abstract": False, "fixed_count": users})
        env = Environment(user_classes=[floor], events=events, host=host)
        runner = env.create_local_runner()
        runner.start(users, spawn_rate=min(users, 50))
        print(f"floor: {users} anonymous users for {config['floor_seconds']:.0f} s", flush=True)
        phases["floor"] = measure("floor", config["floor_seconds"], pid)
        PHASE = "done"
        runner.quit()
        phases["floor"]["users"] = (users, 0)

    PHASE = "ramp"
    runners, ramp, light = [], 0.0, (0, 0)
    if config["light_seconds"] > 0:
        light = (
            max(1, round(n_clerks / 10)),
            min(n_supervisors, max(1, round(n_supervisors / 10))),
        )
        print(f"light load: {light[0]} clerks + {light[1]} supervisors", flush=True)
        runner, seconds = start_users(host, *light, rate, "Light")
        runners.append(runner)
        ramp += seconds
        phases["light"] = measure("light", config["light_seconds"], pid)
        phases["light"]["users"] = light
    print(f"full load: {n_clerks} clerks + {n_supervisors} supervisors", flush=True)
    rest = (n_clerks - light[0], n_supervisors - light[1])
    if sum(rest):
        runner, seconds = start_users(host, *rest, rate, "")
        runners.append(runner)
        ramp += seconds
    phases["ramp"] = {"seconds": ramp, "users": (n_clerks, n_supervisors)}
    phases["work"] = measure("work", config["work_seconds"], pid)
    phases["work"]["users"] = (n_clerks, n_supervisors)
    PHASE = "done"
    for runner in runners:
        runner.quit()
    return {
        "records": RECORDS,
        "task_errors": TASK_ERRORS,
        "outcomes": OUTCOMES,
        "logins": LOGINS,
        "phases": phases,
    }


if __name__ == "__main__":
    with open(sys.argv[1]) as f:
        settings = json.load(f)
    result = run(settings)
    with open(settings["out"], "w") as f:
        json.dump(result, f)
