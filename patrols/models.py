"""Daily patrols (R-PATROL-1..3): the checklist, a round of the hall, each window's
check and the findings recorded on it.

A supervisor walks the hall each morning and afternoon (R-PATROL-1). At each window
one tap records that every item passed, or findings are recorded one by one
(R-PATROL-2). Each finding records an occurrence for accountability; the window
head may dispute it within a set time and a supervisor upholds or withdraws it.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from staff.models import StaffMember
from windows.models import Window


def _user_fk(verbose_name, *, null=True, related_name="+"):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=null,
        blank=null,
        on_delete=models.PROTECT,
        related_name=related_name,
    )


class ChecklistItem(models.Model):
    """One line of the patrol checklist, kept by administrators (R-PATROL-2)."""

    class Subject(models.TextChoices):
        WINDOW = "window", _("The window")
        PERSON = "person", _("A named person")

    code = models.SlugField(_("code"), max_length=32, unique=True)
    title = models.CharField(_("item"), max_length=200)
    subject = models.CharField(
        _("a finding is about"), max_length=8, choices=Subject.choices, default=Subject.WINDOW
    )
    deduction = models.DecimalField(
        _("default deduction (points)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    rule = models.CharField(
        _("rule"),
        max_length=16,
        default="R-PATROL-2",
        help_text=_("The rule ID a finding is recorded under for accountability."),
    )
    is_absence = models.BooleanField(
        _("absence from the post"),
        default=False,
        help_text=_(
            "空岗/串岗: refused for a person whose absence is sanctioned by a whereabouts "
            "sign within the limit, leave or an A/B substitution."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("patrol checklist")

    def __str__(self) -> str:
        return self.title


class Half(models.TextChoices):
    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")


class Round(models.Model):
    """A patrol of the hall in one half-day (R-PATROL-1)."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("patrol round", "Walking")
        COMPLETE = "complete", pgettext_lazy("patrol round", "Every window covered")
        SIGNED = "signed", pgettext_lazy("patrol round", "Signed off")

    date = models.DateField(_("date"))
    half = models.CharField(_("half-day"), max_length=10, choices=Half.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    started_by = _user_fk(_("started by"), null=False, related_name="patrol_rounds")
    started_at = models.DateTimeField(_("started at"))
    completed_at = models.DateTimeField(_("every window covered at"), null=True, blank=True)
    signed_by = _user_fk(_("signed off by"))
    signed_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    remarks = models.TextField(_("remarks"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-started_at"]
        verbose_name = _("patrol round")
        verbose_name_plural = _("patrol rounds")
        constraints = [
            # One unsigned round per half-day at a time: a second supervisor joins it.
            models.UniqueConstraint(
                fields=["date", "half"],
                condition=models.Q(status__in=["open", "complete"]),
                name="patrol_one_open_round_per_half_day",
            )
        ]
        indexes = [models.Index(fields=["date", "half"], name="patrol_round_day")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_half_display()}"


class WindowCheck(models.Model):
    """A window checked on a round: every item passed, or findings recorded."""

    class Result(models.TextChoices):
        PASSED = "passed", _("All items passed")
        FINDINGS = "findings", _("Findings recorded")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="checks")
    window = models.ForeignKey(
        Window, verbose_name=_("window"), on_delete=models.PROTECT, related_name="patrol_checks"
    )
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    checked_by = _user_fk(_("checked by"), null=False)
    checked_at = models.DateTimeField(_("checked at"))
    context = models.TextField(
        _("seen at the window"),
        blank=True,
        help_text=_("Whereabouts signs and A/B substitutions shown when the window was checked."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "window__floor", "window__floor_order", "window__number"]
        verbose_name = _("window check")
        verbose_name_plural = _("window checks")
        constraints = [
            models.UniqueConstraint(fields=["round", "window"], name="patrol_check_once_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.window.number}"


class Finding(models.Model):
    """Something a patrol found wrong at a window (R-PATROL-2)."""

    class Status(models.TextChoices):
        RECORDED = "recorded", pgettext_lazy("patrol finding", "Recorded")
        DISPUTED = "disputed", pgettext_lazy("patrol finding", "Disputed")
        UPHELD = "upheld", pgettext_lazy("patrol finding", "Upheld")
        WITHDRAWN = "withdrawn", pgettext_lazy("patrol finding", "Withdrawn")

    COUNTED = (Status.RECORDED, Status.DISPUTED, Status.UPHELD)

    window_check = models.ForeignKey(
        WindowCheck,
        verbose_name=_("window check"),
        on_delete=models.PROTECT,
        related_name="findings",
    )
    window = models.ForeignKey(
        Window, verbose_name=_("window"), on_delete=models.PROTECT, related_name="patrol_findings"
    )
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="findings"
    )
    person = models.ForeignKey(
        StaffMember,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="patrol_findings",
    )
    note = models.TextField(_("what was seen"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="patrols/%Y/%m/", blank=True)
    points = models.DecimalField(_("deduction (points)"), max_digits=5, decimal_places=1)
    recorded_by = _user_fk(_("recorded by"), null=False)
    recorded_at = models.DateTimeField(_("recorded at"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECORDED
    )
    dispute_due = models.DateTimeField(_("may be disputed until"))
    dispute_reason = models.TextField(_("grounds of the dispute"), blank=True)
    disputed_by = _user_fk(_("disputed by"))
    disputed_at = models.DateTimeField(_("disputed at"), null=True, blank=True)
    decided_by = _user_fk(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("patrol finding")
        verbose_name_plural = _("patrol findings")
        indexes = [
            models.Index(fields=["recorded_at"], name="patrol_finding_at"),
            models.Index(fields=["window", "recorded_at"], name="patrol_finding_window"),
        ]

    def __str__(self) -> str:
        return f"{self.window.number} {self.item}"

    @property
    def counted(self) -> bool:
        return self.status in self.COUNTED
