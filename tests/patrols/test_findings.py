"""Findings (R-PATROL-2): photos, sanctioned absences, occurrences, disputes."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import translation
from PIL import Image

from accountability.models import Occurrence
from hall.models import Alert
from patrols.models import Finding, WindowCheck
from patrols.services import (
    finding_correct,
    finding_decide,
    finding_dispute,
    finding_record,
    round_start,
)
from staff.attendance import whereabouts_approve, whereabouts_post
from staff.substitution import absence_record

from .support import finding, item, jpeg_bytes, morning, upload

pytestmark = pytest.mark.django_db


def _record(supervisor, window, code, now, **kwargs):
    round_, _ = round_start(actor=supervisor, now=now)
    return finding_record(
        actor=supervisor, round_=round_, window=window, item=item(code), now=now, **kwargs
    )


# --- Photos ---------------------------------------------------------------------


def test_a_finding_with_a_photo_keeps_no_location(hall, supervisor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    raw = jpeg_bytes()
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(0x8825)  # the phone's GPS
    found = _record(
        supervisor, hall.window, "tidiness", morning(), photo=upload("IMG_0001.JPG", raw)
    )
    stored = Image.open(found.photo.open("rb"))
    assert stored.format == "JPEG"
    exif = stored.getexif()
    assert not exif.get_ifd(0x8825) and 0x8825 not in exif and 0x010F not in exif
    assert found.photo.name.startswith("patrols/") and "IMG_0001" not in found.photo.name


def test_a_png_photo_is_accepted(hall, supervisor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(out, format="PNG")
    found = _record(
        supervisor, hall.window, "tidiness", morning(), photo=upload("a.png", out.getvalue())
    )
    assert found.photo.name.endswith(".png")


@pytest.mark.parametrize(
    "name,content",
    [
        ("report.pdf", b"%PDF-1.4 not a picture"),
        ("photo.jpg", b"GIF89a a gif named jpg"),
        ("photo.gif", None),
    ],
)
def test_a_photo_of_another_type_is_refused_and_nothing_saved(hall, supervisor, name, content):
    if content is None:
        out = io.BytesIO()
        Image.new("RGB", (8, 8)).save(out, format="GIF")
        content = out.getvalue()
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        _record(supervisor, hall.window, "tidiness", morning(), photo=upload(name, content))
    assert refused.value.message_dict["photo"] == ["A photo must be a JPEG or PNG picture."]
    assert not Finding.objects.exists() and not WindowCheck.objects.exists()
    assert not Occurrence.objects.exists()


@override_settings(HALL_PATROL_PHOTO_MAX_BYTES=2048)
def test_an_oversized_photo_is_refused(hall, supervisor):
    big = jpeg_bytes(size=(600, 600))
    assert len(big) > 2048
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        _record(supervisor, hall.window, "tidiness", morning(), photo=upload("big.jpg", big))
    assert "largest accepted is 2.0\xa0KB" in refused.value.message_dict["photo"][0]
    assert not Finding.objects.exists()


# --- Sanctioned absences ---------------------------------------------------------


def test_a_whereabouts_sign_within_the_limit_is_not_a_breach(hall, supervisor, clerk_member):
    now = morning()
    whereabouts_post(
        actor=clerk_member.user,
        member=clerk_member,
        now=now - dt.timedelta(minutes=10),
        reason="去档案室调档",
        expected_back=now + dt.timedelta(minutes=5),
    )
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        _record(supervisor, hall.window, "absence", now, person=clerk_member)
    assert "sanctioned absence is not a breach" in refused.value.message_dict["person"][0]
    assert not Finding.objects.exists()


def test_a_sign_over_the_limit_without_leave_is_a_breach(hall, supervisor, clerk_member):
    now = morning()
    whereabouts_post(
        actor=clerk_member.user,
        member=clerk_member,
        now=now - dt.timedelta(minutes=40),
        reason="外出",
        expected_back=now + dt.timedelta(minutes=5),
    )
    found = _record(supervisor, hall.window, "absence", now, person=clerk_member)
    assert found.person == clerk_member


def test_a_long_sign_with_leave_and_a_substitute_is_sanctioned(
    hall, supervisor, window_head, clerk_member, holder_a
):
    now = morning()
    sign = whereabouts_post(
        actor=clerk_member.user,
        member=clerk_member,
        now=now - dt.timedelta(minutes=40),
        reason="到县局送件",
        expected_back=now + dt.timedelta(minutes=30),
    )
    whereabouts_approve(actor=window_head, sign=sign, substitute=holder_a, now=now)
    with pytest.raises(ValidationError):
        _record(supervisor, hall.window, "absence", now, person=clerk_member)


def test_leave_with_the_partner_standing_in_is_sanctioned(hall, supervisor, holder_a, clerk):
    now = morning()
    absence_record(
        actor=holder_a.user,
        member=holder_a,
        reason="leave",
        now=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(days=1),
        handover_note="在办件已交B岗",
    )
    with pytest.raises(ValidationError):
        _record(supervisor, hall.window, "absence", now, person=holder_a)
    # Another item about the same person is still recorded.
    assert _record(supervisor, hall.window, "dress", now, person=holder_a).pk


def test_an_item_about_a_person_needs_a_person_of_the_window(hall, supervisor, clerk_member):
    with pytest.raises(ValidationError) as refused:
        _record(supervisor, hall.window, "conduct", morning())
    assert "person" in refused.value.message_dict
    with pytest.raises(ValidationError):
        _record(supervisor, hall.other_window, "conduct", morning(), person=clerk_member)
    assert not Finding.objects.exists()


# --- Occurrences ------------------------------------------------------------------


def test_each_finding_records_one_occurrence_against_the_person_or_window(
    hall, supervisor, clerk_member
):
    about_person = _record(supervisor, hall.window, "conduct", morning(), person=clerk_member)
    about_window = _record(supervisor, hall.window, "phone", morning(minute=35))
    occurrences = Occurrence.objects.order_by("pk")
    assert occurrences.count() == 2
    first, second = occurrences
    assert first.source == about_person and first.rule == "R-ACC-9"
    assert first.person == clerk_member.user and first.window == hall.window
    assert second.source == about_window and second.rule == "R-PATROL-2"
    assert second.person is None and second.window == hall.window
    # Recording it again through the service does not add a second occurrence.
    from patrols.services import _record_occurrence

    _record_occurrence(about_person)
    assert Occurrence.objects.count() == 2


def test_a_finding_alerts_the_window_head(hall, supervisor, window_head):
    found = _record(supervisor, hall.window, "tidiness", morning())
    alert = Alert.objects.get(user=window_head)
    assert str(found.pk) in alert.url


def test_a_finding_corrected_on_the_round_withdraws_its_occurrence(hall, supervisor):
    found = _record(supervisor, hall.window, "tidiness", morning())
    with pytest.raises(ValidationError):
        finding_correct(actor=supervisor, finding=found, reason="  ", now=morning())
    finding_correct(actor=supervisor, finding=found, reason="看错了窗口", now=morning())
    found.refresh_from_db()
    assert found.status == Finding.Status.WITHDRAWN
    assert Occurrence.objects.get().withdrawn_at == morning()


# --- Disputes ---------------------------------------------------------------------


def test_the_window_head_disputes_and_a_supervisor_withdraws(
    hall, supervisor, director, window_head
):
    found = finding(supervisor, hall.window, "tidiness", morning())
    # Due two working days later: Wednesday 18 → Friday 20 November, end of day.
    assert found.dispute_due.date() == dt.date(2026, 11, 20)
    finding_dispute(
        actor=window_head, finding=found, reason="当时正在整理归档材料", now=morning(hour=15)
    )
    found.refresh_from_db()
    assert found.status == Finding.Status.DISPUTED and found.disputed_by == window_head
    assert Alert.objects.filter(user=supervisor, key__endswith=":disputed").exists()
    finding_decide(
        actor=director, finding=found, uphold=False, reason="情况属实，撤销", now=morning(hour=16)
    )
    found.refresh_from_db()
    assert found.status == Finding.Status.WITHDRAWN and found.decided_by == director
    assert Occurrence.objects.get().withdrawn_at is not None
    assert Alert.objects.filter(user=window_head, key__endswith=":decided").exists()


def test_an_upheld_finding_keeps_its_occurrence(hall, supervisor, window_head):
    found = finding(supervisor, hall.window, "tidiness", morning())
    finding_dispute(actor=window_head, finding=found, reason="有异议", now=morning(hour=15))
    finding_decide(
        actor=supervisor, finding=found, uphold=True, reason="照片为证", now=morning(hour=16)
    )
    found.refresh_from_db()
    assert found.status == Finding.Status.UPHELD
    assert Occurrence.objects.get().withdrawn_at is None
    with pytest.raises(ValidationError):  # decided once
        finding_decide(actor=supervisor, finding=found, uphold=False, reason="x", now=morning())


def test_a_dispute_after_the_set_time_is_refused(hall, supervisor, window_head):
    found = finding(supervisor, hall.window, "tidiness", morning())
    late = morning(dt.date(2026, 11, 23))
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        finding_dispute(actor=window_head, finding=found, reason="有异议", now=late)
    assert "2026-11-20" in refused.value.messages[0]
    found.refresh_from_db()
    assert found.status == Finding.Status.RECORDED


def test_only_the_head_of_the_window_disputes(
    hall, supervisor, clerk, department_head, inspector, window_head
):
    found = finding(supervisor, hall.window, "tidiness", morning())
    for user in (clerk, department_head, inspector, supervisor):
        with pytest.raises(PermissionDenied):
            finding_dispute(actor=user, finding=found, reason="有异议", now=morning())
    with pytest.raises(ValidationError):  # grounds required
        finding_dispute(actor=window_head, finding=found, reason=" ", now=morning())
    found.refresh_from_db()
    assert found.status == Finding.Status.RECORDED


def test_only_the_center_decides_a_dispute(hall, supervisor, window_head, inspector):
    found = finding(supervisor, hall.window, "tidiness", morning())
    finding_dispute(actor=window_head, finding=found, reason="有异议", now=morning())
    for user in (window_head, inspector):
        with pytest.raises(PermissionDenied):
            finding_decide(actor=user, finding=found, uphold=False, reason="x", now=morning())
    with pytest.raises(ValidationError):  # a reason is required
        finding_decide(actor=supervisor, finding=found, uphold=True, reason="", now=morning())
    found.refresh_from_db()
    assert found.status == Finding.Status.DISPUTED
