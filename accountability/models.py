"""Occurrences: facts of a possible violation, recorded by the apps that detect them.

Architecture: an app that detects something that may be a violation records an
occurrence here, through `accountability.services.occurrence_record`. It names
its source generically (content type and id), so this app imports none of the
apps that record into it; the later accountability issue turns occurrences
into cases and decisions.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
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
        # New occurrences of the same person and month still join an open case.
        OPEN = "open", pgettext_lazy("accountability case", "Open")
        HEARING = "hearing", _("Being heard (陈述申辩)")
        COUNTERSIGN = "countersign", _("Awaiting the director's countersignature")
        DECIDED = "decided", _("Decided")
        APPEALED = "appealed", _("Under appeal")
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
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
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
    # When the case is closed without a decision (the facts do not hold), why.
    dismissed_reason = models.TextField(_("reason for no accountability"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("accountability case")
        verbose_name_plural = _("accountability cases")

    def __str__(self) -> str:
        return self.number

    def act_date(self) -> dt.date:
        """When the act happened: its first occurrence, else the day the case was opened
        (what R-ACC-6's "within a year" counts from)."""
        first = min((o.occurred_at for o in self.occurrences.all()), default=None)
        return timezone.localdate(first or self.opened_at)

    @property
    def decision(self):
        """The decision in force or awaiting countersignature (not one superseded or
        annulled), if any."""
        return (
            self.decisions.exclude(
                status__in=[
                    Decision.Status.SUPERSEDED,
                    Decision.Status.ANNULLED,
                    Decision.Status.SENT_BACK,
                ]
            )
            .order_by("-decided_at", "-pk")
            .first()
        )


class Hearing(models.Model):
    """陈述申辩 (R-ACC-1, S1 八(八)): a person to be charged is told the facts and given
    until a deadline to state and defend; no decision is taken before every
    statement is in or its deadline has passed."""

    case = models.ForeignKey(
        AccountabilityCase,
        verbose_name=_("accountability case"),
        on_delete=models.CASCADE,
        related_name="hearings",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person heard"),
        on_delete=models.PROTECT,
        related_name="accountability_hearings",
    )
    link = models.CharField(_("link of the chain"), max_length=12, choices=Link.choices)
    facts = models.TextField(_("facts notified"))
    notified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("notified by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    notified_at = models.DateTimeField(_("notified at"))
    due_at = models.DateTimeField(_("statement due by"))
    statement = models.TextField(_("statement and defence"), blank=True)
    stated_at = models.DateTimeField(_("stated at"), null=True, blank=True)
    # Who entered the statement: the person, or an inspector writing down what the
    # person said or handed in on paper.
    stated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "pk"]
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "person", "link"], name="hearing_once_per_case_person_link"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.person}"

    def is_over(self, now: dt.datetime) -> bool:
        return self.stated_at is not None or now > self.due_at


