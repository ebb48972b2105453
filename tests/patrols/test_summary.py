"""The weekly patrol summary (R-PATROL-3) against a hand-counted week."""

import datetime as dt
import io
import re
import shutil
import subprocess
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from hall.models import Alert
from hall.roles import Role
from patrols.models import ChecklistItem, Finding, Round
from patrols.services import finding_correct, round_sign
from patrols.summary import Week, summary_build, summary_send, week_of
from staff.models import StaffMember
from tests.factories import DepartmentFactory, UserFactory, WindowFactory
from tests.patrols.support import finding, walk
from windows.models import Window

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 11, 23)  # a Monday: "last week" is 2026-W47, 11-16 to 11-22
W47 = dt.date(2026, 11, 16)


def at(year, month, day, hour=10, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _frozen_now(monkeypatch):
    """The pages read the clock: it is Monday 2026-11-23 10:00 in Shanghai."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(2026, 11, 23).astimezone(dt.UTC))


@pytest.fixture
def week(hall, clerk, supervisor):
    """Hand-counted week 2026-W47 (Mon 11-16 to Sun 11-22) and the week before:

    A01 (D1)  this week: conduct ×2 (王小明), tidiness ×1 (Mon 00:05), a phone finding
              withdrawn (not counted); next Monday 00:00 a tidiness (not this week).
              last week: tidiness ×1.                       → 3, last 1, ↑2
    A09 (D1)  last week: tidiness ×1, then the window closed.  → 0, last 1, ↓1
    B01 (D2)  this week: dissatisfaction Sun 23:59.
              last week: dissatisfaction ×3 (the last Sun 23:59). → 1, last 3, ↓2
    C01 (D2)  nothing either week.                           → 0, last 0, →0
    D1 3 (last 2, ↑1), D2 1 (last 3, ↓2), hall 4 (last 5, ↓1).
    Rounds this week: Mon morning, Wed morning (signed off), Thu afternoon, Sun afternoon.
    """
    a09 = WindowFactory(number="A09", name="税务窗口", department=hall.department)
    c01 = WindowFactory(number="C01", name="出入境窗口", department=hall.other_department)
    wang = StaffMember.objects.get(user=clerk)
    a01, b01 = hall.window, hall.other_window
    # Last week.
    finding(supervisor, a01, "tidiness", at(2026, 11, 10))
    finding(supervisor, a09, "tidiness", at(2026, 11, 13))
    finding(supervisor, b01, "dissatisfaction", at(2026, 11, 11))
    finding(supervisor, b01, "dissatisfaction", at(2026, 11, 12))
    finding(supervisor, b01, "dissatisfaction", at(2026, 11, 15, 23, 59))
    # This week.
    finding(supervisor, a01, "tidiness", at(2026, 11, 16, 0, 5))
    finding(supervisor, a01, "conduct", at(2026, 11, 18, 9, 30), person=wang)
    mistake = finding(supervisor, a01, "phone", at(2026, 11, 18, 9, 40))
    finding_correct(
        actor=supervisor, finding=mistake, reason="记错窗口", now=at(2026, 11, 18, 9, 45)
    )
    signed = walk(supervisor, [b01, c01, a09], at(2026, 11, 18, 10, 0))
    round_sign(actor=supervisor, round_=signed, now=at(2026, 11, 18, 11, 0))
    finding(supervisor, a01, "conduct", at(2026, 11, 19, 14, 30), person=wang)
    finding(supervisor, b01, "dissatisfaction", at(2026, 11, 22, 23, 59))
    # Next week.
    finding(supervisor, a01, "tidiness", at(2026, 11, 23, 0, 0))
    a09.is_active = False
    a09.save()
    return {"A09": a09, "C01": c01, "wang": wang}


def build(windows=None, monday=W47):
    return summary_build(monday, windows=windows if windows is not None else Window.objects.all())


def counts(row, summary):
    return {i.code: row.counts.get(i.pk, 0) for i in summary.items if row.counts.get(i.pk)}


def figures(row, summary):
    return counts(row, summary), row.total, row.last_week, row.trend


# --- The week ---------------------------------------------------------------------------


def test_a_week_starts_on_its_monday():
    assert week_of(dt.date(2026, 11, 22)) == W47
    assert week_of(W47) == W47
    assert week_of(dt.date(2026, 11, 23)) == dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    ("value", "key", "understood"),
    [
        ("2026-W47", "2026-W47", True),
        ("2026-w03", "2026-W03", True),
        ("2026W5", "2026-W05", True),
        ("2026-W53", "2026-W53", True),  # 2026 has 53 ISO weeks
        ("2027-W01", "2027-W01", True),
        ("", "2026-W47", True),
        ("2025-W53", "2026-W47", False),  # 2025 does not
        ("2026-W00", "2026-W47", False),
        ("2026-11", "2026-W47", False),
        ("next week", "2026-W47", False),
    ],
)
def test_a_week_is_an_iso_week_and_anything_else_last_week(value, key, understood):
    week, ok = Week.parse(value, TODAY)
    assert (week.key, ok) == (key, understood)


def test_the_iso_week_of_new_year_belongs_to_the_year_of_its_thursday():
    week, ok = Week.parse("2027-W01", TODAY)
    assert ok and week.monday == dt.date(2027, 1, 4)
    assert Week.containing(dt.date(2027, 1, 1)).key == "2026-W53"


def test_a_week_runs_from_monday_midnight_to_the_next_in_shanghai_time():
    start, end = Week(W47).bounds()
    assert (start, end) == (at(2026, 11, 16, 0, 0), at(2026, 11, 23, 0, 0))
    assert start.astimezone(dt.UTC) == dt.datetime(2026, 11, 15, 16, 0, tzinfo=dt.UTC)


# --- The figures ------------------------------------------------------------------------


def test_the_window_figures_match_the_hand_counted_week(week):
    summary = build()
    rows = {r.label.number: r for r in summary.windows}
    assert list(rows) == ["A01", "A09", "B01", "C01"]
    assert figures(rows["A01"], summary) == ({"conduct": 2, "tidiness": 1}, 3, 1, "↑2")
    assert figures(rows["A09"], summary) == ({}, 0, 1, "↓1")
    assert figures(rows["B01"], summary) == ({"dissatisfaction": 1}, 1, 3, "↓2")
    assert figures(rows["C01"], summary) == ({}, 0, 0, "→0")


def test_the_department_and_hall_figures_add_up_their_windows(week):
    summary = build()
    rows = {r.label.code: r for r in summary.departments}
    assert list(rows) == ["D1", "D2"]
    assert figures(rows["D1"], summary) == ({"conduct": 2, "tidiness": 1}, 3, 2, "↑1")
    assert figures(rows["D2"], summary) == ({"dissatisfaction": 1}, 1, 3, "↓2")
    assert figures(summary.total, summary) == (
        {"conduct": 2, "tidiness": 1, "dissatisfaction": 1},
        4,
        5,
        "↓1",
    )


def test_a_withdrawn_finding_does_not_count_but_a_disputed_one_does(week, hall):
    assert Finding.objects.filter(status=Finding.Status.WITHDRAWN).count() == 1
    Finding.objects.filter(item__code="tidiness", window=hall.window).update(
        status=Finding.Status.DISPUTED
    )
    row = next(r for r in build().windows if r.label == hall.window)
    assert row.total == 3 and row.last_week == 1


def test_the_rounds_of_the_week_are_counted_with_those_signed_off(week):
    summary = build()
    assert (summary.rounds_walked, summary.rounds_signed) == (4, 1)
    assert Round.objects.filter(date=dt.date(2026, 11, 23)).exists()  # next week's


def test_the_following_week_sees_this_week_as_last_week(week, hall):
    summary = build(monday=dt.date(2026, 11, 23))
    rows = {r.label.number: r for r in summary.windows}
    assert (rows["A01"].total, rows["A01"].last_week, rows["A01"].trend) == (1, 3, "↓2")
    assert "A09" not in rows  # closed, and no findings this week or last
    assert summary.total.last_week == 4


def test_any_day_of_the_week_gives_the_same_summary(week):
    assert build(monday=dt.date(2026, 11, 20)).total.total == 4


def test_a_limited_scope_lists_only_its_windows_even_without_findings(week, hall):
    summary = build(windows=Window.objects.filter(department=hall.other_department))
    assert [r.label.number for r in summary.windows] == ["B01", "C01"]
    assert [r.label.code for r in summary.departments] == ["D2"]
    assert (summary.total.total, summary.total.last_week) == (1, 3)


def test_the_columns_are_the_active_items_and_a_retired_one_with_findings(week):
    ChecklistItem.objects.filter(code__in=["conduct", "phone"]).update(is_active=False)
    codes = [i.code for i in build().items]
    assert codes == ["conduct", "absence", "dress", "tidiness", "dissatisfaction"]


def test_the_summary_takes_the_same_few_queries_however_many_windows(
    week, hall, supervisor, django_assert_max_num_queries
):
    for n in range(10):
        window = WindowFactory(number=f"E{n:02d}", department=DepartmentFactory(code=f"E{n}"))
        finding(supervisor, window, "phone", at(2026, 11, 17, 15))
    with django_assert_max_num_queries(4):
        summary = build()
    assert summary.total.total == 14 and len(summary.departments) == 12


# --- The page, the PDF and the workbook -------------------------------------------------


def table_rows(html, key):
    table = re.search(rf'<table[^>]*data-testid="{key}".*?</table>', html, re.S)
    assert table, key
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(0), re.S)
        if "<td" in row
    ]


def get_page(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("patrols:summary"), params)
    assert response.status_code == 200
    return response.content.decode()


# Columns: window, department, conduct, absence, dress, tidiness, phone, dissatisfaction,
# this week, last week, change.
A01_ROW = ["A01 企业开办窗口", "县市场监督管理局", "2", "0", "0", "1", "0", "0", "3", "1", "↑2"]


def test_the_page_shows_last_week_by_default_with_the_figures(client, supervisor, week):
    html = get_page(client, supervisor)
    assert 'value="2026-W47"' in html and "2026-11-16 – 2026-11-22" in html
    windows = table_rows(html, "summary-windows")
    assert windows[0] == A01_ROW
    assert [r[0][:3] for r in windows[:-1]] == ["A01", "A09", "B01", "C01"]
    assert windows[-1][2:] == ["2", "0", "0", "1", "0", "1", "4", "5", "↓1"]
    departments = table_rows(html, "summary-departments")
    assert departments[0] == ["县市场监督管理局", "2", "0", "0", "1", "0", "0", "3", "2", "↑1"]
    assert departments[1][-3:] == ["1", "3", "↓2"]
    assert re.search(r'class="text-end text-danger"[^>]*>↑2<', html)
    assert re.search(r'class="text-end text-success"[^>]*>↓2<', html)
    assert re.search(r'data-testid="summary-rounds">4<', html)
    assert re.search(r'data-testid="summary-rounds-signed">1<', html)
    assert "<script" not in html.split("<main", 1)[1].split("</main>")[0]


def test_the_page_moves_between_weeks(client, supervisor, week):
    html = get_page(client, supervisor, week="2026-W47")
    assert "?week=2026-W46" in html and "?week=2026-W48" in html
    html = get_page(client, supervisor, week="2026-W48")  # this week, still running
    assert 'data-testid="next-week"' not in html
    assert table_rows(html, "summary-windows")[0][-3:] == ["1", "3", "↓2"]


def test_a_week_not_understood_shows_last_week_and_says_so(client, supervisor, week):
    with translation.override("en"):
        html = get_page(client, supervisor, week="2026-W60")
    assert 'data-testid="week-not-understood"' in html and "2026-W60" in html
    assert 'value="2026-W47"' in html
    assert table_rows(html, "summary-windows")[0] == A01_ROW


def test_a_department_head_sees_only_their_departments_windows(client, department_head, week):
    html = get_page(client, department_head)
    rows = table_rows(html, "summary-windows")
    assert [r[0][:3] for r in rows[:-1]] == ["A01", "A09"]
    assert rows[0] == A01_ROW and rows[-1][-3:] == ["3", "2", "↑1"]
    assert "B01" not in html and "户政窗口" not in html and "县公安局" not in html


def test_a_window_head_sees_only_their_window(client, window_head, week):
    html = get_page(client, window_head)
    rows = table_rows(html, "summary-windows")
    assert [r[0][:3] for r in rows[:-1]] == ["A01"]
    assert rows[-1][-3:] == ["3", "1", "↑2"]
    assert "B01" not in html and "A09" not in html


def test_the_department_filter_narrows_the_centers_summary(client, supervisor, week):
    html = get_page(client, supervisor, department="D2")
    rows = table_rows(html, "summary-windows")
    assert [r[0][:3] for r in rows[:-1]] == ["B01", "C01"]
    assert rows[-1][-3:] == ["1", "3", "↓2"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("clerk", 403),
        ("applicant", 403),
        ("outsider", 403),
        ("window_head", 200),
        ("department_head", 200),
        ("supervisor", 200),
        ("director", 200),
        ("inspector", 200),
        ("admin_user", 200),
    ],
)
@pytest.mark.parametrize("name", ["patrols:summary", "patrols:summary_xlsx"])
def test_the_summary_is_for_heads_and_the_center(client, request, hall, persona, status, name):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(name)).status_code == status


def test_the_pdf_refuses_a_clerk(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("patrols:summary_pdf")).status_code == 403


@pytest.mark.parametrize("name", ["patrols:summary", "patrols:summary_pdf", "patrols:summary_xlsx"])
def test_an_anonymous_visitor_is_sent_to_log_in(client, hall, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_summary_refuses_a_post(client, supervisor):
    client.force_login(supervisor)
    assert client.post(reverse("patrols:summary")).status_code == 405


def test_the_workbook_holds_the_pages_figures(client, supervisor, week):
    html = get_page(client, supervisor)
    response = client.get(reverse("patrols:summary_xlsx"), {"week": "2026-W47"})
    assert response["Content-Disposition"].endswith('patrol-summary-2026-W47.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 3
    departments, windows, rounds = book.worksheets
    assert windows.freeze_panes == "A3" and departments.freeze_panes == "A3"
    window_rows = list(windows.iter_rows(min_row=3, values_only=True))
    assert window_rows[0] == ("A01 企业开办窗口", "县市场监督管理局", 2, 0, 0, 1, 0, 0, 3, 1, 2)
    for page_row, sheet_row in zip(table_rows(html, "summary-windows"), window_rows, strict=True):
        assert page_row[2:-1] == [str(v) for v in sheet_row[2:-1]]
    assert window_rows[-1][-3:] == (4, 5, -1)
    assert windows.cell(row=len(window_rows) + 2, column=11).number_format == '"↑"0;"↓"0;"→"0'
    department_rows = list(departments.iter_rows(min_row=3, values_only=True))
    assert [r[-3:] for r in department_rows] == [(3, 2, 1), (1, 3, -2), (4, 5, -1)]
    assert [r[1] for r in rounds.iter_rows(min_row=2, values_only=True)] == [4, 1]


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_the_pdf_is_a_real_pdf_with_the_window_names(client, supervisor, week):
    client.force_login(supervisor)
    response = client.get(reverse("patrols:summary_pdf"), {"week": "2026-W47"})
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],
        input=response.content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in ("企业开办窗口", "户政窗口", "出入境窗口", "2026-W47", "2026-11-16"):
        assert name in text
    assert "↑2" in text and "↓1" in text


# --- Sending it -------------------------------------------------------------------------


@pytest.fixture
def other_head(hall):
    user = UserFactory(username="depthead2", first_name="赵局长", roles=[Role.DEPARTMENT_HEAD])
    hall.other_department.head = user
    hall.other_department.save()
    return user


def test_the_summary_goes_to_the_director_and_each_department_head(
    week, director, department_head, other_head
):
    assert summary_send(now=at(2026, 11, 23, 8, 0)) == 3
    alerts = {a.user_id: a for a in Alert.objects.filter(key="patrol-summary:2026-W47")}
    assert set(alerts) == {director.pk, department_head.pk, other_head.pk}
    url = reverse("patrols:summary") + "?week=2026-W47"
    assert {a.url for a in alerts.values()} == {url}
    assert {a.level for a in alerts.values()} == {"info"}
    hall_body = alerts[director.pk].body
    assert "4" in hall_body and "5" in hall_body and "↓1" in hall_body
    d1 = alerts[department_head.pk]
    assert "2026-W47" in d1.title and "县市场监督管理局" in d1.title
    assert "A01 企业开办窗口: 3 (↑2)" in d1.body and "A09" in d1.body
    assert "B01" not in d1.body
    d2 = alerts[other_head.pk].body
    assert "B01 户政窗口: 1 (↓2)" in d2 and "A01" not in d2


def test_sending_twice_sends_nothing_new(week, director, department_head):
    assert summary_send(now=at(2026, 11, 23, 8, 0)) == 2
    assert summary_send(now=at(2026, 11, 24, 8, 0)) == 0
    assert Alert.objects.filter(key__startswith="patrol-summary:").count() == 2


def test_a_given_week_is_sent_under_its_own_key(week, director):
    assert summary_send(now=at(2026, 11, 23, 8, 0), week_start=dt.date(2026, 11, 12)) == 1
    alert = Alert.objects.get(user=director)
    assert alert.key == "patrol-summary:2026-W46" and "?week=2026-W46" in alert.url


def test_an_inactive_head_or_department_hears_nothing(week, director, department_head, other_head):
    other_head.is_active = False
    other_head.save()
    hall_department = department_head.headed_departments.get()
    hall_department.is_active = False
    hall_department.save()
    assert summary_send(now=at(2026, 11, 23, 8, 0)) == 1
    assert Alert.objects.get().user == director


def test_a_head_of_two_departments_gets_one_notice_with_both(week, hall, department_head):
    hall.other_department.head = department_head
    hall.other_department.save()
    assert summary_send(now=at(2026, 11, 23, 8, 0)) == 1
    body = Alert.objects.get(user=department_head).body
    assert "A01 企业开办窗口: 3 (↑2)" in body and "B01 户政窗口: 1 (↓2)" in body
