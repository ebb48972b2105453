"""The hall itself: its working-day calendar and weekly opening pattern.

R-CASE-6, N-4: working days follow the national holiday schedule with its
make-up working days (调休). The schedule is a table: seeded from the
`chinesecalendar` package for the years it covers, and loaded by an
administrator for each new year the State Council announces.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CalendarYear(models.Model):
    """A year whose official schedule is loaded. Dates in other years are provisional."""

    class Source(models.TextChoices):
        PACKAGE = "package", _("chinesecalendar package")
        IMPORT = "import", _("Imported by an administrator")
        MANUAL = "manual", _("Entered by hand")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    source_text = models.TextField(_("imported text"), blank=True)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("loaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A dated exception to the weekly pattern: a holiday or a make-up working day."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday (off)")
        WORKDAY = "workday", _("Make-up working day (调休上班)")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=64, help_text=_("For example 国庆节."))
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name} ({self.get_kind_display()})"

    def clean(self) -> None:
        """The same rules as the import (N-4), for a day edited by hand."""
        from django.core.exceptions import ValidationError

        if self.date is None:
            return
        if self.kind == self.Kind.WORKDAY and self.date.weekday() < 5:
            raise ValidationError(
                {"kind": _("A make-up working day falls on a weekend; this date is a weekday.")}
            )
        if not CalendarYear.objects.filter(year=self.date.year).exists():
            raise ValidationError(
                {
                    "date": _(
                        "%(year)s's schedule is not loaded: load the year first, "
                        "then correct single days."
                    )
                    % {"year": self.date.year}
                }
            )


class Weekday(models.Model):
    """The hall's weekly pattern: which weekdays are working days, and opening hours."""

    class Day(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Day.choices, unique=True)
    is_working_day = models.BooleanField(_("working day"), default=False)
    morning_opens = models.TimeField(_("morning opens"), default=dt.time(9, 0))
    morning_closes = models.TimeField(_("morning closes"), default=dt.time(12, 0))
    afternoon_opens = models.TimeField(_("afternoon opens"), default=dt.time(13, 30))
    afternoon_closes = models.TimeField(_("afternoon closes"), default=dt.time(17, 30))
    history = HistoricalRecords()

    class Meta:
        ordering = ["weekday"]
        verbose_name = _("weekday")
        verbose_name_plural = _("weekly pattern")

    def __str__(self) -> str:
        return str(self.get_weekday_display())


class Heartbeat(models.Model):
    """When a scheduled job last ran in a worker: the admin home's system status."""

    name = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField()
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return self.name


class Alert(models.Model):
    """An in-app notice to one user (the bell in the header).

    `key` names what it is about and at which level (e.g. ``case:42:yellow``), so each
    notice is created once per user, subject and level however often a job runs.
    """

    class Level(models.TextChoices):
        INFO = "info", _("Information")
        WARNING = "warning", _("Warning")
        YELLOW = "yellow", _("Yellow card")
        RED = "red", _("Red card")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts"
    )
    key = models.CharField(max_length=120)
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="alert_once_per_user_key")
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="alert_user_unread")]

    def __str__(self) -> str:
        return self.title


class Account(models.Model):
    """What the hall keeps about a login beyond Django's user: whether its password
    was set by someone else (the demo seed, an administrator) and must be changed at
    the next login (等保: no one keeps a password another person knows)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="hall_account",
        verbose_name=_("user"),
    )
    must_change_password = models.BooleanField(_("must change password"), default=False)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return str(self.user)
