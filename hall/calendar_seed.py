"""Seeding the calendar table from the `chinesecalendar` package (N-4).

The package covers 2004–2026 and raises for later years: from 2027 on the
table is the only source, loaded by an administrator (hall.calendar_import).
"""

from __future__ import annotations

HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def package_entries(first_year: int, last_year: int) -> list[tuple]:
    """(date, kind, Chinese name) for every exception the package lists in the years."""
    import chinese_calendar

    rows = []
    for kind, table in (
        ("holiday", chinese_calendar.holidays),
        ("workday", chinese_calendar.workdays),
    ):
        for day, name in table.items():
            if first_year <= day.year <= last_year:
                rows.append((day, kind, HOLIDAY_NAMES.get(name, name)))
    return sorted(rows)


def seed(calendar_day_model, calendar_year_model, first_year: int, last_year: int) -> int:
    """Load the package's years that are not in the table yet; returns days created."""
    present = set(calendar_year_model.objects.values_list("year", flat=True))
    years = [y for y in range(first_year, last_year + 1) if y not in present]
    if not years:
        return 0
    rows = [r for r in package_entries(min(years), max(years)) if r[0].year in years]
    calendar_day_model.objects.bulk_create(
        [calendar_day_model(date=d, kind=k, name=n) for d, k, n in rows], ignore_conflicts=True
    )
    calendar_year_model.objects.bulk_create(
        [calendar_year_model(year=y, source="package") for y in years], ignore_conflicts=True
    )
    return len(rows)
