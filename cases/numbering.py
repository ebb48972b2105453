"""Case numbers: readable (2026-A12-000123: year, window, sequence) and never duplicated."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction

from .models import CaseSequence

TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def next_case_number(window, year: int) -> str:
    """Take the next number of the window's year under a row lock.

    Two clerks submitting at the same instant serialise on the sequence row
    (SELECT … FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions lock the
    database), so each gets its own number. The first number of a year creates
    the row; a concurrent creator loses on the unique constraint and retries.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                CaseSequence.objects.get_or_create(year=year, window=window)
        except IntegrityError:
            pass  # a concurrent request created the year's row first
        sequence = CaseSequence.objects.select_for_update().get(year=year, window=window)
        sequence.last += 1
        sequence.save(update_fields=["last"])
        return f"{year}-{window.number}-{sequence.last:06d}"


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(8))
