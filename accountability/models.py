"""Occurrences: facts of a possible violation, recorded by the apps that detect them.

Architecture: an app that detects something that may be a violation records an
occurrence here, through `accountability.services.occurrence_record`. It names
its source generically (content type and id), so this app imports none of the
apps that record into it; the later accountability issue turns occurrences
into cases and decisions.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from windows.models import Window


class Occurrence(models.Model):
    rule = models.CharField(_("rule"), max_length=16, help_text=_("A rule ID, e.g. R-ACC-4.2."))
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    source_id = models.PositiveBigIntegerField()
    source = GenericForeignKey("source_type", "source_id")
    window = models.ForeignKey(
        Window, verbose_name=_("window"), null=True, blank=True, on_delete=models.PROTECT
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person responsible"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="occurrences",
    )
    acting_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("post holder acted for"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    occurred_at = models.DateTimeField(_("occurred at"))
    detail = models.TextField(_("detail"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    case = models.ForeignKey(
        "AccountabilityCase",
        verbose_name=_("accountability case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="occurrences",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("occurrence")
        verbose_name_plural = _("occurrences")
        constraints = [
            # One occurrence per (source, rule): a job run twice records it once.
            models.UniqueConstraint(
                fields=["source_type", "source_id", "rule"], name="occurrence_once_per_source_rule"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} · {self.source_type.model} {self.source_id}"


class Link(models.TextChoices):
    """The chain of responsibility, in order (R-ACC-2)."""

    CLERK = "clerk", _("Clerk (direct responsibility)")
    CHIEF = "chief", _("Chief representative (leadership responsibility)")
    SUPERVISOR = "supervisor", _("Center supervisor (supervision responsibility)")
    INSPECTOR = "inspector", _("Efficiency inspector (failure to detect)")


class Rule(models.Model):
    """One rule of the catalog (R-ACC-4, -5, -8, -9 and the facts other rules record):
    what it says, the range of points it deducts, which links of the chain it charges
    and what a decision under it brings. Administrators edit ranges and texts (with
    history); a rule in use is retired, never deleted."""

    class Target(models.TextChoices):
        WINDOW = "window", _("The window's month")
        PERSON = "person", _("The person's month")

    class Grouping(models.TextChoices):
        EACH = "each", _("One case per occurrence")
        PERSON_MONTH = "person_month", _("One case per person and month")

    code = models.CharField(_("rule ID"), max_length=16, unique=True)
    group = models.CharField(_("group"), max_length=16, help_text=_("e.g. R-ACC-4"))
    text = models.TextField(_("text"))
    basis = models.CharField(_("basis"), max_length=100, blank=True)
    target = models.CharField(_("points come off"), max_length=8, choices=Target.choices)
    points_min = models.DecimalField(_("fewest points"), max_digits=5, decimal_places=1)
    points_max = models.DecimalField(_("most points"), max_digits=5, decimal_places=1)
    links = models.JSONField(
        _("links charged"), default=list, help_text=_("Of clerk, chief, supervisor, inspector.")
    )
    self_examination = models.BooleanField(_("written self-examination"), default=False)
    rectification = models.BooleanField(_("rectification by a deadline"), default=False)
    award_loss = models.BooleanField(_("the window loses the month's award"), default=False)
    warn_window_head = models.BooleanField(_("warning to the window head"), default=False)
    criticism = models.BooleanField(_("circulated criticism (通报批评)"), default=False)
    grouping = models.CharField(
        _("cases"), max_length=16, choices=Grouping.choices, default=Grouping.EACH
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("accountability rule")
        verbose_name_plural = _("rule catalog")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(points_min__gte=0, points_max__gte=models.F("points_min")),
                name="rule_points_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:40]}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        if self.points_min is not None and self.points_min < 0:
            errors["points_min"] = _("Points cannot be negative.")
        if (
            self.points_min is not None
            and self.points_max is not None
            and self.points_max < self.points_min
        ):
            errors["points_max"] = _("The most points cannot be fewer than the fewest.")
        unknown = [link for link in self.links or [] if link not in Link.values]
        if unknown:
            errors["links"] = _("Unknown links: %(links)s.") % {"links": ", ".join(unknown)}
        if errors:
            raise ValidationError(errors)

    def in_use(self) -> bool:
        return self.cases.exists() or Occurrence.objects.filter(rule=self.code).exists()

    def points_allowed(self, points) -> bool:
        return self.points_min <= points <= self.points_max


class AccountabilityCase(models.Model):
    """问责案件: one or more occurrences (or an inspector's own finding) taken up for a
    decision. Opened by the grouping job or by hand (R-ACC-1)."""

    class Origin(models.TextChoices):
        OCCURRENCE = "occurrence", _("Recorded occurrences")
        INSPECTION = "inspection", _("An inspection")
        MEDIA = "media", _("A media exposure")
        LEADER = "leader", _("A leader's instruction")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("accountability case", "Open")
        CLOSED = "closed", pgettext_lazy("accountability case", "Closed")

    number = models.CharField(_("number"), max_length=16, unique=True)
    rule = models.ForeignKey(
        Rule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="cases"
    )
    origin = models.CharField(_("origin"), max_length=16, choices=Origin.choices)
    window = models.ForeignKey(
        Window, verbose_name=_("window"), null=True, blank=True, on_delete=models.PROTECT
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accountability_cases",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month it concerns."))
    # The grouping job's key: a case per occurrence ("o<id>") or per person, rule and
    # month ("p<user>:<yyyy-mm>"); unique, so the job run twice opens nothing new.
    group_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    facts = models.TextField(_("facts"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("opened at"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("accountability case")
        verbose_name_plural = _("accountability cases")

    def __str__(self) -> str:
        return self.number
