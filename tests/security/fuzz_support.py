"""What the form fuzzing needs: hostile inputs as hypothesis strategies, a snapshot of
every table the hall owns, and the checks each fuzzed request must pass.

A request passes when
  - it never ends in a server error or an uncaught exception;
  - it is refused with no change at all, or accepted with rows that are valid as
    PostgreSQL would store them (lengths, no NUL, known choices, integer ranges) and
    each change of a tracked row has its history row;
  - nothing posted comes back unescaped.

SQLite accepts what PostgreSQL refuses (a NUL in a string, a string longer than its
column), so the snapshot checks the stored rows against the model fields, and
`postgres_strictness` fails any query parameter holding a NUL.
"""

from __future__ import annotations

import functools
import os
import traceback
import unicodedata
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection, models, transaction
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# -- hostile values ------------------------------------------------------------------------

XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(1)>",
    "</textarea><script>alert(2)</script>",
    '<a href="javascript:alert(3)">x</a>',
    "<iframe srcdoc=alert(4)>",
]
# Full-width forms that NFKC normalisation (as the ID and phone validators do) turns
# into markup.
FULL_WIDTH_XSS = "＜script＞alert(5)＜/script＞"
SQL = [
    "'; DROP TABLE cases_case; --",
    "' OR '1'='1",
    '" OR 1=1 --',
    "1; SELECT pg_sleep(5)",
    "%' UNION SELECT username, password FROM auth_user --",
]
CONTROL = [
    "\x00",
    "a\x00b",
    "\x1b[31mred\x1b[0m",
    "\u202eevil\u202c",
    "\r\n\r\nSet-Cookie: x=1",
    "\x08\x07\x0b\x0c",
    "\ufeff\u200b\u200d",
    "\ud7ff\uffff",
]
TEMPLATE = ["{{ 7|add:7 }}", "{% debug %}", "${7*7}", "%(number)s %s %d"]
WRONG_NUMBERS = [
    "abc",
    "-1",
    "0",
    "1e9",
    "99999999999999999999999",
    "-99999999999999999999999",
    "3.5",
    "NaN",
    "inf",
    "²",
    "٣",
    "１２",
    " 7 ",
    "0x10",
    "",
]
WRONG_DATES = [
    "2026-02-30",
    "2026-13-01",
    "2026-10-08T25:61",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "10000-01-01T00:00",
    "2026-10-08",
    "08/10/2026 17:30",
    "2026-10-08 17:30:00+99:00",
    "tomorrow",
    "1970-01-01T00:00",
    "2038-01-19T03:14",
]
HOSTILE_TEXT = [*XSS, FULL_WIDTH_XSS, *SQL, *CONTROL, *TEMPLATE]


def long_text() -> st.SearchStrategy[str]:
    """10,000 characters and more, built by repetition (hypothesis' buffer is smaller)."""
    return st.builds(
        lambda unit, times: (unit * times)[: max(10_000, len(unit) * times)],
        st.sampled_from(["a", "长", "<script>alert(1)</script>", "\x00", "🙂", "' OR 1=1 --"]),
        st.integers(10_000, 12_000),
    )


def hostile_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE_TEXT),
        long_text(),
        st.text(max_size=40),
        st.builds(lambda a, b: a + b, st.sampled_from(HOSTILE_TEXT), st.text(max_size=10)),
    )


def hostile_value() -> st.SearchStrategy[str]:
    """Anything a field might get: text, wrong numbers, malformed dates."""
    return st.one_of(
        hostile_text(),
        st.sampled_from(WRONG_NUMBERS),
        st.sampled_from(WRONG_DATES),
        st.integers().map(str),
    )


def free_text(max_size: int = 60) -> st.SearchStrategy[str]:
    """Text a user might legitimately type, markup and SQL included."""
    return st.one_of(
        st.sampled_from(["申请材料不齐", "检验检测", "正常办理", *XSS, *SQL, *TEMPLATE]),
        st.text(
            st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=max_size
        ).filter(lambda s: s.strip()),
    )


