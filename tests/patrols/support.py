"""Shared makers for the patrol tests."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from patrols.models import ChecklistItem, Finding, Round
from patrols.services import check_pass, finding_record, round_start

# 2026-11-18 is a Wednesday (a working day); 11-16 the Monday of its week.
WEDNESDAY = dt.date(2026, 11, 18)


def at(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def morning(day: dt.date = WEDNESDAY, hour: int = 9, minute: int = 30) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def afternoon(day: dt.date = WEDNESDAY, hour: int = 14, minute: int = 30) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def item(code: str) -> ChecklistItem:
    """One of the default checklist items (seeded by migration): conduct, absence,
    dress (about a person), tidiness, phone, dissatisfaction (about the window)."""
    return ChecklistItem.objects.get(code=code)


def walk(supervisor, windows, now: dt.datetime, half: str | None = None) -> Round:
    """A round that passes every given window."""
    round_, _created = round_start(actor=supervisor, now=now, half=half)
    for window in windows:
        check_pass(actor=supervisor, round_=round_, window=window, now=now)
    round_.refresh_from_db()
    return round_


def finding(supervisor, window, code: str, now: dt.datetime, person=None, note="") -> Finding:
    """A finding recorded on this half-day's round (started if needed)."""
    round_, _created = round_start(actor=supervisor, now=now)
    return finding_record(
        actor=supervisor,
        round_=round_,
        window=window,
        item=item(code),
        person=person,
        note=note or "巡查发现",
        now=now,
    )


def jpeg_bytes(*, gps: bool = True, size=(64, 48)) -> bytes:
    """A small JPEG carrying EXIF with a GPS position (like a phone's photo)."""
    from PIL import Image

    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 1  # Orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 5.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def ensure_checklist() -> None:
    """The default checklist, as its data migration seeds it. A transactional test
    (the browser tests) starts from an emptied database, so it seeds it again."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("patrols.migrations.0002_default_checklist")
    migration.seed(apps, None)
