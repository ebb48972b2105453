"""Monthly scores and the annual review of windows and staff (R-SCORE-1..6).

A `Period` is a month or a year. Its scores are computed as a draft by a job (or on
demand), reviewed by a supervisor, published by the director for a publicity period
(公示) during which objections are filed and answered, and then final: locked, so that a
later change is a recorded `Correction`, never a recomputation.

Scores are derived from the lower apps' facts (cases, ratings, complaints, attendance,
patrol findings, accountability effects) through `assessment.scoring`; the figures a
deduction is made of are kept on the score (`breakdown`) so a window can see why.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from staff.models import StaffMember
from windows.models import Department, Window


def _user_fk(verbose_name, *, null=True, related_name="+"):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=null,
        blank=null,
        on_delete=models.PROTECT,
        related_name=related_name,
    )


class Weight(models.Model):
    """The weight table (R-SCORE-1, -4), kept by administrators: what one fact of each
    kind takes off (or adds to) a month's score. A code is fixed because the scoring
    knows how to count it; its value is the hall's to set."""

    class Code(models.TextChoices):
        ACCOUNTABILITY = "accountability", _("Accountability decision: factor on its points")
        PATROL = "patrol", _("Patrol finding: factor on its checklist points")
        LATE = "late", _("Late sign-in: points per session")
        DISSATISFIED = "dissatisfied", _("Rating 不满意: points each")
        VERY_DISSATISFIED = "very_dissatisfied", _("Rating 非常不满意: points each")
        COMPLAINT = "complaint", _("Verified complaint: points each")
        THANKS = "thanks", _("Letter of thanks: points added")
        GOOD_DEED = "good_deed", _("Good deed: points added")
        HONOUR = "honour", _("Honour from a higher authority: points added")

    DEFAULTS = {
        Code.ACCOUNTABILITY: Decimal("1"),
        Code.PATROL: Decimal("1"),
        Code.LATE: Decimal("0.5"),
        Code.DISSATISFIED: Decimal("1"),
        Code.VERY_DISSATISFIED: Decimal("2"),
        Code.COMPLAINT: Decimal("3"),
        Code.THANKS: Decimal("2"),
        Code.GOOD_DEED: Decimal("3"),
        Code.HONOUR: Decimal("5"),
    }

    code = models.CharField(_("fact"), max_length=20, choices=Code.choices, unique=True)
    value = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("scoring weight")
        verbose_name_plural = _("scoring weights")

    def __str__(self) -> str:
        return f"{self.get_code_display()} = {self.value}"

    @classmethod
    def table(cls) -> dict[str, Decimal]:
        """Every code's value; a code missing from the table has its default."""
        values = {str(code): value for code, value in cls.DEFAULTS.items()}
        values.update(cls.objects.values_list("code", "value"))
        return values


