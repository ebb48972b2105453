"""Reading a year's holiday schedule as the State Council notice lists it (N-4).

One line per holiday, in the order of the notice; blank lines and lines that
start with `#` are skipped. A line is a name, what the dates are, and the dates:

    元旦, 放假, 2027-01-01 至 2027-01-03
    春节, 放假, 2月6日至2月12日
    春节, 上班, 2月14日, 2月20日

- the kind is 放假/休/holiday (days off) or 上班/班/workday (make-up working days);
- a date is 2027-01-01, 2027/1/1 or 1月1日 (the year of the import);
- two dates joined by 至, 到, ~ or .. are a range, both ends included;
- commas, Chinese commas (，、) and spaces separate the parts; a name may hold
  several holidays (国庆节、中秋节, 放假, …), and a weekday note such as （周五）
  after a date is skipped.

Every error names its line, and nothing is loaded unless the whole text is right.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

HOLIDAY_WORDS = {"放假", "休", "休息", "holiday", "off"}
WORKDAY_WORDS = {"上班", "班", "调休上班", "workday", "work"}

_DATE = r"(?:(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})|(\d{1,2})月(\d{1,2})日?)"
_DATE_RE = re.compile(_DATE)
_END = r"(?:(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})|(\d{1,2})月(\d{1,2})日?|(\d{1,2})日)"
_RANGE_RE = re.compile(_DATE + r"\s*(?:至|到|~|～|\.\.)\s*" + _END)
_SPLIT_RE = re.compile(r"[,，、;；\s]+")
# "1月1日（周五）至3日（周日）": the notice names the weekday of each end.
_WEEKDAY_NOTE_RE = re.compile(r"[（(]\s*(?:周|星期)[一二三四五六日天]\s*[)）]")


@dataclass(frozen=True)
class ScheduleEntry:
    date: dt.date
    kind: str  # "holiday" or "workday"
    name: str


def _to_date(groups: tuple, year: int, line_no: int) -> dt.date:
    y, m, d, m2, d2 = groups
    try:
        if y:
            return dt.date(int(y), int(m), int(d))
        return dt.date(year, int(m2), int(d2))
    except ValueError:
        raise ValidationError(
            _("Line %(line)s: %(text)s is not a date.")
            % {"line": line_no, "text": "-".join(g for g in groups if g)}
        ) from None


def parse_schedule(text: str, year: int) -> list[ScheduleEntry]:
    """Parse the text into one entry per date; raises ValidationError listing every problem."""
    errors: list[str] = []
    entries: dict[dt.date, ScheduleEntry] = {}
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        tokens = [t for t in _SPLIT_RE.split(line) if t]
        kind_at = next(
            (i for i, t in enumerate(tokens) if i and t.lower() in HOLIDAY_WORDS | WORKDAY_WORDS),
            None,
        )
        if len(tokens) < 3:
            errors.append(
                _("Line %(line)s: expected a name, 放假 or 上班, and dates.") % {"line": line_no}
            )
            continue
        if kind_at is None:
            errors.append(
                _("Line %(line)s: %(word)s is neither 放假 (holiday) nor 上班 (working day).")
                % {"line": line_no, "word": tokens[1]}
            )
            continue
        # A name may itself hold 、 (国庆节、中秋节): it runs up to the kind word.
        name = "、".join(tokens[:kind_at])
        kind = "holiday" if tokens[kind_at].lower() in HOLIDAY_WORDS else "workday"
        rest = _WEEKDAY_NOTE_RE.sub("", " ".join(tokens[kind_at + 1 :]))
        try:
            dates = _dates_of(rest, year, line_no)
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        if not dates:
            errors.append(_("Line %(line)s: no date found.") % {"line": line_no})
            continue
        for day in dates:
            if day.year != year:
                errors.append(
                    _("Line %(line)s: %(date)s is not in %(year)s.")
                    % {"line": line_no, "date": day.isoformat(), "year": year}
                )
                continue
            if kind == "workday" and day.weekday() < 5:
                errors.append(
                    _(
                        "Line %(line)s: %(date)s is a weekday; "
                        "a make-up working day falls on a weekend."
                    )
                    % {"line": line_no, "date": day.isoformat()}
                )
                continue
            previous = entries.get(day)
            if previous and previous.kind != kind:
                errors.append(
                    _("Line %(line)s: %(date)s is listed both as a holiday and as a working day.")
                    % {"line": line_no, "date": day.isoformat()}
                )
                continue
            entries[day] = ScheduleEntry(day, kind, name)
    if errors:
        raise ValidationError(errors)
    if not entries:
        raise ValidationError(_("The text lists no holiday."))
    return sorted(entries.values(), key=lambda e: e.date)


def _dates_of(rest: str, year: int, line_no: int) -> list[dt.date]:
    dates: list[dt.date] = []
    position = 0
    while True:
        ranged = _RANGE_RE.search(rest, position)
        single = _DATE_RE.search(rest, position)
        if single is None:
            break
        if ranged is not None and ranged.start() == single.start():
            first = _to_date(ranged.groups()[:5], year, line_no)
            end_groups = ranged.groups()[5:]
            if end_groups[5]:
                # "2月6日至12日" leaves the month out of the end: take the start's.
                end_groups = (None, None, None, str(first.month), end_groups[5])
            last = _to_date(end_groups[:5], first.year, line_no)
            if last < first:
                raise ValidationError(
                    _("Line %(line)s: the range ends before it starts.") % {"line": line_no}
                )
            if (last - first).days > 31:
                raise ValidationError(
                    _("Line %(line)s: a holiday of more than a month is surely a typo.")
                    % {"line": line_no}
                )
            day = first
            while day <= last:
                dates.append(day)
                day += dt.timedelta(days=1)
            position = ranged.end()
        else:
            dates.append(_to_date(single.groups(), year, line_no))
            position = single.end()
    leftover = _DATE_RE.sub("", _RANGE_RE.sub("", rest))
    leftover = re.sub(r"[,，、;；\s至到~～.（）()周六日一二三四五]", "", leftover)
    if leftover:
        raise ValidationError(
            _("Line %(line)s: could not read %(text)s.") % {"line": line_no, "text": leftover}
        )
    return dates