@st.composite
def form_data(draw, fields: dict, *, extra_names=("csrfmiddlewaretoken", "id", "pk", "status")):
    """A POST (or GET) body built from `fields` (name → strategy of valid values).

    One example in three keeps every field valid, so accepted submissions are fuzzed as
    well as refused ones; the others drop, garble or duplicate fields and add extras.
    """
    mode = draw(st.sampled_from(["valid", "one_bad", "chaos"]))
    names = list(fields)
    bad = draw(st.sampled_from(names)) if names and mode == "one_bad" else None
    data: dict[str, list[str]] = {}
    for name, valid in fields.items():
        if mode == "valid" or (mode == "one_bad" and name != bad):
            data[name] = [draw(valid)]
            continue
        how = draw(st.sampled_from(["missing", "hostile", "hostile", "duplicate", "valid"]))
        if how == "missing":
            continue
        if how == "duplicate":
            data[name] = draw(st.lists(st.one_of(valid, hostile_value()), min_size=2, max_size=3))
        elif how == "hostile":
            data[name] = [draw(hostile_value())]
        else:
            data[name] = [draw(valid)]
    if mode == "chaos":
        extras = draw(
            st.dictionaries(
                st.one_of(st.sampled_from(extra_names), st.text(min_size=1, max_size=12)),
                st.lists(hostile_value(), min_size=1, max_size=2),
                max_size=3,
            )
        )
        for name, values in extras.items():
            data.setdefault(name, values)
    return data


# The same examples on every run (a shared suite must not flake), unless
# HALL_FUZZ_RANDOM=1 asks for new ones: run it so now and then to explore.
FUZZ_SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
    derandomize=not os.environ.get("HALL_FUZZ_RANDOM"),
)


# -- PostgreSQL's strictness on SQLite -----------------------------------------------------

INT64 = (-(2**63), 2**63 - 1)


def _check_param(value, sql):
    if isinstance(value, str) and "\x00" in value:
        raise AssertionError(f"A NUL character reaches the database (PostgreSQL refuses it): {sql}")
    if isinstance(value, int) and not isinstance(value, bool) and not INT64[0] <= value <= INT64[1]:
        raise AssertionError(f"An integer beyond 64 bits reaches the database: {sql}")
    if isinstance(value, list | tuple):
        for item in value:
            _check_param(item, sql)
    if isinstance(value, dict):
        for item in value.values():
            _check_param(item, sql)


def _strict(execute, sql, params, many, context):
    if params is not None:
        for row in params if many else [params]:
            _check_param(row, sql)
    return execute(sql, params, many, context)


def postgres_strictness():
    return connection.execute_wrapper(_strict)


# -- the snapshot --------------------------------------------------------------------------

HALL_APPS = (
    "cases",
    "complaints",
    "staff",
    "windows",
    "hall",
    "accountability",
    "assessment",
    "patrols",
)
IGNORED = {"hall.heartbeat"}


@functools.cache
def hall_models() -> list[type[models.Model]]:
    return [
        model
        for label in HALL_APPS
        for model in apps.get_app_config(label).get_models()
        if model._meta.label_lower not in IGNORED
    ]


def _key(model) -> str:
    return model._meta.label


@functools.cache
def _selects() -> list[tuple[str, str, int]]:
    """(model label, SELECT of its columns in field order, index of the pk) per table."""
    quote = connection.ops.quote_name
    selects = []
    for model in hall_models():
        meta = model._meta
        columns = [f.column for f in meta.concrete_fields]
        sql = f"SELECT {', '.join(map(quote, columns))} FROM {quote(meta.db_table)}"
        selects.append((_key(model), sql, columns.index(meta.pk.column)))
    return selects


def snapshot() -> dict[str, dict]:
    """Every row of every table the hall owns, raw: one plain query per table (the
    ORM's would be ten times slower, and a run takes two snapshots per example)."""
    state = {}
    with connection.cursor() as cursor:
        for key, sql, pk in _selects():
            cursor.execute(sql)
            state[key] = {row[pk]: row for row in cursor.fetchall()}
    return state


