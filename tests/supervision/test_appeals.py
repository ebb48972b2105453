"""Appeals of a card (申诉, N-3; R-ACC-1 the person may appeal): the window head appeals
a yellow or red card of their window's case; a center supervisor or the director decides,
and a cancelled card's occurrence (R-ACC-4.5 / R-ACC-5.1) is withdrawn."""

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accountability.models import Occurrence
from cases.models import CardAppeal, Case, Light
from cases.services import appeal_decide, appeal_file
from cases.sweep import sweep_lights

from .support import at

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()]


def occurrence(case, rule) -> Occurrence:
    return Occurrence.objects.get(
        source_type=ContentType.objects.get_for_model(Case), source_id=case.pk, rule=rule
    )


@pytest.fixture
def red(case, window_head):
    """Swept Sat 10/31, the day after the statutory date: a red card (and the yellow one)."""
    sweep_lights(now=at(10, 31))
    case.refresh_from_db()
    assert case.light == Light.RED
    return case


@pytest.fixture
def yellow(case, window_head):
    """Swept Thu 10/15, the day after the promised date: a yellow card only."""
    sweep_lights(now=at(10, 15))
    case.refresh_from_db()
    assert case.light == Light.YELLOW
    return case


def file_appeal(case, actor, card=Light.RED, reason="申请人补正材料延误，非窗口原因", **kw):
    return appeal_file(case=case, actor=actor, now=at(11, 2), card=card, reason=reason, **kw)


# --- filing --------------------------------------------------------------------------


def test_the_window_head_appeals_a_red_card(red, window_head):
    appeal = file_appeal(red, window_head)
    assert appeal.status == CardAppeal.Status.PENDING
    assert (appeal.card, appeal.appealed_by, appeal.appealed_at) == (
        Light.RED,
        window_head,
        at(11, 2),
    )
    assert appeal.reason == "申请人补正材料延误，非窗口原因"
    assert appeal.history.get().history_user == window_head


def test_the_clerk_may_not_appeal(red, clerk):
    with pytest.raises(PermissionDenied):
        file_appeal(red, clerk)
    assert not CardAppeal.objects.exists()


def test_the_head_of_another_window_may_not_appeal(red, other_head):
    with pytest.raises(PermissionDenied):
        file_appeal(red, other_head)
    assert not CardAppeal.objects.exists()


def test_a_case_without_a_card_cannot_be_appealed(case, window_head):
    sweep_lights(now=at(10, 9))  # green
    with pytest.raises(ValidationError):
        file_appeal(case, window_head, card=Light.YELLOW)
    assert not CardAppeal.objects.exists()


def test_only_the_card_the_case_has_can_be_appealed(yellow, window_head):
    with pytest.raises(ValidationError):
        file_appeal(yellow, window_head, card=Light.RED)
    with pytest.raises(ValidationError):
        file_appeal(yellow, window_head, card=Light.WARNING)
    assert not CardAppeal.objects.exists()
    assert file_appeal(yellow, window_head, card=Light.YELLOW).card == Light.YELLOW


def test_a_withdrawn_card_cannot_be_appealed_again(red, window_head, supervisor):
    appeal = file_appeal(red, window_head)
    appeal_decide(appeal=appeal, actor=supervisor, now=at(11, 3), cancel=True, reason="属实")
    with pytest.raises(ValidationError):
        file_appeal(red, window_head)
    assert CardAppeal.objects.count() == 1


def test_an_appeal_needs_a_reason(red, window_head):
    with pytest.raises(ValidationError) as exc_info:
        file_appeal(red, window_head, reason="   ")
    assert "reason" in exc_info.value.message_dict
    assert not CardAppeal.objects.exists()


def test_an_attachment_is_kept_with_the_appeal(red, window_head, media):
    upload = SimpleUploadedFile("证明.pdf", PDF, content_type="application/pdf")
    appeal = file_appeal(red, window_head, attachment=upload)
    appeal.refresh_from_db()
    assert appeal.attachment.name.startswith("appeals/2026/")
    assert appeal.attachment.read() == PDF
    assert len(stored_files(media)) == 1


@pytest.mark.parametrize("name", ["说明.exe", "说明.txt", "说明.html", "说明"])
def test_an_attachment_of_the_wrong_type_is_refused_and_nothing_saved(
    red, window_head, media, name
):
    upload = SimpleUploadedFile(name, PDF, content_type="application/octet-stream")
    with pytest.raises(ValidationError) as exc_info:
        file_appeal(red, window_head, attachment=upload)
    assert "attachment" in exc_info.value.message_dict
    assert not CardAppeal.objects.exists()
    assert stored_files(media) == []