class Decision(models.Model):
    """问责决定: which links are charged, the points for each, the circumstances and the
    reasons (R-ACC-2, -4..-7). Above the countersignature threshold it takes effect
    only when the director countersigns."""

    class Status(models.TextChoices):
        COUNTERSIGN = "countersign", _("Awaiting countersignature")
        IN_FORCE = "in_force", _("In force")
        SUPERSEDED = "superseded", _("Changed on appeal")
        SENT_BACK = "sent_back", _("Sent back by the director")
        ANNULLED = "annulled", _("Annulled on appeal")

    case = models.ForeignKey(
        AccountabilityCase,
        verbose_name=_("accountability case"),
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"))
    reasons = models.TextField(_("reasons"))
    aggravating = models.JSONField(_("aggravating circumstances (R-ACC-6)"), default=list)
    mitigating = models.JSONField(_("mitigating circumstances (R-ACC-7)"), default=list)
    points_min = models.DecimalField(_("fewest points allowed"), max_digits=5, decimal_places=1)
    points_max = models.DecimalField(_("most points allowed"), max_digits=5, decimal_places=1)
    rectify_by = models.DateField(_("rectify by"), null=True, blank=True)
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("countersigned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    countersigned_at = models.DateTimeField(_("countersigned at"), null=True, blank=True)
    in_force_at = models.DateTimeField(_("in force since"), null=True, blank=True)
    appeal_due_at = models.DateTimeField(_("appeal by"), null=True, blank=True)
    # A decision changed on appeal is replaced by a new one; this points to it.
    replaced_by = models.OneToOneField(
        "self",
        verbose_name=_("replaced by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("accountability decision")
        verbose_name_plural = _("accountability decisions")

    def __str__(self) -> str:
        return f"{self.case.number} · {self.get_status_display()}"

    @property
    def aggravated(self) -> bool:
        return bool(self.aggravating)

    @property
    def total_points(self):
        return sum((c.points for c in self.charges.all()), Decimal(0))


class Charge(models.Model):
    """One link of the chain charged by a decision, and its points (R-ACC-2)."""

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.CASCADE, related_name="charges"
    )
    link = models.CharField(_("link of the chain"), max_length=12, choices=Link.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person charged"),
        on_delete=models.PROTECT,
        related_name="accountability_charges",
    )
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["decision", "pk"]
        verbose_name = _("charge")
        verbose_name_plural = _("charges")
        constraints = [
            models.UniqueConstraint(fields=["decision", "link"], name="charge_once_per_link"),
            models.CheckConstraint(condition=models.Q(points__gte=0), name="charge_points_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.get_link_display()} · {self.person} · {self.points}"


class EffectQuerySet(models.QuerySet):
    def in_force(self):
        """The effects the monthly assessment reads: not revoked by an appeal."""
        return self.filter(revoked_at__isnull=True)


class Effect(models.Model):
    """What a decision in force brings, one row each, for the monthly assessment to
    read (R-ACC-4, -5, -6, -9): points off a window's or a person's month, the
    window's award lost, a warning, a circulated criticism, a self-examination or a
    rectification due by a date, the department head told, a removal proposed. An
    appeal that annuls or changes the decision revokes them (revoked_at)."""

    class Kind(models.TextChoices):
        WINDOW_POINTS = "window_points", _("Points off the window's month")
        PERSON_POINTS = "person_points", _("Points off the person's month")
        AWARD_LOSS = "award_loss", _("The window loses the month's award eligibility")
        WARNING = "warning", _("Warning to the window head")
        CRITICISM = "criticism", _("Circulated criticism (通报批评)")
        SELF_EXAMINATION = "self_examination", _("Written self-examination")
        RECTIFICATION = "rectification", _("Rectification order")
        DEPARTMENT_NOTICE = "department_notice", _("The department head is notified")
        REMOVAL = "removal", _("Proposal to remove from the post")

    DUE_KINDS = (Kind.SELF_EXAMINATION, Kind.RECTIFICATION)

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="effects"
    )
    kind = models.CharField(_("effect"), max_length=20, choices=Kind.choices)
    window = models.ForeignKey(
        Window, verbose_name=_("window"), null=True, blank=True, on_delete=models.PROTECT
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accountability_effects",
    )
    month = models.DateField(_("month"))
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1, default=0)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_at = models.DateTimeField(_("handed in at"), null=True, blank=True)
    late_at = models.DateTimeField(_("flagged late at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = EffectQuerySet.as_manager()

    class Meta:
        ordering = ["decision", "pk"]
        verbose_name = _("effect")
        verbose_name_plural = _("effects")
        indexes = [models.Index(fields=["month", "kind"])]

    def __str__(self) -> str:
        return f"{self.decision.case.number} · {self.get_kind_display()}"


class Appeal(models.Model):
    """申诉 (R-ACC-1, S1 八(八)): a person charged appeals within a set time; a different
    inspector or the director reviews it and upholds, changes or annuls the decision."""

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Upheld")
        CHANGED = "changed", _("Changed")
        ANNULLED = "annulled", _("Annulled")

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="appeals"
    )
    appellant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appellant"),
        on_delete=models.PROTECT,
        related_name="accountability_appeals",
    )
    grounds = models.TextField(_("grounds"))
    filed_at = models.DateTimeField(_("filed at"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    review_reasons = models.TextField(_("reasons of the review"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-filed_at", "-pk"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"{self.decision.case.number} · {self.appellant}"
