"""The patrol pages per persona, and each rule through the page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accountability.models import Occurrence
from patrols.models import Finding, Round, WindowCheck
from patrols.services import finding_dispute, round_start

from .support import finding, jpeg_bytes, morning, upload, walk

pytestmark = pytest.mark.django_db

PERSONAS = [
    "clerk",
    "window_head",
    "department_head",
    "supervisor",
    "director",
    "inspector",
    "applicant",
    "outsider",
]


@pytest.fixture
def found(hall, supervisor):
    """Recorded just now (the pages read the real clock), so it may still be disputed."""
    return finding(supervisor, hall.window, "tidiness", timezone.now(), note="桌面堆放杂物")


@pytest.fixture
def other_found(hall, supervisor):
    return finding(supervisor, hall.other_window, "phone", timezone.now())


def _as(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    return client


# --- Who sees what ------------------------------------------------------------------

EXPECTED = {
    #                   index round coverage findings finding(A01) finding(B01) photo(A01)
    "clerk": (403, 403, 403, 403, 403, 403, 403),
    "window_head": (302, 403, 403, 200, 200, 403, 200),
    "department_head": (302, 403, 403, 200, 200, 403, 200),
    "supervisor": (200, 200, 200, 200, 200, 200, 200),
    "director": (200, 200, 200, 200, 200, 200, 200),
    "inspector": (200, 200, 200, 200, 200, 200, 200),
    "applicant": (403, 403, 403, 403, 403, 403, 403),
    "outsider": (403, 403, 403, 403, 403, 403, 403),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_page_per_persona(client, request, persona, found, other_found, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    found.photo.save("x.jpg", upload("x.jpg", jpeg_bytes()))
    _as(client, request, persona)
    round_pk = found.window_check.round_id
    urls = [
        reverse("patrols:index"),
        reverse("patrols:round", args=[round_pk]),
        reverse("patrols:coverage"),
        reverse("patrols:findings"),
        reverse("patrols:finding", args=[found.pk]),
        reverse("patrols:finding", args=[other_found.pk]),
        reverse("patrols:finding_photo", args=[found.pk]),
    ]
    got = tuple(client.get(url).status_code for url in urls)
    assert got == EXPECTED[persona]


def test_anonymous_is_sent_to_log_in(client, found):
    for url in (reverse("patrols:index"), reverse("patrols:finding", args=[found.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_head_lists_only_their_windows_findings(client, department_head, found, other_found):
    client.force_login(department_head)
    page = client.get(reverse("patrols:findings")).content.decode()
    assert page.count('data-testid="finding-row"') == 1
    assert "A01" in page and "B01" not in page


def test_the_person_named_reads_their_own_finding(client, hall, supervisor, clerk):
    from staff.models import StaffMember

    member = StaffMember.objects.get(user=clerk)
    mine = finding(supervisor, hall.window, "dress", morning(), person=member)
    client.force_login(clerk)
    assert client.get(reverse("patrols:finding", args=[mine.pk])).status_code == 200
    page = client.get(reverse("patrols:findings")).content.decode()
    assert page.count('data-testid="finding-row"') == 1


# --- The round through the page -----------------------------------------------------


def test_the_round_lists_windows_in_floor_order_with_signs(client, hall, supervisor, clerk):
    import datetime as dt

    from django.utils import timezone

    from staff.attendance import whereabouts_post
    from staff.models import StaffMember

    hall.other_window.floor_order = 0
    hall.other_window.save()
    hall.window.floor_order = 5
    hall.window.save()
    now = timezone.now()
    member = StaffMember.objects.get(user=clerk)
    whereabouts_post(
        actor=clerk,
        member=member,
        now=now - dt.timedelta(minutes=3),
        reason="去档案室",
        expected_back=now + dt.timedelta(minutes=10),
    )
    round_, _ = round_start(actor=supervisor, now=now)
    client.force_login(supervisor)
    page = client.get(reverse("patrols:round", args=[round_.pk])).content.decode()
    assert page.index('data-window="B01"') < page.index('data-window="A01"')
    assert "去档案室" in page and "王小明" in page


def test_a_tap_through_htmx_returns_the_row_and_the_progress(client, hall, supervisor):
    round_, _ = round_start(actor=supervisor, now=morning())
    client.force_login(supervisor)
    response = client.post(
        reverse("patrols:check_pass", args=[round_.pk, hall.window.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="w-{hall.window.pk}"' in body and 'hx-swap-oob="true"' in body
    assert 'value="1" max="2"' in body
    assert WindowCheck.objects.filter(round=round_, window=hall.window).exists()


def test_a_tap_without_javascript_returns_to_the_row(client, hall, supervisor):
    round_, _ = round_start(actor=supervisor, now=morning())
    client.force_login(supervisor)
    response = client.post(reverse("patrols:check_pass", args=[round_.pk, hall.window.pk]))
    assert response.status_code == 302 and response["Location"].endswith(f"#w-{hall.window.pk}")


def test_a_clerk_cannot_tap(client, hall, supervisor, clerk):
    round_, _ = round_start(actor=supervisor, now=morning())
    client.force_login(clerk)
    response = client.post(reverse("patrols:check_pass", args=[round_.pk, hall.window.pk]))
    assert response.status_code == 403
    assert not WindowCheck.objects.exists()


def test_a_finding_with_a_photo_through_the_page(client, hall, supervisor, settings, tmp_path):
    from .support import item

    settings.MEDIA_ROOT = tmp_path
    round_, _ = round_start(actor=supervisor, now=morning())
    client.force_login(supervisor)
    url = reverse("patrols:round_window", args=[round_.pk, hall.window.pk])
    response = client.post(
        url,
        {
            "item": item("tidiness").pk,
            "note": "资料散放",
            "photo": upload("p.jpg", jpeg_bytes()),
        },
    )
    assert response.status_code == 302
    saved = Finding.objects.get()
    assert saved.photo and saved.note == "资料散放"
    assert Occurrence.objects.filter(source_id=saved.pk).count() == 1
    photo = client.get(reverse("patrols:finding_photo", args=[saved.pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"


def test_a_refused_finding_keeps_what_was_typed(client, hall, supervisor):
    from .support import item

    round_, _ = round_start(actor=supervisor, now=morning())
    client.force_login(supervisor)
    url = reverse("patrols:round_window", args=[round_.pk, hall.window.pk])
    response = client.post(
        url,
        {
            "item": item("tidiness").pk,
            "note": "资料散放在桌面",
            "photo": upload("p.pdf", b"%PDF-1.4", "application/pdf"),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "资料散放在桌面" in page and "JPEG" in page
    assert not Finding.objects.exists()
    # No item chosen: also refused with a message.
    response = client.post(url, {"note": "未选项目"})
    assert response.status_code == 400 and "未选项目" in response.content.decode()


def test_signing_off_too_early_says_which_windows_are_left(client, hall, supervisor):
    round_ = walk(supervisor, [hall.window], morning())
    client.force_login(supervisor)
    response = client.post(reverse("patrols:round_sign", args=[round_.pk]), {"remarks": "备注"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "B01" in page and "备注" in page
    round_.refresh_from_db()
    assert round_.status != Round.Status.SIGNED


def test_signing_off_through_the_page(client, hall, supervisor):
    round_ = walk(supervisor, [hall.window, hall.other_window], morning())
    client.force_login(supervisor)
    response = client.post(reverse("patrols:round_sign", args=[round_.pk]), {"remarks": "良好"})
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.status == Round.Status.SIGNED and round_.remarks == "良好"


# --- Disputes through the page ------------------------------------------------------


def test_the_window_head_disputes_on_the_page(client, found, window_head):
    client.force_login(window_head)
    page = client.get(reverse("patrols:finding", args=[found.pk])).content.decode()
    assert 'data-testid="dispute-form"' in page
    url = reverse("patrols:finding_act", args=[found.pk, "dispute"])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    client.post(url, {"reason": "当时在整理材料"})
    found.refresh_from_db()
    assert found.status == Finding.Status.DISPUTED


def test_a_clerk_of_the_window_cannot_dispute(client, found, clerk, window_head):
    client.force_login(window_head)  # makes the clerk's window head exist
    client.force_login(clerk)
    response = client.post(
        reverse("patrols:finding_act", args=[found.pk, "dispute"]), {"reason": "x"}
    )
    assert response.status_code == 403
    found.refresh_from_db()
    assert found.status == Finding.Status.RECORDED


def test_the_supervisor_decides_on_the_page_and_keeps_text_when_refused(
    client, found, window_head, supervisor
):
    finding_dispute(actor=window_head, finding=found, reason="有异议", now=timezone.now())
    client.force_login(supervisor)
    page = client.get(reverse("patrols:finding", args=[found.pk])).content.decode()
    assert 'data-testid="decide-form"' in page
    wrong = client.post(
        reverse("patrols:finding_act", args=[found.pk, "correct"]), {"reason": "理由甲"}
    )
    assert wrong.status_code == 400 and "理由甲" in wrong.content.decode()
    client.post(reverse("patrols:finding_act", args=[found.pk, "uphold"]), {"reason": "照片为证"})
    found.refresh_from_db()
    assert found.status == Finding.Status.UPHELD


def test_coverage_page_shows_the_month(client, hall, supervisor):
    walk(supervisor, [hall.window, hall.other_window], morning())
    client.force_login(supervisor)
    page = client.get(reverse("patrols:coverage") + "?month=2026-11").content.decode()
    assert 'data-testid="day-2026-11-18"' in page
    bad = client.get(reverse("patrols:coverage") + "?month=garbage")
    assert bad.status_code == 200
