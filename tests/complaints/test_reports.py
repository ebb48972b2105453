"""The satisfaction and complaints report (R-COMP-5) against hand-counted fixtures."""

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

from cases.models import FirstInquiry
from complaints.models import Complaint, Rating, Rectification
from complaints.reports import Period, report_build
from hall.roles import Role
from staff.models import StaffMember
from tests.factories import StaffMemberFactory, UserFactory
from windows.models import Window

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 11, 5)


def at(year, month, day, hour=10, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _frozen_now(monkeypatch):
    """The pages read the clock: it is 2026-11-05 10:00 in Shanghai."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(2026, 11, 5).astimezone(dt.UTC))


class Maker:
    """Ratings and complaints built straight with the ORM."""

    def __init__(self):
        self.receiver = UserFactory(username="receiver", first_name="接待员")
        self.n = 0

    def rating(self, window, level, when, staff=None, invalid=False):
        inquiry = FirstInquiry.objects.create(
            window=window,
            received_by=self.receiver,
            received_at=when,
            subject="咨询",
            disposition=FirstInquiry.Disposition.ANSWERED,
        )
        return Rating.objects.create(
            inquiry=inquiry,
            window=window,
            staff_member=staff,
            level=level,
            source=Rating.Source.TABLET,
            visit_on=when.date(),
            rated_at=when,
            invalid=invalid,
        )

    def rectification(self, rating, status, *, callback_due, rectify_due, **kw):
        return Rectification.objects.create(
            rating=rating,
            window=rating.window,
            status=status,
            opened_at=rating.rated_at,
            callback_due=callback_due,
            rectify_due=rectify_due,
            **kw,
        )

    def complaint(self, window, channel, when, outcome="", **kw):
        self.n += 1
        concluded = Complaint.Status.CONCLUDED if outcome else Complaint.Status.REGISTERED
        return Complaint.objects.create(
            number=f"TS2026-{self.n:06d}",
            tracking_code=f"TRK{self.n:05d}",
            channel=channel,
            received_at=when,
            complainant_name="刘投诉",
            complainant_phone="13912345678",
            complainant_address="城关镇幸福路 8 号",
            content="态度生硬",
            window=window,
            outcome=outcome,
            status=concluded,
            **kw,
        )


@pytest.fixture
def october(clerk, hall):
    """Hand-counted October 2026 (today is 2026-11-05):

    window A01 (企业开办窗口)
      王小明: 5 (10/01 00:10 Shanghai), 5, 4, 3, 2 (rectifying, flagged late → overdue),
              1 invalid (void); and 1 on 09/30 23:30 Shanghai, which is September.
      赵六:   5, 2 (open, on time), 2 (open, call-back due 11/02 → overdue), 1 (closed).
      nobody recorded: 4.
      → levels 5:3 4:2 3:1 2:3 1:1, 10 valid, 6 satisfied = 60 %, 4 bad, 1 invalid.
    window B01 (户政窗口), 外单位: 4.
    complaints: A01 phone verified, phone unfounded, hotline open (a repeat), web verified
    (escalated); B01 letter unfounded; no window on_site open; September's not counted.
    """
    make = Maker()
    wang = StaffMember.objects.get(user=clerk)
    zhao = StaffMemberFactory(
        user=UserFactory(username="zhao", first_name="赵六", roles=[Role.CLERK]),
        window=hall.window,
        department=hall.department,
        name="赵六",
    )
    outer = StaffMemberFactory(
        user=UserFactory(username="outer", first_name="外单位", roles=[Role.CLERK]),
        window=hall.other_window,
        department=hall.other_department,
        name="外单位",
    )
    w = hall.window
    make.rating(w, 5, at(2026, 10, 1, 0, 10), wang)
    make.rating(w, 5, at(2026, 10, 8), wang)
    make.rating(w, 4, at(2026, 10, 9), wang)
    make.rating(w, 3, at(2026, 10, 10), wang)
    make.rectification(
        make.rating(w, 2, at(2026, 10, 12), wang),
        Rectification.Status.RECTIFYING,
        callback_due=dt.date(2026, 10, 14),
        called_back_at=at(2026, 10, 13),
        rectify_due=dt.date(2026, 11, 20),
        rectify_late_at=at(2026, 11, 1),
    )
    make.rectification(
        make.rating(w, 1, at(2026, 10, 13), wang, invalid=True),
        Rectification.Status.VOID,
        callback_due=dt.date(2026, 10, 15),
        rectify_due=dt.date(2026, 10, 30),
    )
    make.rating(w, 1, at(2026, 9, 30, 23, 30), wang)
    make.rating(w, 5, at(2026, 10, 14), zhao)
    make.rectification(
        make.rating(w, 2, at(2026, 10, 30), zhao),
        Rectification.Status.OPEN,
        callback_due=dt.date(2026, 11, 6),
        rectify_due=dt.date(2026, 11, 20),
    )
    make.rectification(
        make.rating(w, 2, at(2026, 10, 29), zhao),
        Rectification.Status.OPEN,
        callback_due=dt.date(2026, 11, 2),
        rectify_due=dt.date(2026, 11, 20),
    )
    make.rectification(
        make.rating(w, 1, at(2026, 10, 15), zhao),
        Rectification.Status.CLOSED,
        callback_due=dt.date(2026, 10, 17),
        rectify_due=dt.date(2026, 10, 30),
    )
    make.rating(w, 4, at(2026, 10, 16))
    make.rating(hall.other_window, 4, at(2026, 10, 16), outer)

    first = make.complaint(w, "phone", at(2026, 10, 3), "verified")
    make.complaint(w, "phone", at(2026, 10, 4), "unfounded")
    make.complaint(w, "hotline", at(2026, 10, 5), repeat_of=first)
    make.complaint(w, "web", at(2026, 10, 6), "verified", escalated=True)
    make.complaint(hall.other_window, "letter", at(2026, 10, 7), "unfounded")
    make.complaint(None, "on_site", at(2026, 10, 8))
    make.complaint(w, "phone", at(2026, 9, 30, 23, 30), "verified")
    return make, wang, zhao, outer


def build(key="2026-10", windows=None, include_unassigned=True):
    period, understood = Period.parse(key, TODAY)
    assert understood
    return report_build(
        period,
        windows=windows if windows is not None else Window.objects.all(),
        include_unassigned=include_unassigned,
        today=TODAY,
    )


def figures(row):
    return (
        tuple(row.levels[level] for level in (5, 4, 3, 2, 1)),
        row.total,
        row.bad,
        (row.open, row.overdue, row.closed, row.void),
        row.invalid,
    )


# --- The period ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "key", "understood"),
    [
        ("2026-11", "2026-11", True),
        ("2026-3", "2026-03", True),
        ("2026-Q4", "2026-Q4", True),
        ("2026-q1", "2026-Q1", True),
        ("", "2026-11", True),
        ("2026-13", "2026-11", False),
        ("2026-Q5", "2026-11", False),
        ("last month", "2026-11", False),
        ("0001-01", "2026-11", False),
    ],
)
def test_a_period_is_a_month_or_a_quarter_and_anything_else_the_current_month(
    value, key, understood
):
    period, ok = Period.parse(value, TODAY)
    assert (period.key, ok) == (key, understood)


def test_a_quarter_runs_from_its_first_to_its_last_month_in_shanghai_time():
    start, end = Period.parse("2026-Q4", TODAY)[0].bounds()
    assert (start, end) == (at(2026, 10, 1, 0, 0), at(2027, 1, 1, 0, 0))
    assert start.astimezone(dt.UTC) == dt.datetime(2026, 9, 30, 16, 0, tzinfo=dt.UTC)
    start, end = Period.parse("2026-12", TODAY)[0].bounds()
    assert (start, end) == (at(2026, 12, 1, 0, 0), at(2027, 1, 1, 0, 0))


# --- Satisfaction ---------------------------------------------------------------------------


def test_the_window_figures_match_the_hand_counted_month(october, hall):
    report = build()
    rows = {r.window.number: r for r in report.windows}
    assert figures(rows["A01"]) == ((3, 2, 1, 3, 1), 10, 4, (1, 2, 1, 1), 1)
    assert rows["A01"].rate == pytest.approx(0.6)
    assert figures(rows["B01"]) == ((0, 1, 0, 0, 0), 1, 0, (0, 0, 0, 0), 0)
    assert rows["B01"].rate == 1.0
    assert report.satisfaction_total.total == 11
    assert report.satisfaction_total.rate == pytest.approx(7 / 11)


def test_the_staff_figures_match_the_hand_counted_month(october):
    _make, wang, zhao, outer = october
    report = build()
    rows = {(r.window.number, r.staff.name if r.staff else None): r for r in report.staff}
    assert set(rows) == {("A01", "王小明"), ("A01", "赵六"), ("A01", None), ("B01", "外单位")}
    assert figures(rows["A01", "王小明"]) == ((2, 1, 1, 1, 0), 5, 1, (0, 1, 0, 1), 1)
    assert rows["A01", "王小明"].rate == pytest.approx(0.8)
    assert figures(rows["A01", "赵六"]) == ((1, 0, 0, 2, 1), 4, 3, (1, 1, 1, 0), 0)
    assert rows["A01", "赵六"].rate == pytest.approx(0.25)
    assert figures(rows["A01", None]) == ((0, 1, 0, 0, 0), 1, 0, (0, 0, 0, 0), 0)


def test_an_invalid_rating_is_left_out_of_the_rate_but_counted_on_its_own(october, hall):
    Rating.objects.filter(level=5, window=hall.window).update(invalid=True)
    row = next(r for r in build().windows if r.window == hall.window)
    assert row.total == 7 and row.invalid == 4
    assert row.rate == pytest.approx(3 / 7)


def test_a_window_without_ratings_shows_no_rate(hall):
    report = build()
    assert [(r.window.number, r.total, r.rate) for r in report.windows] == [
        ("A01", 0, None),
        ("B01", 0, None),
    ]


def test_a_rating_at_half_past_eleven_on_the_last_of_september_is_in_september_and_q3(
    october, hall
):
    september = next(r for r in build("2026-09").windows if r.window == hall.window)
    assert september.total == 1 and september.levels[1] == 1 and september.rate == 0.0
    q3 = next(r for r in build("2026-Q3").windows if r.window == hall.window)
    assert q3.total == 1
    assert next(r for r in build("2026-10").windows if r.window == hall.window).levels[1] == 1


def test_a_quarter_adds_its_three_months_and_stops_at_new_year(october, hall):
    make, wang, *_ = october
    make.rating(hall.window, 5, at(2026, 12, 31, 23, 59), wang)
    make.rating(hall.window, 1, at(2027, 1, 1, 0, 30), wang)
    q4 = next(r for r in build("2026-Q4").windows if r.window == hall.window)
    assert q4.total == 11 and q4.levels[5] == 4 and q4.levels[1] == 1


def test_an_open_rectification_becomes_overdue_when_its_call_back_is_missed(october):
    rows = {r.staff.name: r for r in build().staff if r.staff}
    assert (rows["赵六"].open, rows["赵六"].overdue) == (1, 1)
    Rectification.objects.filter(rating__staff_member__name="赵六", status="open").update(
        callback_due=dt.date(2026, 11, 4)
    )
    rows = {r.staff.name: r for r in build().staff if r.staff}
    assert (rows["赵六"].open, rows["赵六"].overdue) == (0, 2)


# --- Complaints -----------------------------------------------------------------------------


def complaint_figures(row):
    return (row.total, row.verified, row.unfounded, row.open, row.repeats, row.escalated)


def test_complaints_per_window_channel_and_outcome(october, hall):
    report = build()
    windows = {
        r.label.number if r.label else None: complaint_figures(r) for r in report.complaint_windows
    }
    assert windows == {
        "A01": (4, 2, 1, 1, 1, 1),
        "B01": (1, 0, 1, 0, 0, 0),
        None: (1, 0, 0, 1, 0, 0),
    }
    channels = {r.label: complaint_figures(r) for r in report.complaint_channels if r.total}
    assert channels == {
        "phone": (2, 1, 1, 0, 0, 0),
        "hotline": (1, 0, 0, 1, 1, 0),
        "web": (1, 1, 0, 0, 0, 1),
        "letter": (1, 0, 1, 0, 0, 0),
        "on_site": (1, 0, 0, 1, 0, 0),
    }
    assert report.outcomes == [("verified", 2), ("unfounded", 2), ("", 2)]
    assert complaint_figures(report.complaint_total) == (6, 2, 2, 2, 1, 1)


def test_complaints_in_a_limited_scope_leave_out_other_windows_and_those_naming_none(october, hall):
    report = build(windows=Window.objects.filter(pk=hall.window.pk), include_unassigned=False)
    assert [complaint_figures(r) for r in report.complaint_windows] == [(4, 2, 1, 1, 1, 1)]
    assert report.outcomes == [("verified", 2), ("unfounded", 1), ("", 1)]


# --- The page, the PDF and the workbook ---------------------------------------------------------


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
    response = client.get(reverse("complaints:report"), {"period": "2026-10", **params})
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_the_five_tables_with_the_figures(client, supervisor, october):
    html = get_page(client, supervisor)
    windows = table_rows(html, "satisfaction-windows")
    assert windows[0] == [
        "A01 企业开办窗口",
        "3",
        "2",
        "1",
        "3",
        "1",
        "10",
        "60.0%",
        "4",
        "1",
        "2",
        "1",
        "1",
        "1",
    ]
    assert windows[-1][0] != "A01" and windows[-1][6:8] == ["11", "63.6%"]
    staff = table_rows(html, "satisfaction-staff")
    assert [
        "A01",
        "王小明",
        "2",
        "1",
        "1",
        "1",
        "0",
        "5",
        "80.0%",
        "1",
        "0",
        "1",
        "0",
        "1",
        "1",
    ] in staff
    assert table_rows(html, "complaints-windows")[0] == [
        "A01 企业开办窗口",
        "4",
        "2",
        "1",
        "1",
        "1",
        "1",
    ]
    outcomes = table_rows(html, "complaints-outcomes")
    assert [r[1] for r in outcomes] == ["2", "2", "2", "6"]
    channels = table_rows(html, "complaints-channels")
    assert len(channels) == len(Complaint.Channel) + 1 and channels[-1][1:] == [
        "6",
        "2",
        "2",
        "2",
        "1",
        "1",
    ]


def test_the_page_carries_no_complainant_data(client, supervisor, october):
    html = get_page(client, supervisor)
    for secret in ("刘投诉", "13912345678", "幸福路", "态度生硬"):
        assert secret not in html


def test_an_empty_window_shows_a_dash_for_its_rate(client, supervisor, hall):
    assert "satisfaction-windows-row" not in get_page(client, supervisor)  # nothing rated
    html = get_page(client, supervisor, all="1")
    assert table_rows(html, "satisfaction-windows")[0][6:8] == ["0", "—"]


def test_a_period_not_understood_shows_the_current_month_and_says_so(client, supervisor, hall):
    with translation.override("en"):
        html = get_page(client, supervisor, period="2026-13")
    assert 'data-testid="period-not-understood"' in html
    assert "2026-13" in html
    assert "报表显示本月（2026-11）" in html  # the page is in Chinese
    assert 'value="2026-11"' in html


def test_a_department_head_sees_only_their_departments_windows(client, department_head, october):
    html = get_page(client, department_head)
    assert "企业开办窗口" in html and "王小明" in html
    assert "户政窗口" not in html and "外单位" not in html
    *rows, total = table_rows(html, "complaints-windows")
    assert [r[0] for r in rows] == ["A01 企业开办窗口"]
    assert total[1:] == ["4", "2", "1", "1", "1", "1"]


def test_a_window_head_sees_only_their_window(client, window_head, october):
    html = get_page(client, window_head)
    assert [r[0] for r in table_rows(html, "satisfaction-staff")] == ["A01"] * 3
    assert "户政窗口" not in html


def test_the_department_filter_narrows_the_centers_report(client, supervisor, october):
    html = get_page(client, supervisor, department="D2")
    assert "户政窗口" in html and "企业开办窗口" not in html
    assert table_rows(html, "complaints-outcomes")[-1][1] == "1"


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
@pytest.mark.parametrize("name", ["complaints:report", "complaints:report_xlsx"])
def test_the_report_is_for_heads_and_the_center(client, request, hall, persona, status, name):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(name)).status_code == status


def test_an_anonymous_visitor_is_sent_to_log_in(client, hall):
    response = client.get(reverse("complaints:report"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_report_refuses_a_post(client, supervisor):
    client.force_login(supervisor)
    assert client.post(reverse("complaints:report")).status_code == 405


def test_the_workbook_has_one_sheet_per_table_with_the_figures(client, supervisor, october):
    client.force_login(supervisor)
    response = client.get(reverse("complaints:report_xlsx"), {"period": "2026-10"})
    assert response["Content-Disposition"].endswith('satisfaction-complaints-2026-10.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 5
    windows = list(book.worksheets[0].iter_rows(min_row=3, values_only=True))
    assert windows[0][:8] == ("A01 企业开办窗口", 3, 2, 1, 3, 1, 10, pytest.approx(0.6))
    assert windows[0][8:] == (4, 1, 2, 1, 1, 1)
    staff = list(book.worksheets[1].iter_rows(min_row=3, values_only=True))
    assert ("A01", "赵六", 1, 0, 0, 2, 1, 4, 0.25, 3, 1, 1, 1, 0, 0) in staff
    outcomes = list(book.worksheets[4].iter_rows(min_row=3, values_only=True))
    assert [r[1] for r in outcomes] == [2, 2, 2, 6]
    assert book.worksheets[0]["H3"].number_format == "0.0%"


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_the_pdf_is_a_real_pdf_with_the_chinese_names(client, supervisor, october):
    client.force_login(supervisor)
    response = client.get(reverse("complaints:report_pdf"), {"period": "2026-Q4"})
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],
        input=response.content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert "企业开办窗口" in text and "王小明" in text and "2026-Q4" in text
    assert "60.0%" in text


def test_the_report_takes_the_same_few_queries_however_many_ratings(
    october, hall, django_assert_max_num_queries
):
    make, wang, zhao, _outer = october
    for day in range(1, 29):
        make.rating(hall.window, 1 + day % 5, at(2026, 10, day, 15), (wang, zhao)[day % 2])
    with django_assert_max_num_queries(6):
        report = build()
    assert report.satisfaction_total.total == 11 + 28
