"""The score reports (issue 9 point 4; R-SCORE-1, -4) against hand-summed months."""

import datetime as dt
import io
import re
import shutil
import subprocess
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from assessment import reports
from assessment.charts import bar_chart, line_chart
from assessment.models import DepartmentResult, Period, ReportFile, Score
from assessment.reports import (
    ReportRange,
    ReportScope,
    feedback_ranges,
    feedback_send,
    report_build,
    report_file_make,
    report_tables,
    report_xlsx,
)
from hall.models import Alert
from hall.roles import Role
from staff.models import StaffMember
from tests.assessment.report_support import month, person_score, table_rows, window_score
from tests.factories import DepartmentFactory, StaffMemberFactory, UserFactory, WindowFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
Q3 = ReportRange(2026, ReportRange.QUARTER, 3)


def at(year, month_, day, hour=10, minute=0):
    return dt.datetime(year, month_, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _frozen_now(monkeypatch):
    """It is Monday 2026-11-23 10:00 in Shanghai: last month is 2026-10."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(2026, 11, 23).astimezone(dt.UTC))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def scores(hall, clerk):
    """Hand-summed months of 2026 (D1: A01, A02; D2: B01):

    2026-03 final      A01 80.00
    2026-07 final      A01 96.00  A02 92.00  B01 90.00   王小明 95.00  赵六 88.00 (award lost)
    2026-08 publicity  A01 98.50 (best)      B01 95.00   王小明 97.00  赵六 90.00
    2026-09 draft      A01 50.00                         王小明 10.00   ← never in a report
    2026-10 final      A01 100.50            B01 99.00

    Q3 windows: A01 2 months 97.25, B01 92.50, A02 92.00; all 5 window-months 94.30.
    Q3 staff: 王小明 96.00, 赵六 89.00; all 92.50. D1 windows 95.50, D2 92.50.
    """
    a02 = WindowFactory(number="A02", name="税务窗口", department=hall.department)
    a01, b01 = hall.window, hall.other_window
    wang = StaffMember.objects.get(user=clerk)
    zhao = StaffMemberFactory(
        user=UserFactory(username="zhao", first_name="赵六", roles=[Role.CLERK]),
        window=b01,
        department=hall.other_department,
    )
    mar = month(2026, 3)
    window_score(mar, a01, "80.00", cases_in=1, cases_done=1, on_time_promised=1)
    jul = month(2026, 7)
    window_score(
        jul, a01, "96.00", cases_in=10, cases_done=8, on_time_promised=8, on_time_statutory=8,
        working_days=24, inquiries=3, one_time_notices=2, ratings=20, satisfied=19,
    )  # fmt: skip
    window_score(
        jul, a02, "92.00", cases_in=5, cases_done=4, on_time_promised=3, on_time_statutory=4,
        working_days=10, ratings=4, satisfied=3,
    )  # fmt: skip
    window_score(
        jul, b01, "90.00", cases_in=7, cases_done=6, on_time_promised=6, on_time_statutory=6,
        working_days=12, ratings=5, satisfied=5, complaints=2,
    )  # fmt: skip
    person_score(jul, wang, "95.00", cases_in=6, cases_done=5, on_time_promised=5,
                 ratings=10, satisfied=10, sessions=20, late=1)  # fmt: skip
    person_score(jul, zhao, "88.00", sessions=21, late=3, complaints=1, award_eligible=False)
    aug = month(2026, 8, Period.Status.PUBLICITY)
    window_score(
        aug, a01, "98.50", cases_in=12, cases_done=12, on_time_promised=11, on_time_statutory=12,
        working_days=30, inquiries=1, one_time_notices=1, ratings=10, satisfied=10, complaints=1,
        best=True,
    )  # fmt: skip
    window_score(
        aug, b01, "95.00", cases_in=3, cases_done=2, on_time_promised=1, on_time_statutory=2,
        working_days=8,
    )  # fmt: skip
    person_score(aug, wang, "97.00", cases_in=4, cases_done=5, on_time_promised=4,
                 ratings=5, satisfied=4, sessions=22)  # fmt: skip
    person_score(aug, zhao, "90.00", sessions=22)
    sep = month(2026, 9, Period.Status.DRAFT)
    window_score(sep, a01, "50.00", cases_in=99, cases_done=99)
    person_score(sep, wang, "10.00", sessions=99)
    oct_ = month(2026, 10)
    window_score(oct_, a01, "100.50")
    window_score(oct_, b01, "99.00")
    return {"A02": a02, "wang": wang, "zhao": zhao}


@pytest.fixture
def other_head(hall):
    user = UserFactory(username="depthead2", first_name="赵局长", roles=[Role.DEPARTMENT_HEAD])
    hall.other_department.head = user
    hall.other_department.save()
    return user


def hall_report(range_=Q3):
    return report_build(range_, scope=ReportScope.hall())


def by_window(report):
    return {row.window.number: row.figures for row in report.windows}


def get_page(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("assessment:report"), params)
    assert response.status_code == 200
    return response.content.decode()


# --- The period -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "key", "months", "understood"),
    [
        ("2026-10", "2026-10", ["2026-10"], True),
        ("2026-3", "2026-03", ["2026-03"], True),
        ("2026-Q3", "2026-Q3", ["2026-07", "2026-08", "2026-09"], True),
        ("2026-q4", "2026-Q4", ["2026-10", "2026-11", "2026-12"], True),
        ("2026-H1", "2026-H1", [f"2026-{m:02d}" for m in range(1, 7)], True),
        ("2026-H2", "2026-H2", [f"2026-{m:02d}" for m in range(7, 13)], True),
        ("2026", "2026", [f"2026-{m:02d}" for m in range(1, 13)], True),
        ("", "2026-10", ["2026-10"], True),
        ("2026-13", "2026-10", ["2026-10"], False),
        ("2026-Q5", "2026-10", ["2026-10"], False),
        ("2026-H3", "2026-10", ["2026-10"], False),
        ("last year", "2026-10", ["2026-10"], False),
    ],
)  # fmt: skip
def test_a_period_is_a_month_quarter_half_or_year_and_anything_else_last_month(
    value, key, months, understood
):
    range_, ok = ReportRange.parse(value, dt.date(2026, 11, 23))
    assert (range_.key, ok) == (key, understood)
    assert [f"{m:%Y-%m}" for m in range_.months] == months


def test_last_month_of_january_is_last_december_and_ranges_step_by_their_length():
    range_, _ok = ReportRange.parse("", dt.date(2027, 1, 5))
    assert range_.key == "2026-12" and range_.next.key == "2027-01"
    assert Q3.previous.key == "2026-Q2" and Q3.next.key == "2026-Q4"
    assert ReportRange(2026, ReportRange.HALF, 1).previous.key == "2025-H2"
    assert ReportRange(2026, ReportRange.YEAR).next.key == "2027"
    assert ReportRange(2026, ReportRange.QUARTER, 4).end == dt.date(2027, 1, 1)


# --- The figures ------------------------------------------------------------------------


def test_a_window_has_its_months_mean_summed_indicators_and_rates_from_the_sums(scores):
    a01 = by_window(hall_report())["A01"]
    assert (a01.months, a01.mean, a01.best) == (2, Decimal("97.25"), 1)
    assert a01.deductions == Decimal("5.50") and a01.commendations == 0
    n = a01.indicators
    assert (n["cases_in"], n["cases_done"], n["inquiries"], n["one_time_notices"]) == (22, 20, 4, 3)
    assert a01.on_time_rate == Decimal("95.0") and a01.statutory_rate == Decimal("100.0")
    assert a01.satisfaction_rate == Decimal("96.7") and a01.average_days == Decimal("2.7")
    assert n["complaints"] == 1


def test_a_draft_month_is_not_in_any_report(scores):
    report = hall_report()
    assert by_window(report)["A01"].indicators["cases_in"] == 22  # not the draft's 99
    staff = {row.member.name: row.figures for row in report.staff}
    assert staff["王小明"].mean == Decimal("96.00") and staff["王小明"].indicators["sessions"] == 42
    september = report_build(ReportRange(2026, ReportRange.MONTH, 9), scope=ReportScope.hall())
    assert september.windows == [] and september.staff == []
    assert [(m.key, m.published, m.status) for m in september.months] == [
        ("2026-09", False, str(Period.Status.DRAFT.label))
    ]
    assert [m.key for m in report.missing_months] == ["2026-09"]


def test_a_reviewed_month_is_not_published_either(scores, hall):
    nov = month(2026, 11, Period.Status.REVIEWED)
    window_score(nov, hall.window, "70.00")
    report = report_build(ReportRange(2026, ReportRange.MONTH, 11), scope=ReportScope.hall())
    assert report.windows == []


@pytest.mark.parametrize(
    ("period", "a01", "b01", "a02"),
    [
        ("2026-07", (1, "96.00"), (1, "90.00"), (1, "92.00")),
        ("2026-Q1", (1, "80.00"), None, None),
        ("2026-Q3", (2, "97.25"), (2, "92.50"), (1, "92.00")),
        ("2026-H1", (1, "80.00"), None, None),
        ("2026-H2", (3, "98.33"), (3, "94.67"), (1, "92.00")),
        ("2026", (4, "93.75"), (3, "94.67"), (1, "92.00")),
    ],
)
def test_a_quarter_half_or_year_takes_exactly_its_published_months(scores, period, a01, b01, a02):
    range_, _ok = ReportRange.parse(period, dt.date(2026, 11, 23))
    windows = by_window(hall_report(range_))
    got = {k: (f.months, f"{f.mean:.2f}") for k, f in windows.items()}
    expected = {k: v for k, v in {"A01": a01, "B01": b01, "A02": a02}.items() if v}
    assert got == expected


def test_the_totals_and_departments_are_the_sums_of_their_rows(scores):
    report = hall_report()
    total = report.window_total
    assert (total.months, total.mean, total.best) == (5, Decimal("94.30"), 1)
    assert total.indicators["cases_done"] == 32
    assert total.on_time_rate == Decimal("90.6") and total.satisfaction_rate == Decimal("94.9")
    assert report.staff_total.mean == Decimal("92.50") and report.staff_total.award_lost == 1
    departments = {r.department.code: r for r in report.departments}
    assert departments["D1"].windows.mean == Decimal("95.50")
    assert departments["D2"].windows.mean == Decimal("92.50")
    assert departments["D2"].staff.mean == Decimal("89.00")
    assert (len(departments["D1"].window_ids), len(departments["D1"].member_ids)) == (2, 1)


def test_windows_are_placed_by_mean_and_equal_means_share_a_place(scores, hall):
    report = hall_report()
    assert [(r.position, r.window.number) for r in report.windows] == [
        (1, "A01"),
        (2, "B01"),
        (3, "A02"),
    ]
    window_score(Period.objects.get(start=dt.date(2026, 7, 1)), WindowFactory(number="C01"), "92")
    window_score(Period.objects.get(start=dt.date(2026, 8, 1)), scores["A02"], "92.00")
    places = [(r.position, r.window.number) for r in hall_report().windows]
    assert places == [(1, "A01"), (2, "B01"), (3, "A02"), (3, "C01")]


def test_a_department_report_has_its_windows_and_the_staff_it_dispatches(scores, hall):
    report = report_build(Q3, scope=ReportScope.of_department(hall.department))
    assert [r.window.number for r in report.windows] == ["A01", "A02"]
    assert [r.member.name for r in report.staff] == ["王小明"]
    assert report.window_total.mean == Decimal("95.50") and report.departments == []


def test_the_report_takes_a_few_queries_however_many_windows(
    scores, hall, django_assert_max_num_queries
):
    jul = Period.objects.get(start=dt.date(2026, 7, 1))
    for n in range(20):
        window_score(jul, WindowFactory(number=f"C{n:02d}", department=hall.department), "90")
    with django_assert_max_num_queries(6):
        report = hall_report()
    assert len(report.windows) == 23


def test_a_published_year_also_shows_its_annual_review(scores, hall):
    year = Period.objects.create(kind=Period.Kind.YEAR, start=dt.date(2026, 1, 1))
    annual = window_score(year, hall.window, "93.75", months=4, rank=1, proposal="red_flag")
    person_score(year, scores["wang"], "95.10", months=2, rank=1, grade="excellent")
    person_score(year, scores["zhao"], "65.00", months=2, rank=2, grade="basic")
    DepartmentResult.objects.create(
        period=year,
        department=hall.department,
        window_score=Decimal("92.88"),
        share=Decimal("0.40"),
        contribution=Decimal("37.15"),
    )
    year_range = ReportRange(2026, ReportRange.YEAR)
    assert hall_report(year_range).annual is None  # a draft review is not shown
    Period.objects.filter(pk=year.pk).update(status=Period.Status.FINAL)
    report = report_build(year_range, scope=ReportScope.of_department(hall.department))
    assert report.annual.windows == [annual]
    assert [s.member.name for s in report.annual.staff] == ["王小明"]
    tables = {t.key: t for t in report_tables(report)}
    assert [c.text for c in tables["report-annual-windows"].rows[0]][1:5] == [
        "A01 企业开办窗口",
        "县市场监督管理局",
        "4",
        "93.75",
    ]
    staff_row = [c.text for c in tables["report-annual-staff"].rows[0]]
    assert staff_row[1] == "王小明" and staff_row[6] == "95.10"
    assert staff_row[7] == str(Score.Grade.EXCELLENT.label)
    assert [c.text for c in tables["report-annual-departments"].rows[0]] == [
        "县市场监督管理局",
        "92.88",
        "40.0%",
        "37.15",
    ]


# --- The page, per persona --------------------------------------------------------------

# Columns: place, window, department, months, mean, months among the best, deductions,
# commendations, corrections, cases in, cases done, promised %, statutory %, average days,
# inquiries, one-time notices, satisfaction %, complaints.
A01_Q3 = ["1", "A01 企业开办窗口", "县市场监督管理局", "2", "97.25", "1", "5.50", "0.00", "0.00",
          "22", "20", "95.0%", "100.0%", "2.7", "4", "3", "96.7%", "1"]  # fmt: skip
HALL_Q3 = ["", "TOTAL", "", "5", "94.30", "1", "28.50", "0.00", "0.00",
           "37", "32", "90.6%", "100.0%", "2.6", "4", "3", "94.9%", "3"]  # fmt: skip


def test_the_hall_page_shows_every_window_with_the_reports_figures(client, supervisor, scores):
    html = get_page(client, supervisor, period="2026-Q3")
    windows = table_rows(html, "report-windows")
    assert windows[0] == A01_Q3
    assert [r[1][:3] for r in windows[:-1]] == ["A01", "B01", "A02"]
    assert windows[-1] == [_("Total") if c == "TOTAL" else c for c in HALL_Q3]
    departments = table_rows(html, "report-departments")
    assert [r[:5] for r in departments] == [
        ["县市场监督管理局", "2", "95.50", "1", "96.00"],
        ["县公安局", "1", "92.50", "1", "89.00"],
        [_("Total"), "3", "94.30", "2", "92.50"],
    ]
    staff = table_rows(html, "report-staff")
    assert staff[0][:6] == ["1", "王小明", "A01 企业开办窗口", "县市场监督管理局", "2", "96.00"]
    assert staff[-1][4:6] == ["4", "92.50"] and staff[-1][-1] == "1"
    months = table_rows(html, "report-months")
    assert [r[0] for r in months] == ["2026-07", "2026-08", "2026-09", _("Total")]
    assert months[2][2:] == ["0", "—", "0", "—"]  # the draft September
    assert 'data-testid="report-missing-months"' in html
    assert re.search(r'data-testid="report-window-mean">94.30<', html)


def test_the_page_totals_are_the_reports(client, supervisor, scores):
    report = hall_report()
    html = get_page(client, supervisor, period="2026-Q3")
    for table in report_tables(report):
        page = table_rows(html, table.key)
        assert page[:-1] == [[c.text for c in row] for row in table.rows]
        assert page[-1] == [c.text for c in table.total]
    assert table_rows(html, "report-windows")[-1][4] == f"{report.window_total.mean:.2f}"


def test_the_page_has_both_charts_as_svg_in_the_cjk_font(client, supervisor, scores):
    html = get_page(client, supervisor, period="2026-Q3")
    bars = re.search(r'data-testid="chart-bars">(.*?)</svg>', html, re.S).group(1)
    line = re.search(r'data-testid="chart-line">(.*?)</svg>', html, re.S).group(1)
    assert "Noto Sans CJK SC" in bars and "Noto Sans CJK SC" in line
    assert "A01 企业开办窗口" in bars and "97.25" in bars and "92.00" in bars
    assert "2026-07" in line and "2026-09" in line and "94.30" not in line
    assert "92.67" in line and "96.75" in line  # (96 + 92 + 90) / 3, (98.5 + 95) / 2
    assert "<script" not in html.split("<main", 1)[1].split("</main>")[0]


def test_a_department_head_sees_only_their_own_department(client, department_head, scores):
    html = get_page(client, department_head, period="2026-Q3")
    windows = table_rows(html, "report-windows")
    assert [r[1][:3] for r in windows[:-1]] == ["A01", "A02"]
    assert windows[-1][3:5] == ["3", "95.50"]
    assert [r[1] for r in table_rows(html, "report-staff")[:-1]] == ["王小明"]
    assert "户政窗口" not in html and "赵六" not in html and "县公安局" not in html
    assert 'data-testid="report-departments"' not in html
    same = get_page(client, department_head, period="2026-Q3", department="D1")
    for key in ("report-months", "report-windows", "report-staff"):
        assert table_rows(same, key) == table_rows(html, key)


def test_a_department_head_may_not_read_another_department(client, department_head, scores):
    client.force_login(department_head)
    response = client.get(reverse("assessment:report"), {"department": "D2"})
    assert response.status_code == 403
    assert client.get(reverse("assessment:report"), {"department": "NOPE"}).status_code == 403


def test_the_center_picks_any_department(client, supervisor, scores):
    html = get_page(client, supervisor, period="2026-Q3", department="D2")
    windows = table_rows(html, "report-windows")
    assert [r[1] for r in windows[:-1]] == ["B01 户政窗口"]
    assert [r[1] for r in table_rows(html, "report-staff")[:-1]] == ["赵六"]
    assert 'data-testid="department-picker"' in html
    client.force_login(supervisor)
    assert client.get(reverse("assessment:report"), {"department": "NOPE"}).status_code == 404


def test_a_window_head_sees_their_windows_report(client, window_head, scores):
    html = get_page(client, window_head, period="2026-Q3")
    assert [r[1] for r in table_rows(html, "report-windows")[:-1]] == ["A01 企业开办窗口"]
    assert [r[1] for r in table_rows(html, "report-staff")[:-1]] == ["王小明"]
    assert "税务窗口" not in html and "户政窗口" not in html
    client.force_login(window_head)
    assert client.get(reverse("assessment:report"), {"department": "D1"}).status_code == 403


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
def test_the_report_is_for_heads_the_center_and_inspectors(client, request, hall, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("assessment:report")).status_code == status


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("assessment:report", []),
        ("assessment:report_file", [1]),
        ("assessment:report_file_download", [1]),
    ],
)
def test_an_anonymous_visitor_is_sent_to_log_in(client, hall, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_page_shows_last_month_by_default_and_says_when_a_period_is_not_understood(
    client, supervisor, scores
):
    html = get_page(client, supervisor)
    assert [r[1][:3] for r in table_rows(html, "report-windows")[:-1]] == ["A01", "B01"]
    assert 'value="2026-10"' in html and "?period=2026-09" in html
    assert 'data-testid="next-period"' not in html  # November is not over
    html = get_page(client, supervisor, period="2026-Q3")
    assert "?period=2026-Q4" in html  # October is
    assert 'value="2026-Q4"' in html and 'value="2026-H2"' in html and 'value="2027' not in html
    html = get_page(client, supervisor, period="2026-Q9")
    assert 'data-testid="period-not-understood"' in html and "2026-Q9" in html


# --- The files, made by the worker ------------------------------------------------------


def request_file(client, user, django_capture_on_commit_callbacks, *, execute, **data):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=execute) as callbacks:
        response = client.post(reverse("assessment:report_file_new"), data)
    return response, callbacks


def test_asking_for_a_file_queues_it_for_the_worker_and_does_not_make_it(
    client, supervisor, scores, django_capture_on_commit_callbacks
):
    response, callbacks = request_file(
        client, supervisor, django_capture_on_commit_callbacks, execute=False,
        period="2026-Q3", format="xlsx",
    )  # fmt: skip
    report_file = ReportFile.objects.get()
    assert response.status_code == 302
    assert (
        response["Location"]
        == f"{reverse('assessment:report')}?period=2026-Q3&file={report_file.pk}"
    )
    assert len(callbacks) == 1  # the task is sent once the request's transaction commits
    assert (report_file.status, report_file.progress, report_file.file.name) == ("queued", 0, "")
    assert report_file.requested_by == supervisor
    assert report_file.params["period"] == "2026-Q3" and report_file.params["scope"] == "hall"
    html = get_page(client, supervisor, period="2026-Q3", file=report_file.pk)
    fragment = re.search(r'<div id="report-file-\d+".*?</div>\s*</div>', html, re.S).group(0)
    assert 'hx-trigger="every 1s"' in fragment
    assert reverse("assessment:report_file", args=[report_file.pk]) in fragment
    callbacks[0]()  # the worker's turn
    report_file.refresh_from_db()
    assert report_file.status == "done" and report_file.progress == 100


def test_asking_for_a_file_refuses_a_get(client, supervisor):
    client.force_login(supervisor)
    assert client.get(reverse("assessment:report_file_new")).status_code == 405
    assert not ReportFile.objects.exists()


def test_asking_for_a_file_refuses_a_format_or_period_it_does_not_know(client, supervisor, hall):
    client.force_login(supervisor)
    url = reverse("assessment:report_file_new")
    assert client.post(url, {"period": "2026-Q3", "format": "docx"}).status_code == 400
    assert client.post(url, {"period": "soon", "format": "pdf"}).status_code == 400
    assert not ReportFile.objects.exists()


def test_a_department_head_may_not_ask_for_another_departments_file(
    client, department_head, scores, django_capture_on_commit_callbacks
):
    response, callbacks = request_file(
        client, department_head, django_capture_on_commit_callbacks, execute=False,
        period="2026-Q3", department="D2", format="pdf",
    )  # fmt: skip
    assert response.status_code == 403 and callbacks == [] and not ReportFile.objects.exists()


def test_the_workbook_holds_the_reports_and_the_pages_totals(
    client, department_head, scores, hall, django_capture_on_commit_callbacks
):
    request_file(
        client, department_head, django_capture_on_commit_callbacks, execute=True,
        period="2026-Q3", format="xlsx",
    )  # fmt: skip
    report_file = ReportFile.objects.get()
    assert report_file.params["department"] == "D1" and report_file.status == "done"
    response = client.get(reverse("assessment:report_file_download", args=[report_file.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert 'assessment-2026-Q3-D1.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == [_("Months"), _("Windows"), _("Staff")]
    windows = list(book[_("Windows")].iter_rows(min_row=3, values_only=True))
    assert windows[0][:5] == (1, "A01 企业开办窗口", "县市场监督管理局", 2, 97.25)
    assert windows[0][11:14] == (0.95, 1, 2.7)
    total = windows[-1]
    report = report_build(Q3, scope=ReportScope.of_department(hall.department))
    assert total[1] == _("Total") and total[3] == report.window_total.months == 3
    assert Decimal(str(total[4])) == report.window_total.mean == Decimal("95.50")
    html = get_page(client, department_head, period="2026-Q3")
    page_total = table_rows(html, "report-windows")[-1]
    assert page_total[4] == f"{total[4]:.2f}" and page_total[11] == f"{total[11] * 100:.1f}%"
    sheet = book[_("Windows")]
    assert sheet.cell(row=len(windows) + 2, column=5).number_format == "0.00"
    assert sheet.cell(row=len(windows) + 2, column=12).number_format == "0.0%"
    assert sheet.freeze_panes == "A3"
    staff = list(book[_("Staff")].iter_rows(min_row=3, values_only=True))
    assert [r[1] for r in staff] == ["王小明", _("Total")] and staff[-1][5] == 96


def test_every_table_of_the_workbook_has_the_pages_cells(client, supervisor, scores):
    report = hall_report()
    book = load_workbook(io.BytesIO(report_xlsx(report, title="Q3")))
    html = get_page(client, supervisor, period="2026-Q3")
    for table, sheet in zip(report_tables(report), book.worksheets, strict=True):
        rows = list(sheet.iter_rows(min_row=3, values_only=True))
        page = table_rows(html, table.key)
        assert len(rows) == len(page)
        for sheet_row, page_row, cells in zip(rows, page, [*table.rows, table.total], strict=True):
            assert [c.text for c in cells] == page_row
            for value, cell in zip(sheet_row, cells, strict=True):
                if cell.value is None:
                    assert value == "—"
                elif cell.kind == "rate":
                    assert f"{Decimal(str(value)) * 100:.1f}%" == cell.text
                elif cell.kind in ("score", "days"):
                    assert Decimal(str(value)) == cell.value
                else:
                    assert value == (cell.value if cell.value != "" else None)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_the_pdf_has_the_window_names_and_totals(supervisor, scores):
    report_file = ReportFile.objects.create(
        requested_by=supervisor,
        requested_at=at(2026, 11, 23),
        params={"period": "2026-Q3", **ReportScope.hall().params()},
        format="pdf",
        title="Q3 hall",
    )
    assert report_file_make(report_file.pk).endswith(".pdf")
    report_file.refresh_from_db()
    data = report_file.file.read()
    assert data.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    for name in ("企业开办窗口", "税务窗口", "户政窗口", "王小明", "县公安局", "2026-Q3"):
        assert name in text
    assert "94.30" in text and "97.25" in text and "90.6%" in text
    assert re.search(r"1 / \d", text)  # page numbers


def test_making_a_file_marks_progress_as_it_goes_then_done(supervisor, scores, monkeypatch):
    report_file = ReportFile.objects.create(
        requested_by=supervisor,
        requested_at=at(2026, 11, 23),
        params={"period": "2026-Q3", **ReportScope.hall().params()},
        format="xlsx",
        title="Q3 hall",
    )
    seen = []
    real = reports.report_xlsx

    def watched(report, *, title):
        seen.append(ReportFile.objects.values_list("status", "progress").get(pk=report_file.pk))
        return real(report, title=title)

    monkeypatch.setattr(reports, "report_xlsx", watched)
    name = report_file_make(report_file.pk)
    assert seen == [("running", 40)]
    report_file.refresh_from_db()
    assert (report_file.status, report_file.progress) == ("done", 100)
    assert report_file.file.name == name and name.endswith(".xlsx")
    assert report_file.finished_at is not None and report_file.error == ""
    assert report_file_make(report_file.pk) == name  # a second run does nothing


def test_a_file_that_cannot_be_made_is_marked_failed_with_the_error(
    supervisor, scores, monkeypatch
):
    def broken(report, *, title):
        raise RuntimeError("WeasyPrint ran out of memory")

    monkeypatch.setattr(reports, "report_pdf", broken)
    report_file = ReportFile.objects.create(
        requested_by=supervisor,
        requested_at=at(2026, 11, 23),
        params={"period": "2026-Q3", **ReportScope.hall().params()},
        format="pdf",
        title="Q3 hall",
    )
    assert report_file_make(report_file.pk) == "failed"
    report_file.refresh_from_db()
    assert report_file.status == "failed" and "out of memory" in report_file.error
    assert report_file.finished_at is not None and not report_file.file
    garbled = ReportFile.objects.create(
        requested_by=supervisor,
        requested_at=at(2026, 11, 23),
        params={"period": "someday", "scope": "hall"},
        format="xlsx",
        title="?",
    )
    assert report_file_make(garbled.pk) == "failed"
    garbled.refresh_from_db()
    assert garbled.status == "failed" and "someday" in garbled.error


def test_the_progress_fragment_is_the_requesters_and_stops_polling_when_done(
    client, supervisor, director, admin_user, scores
):
    report_file = ReportFile.objects.create(
        requested_by=supervisor,
        requested_at=at(2026, 11, 23),
        params={"period": "2026-Q3", **ReportScope.hall().params()},
        format="xlsx",
        title="Q3 hall",
    )
    url = reverse("assessment:report_file", args=[report_file.pk])
    download = reverse("assessment:report_file_download", args=[report_file.pk])
    client.force_login(supervisor)
    fragment = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "<progress" in fragment
    assert client.get(download).status_code == 404  # not made yet
    ReportFile.objects.filter(pk=report_file.pk).update(status="running", progress=40)
    assert 'value="40"' in client.get(url).content.decode()
    client.force_login(director)  # another reader of the same report: not their file
    assert client.get(url).status_code == 404 and client.get(download).status_code == 404
    report_file_make(report_file.pk)
    client.force_login(supervisor)
    fragment = client.get(url).content.decode()
    assert "hx-trigger" not in fragment and download in fragment
    assert client.get(download).status_code == 200
    client.force_login(admin_user)
    assert client.get(download).status_code == 200
    client.force_login(supervisor)
    assert client.post(url).status_code == 405


def test_a_failed_file_says_so_and_stops_polling(client, supervisor, hall):
    report_file = ReportFile.objects.create(
        requested_by=supervisor,
        requested_at=at(2026, 11, 23),
        params={},
        format="pdf",
        title="broken",
        status="failed",
        error="Traceback secrets",
    )
    client.force_login(supervisor)
    fragment = client.get(reverse("assessment:report_file", args=[report_file.pk])).content
    assert b'data-testid="report-file-error"' in fragment and b"hx-trigger" not in fragment
    assert b"Traceback secrets" not in fragment  # the error text is for the administrators


# --- The charts -------------------------------------------------------------------------


def test_the_charts_escape_their_labels_and_leave_gaps_for_unpublished_months():
    bars = bar_chart([("<b>A01</b> & co", Decimal("96.5"))], title="Means")
    assert "&lt;b&gt;A01&lt;/b&gt; &amp; co" in bars and "<b>" not in bars
    assert 'viewBox="0 0 1000 ' in bars and "96.50" in bars
    line = line_chart(
        [("2026-07", Decimal("95")), ("2026-08", None), ("2026-09", Decimal("97"))],
        title="By month",
    )
    assert line.count("<circle") == 2 and "<polyline" not in line  # no line across the gap
    assert _("not published") in line
    empty = bar_chart([], title="Means")
    assert _("No published scores in this period.") in empty and empty.startswith("<svg")


# --- Sent to the departments (R-SCORE-4) ------------------------------------------------


def test_the_feedback_is_last_quarter_and_at_mid_and_year_end_the_half_year_too():
    days = (dt.date(2026, 4, 5), dt.date(2026, 7, 5), dt.date(2026, 10, 5), dt.date(2027, 1, 5))
    keys = {day: [r.key for r in feedback_ranges(day)] for day in days}
    assert keys == {
        dt.date(2026, 4, 5): ["2026-Q1"],
        dt.date(2026, 7, 5): ["2026-Q2", "2026-H1"],
        dt.date(2026, 10, 5): ["2026-Q3"],
        dt.date(2027, 1, 5): ["2026-Q4", "2026-H2"],
    }


def test_each_department_head_hears_of_their_quarter_once(
    scores, department_head, other_head, hall
):
    assert feedback_send(now=at(2026, 10, 5, 8)) == 2
    alerts = {a.user_id: a for a in Alert.objects.all()}
    assert set(alerts) == {department_head.pk, other_head.pk}
    d1 = alerts[department_head.pk]
    assert d1.key == f"assessment:report:2026-Q3:{hall.department.pk}"
    assert d1.url == f"{reverse('assessment:report')}?period=2026-Q3&department=D1"
    assert "2026-Q3" in d1.title and "县市场监督管理局" in d1.title
    line = _("%(window)s: %(score)s (%(n)s months)")
    assert line % {"window": "A01 企业开办窗口", "score": "97.25", "n": 2} in d1.body
    assert line % {"window": "A02 税务窗口", "score": "92.00", "n": 1} in d1.body
    assert "2026-09" in d1.body  # not yet published, and said so
    assert "B01" not in d1.body
    assert line % {"window": "B01 户政窗口", "score": "92.50", "n": 2} in alerts[other_head.pk].body
    assert feedback_send(now=at(2026, 10, 5, 9)) == 0
    assert feedback_send(now=at(2026, 10, 6, 8)) == 0
    assert Alert.objects.count() == 2


def test_in_january_the_half_years_staff_circulation_goes_too(scores, department_head, other_head):
    assert feedback_send(now=at(2027, 1, 5, 8)) == 4
    mine = {a.key.split(":")[2]: a for a in Alert.objects.filter(user=department_head)}
    assert set(mine) == {"2026-Q4", "2026-H2"}
    half = mine["2026-H2"]
    assert "?period=2026-H2&department=D1" in half.url
    line = _("%(name)s, %(window)s: %(score)s (%(n)s months)")
    assert (
        line % {"name": "王小明", "window": "A01 企业开办窗口", "score": "96.00", "n": 2}
        in half.body
    )
    assert "赵六" not in half.body
    assert feedback_send(now=at(2027, 1, 5, 9)) == 0


def test_an_inactive_head_or_a_department_without_windows_hears_nothing(
    scores, department_head, other_head, hall
):
    other_head.is_active = False
    other_head.save()
    DepartmentFactory(code="D3", name="县档案馆", head=UserFactory(username="depthead3"))
    assert feedback_send(now=at(2026, 4, 5, 8)) == 1
    assert Alert.objects.get().user == department_head
