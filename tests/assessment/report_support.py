"""Builders for the reports' tests: periods and score rows written directly, with
known totals and indicators, so a report can be checked against hand sums."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from assessment.models import Period, Score

HUNDRED = Decimal(100)


def month(year: int, number: int, status: str = Period.Status.FINAL) -> Period:
    return Period.objects.create(
        kind=Period.Kind.MONTH, start=dt.date(year, number, 1), status=status
    )


def _parts(total) -> dict:
    """base 100, minus deductions, plus commendations: whatever gives `total`."""
    total = Decimal(str(total))
    return {
        "base": HUNDRED,
        "total": total,
        "deductions": max(HUNDRED - total, Decimal(0)),
        "commendations": max(total - HUNDRED, Decimal(0)),
    }


def window_score(period: Period, window, total, **indicators) -> Score:
    return Score.objects.create(
        period=period,
        subject=Score.Subject.WINDOW,
        window=window,
        department=window.department,
        **_parts(total),
        **indicators,
    )


def person_score(period: Period, member, total, **indicators) -> Score:
    return Score.objects.create(
        period=period,
        subject=Score.Subject.PERSON,
        window=member.window,
        department=member.department,
        member=member,
        **_parts(total),
        **indicators,
    )


def table_rows(html: str, key: str) -> list[list[str]]:
    """The cells' text of a table of the page, its total row last."""
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
