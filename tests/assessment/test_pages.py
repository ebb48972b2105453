"""The assessment pages per persona (issue 9): the periods, a month from draft to final
through its buttons, a score with its objection and answer, commendations with their
evidence, the 德能勤绩廉 marks and the public notice. Each refusal keeps what was typed
and changes nothing."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from assessment import services as svc
from assessment.models import Commendation, MeritRating, Objection, Period, Score
from tests.factories import StaffMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

# The pages read the real clock: the month scored is last month, published now.
NOW = timezone.now()
MONTH = svc.previous_month(timezone.localdate(NOW))
PERIOD_URL = f"/assessment/month/{MONTH:%Y-%m}/"
IN_MONTH = (MONTH + dt.timedelta(days=11)).isoformat()
YEAR_URL = f"/assessment/merit/{NOW.year}/"


def _client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def other_clerk(hall):
    return StaffMemberFactory(
        user=UserFactory(username="otherclerk", first_name="赵六"),
        window=hall.other_window,
        department=hall.other_department,
    ).user


@pytest.fixture
def published(hall, clerk, other_clerk, window_head, supervisor, director):
    period = svc.period_compute(kind="month", start=MONTH, actor=supervisor, now=NOW)
    svc.period_review(period=period, actor=supervisor, now=NOW)
    return svc.period_publish(period=period, actor=director, now=NOW)


def _png(name="letter.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (255, 0, 0)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


# --- access -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/assessment/", PERIOD_URL, "/assessment/commendations/", YEAR_URL],
)
def test_it_sends_an_anonymous_visitor_to_the_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_it_shows_the_public_notice_to_anyone_without_a_login(client, published, hall):
    response = client.get("/assessment/public/")
    assert response.status_code == 200
    assert hall.window.name in response.content.decode()
    assert response.content.decode().count('data-testid="public-window-row"') == 2


def test_the_public_notice_shows_no_draft(client, hall, supervisor):
    svc.period_compute(kind="month", start=MONTH, actor=supervisor, now=NOW)
    response = client.get("/assessment/public/")
    assert 'data-testid="public-empty"' in response.content.decode()
    assert hall.window.name not in response.content.decode()


@override_settings(HALL_SCORE_PUBLIC_STAFF="none")
def test_the_public_notice_leaves_staff_out_when_the_hall_says_so(client, published, clerk):
    body = client.get("/assessment/public/").content.decode()
    assert "王小明" not in body
    assert 'data-testid="public-staff"' not in body


def test_the_public_notice_names_staff_by_default(client, published, clerk):
    body = client.get("/assessment/public/").content.decode()
    assert 'data-testid="public-staff"' in body
    assert clerk.staff_member.name in body


def test_a_draft_is_hidden_from_everyone_but_the_center(
    client, hall, clerk, department_head, supervisor, inspector
):
    svc.period_compute(kind="month", start=MONTH, actor=supervisor, now=NOW)
    assert _client(client, supervisor).get(PERIOD_URL).status_code == 200
    assert _client(client, inspector).get(PERIOD_URL).status_code == 200
    assert _client(client, department_head).get(PERIOD_URL).status_code == 403
    assert _client(client, clerk).get(PERIOD_URL).status_code == 403


def test_a_department_head_reads_only_their_departments_scores(
    client, published, hall, department_head
):
    body = _client(client, department_head).get(PERIOD_URL).content.decode()
    assert hall.window.name in body
    assert hall.other_window.name not in body
    assert "赵六" not in body


def test_a_clerk_reads_only_their_own_score(client, published, clerk, other_clerk):
    body = _client(client, clerk).get(PERIOD_URL).content.decode()
    assert body.count('data-testid="person-row"') == 1
    assert body.count('data-testid="window-row"') == 0
    other = Score.objects.get(period=published, member__user=other_clerk)
    assert client.get(reverse("assessment:score", args=[other.pk])).status_code == 403


def test_an_outsider_reads_no_score(client, published, outsider):
    assert _client(client, outsider).get(PERIOD_URL).status_code == 403


def test_a_month_not_computed_is_a_404_for_all_but_the_center(client, clerk, supervisor):
    assert _client(client, clerk).get(PERIOD_URL).status_code == 404
    body = _client(client, supervisor).get(PERIOD_URL).content.decode()
    assert 'data-testid="compute"' in body


# --- the month's steps through the page ---------------------------------------------


def test_the_center_takes_a_month_from_draft_to_final_through_the_buttons(
    client, hall, clerk, supervisor, director
):
    sup = _client(client, supervisor)
    assert sup.post(f"{PERIOD_URL}compute/").status_code == 302
    period = Period.objects.get(kind="month", start=MONTH)
    assert period.scores.count() == 3  # two windows, one clerk
    assert sup.post(f"{PERIOD_URL}review/").status_code == 302
    # A supervisor may not publish.
    assert sup.post(f"{PERIOD_URL}publish/").status_code == 403
    period.refresh_from_db()
    assert period.status == Period.Status.REVIEWED
    client.force_login(director)
    assert client.post(f"{PERIOD_URL}publish/").status_code == 302
    period.refresh_from_db()
    assert period.status == Period.Status.PUBLICITY
    # Final is refused during the publicity period, with the reason on the page.
    response = client.post(f"{PERIOD_URL}finalise/")
    assert response.status_code == 400
    assert "period-error" in response.content.decode()
    period.refresh_from_db()
    assert period.status == Period.Status.PUBLICITY


def test_a_published_month_is_not_recomputed_from_the_page(client, published, supervisor):
    before = list(published.scores.values_list("pk", flat=True))
    response = _client(client, supervisor).post(f"{PERIOD_URL}compute/")
    assert response.status_code == 400
    assert list(published.scores.values_list("pk", flat=True)) == before


def test_the_steps_refuse_a_get(client, supervisor):
    response = _client(client, supervisor).get(f"{PERIOD_URL}compute/")
    assert response.status_code == 405
    assert not Period.objects.exists()


def test_a_clerk_cannot_compute(client, clerk):
    assert _client(client, clerk).post(f"{PERIOD_URL}compute/").status_code == 403
    assert not Period.objects.exists()


# --- objections ---------------------------------------------------------------------


def test_a_clerk_objects_and_a_supervisor_corrects_the_score(client, published, clerk, supervisor):
    score = Score.objects.get(period=published, member__user=clerk)
    url = reverse("assessment:score", args=[score.pk])
    page = _client(client, clerk).get(url).content.decode()
    assert 'data-testid="object-form"' in page
    response = client.post(reverse("assessment:object", args=[score.pk]), {"grounds": ""})
    assert response.status_code == 400
    assert not Objection.objects.exists()
    assert (
        client.post(
            reverse("assessment:object", args=[score.pk]), {"grounds": "表扬信未计入"}
        ).status_code
        == 302
    )
    objection = Objection.objects.get()

    client.force_login(supervisor)
    response = client.post(
        reverse("assessment:answer", args=[objection.pk]),
        {"outcome": "corrected", "points": "", "answer": "核实属实"},
    )
    assert response.status_code == 400
    assert "核实属实" in response.content.decode()  # what was typed is kept
    response = client.post(
        reverse("assessment:answer", args=[objection.pk]),
        {"outcome": "corrected", "points": "2", "answer": "核实属实"},
    )
    assert response.status_code == 302
    score.refresh_from_db()
    assert score.total == 102
    assert _client(client, clerk).get(url).content.decode().count('data-testid="objection-outcome"')


def test_another_windows_clerk_cannot_object(client, published, clerk, other_clerk):
    score = Score.objects.get(period=published, member__user=clerk)
    response = _client(client, other_clerk).post(
        reverse("assessment:object", args=[score.pk]), {"grounds": "x"}
    )
    assert response.status_code == 403
    assert not Objection.objects.exists()


def test_the_director_corrects_a_final_score_and_it_is_in_the_history(
    client, published, clerk, director
):
    svc.period_finalise(
        period=published, actor=director, now=published.objections_until + dt.timedelta(seconds=1)
    )
    score = Score.objects.get(period=published, member__user=clerk)
    client.force_login(director)
    response = client.post(
        reverse("assessment:correct", args=[score.pk]), {"points": "-1.5", "reason": ""}
    )
    assert response.status_code == 400
    response = client.post(
        reverse("assessment:correct", args=[score.pk]), {"points": "-1.5", "reason": "漏扣迟到"}
    )
    assert response.status_code == 302
    score.refresh_from_db()
    assert str(score.total) == "98.50"
    assert score.history.first().history_user == director


# --- commendations ------------------------------------------------------------------


def test_a_supervisor_records_a_commendation_with_its_evidence(client, hall, clerk, supervisor):
    sup = _client(client, supervisor)
    assert sup.get("/assessment/commendations/").status_code == 200
    response = sup.post(
        "/assessment/commendations/",
        {
            "kind": "thanks",
            "window": hall.window.pk,
            "member": clerk.staff_member.pk,
            "on": IN_MONTH,
            "description": "锦旗一面",
            "evidence": _png(),
        },
    )
    assert response.status_code == 302
    commendation = Commendation.objects.get()
    assert commendation.history.first().history_user == supervisor
    evidence = sup.get(reverse("assessment:evidence", args=[commendation.pk]))
    assert evidence.status_code == 200


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            lambda: SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream"),
            "PDF",
        ),
        (None, "evidence"),
    ],
)
def test_a_commendation_without_proper_evidence_is_refused(
    client, hall, supervisor, upload, message
):
    data = {"kind": "thanks", "window": hall.window.pk, "on": IN_MONTH, "description": "锦旗"}
    if upload:
        data["evidence"] = upload()
    response = _client(client, supervisor).post("/assessment/commendations/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "锦旗" in response.content.decode()
    assert not Commendation.objects.exists()


@override_settings(HALL_COMMENDATION_EVIDENCE_MAX_BYTES=1024)
def test_an_oversized_evidence_file_is_refused(client, hall, supervisor):
    big = SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * 4096, content_type="application/pdf")
    response = _client(client, supervisor).post(
        "/assessment/commendations/",
        {
            "kind": "thanks",
            "window": hall.window.pk,
            "on": IN_MONTH,
            "description": "锦旗",
            "evidence": big,
        },
    )
    assert response.status_code == 400
    assert not Commendation.objects.exists()


def test_a_clerk_may_not_record_commendations(client, clerk):
    assert _client(client, clerk).get("/assessment/commendations/").status_code == 403


# --- 德能勤绩廉 marks ----------------------------------------------------------------


def test_a_clerk_marks_themself_and_a_bad_mark_keeps_what_was_typed(client, hall, clerk):
    member = clerk.staff_member
    c = _client(client, clerk)
    page = c.get(YEAR_URL).content.decode()
    assert page.count('data-testid="merit-row"') == 1
    marks = {"conduct": 90, "ability": 85, "diligence": 95, "results": 88, "integrity": 100}
    response = c.post(YEAR_URL, {"member": member.pk, **marks, "conduct": 190})
    assert response.status_code == 400
    assert 'value="190"' in response.content.decode()
    assert not MeritRating.objects.exists()
    assert c.post(YEAR_URL, {"member": member.pk, **marks}).status_code == 302
    rating = MeritRating.objects.get()
    assert rating.rater_kind == "self"
    assert rating.history.first().history_user == clerk


def test_a_clerk_cannot_mark_someone_at_another_window(client, hall, clerk, other_clerk):
    marks = {"conduct": 90, "ability": 85, "diligence": 95, "results": 88, "integrity": 100}
    response = _client(client, clerk).post(
        YEAR_URL, {"member": other_clerk.staff_member.pk, **marks}
    )
    assert response.status_code == 403
    assert not MeritRating.objects.exists()


def test_an_outsider_has_no_marks_page(client, outsider):
    assert _client(client, outsider).get(YEAR_URL).status_code == 403


# --- the language -------------------------------------------------------------------


def test_the_period_page_speaks_chinese(client, published, supervisor):
    body = _client(client, supervisor).get(PERIOD_URL).content.decode()
    assert "月度" in body or "公示" in body


def test_the_report_page_keeps_the_department_heads_own_menu(client, published, department_head):
    """The report's scope must not shadow the header's: the head keeps their menu."""
    body = _client(client, department_head).get("/assessment/reports/").content.decode()
    assert 'data-testid="nav-assessment"' in body
    assert 'data-testid="nav-accountability"' in body