def test_an_attachment_that_is_too_large_is_refused_and_nothing_saved(
    red, window_head, media, settings
):
    settings.HALL_UPLOAD_MAX_BYTES = 1024
    upload = SimpleUploadedFile("扫描件.pdf", PDF + b"0" * 2048, content_type="application/pdf")
    with pytest.raises(ValidationError) as exc_info:
        file_appeal(red, window_head, attachment=upload)
    assert "attachment" in exc_info.value.message_dict
    assert not CardAppeal.objects.exists()
    assert stored_files(media) == []


def test_a_second_pending_appeal_of_the_same_card_is_refused(red, window_head):
    file_appeal(red, window_head)
    with pytest.raises(ValidationError):
        file_appeal(red, window_head, reason="再次申诉")
    assert CardAppeal.objects.count() == 1
    # The other card of the same case may still be appealed.
    assert file_appeal(red, window_head, card=Light.YELLOW).card == Light.YELLOW


def test_the_chief_representative_may_appeal(red, chief):
    assert file_appeal(red, chief).appealed_by == chief


# --- deciding ------------------------------------------------------------------------


@pytest.fixture
def appeal(red, window_head):
    return file_appeal(red, window_head)


@pytest.mark.parametrize("persona", ["clerk", "window_head", "inspector", "department_head"])
def test_only_a_supervisor_or_the_director_decides(request, appeal, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        appeal_decide(appeal=appeal, actor=user, now=at(11, 3), cancel=True, reason="不属实")
    appeal.refresh_from_db()
    assert appeal.status == CardAppeal.Status.PENDING
    assert occurrence(appeal.case, "R-ACC-5.1").withdrawn_at is None


def test_cancelling_withdraws_that_cards_occurrence_only(appeal, supervisor):
    appeal_decide(
        appeal=appeal, actor=supervisor, now=at(11, 3), cancel=True, reason="申请人原因，予以撤销"
    )
    appeal.refresh_from_db()
    assert appeal.status == CardAppeal.Status.CANCELLED
    assert (appeal.decided_by, appeal.decided_at) == (supervisor, at(11, 3))
    assert appeal.decision_reason == "申请人原因，予以撤销"
    assert occurrence(appeal.case, "R-ACC-5.1").withdrawn_at == at(11, 3)
    # The yellow card (R-ACC-4.5) was not appealed: it stands.
    assert occurrence(appeal.case, "R-ACC-4.5").withdrawn_at is None


def test_the_director_may_cancel(appeal, director):
    appeal_decide(appeal=appeal, actor=director, now=at(11, 3), cancel=True, reason="属实")
    assert occurrence(appeal.case, "R-ACC-5.1").withdrawn_at == at(11, 3)


def test_upholding_leaves_the_card(appeal, supervisor):
    appeal_decide(appeal=appeal, actor=supervisor, now=at(11, 3), cancel=False, reason="理由不成立")
    appeal.refresh_from_db()
    assert appeal.status == CardAppeal.Status.UPHELD
    assert occurrence(appeal.case, "R-ACC-5.1").withdrawn_at is None
    assert occurrence(appeal.case, "R-ACC-4.5").withdrawn_at is None


def test_a_decision_needs_a_reason(appeal, supervisor):
    with pytest.raises(ValidationError):
        appeal_decide(appeal=appeal, actor=supervisor, now=at(11, 3), cancel=True, reason=" ")
    appeal.refresh_from_db()
    assert appeal.status == CardAppeal.Status.PENDING


def test_an_appeal_cannot_be_decided_twice(appeal, supervisor, director):
    appeal_decide(appeal=appeal, actor=supervisor, now=at(11, 3), cancel=False, reason="不成立")
    with pytest.raises(ValidationError):
        appeal_decide(appeal=appeal, actor=director, now=at(11, 4), cancel=True, reason="改判")
    appeal.refresh_from_db()
    assert (appeal.status, appeal.decided_by) == (CardAppeal.Status.UPHELD, supervisor)
    assert occurrence(appeal.case, "R-ACC-5.1").withdrawn_at is None


def test_the_history_says_who_appealed_and_who_decided(appeal, window_head, supervisor):
    appeal_decide(appeal=appeal, actor=supervisor, now=at(11, 3), cancel=True, reason="属实")
    rows = list(appeal.history.order_by("history_date").values_list("history_type", "status"))
    users = list(appeal.history.order_by("history_date").values_list("history_user", flat=True))
    assert rows == [("+", "pending"), ("~", "cancelled")]
    assert users == [window_head.pk, supervisor.pk]
    withdrawal = occurrence(appeal.case, "R-ACC-5.1").history.latest("history_date")
    assert withdrawal.history_user == supervisor
    assert withdrawal.withdrawn_at == at(11, 3)


# --- through the pages -----------------------------------------------------------------


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_the_window_head_sees_the_appeal_form_only_when_the_case_has_a_card(
    client, case, window_head
):
    client.force_login(window_head)
    sweep_lights(now=at(10, 9))  # green: nothing to appeal
    assert 'data-testid="appeal-submit"' not in client.get(case.get_absolute_url()).content.decode()
    sweep_lights(now=at(10, 15))  # yellow
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'data-testid="appeal-submit"' in page
    assert '<option value="yellow">' in page and '<option value="red">' not in page


def test_the_clerk_does_not_see_the_appeal_form(client, red, clerk):
    client.force_login(clerk)
    page = client.get(red.get_absolute_url()).content.decode()
    assert 'data-testid="appeal-submit"' not in page


def test_the_window_head_files_an_appeal_and_a_supervisor_cancels_the_card(
    client, red, window_head, supervisor, media
):
    client.force_login(window_head)
    response = client.post(
        reverse("cases:action", args=[red.number, "appeal"]),
        {
            "card": "red",
            "reason": "系统停电两日，非窗口原因",
            "attachment": SimpleUploadedFile("停电通知.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302 and response.url == red.get_absolute_url()
    appeal = CardAppeal.objects.get()
    assert (appeal.case, appeal.card, appeal.appealed_by) == (red, Light.RED, window_head)
    assert appeal.attachment.read() == PDF
    # The red card is under appeal now: the form offers only the yellow one.
    page = client.get(red.get_absolute_url()).content.decode()
    assert '<option value="red">' not in page and '<option value="yellow">' in page

    client.force_login(supervisor)
    listing = client.get(reverse("supervision:appeals"))
    assert listing.status_code == 200
    pending = listing.content.decode().split('data-testid="pending-appeal"')[1]
    assert red.number in pending and "系统停电两日，非窗口原因" in pending
    assert appeal.attachment.url in pending

    response = client.post(
        reverse("supervision:appeal_decide", args=[appeal.pk]),
        {"decision": "cancel", "reason": "停电属实"},
    )
    assert response.status_code == 302 and response.url == reverse("supervision:appeals")
    appeal.refresh_from_db()
    assert (appeal.status, appeal.decided_by) == (CardAppeal.Status.CANCELLED, supervisor)
    assert occurrence(red, "R-ACC-5.1").withdrawn_at is not None
    assert occurrence(red, "R-ACC-4.5").withdrawn_at is None
    listing = client.get(reverse("supervision:appeals")).content.decode()
    assert 'data-testid="pending-appeal"' not in listing


def test_an_appeal_with_a_wrong_attachment_through_the_page_saves_nothing(
    client, red, window_head, media
):
    client.force_login(window_head)
    response = client.post(
        reverse("cases:action", args=[red.number, "appeal"]),
        {
            "card": "red",
            "reason": "理由",
            "attachment": SimpleUploadedFile("脚本.exe", b"MZ\x90\x00", content_type="text/plain"),
        },
        follow=True,
    )
    assert response.status_code == 200
    assert not CardAppeal.objects.exists()
    assert stored_files(media) == []
    assert 'data-testid="appeal-submit"' in response.content.decode()  # may try again


def test_the_clerk_cannot_file_an_appeal_through_the_page(client, red, clerk):
    client.force_login(clerk)
    response = client.post(
        reverse("cases:action", args=[red.number, "appeal"]), {"card": "red", "reason": "理由"}
    )
    assert response.status_code == 403
    assert not CardAppeal.objects.exists()


@pytest.mark.parametrize(
    "persona, status",
    [
        ("clerk", 403),
        ("window_head", 403),
        ("department_head", 403),
        ("inspector", 403),
        ("applicant", 403),
        ("outsider", 403),
        ("supervisor", 200),
        ("director", 200),
    ],
)
def test_the_appeal_list_is_for_supervisors_and_the_director(client, request, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("supervision:appeals")).status_code == status


def test_the_appeal_list_sends_an_anonymous_visitor_to_log_in(client):
    response = client.get(reverse("supervision:appeals"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_window_head_cannot_decide_through_the_page(client, appeal, window_head):
    client.force_login(window_head)
    response = client.post(
        reverse("supervision:appeal_decide", args=[appeal.pk]),
        {"decision": "cancel", "reason": "自己撤销"},
    )
    assert response.status_code == 403
    appeal.refresh_from_db()
    assert appeal.status == CardAppeal.Status.PENDING


def test_deciding_refuses_get(client, appeal, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("supervision:appeal_decide", args=[appeal.pk]))
    assert response.status_code == 405
    appeal.refresh_from_db()
    assert appeal.status == CardAppeal.Status.PENDING