class Commendation(models.Model):
    """A letter of thanks, a good deed or an honour, recorded by a supervisor with its
    evidence (R-SCORE-1): it adds the weight table's points for its kind to the month's
    score, up to HALL_SCORE_COMMENDATION_CAP a month."""

    class Kind(models.TextChoices):
        THANKS = "thanks", _("Letter of thanks or pennant")
        GOOD_DEED = "good_deed", _("Good deed")
        HONOUR = "honour", _("Honour from a higher authority")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    window = models.ForeignKey(
        Window, verbose_name=_("window"), on_delete=models.PROTECT, related_name="commendations"
    )
    member = models.ForeignKey(
        StaffMember,
        verbose_name=_("staff member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commendations",
        help_text=_("Leave empty when the window as a whole is commended."),
    )
    on = models.DateField(_("date"))
    description = models.TextField(_("what was done"))
    evidence = models.FileField(_("evidence"), upload_to="commendations/%Y/%m/")
    recorded_by = _user_fk(_("recorded by"), null=False)
    recorded_at = models.DateTimeField(_("recorded at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")

    def __str__(self) -> str:
        who = self.member.name if self.member_id else str(self.window)
        return f"{self.on} {who} {self.get_kind_display()}"


class Period(models.Model):
    """A month or a year of scores and where it stands (R-SCORE-1)."""

    class Kind(models.TextChoices):
        MONTH = "month", _("Month")
        YEAR = "year", _("Year")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("assessment", "Draft")
        REVIEWED = "reviewed", pgettext_lazy("assessment", "Reviewed")
        PUBLICITY = "publicity", pgettext_lazy("assessment", "Published for objections")
        FINAL = "final", pgettext_lazy("assessment", "Final")

    PUBLISHED = (Status.PUBLICITY, Status.FINAL)

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    start = models.DateField(_("first day"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    computed_by = _user_fk(_("computed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = _user_fk(_("reviewed by"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = _user_fk(_("published by"))
    objections_until = models.DateTimeField(_("objections until"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("final since"), null=True, blank=True)
    finalised_by = _user_fk(_("made final by"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start", "kind"]
        verbose_name = _("assessment period")
        verbose_name_plural = _("assessment periods")
        constraints = [
            models.UniqueConstraint(fields=["kind", "start"], name="period_once"),
        ]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("assessment:period", args=[self.kind, self.key])

    @property
    def label(self) -> str:
        if self.kind == self.Kind.YEAR:
            return _("%(year)s annual review") % {"year": self.start.year}
        return _("%(year)s-%(month)02d monthly scores") % {
            "year": self.start.year,
            "month": self.start.month,
        }

    @property
    def key(self) -> str:
        if self.kind == self.Kind.YEAR:
            return f"{self.start.year}"
        return f"{self.start:%Y-%m}"

    @property
    def end(self) -> dt.date:
        """The day after the period."""
        if self.kind == self.Kind.YEAR:
            return dt.date(self.start.year + 1, 1, 1)
        y, m = divmod(self.start.month, 12)
        return dt.date(self.start.year + y, m + 1, 1)

    @property
    def is_published(self) -> bool:
        return self.status in self.PUBLISHED

    @property
    def is_annual(self) -> bool:
        return self.kind == self.Kind.YEAR


class Score(models.Model):
    """One window's or one staff member's result for a period (R-SCORE-1, -2, -3).

    total = base − deductions + commendations + corrections. The indicators beside it
    are what the window or person did in the period; `breakdown` keeps how many facts
    of each kind made the deductions, with the weights used.
    """

    class Subject(models.TextChoices):
        WINDOW = "window", _("Window")
        PERSON = "person", _("Staff member")

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("Excellent (优秀)")
        COMPETENT = "competent", _("Competent (称职)")
        BASIC = "basic", _("Basically competent (基本称职)")
        INCOMPETENT = "incompetent", _("Incompetent (不称职)")

    class Proposal(models.TextChoices):
        NONE = "", _("None")
        RED_FLAG = "red_flag", _("Red-flag window")
        ADVANCED_WINDOW = "advanced_window", _("Advanced window")
        ADVANCED_PERSON = "advanced_person", _("Advanced individual")

    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="scores"
    )
    subject = models.CharField(_("subject"), max_length=8, choices=Subject.choices)
    window = models.ForeignKey(
        Window, verbose_name=_("window"), on_delete=models.PROTECT, related_name="scores"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        StaffMember,
        verbose_name=_("staff member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scores",
    )

    base = models.DecimalField(_("base"), max_digits=6, decimal_places=2)
    deductions = models.DecimalField(_("deductions"), max_digits=7, decimal_places=2, default=0)
    commendations = models.DecimalField(
        _("commendations"), max_digits=6, decimal_places=2, default=0
    )
    corrections = models.DecimalField(_("corrections"), max_digits=6, decimal_places=2, default=0)
    total = models.DecimalField(_("score"), max_digits=7, decimal_places=2)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    award_eligible = models.BooleanField(_("eligible for awards"), default=True)
    best = models.BooleanField(_("among the best windows"), default=False)
    breakdown = models.JSONField(_("deductions by kind"), default=dict, blank=True)

    # Indicators (R-SCORE-2).
    cases_in = models.PositiveIntegerField(_("cases taken in"), default=0)
    cases_done = models.PositiveIntegerField(_("cases completed"), default=0)
    on_time_promised = models.PositiveIntegerField(_("within the promised limit"), default=0)
    on_time_statutory = models.PositiveIntegerField(_("within the statutory limit"), default=0)
    working_days = models.PositiveIntegerField(_("working days to complete, summed"), default=0)
    inquiries = models.PositiveIntegerField(_("first inquiries"), default=0)
    one_time_notices = models.PositiveIntegerField(_("one-time notices"), default=0)
    ratings = models.PositiveIntegerField(_("ratings"), default=0)
    satisfied = models.PositiveIntegerField(_("satisfied ratings"), default=0)
    complaints = models.PositiveIntegerField(_("verified complaints"), default=0)
    sessions = models.PositiveIntegerField(_("sessions signed in"), default=0)
    late = models.PositiveIntegerField(_("late sign-ins"), default=0)

    # The annual review (R-SCORE-3, -5, -6).
    months = models.PositiveSmallIntegerField(_("months scored"), default=0)
    merit = models.DecimalField(
        _("德能勤绩廉 rating"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices, blank=True)
    proposal = models.CharField(
        _("proposed for"), max_length=16, choices=Proposal.choices, blank=True, default=""
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["period", "subject", "rank", "pk"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "window"],
                condition=models.Q(subject="window"),
                name="score_window_once",
            ),
            models.UniqueConstraint(
                fields=["period", "member"],
                condition=models.Q(subject="person"),
                name="score_member_once",
            ),
        ]
        indexes = [models.Index(fields=["period", "subject", "department"])]

    def __str__(self) -> str:
        return f"{self.period.key} {self.name} {self.total}"

    def get_absolute_url(self) -> str:
        return reverse("assessment:score", args=[self.pk])

    @property
    def name(self) -> str:
        return self.member.name if self.member_id else str(self.window)

    @property
    def is_window(self) -> bool:
        return self.subject == self.Subject.WINDOW

    # -- derived indicators --------------------------------------------------
    @staticmethod
    def _rate(part: int, whole: int) -> Decimal | None:
        if not whole:
            return None
        return (Decimal(part) * 100 / Decimal(whole)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def on_time_rate(self) -> Decimal | None:
        return self._rate(self.on_time_promised, self.cases_done)

    @property
    def statutory_rate(self) -> Decimal | None:
        return self._rate(self.on_time_statutory, self.cases_done)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return self._rate(self.satisfied, self.ratings)

    @property
    def average_days(self) -> Decimal | None:
        if not self.cases_done:
            return None
        return (Decimal(self.working_days) / Decimal(self.cases_done)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


class Objection(models.Model):
    """异议: during the publicity period a window or a person objects to their score;
    a supervisor or the director answers, and may correct the score (R-SCORE-1)."""

    class Outcome(models.TextChoices):
        CORRECTED = "corrected", _("Upheld: the score is corrected")
        DISMISSED = "dismissed", _("Dismissed: the score stands")

    score = models.ForeignKey(
        Score, verbose_name=_("score"), on_delete=models.PROTECT, related_name="objections"
    )
    filed_by = _user_fk(_("filed by"), null=False)
    filed_at = models.DateTimeField(_("filed at"))
    grounds = models.TextField(_("grounds"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = _user_fk(_("answered by"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["filed_at", "pk"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"{self.score} · {self.filed_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None


class Correction(models.Model):
    """A recorded change to a published score: the answer to an objection, or a
    correction the director makes to a final period. Never a recomputation."""

    score = models.ForeignKey(
        Score, verbose_name=_("score"), on_delete=models.PROTECT, related_name="correction_rows"
    )
    points = models.DecimalField(_("points (+ adds, − takes off)"), max_digits=6, decimal_places=2)
    reason = models.TextField(_("reason"))
    objection = models.OneToOneField(
        Objection,
        verbose_name=_("objection"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction",
    )
    made_by = _user_fk(_("made by"), null=False)
    made_at = models.DateTimeField(_("made at"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["made_at", "pk"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self) -> str:
        return f"{self.score} {self.points:+}"


class MeritRating(models.Model):
    """德能勤绩廉 (R-SCORE-3, -4): one rater's marks (0–100) for a staff member's year,
    from the person themself, a leader or a peer. The applicants' part is not typed in:
    it is the year's satisfaction rate of the ratings naming the person."""

    class Rater(models.TextChoices):
        SELF = "self", _("Self")
        LEADER = "leader", _("Leader")
        PEER = "peer", _("Peer")

    DIMENSIONS = ("conduct", "ability", "diligence", "results", "integrity")

    period = models.ForeignKey(
        Period, verbose_name=_("year"), on_delete=models.CASCADE, related_name="merit_ratings"
    )
    member = models.ForeignKey(
        StaffMember, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="+"
    )
    rater = _user_fk(_("rated by"), null=False)
    rater_kind = models.CharField(_("as"), max_length=8, choices=Rater.choices)
    conduct = models.PositiveSmallIntegerField(_("德 conduct"), validators=[MaxValueValidator(100)])
    ability = models.PositiveSmallIntegerField(_("能 ability"), validators=[MaxValueValidator(100)])
    diligence = models.PositiveSmallIntegerField(
        _("勤 diligence"), validators=[MaxValueValidator(100)]
    )
    results = models.PositiveSmallIntegerField(_("绩 results"), validators=[MaxValueValidator(100)])
    integrity = models.PositiveSmallIntegerField(
        _("廉 integrity"), validators=[MaxValueValidator(100)]
    )
    rated_at = models.DateTimeField(_("rated at"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["member", "rater_kind", "pk"]
        verbose_name = _("德能勤绩廉 rating")
        verbose_name_plural = _("德能勤绩廉 ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "member", "rater"], name="merit_once_per_rater"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_rater_kind_display()}"

    @property
    def average(self) -> Decimal:
        marks = [getattr(self, d) for d in self.DIMENSIONS]
        return Decimal(sum(marks)) / len(marks)


class DepartmentResult(models.Model):
    """R-SCORE-5: the department's windows' annual score and the 40 % of it that counts
    in the department's annual target score."""

    period = models.ForeignKey(
        Period, verbose_name=_("year"), on_delete=models.CASCADE, related_name="departments"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    window_score = models.DecimalField(_("windows' annual score"), max_digits=7, decimal_places=2)
    share = models.DecimalField(_("share"), max_digits=4, decimal_places=2)
    contribution = models.DecimalField(
        _("points toward the annual target"), max_digits=7, decimal_places=2
    )

    class Meta:
        ordering = ["period", "department__code"]
        verbose_name = _("department result")
        verbose_name_plural = _("department results")
        constraints = [
            models.UniqueConstraint(fields=["period", "department"], name="department_once"),
        ]

    def __str__(self) -> str:
        return f"{self.period.key} {self.department} {self.contribution}"


class ReportFile(models.Model):
    """A report's PDF or workbook, made by the worker while the page shows progress."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "Excel"

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    requested_by = _user_fk(_("requested by"), null=False)
    requested_at = models.DateTimeField(_("requested at"))
    params = models.JSONField(_("report"), default=dict)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/", blank=True)
    error = models.TextField(_("error"), blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("report file")
        verbose_name_plural = _("report files")

    def __str__(self) -> str:
        return f"{self.title}.{self.format}"