def _rows(model, pks) -> dict:
    """The rows as the ORM reads them (datetimes, JSON), for the checks."""
    names = [f.attname for f in model._meta.concrete_fields]
    rows = model._base_manager.filter(pk__in=pks).values(*names)
    return {row[model._meta.pk.attname]: dict(row, pk=row[model._meta.pk.attname]) for row in rows}


@dataclass
class Diff:
    added: dict[str, list[dict]] = field(default_factory=dict)
    changed: dict[str, list[tuple[set, dict]]] = field(default_factory=dict)
    deleted: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.deleted)

    def models(self) -> set[str]:
        return set(self.added) | set(self.changed) | set(self.deleted)

    def new(self, model) -> list[dict]:
        return self.added.get(_key(model), [])

    def updated(self, model) -> list[tuple[set, dict]]:
        """(the names of the fields that changed, the row now) of each changed row."""
        return self.changed.get(_key(model), [])

    def __str__(self) -> str:
        parts = [f"+{len(v)} {k}" for k, v in self.added.items()]
        parts += [f"~{len(v)} {k}" for k, v in self.changed.items()]
        parts += [f"-{len(v)} {k}" for k, v in self.deleted.items()]
        return ", ".join(parts) or "no change"


@functools.cache
def _by_label() -> dict[str, type]:
    return {_key(m): m for m in hall_models()}


def diff(before: dict, after: dict) -> Diff:
    result = Diff()
    by_label = _by_label()
    for key, rows in after.items():
        model, old = by_label[key], before.get(key, {})
        added = [pk for pk in rows if pk not in old]
        changed = [pk for pk, row in rows.items() if pk in old and old[pk] != row]
        deleted = [pk for pk in old if pk not in rows]
        if added or changed:
            read = _rows(model, added + changed)
        if added:
            result.added[key] = [read[pk] for pk in added]
        if changed:
            names = [f.attname for f in model._meta.concrete_fields]
            result.changed[key] = [
                (
                    {n for n, a, b in zip(names, old[pk], rows[pk], strict=True) if a != b},
                    read[pk],
                )
                for pk in changed
            ]
        if deleted:
            result.deleted[key] = [{"pk": pk} for pk in deleted]
    return result


SMALL = {
    models.PositiveSmallIntegerField: (0, 32767),
    models.SmallIntegerField: (-32768, 32767),
    models.PositiveIntegerField: (0, 2**31 - 1),
    models.IntegerField: (-(2**31), 2**31 - 1),
    models.BigIntegerField: INT64,
}


