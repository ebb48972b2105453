"""The admin home's system status: fonts, calendar coverage, worker heartbeat."""

from __future__ import annotations

import datetime as dt

from django import template
from django.conf import settings
from django.utils import timezone

from hall.models import CalendarYear, Heartbeat
from hall.pdf import cjk_font_families

register = template.Library()


@register.inclusion_tag("admin/_system_status.html")
def hall_system_status():
    today = timezone.localdate()
    loaded = set(CalendarYear.objects.values_list("year", flat=True))
    beat = Heartbeat.objects.filter(name="worker").first()
    stale = beat is None or timezone.now() - beat.seen_at > dt.timedelta(minutes=5)
    fonts = cjk_font_families()
    wanted = settings.HALL_PDF_FONT_FAMILY
    return {
        "fonts": fonts,
        "font": wanted if wanted in fonts else (fonts[0] if fonts else ""),
        "this_year": today.year,
        "next_year": today.year + 1,
        "this_year_loaded": today.year in loaded,
        "next_year_loaded": today.year + 1 in loaded,
        "last_loaded_year": max(loaded) if loaded else None,
        "heartbeat": beat,
        "heartbeat_stale": stale,
    }