def _nul_in(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_nul_in(k) or _nul_in(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_nul_in(v) for v in value)
    return False


def row_problems(model, row: dict) -> list[str]:
    """What PostgreSQL, or the model's own choices, would refuse in a stored row."""
    problems = []
    historical = model._meta.model_name.startswith("historical")
    for f in model._meta.concrete_fields:
        value = row.get(f.attname)
        if value is None:
            continue
        if _nul_in(value):
            problems.append(f"{f.name} holds a NUL character")
        if isinstance(f, models.CharField) and f.max_length and len(value) > f.max_length:
            problems.append(f"{f.name} has {len(value)} characters (column: {f.max_length})")
        known = {c for c, _label in f.flatchoices} if f.choices and not historical else None
        if known is not None and value not in known and not (value == "" and f.blank):
            problems.append(f"{f.name} = {value!r} is not one of its choices")
        for kind, (low, high) in SMALL.items():
            if type(f) is kind and not low <= value <= high:
                problems.append(f"{f.name} = {value} is out of its column's range")
        if isinstance(f, models.DateTimeField) and value.tzinfo is None:
            problems.append(f"{f.name} is a naive datetime")
    return problems


def check_rows(change: Diff) -> None:
    by_label = _by_label()
    problems = []
    for key, rows in change.added.items():
        for row in rows:
            problems += [f"new {key} #{row['pk']}: {p}" for p in row_problems(by_label[key], row)]
    for key, pairs in change.changed.items():
        for _names, row in pairs:
            problems += [
                f"changed {key} #{row['pk']}: {p}" for p in row_problems(by_label[key], row)
            ]
    assert not problems, "Stored rows PostgreSQL or the model would refuse:\n" + "\n".join(problems)


@functools.cache
def _tracked() -> list[tuple[type, type]]:
    """(model, its history model) for each model with django-simple-history."""
    return [
        (model, model.history.model)
        for model in hall_models()
        if hasattr(model, "history") and not model._meta.model_name.startswith("historical")
    ]


def check_history(change: Diff) -> None:
    """Every new or changed row of a tracked model has its history row."""
    missing = []
    for model, history in _tracked():
        touched = len(change.new(model)) + len(change.updated(model))
        recorded = len(change.new(history))
        if touched > recorded:
            missing.append(f"{_key(model)}: {touched} rows touched, {recorded} history rows")
    assert not missing, "Changes without history: " + "; ".join(missing)


# -- the response --------------------------------------------------------------------------


def _strings(data) -> list[str]:
    values = []
    for value in data.values() if isinstance(data, dict) else data:
        if isinstance(value, list | tuple):
            values += [v for v in value if isinstance(v, str)]
        elif isinstance(value, str):
            values.append(value)
    return values


def check_response(response, posted) -> None:
    exc = getattr(response, "exc_info", None)
    if exc:
        raise AssertionError(
            "Uncaught exception:\n" + "".join(traceback.format_exception(*exc))
        ) from None
    assert response.status_code < 500, f"Server error {response.status_code}"
    body = response.content.decode("utf-8", errors="replace")
    lowered = body.lower()
    for payload in XSS + ["<script>alert(5)</script>"]:
        assert payload.lower() not in lowered, f"Unescaped markup in the page: {payload!r}"
    for value in _strings(posted):
        for candidate in {value, value.strip(), unicodedata.normalize("NFKC", value).strip()}:
            if (
                len(candidate) >= 8
                and any(c in candidate for c in '<>"')
                and (escape(candidate) != candidate)
            ):
                assert candidate not in body, f"Posted text comes back unescaped: {candidate!r}"


# -- one example ---------------------------------------------------------------------------


def check_redirect(response) -> None:
    location = response.get("Location", "")
    if location:
        assert url_has_allowed_host_and_scheme(location, allowed_hosts={"testserver"}), (
            f"Redirects off the site: {location!r}"
        )


class Logins:
    """One session per user for a whole test, made before the examples' savepoints, so
    that an example does not log in again (a third of an example's time)."""

    def __init__(self):
        self.keys: dict[int, str] = {}

    def session(self, user) -> str:
        if user.pk not in self.keys:
            client = Client()
            client.force_login(user)
            self.keys[user.pk] = client.cookies[django_settings.SESSION_COOKIE_NAME].value
        return self.keys[user.pk]


def send(
    *,
    logins: Logins | None = None,
    user=None,
    method: str,
    url,
    data=None,
    headers=None,
    follow: bool = False,
    accepted=None,
    may_touch: set[str] | None = None,
) -> Diff:
    """Send one fuzzed request in a savepoint that is rolled back afterwards, and check
    it. `url` may be a callable that prepares the example's records and returns the
    address; `accepted(change)` checks a submission that changed something is whole;
    `may_touch` names the models it may change (None: any).

    A redirect is followed when the request changed something (the next page shows
    what was stored) or when `follow` asks for it (the page shows the refusal)."""
    cache.clear()
    data = data or {}
    client = Client(raise_request_exception=False, headers=headers or {})
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None and logins is not None:
        client.cookies[django_settings.SESSION_COOKIE_NAME] = logins.session(user)
    with transaction.atomic():
        if callable(url):
            url = url()
        if user is not None and logins is None:
            client.force_login(user)
        before = snapshot()
        with postgres_strictness():
            response = getattr(client, method)(url, data)
        change = diff(before, snapshot())
        try:
            if user is not None:  # a lost session would make every example a login page
                assert not response.get("Location", "").startswith(reverse("login"))
            check_response(response, data)
            check_redirect(response)
            if not change.empty:
                if may_touch is not None:
                    unexpected = change.models() - may_touch
                    assert not unexpected, f"Changed outside the form's records: {change}"
                check_rows(change)
                check_history(change)
                if accepted is not None:
                    accepted(change)
            if response.status_code in (301, 302, 303) and (follow or not change.empty):
                stored = snapshot()
                with postgres_strictness():
                    page = client.get(response["Location"])
                check_response(page, data)
                assert diff(stored, snapshot()).empty, "The page after the redirect wrote"
        finally:
            transaction.set_rollback(True)
    return change


def labels(*model_classes) -> set[str]:
    """The labels of these models and of their history models, for `may_touch`."""
    result = set()
    for model in model_classes:
        result.add(_key(model))
        if hasattr(model, "history"):
            result.add(_key(model.history.model))
    return result


# -- a form to fuzz ------------------------------------------------------------------------

LONG = "长" * 20_000  # 60 kB: past SQLite's 50 kB limit on a LIKE pattern
# Every text field at once gets each of these, the rest of the form valid.
TEXT_ATTACKS = [
    "a\x00b",
    LONG,
    XSS[0] + XSS[1] + XSS[3],
    SQL[0],
    "\x1b[31m\u202e\r\n" + FULL_WIDTH_XSS + "{{ 7|add:7 }}",
]
NUMBER_ATTACKS = ["²", "99999999999999999999999", "-1", "abc\x00"]
DATE_ATTACKS = ["0001-01-01T00:00", "9999-12-31T23:59", "2026-02-30T10:00", "\x00"]


@dataclass
class Form:
    """A form as a page posts it: its fields (name → strategy of valid values), one
    valid submission, and which fields take text, numbers and dates.

    Two pseudo-fields shape the request rather than its body: `_path` (a value put into
    the address by `url`, a callable of it) and `_htmx` (sent as htmx's header)."""

    url: object
    fields: dict
    valid: dict
    text: tuple = ()
    numbers: tuple = ()
    dates: tuple = ()
    user: object = None
    method: str = "post"
    accepted: object = None
    may_touch: set | None = frozenset()
    setup: object = None

    def explicit(self) -> list[dict]:
        """The fixed hostile examples: each text attack in every text field at once;
        a NUL, 10,000 characters, a wrong number or a wrong date in each field of its
        kind; a form with every field duplicated, an empty form, extra fields."""
        examples = [{**self.valid, **dict.fromkeys(self.text, a)} for a in TEXT_ATTACKS]
        if not self.text:
            examples = []
        # What is refused before it is stored, and a wrong number or date, in one field
        # at a time: the others valid, so the form meets the wrong one (a NUL in the
        # handover note after a valid reason, a leave from year 1 to next week).
        for names, attacks in (
            (self.text, TEXT_ATTACKS[:2]),
            (self.numbers, NUMBER_ATTACKS),
            (self.dates, DATE_ATTACKS),
        ):
            examples += [{**self.valid, name: a} for name in names for a in attacks]
        examples.append({k: [*_as_list(v), XSS[0], "\x00", LONG] for k, v in self.valid.items()})
        examples.append({})
        examples.append({**self.valid, "pk": "1\x00", "status": XSS[0], LONG[:50]: LONG})
        return examples

    def send(self, data: dict, *, logins: Logins | None = None, follow: bool = False) -> Diff:
        data = dict(data)
        path = _last(data.pop("_path", ""))
        htmx = _last(data.pop("_htmx", ""))
        url = self.url(path) if callable(self.url) else self.url
        if self.setup is not None:
            fixed_url = url

            def url():  # the example's records are made inside its savepoint
                made = self.setup()
                return made or fixed_url

        return send(
            logins=logins,
            user=self.user,
            method=self.method,
            url=url,
            data=data,
            headers={"HX-Request": "true"} if htmx else None,
            follow=follow,
            accepted=self.accepted,
            may_touch=self.may_touch,
        )


def _as_list(value) -> list:
    return list(value) if isinstance(value, list | tuple) else [value]


def _last(value):
    if isinstance(value, list | tuple):
        return value[-1] if value else ""
    return value
