"""Complaints from every channel (R-COMP-1) and their protection (R-COMP-4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from cases.models import Case, FirstInquiry
from staff.models import StaffMember
from windows.models import Window


class Complaint(models.Model):
    class Channel(models.TextChoices):
        ON_SITE = "on_site", _("On site")
        PHONE = "phone", _("Telephone")
        LETTER = "letter", _("Letter")
        HOTLINE = "hotline", _("Hotline 12345")
        WEB = "web", _("Public web form")
        FIRST_INQUIRY = "first_inquiry", _("First-inquiry record")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        TRANSFERRED = "transferred", _("Transferred to the window")
        PROPOSED = "proposed", _("Resolution proposed")
        REPLIED = "replied", _("Replied to the complainant")
        REINVESTIGATING = "reinvestigating", _("Re-investigating")
        CONCLUDED = "concluded", _("Concluded")

    number = models.CharField(_("complaint number"), max_length=20, unique=True, blank=True)
    tracking_code = models.CharField(_("tracking code"), max_length=16)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    received_at = models.DateTimeField(_("received at"))
    complainant_name = models.CharField(_("complainant"), max_length=100)
    complainant_phone = models.CharField(_("complainant's phone"), max_length=11)
    complainant_address = models.CharField(_("complainant's address"), max_length=200, blank=True)
    content = models.TextField(_("what happened"))
    window = models.ForeignKey(
        Window,
        verbose_name=_("window complained about"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    staff_member = models.ForeignKey(
        StaffMember,
        verbose_name=_("staff member complained about"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    inquiry = models.OneToOneField(
        FirstInquiry,
        verbose_name=_("first-inquiry record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaint",
    )
    public_violation = models.BooleanField(
        _("a violation reported by the public"),
        default=False,
        help_text=_("Concluded within one month, the result published (R-COMP-3)."),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REGISTERED
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned handler"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_handled",
    )
    retaliation_suspected = models.BooleanField(_("retaliation suspected"), default=False)

    # Handling (R-COMP-2): transfer, proposal, reply, satisfaction, conclusion.
    transferred_to = models.ForeignKey(
        Window,
        verbose_name=_("transferred to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_transferred",
    )
    transferred_at = models.DateTimeField(_("transferred at"), null=True, blank=True)
    response_due = models.DateField(_("resolution due"), null=True, blank=True)
    proposal = models.TextField(_("proposed resolution"), blank=True)
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    reply_by_window = models.BooleanField(_("the window replies on order"), default=False)
    reply = models.TextField(_("reply to the complainant"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    satisfied = models.BooleanField(_("complainant satisfied"), null=True, blank=True)
    direct_investigation = models.BooleanField(_("investigated by the inspector"), default=False)

    class Outcome(models.TextChoices):
        VERIFIED = "verified", _("Verified")
        UNFOUNDED = "unfounded", _("Unfounded")

    outcome = models.CharField(_("conclusion"), max_length=10, choices=Outcome.choices, blank=True)
    conclusion_reasons = models.TextField(_("reasons"), blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    public_summary = models.TextField(
        _("result to publish"),
        blank=True,
        help_text=_("R-COMP-3: published on the public results page; no personal data."),
    )
    conclusion_due = models.DateField(_("to be concluded by"), null=True, blank=True)
    # Every step has a clock (R-COMP-2): the date the current step is due, and the
    # sweep's flag, set once when it runs out so the inspector is told once.
    step_due = models.DateField(_("this step due"), null=True, blank=True)
    step_late_at = models.DateTimeField(_("this step overdue since"), null=True, blank=True)
    late_steps = models.PositiveSmallIntegerField(_("steps taken late"), default=0)
    conclusion_late_at = models.DateTimeField(_("conclusion overdue since"), null=True, blank=True)

    # R-ACC-8: repeats and escalations.
    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("repeat of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="repeats",
    )
    escalated = models.BooleanField(
        _("escalated (越级)"),
        default=False,
        help_text=_("Came through a higher authority instead of the hall."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [models.Index(fields=["status", "received_at"], name="complaint_status")]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CONCLUDED


class Rating(models.Model):
    """好差评 (N-2, R-COMP-5): the applicant rates a completed case or a consultation on
    five levels, on the window's tablet or on their phone."""

    class Level(models.IntegerChoices):
        VERY_SATISFIED = 5, pgettext_lazy("rating level", "Very satisfied")
        SATISFIED = 4, pgettext_lazy("rating level", "Satisfied")
        BASICALLY_SATISFIED = 3, pgettext_lazy("rating level", "Basically satisfied")
        DISSATISFIED = 2, pgettext_lazy("rating level", "Dissatisfied")
        VERY_DISSATISFIED = 1, pgettext_lazy("rating level", "Very dissatisfied")

    BAD_LEVELS = (2, 1)
    # 非常满意, 满意, 基本满意 count towards the satisfaction rate (N-2).
    GOOD_LEVELS = (5, 4, 3)

    class Source(models.TextChoices):
        TABLET = "tablet", _("Tablet at the window")
        PHONE = "phone", _("Phone (receipt QR code)")

    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ratings",
    )
    inquiry = models.ForeignKey(
        FirstInquiry,
        verbose_name=_("consultation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ratings",
    )
    window = models.ForeignKey(
        Window, verbose_name=_("window"), on_delete=models.PROTECT, related_name="ratings"
    )
    staff_member = models.ForeignKey(
        StaffMember,
        verbose_name=_("staff member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ratings",
    )
    level = models.PositiveSmallIntegerField(_("rating"), choices=Level.choices)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    source = models.CharField(_("rated on"), max_length=8, choices=Source.choices)
    visit_on = models.DateField(_("visit"))
    rated_at = models.DateTimeField(_("rated at"))
    invalid = models.BooleanField(
        _("declared invalid on appeal"),
        default=False,
        help_text=_("An invalid rating is left out of the satisfaction figures."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-rated_at"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(case__isnull=False, inquiry__isnull=True)
                | models.Q(case__isnull=True, inquiry__isnull=False),
                name="rating_case_or_inquiry",
            ),
            # N-2: one rating per visit on site…
            models.UniqueConstraint(
                fields=["case", "visit_on"],
                condition=models.Q(case__isnull=False),
                name="rating_one_per_case_visit",
            ),
            # …and one per matter online.
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(case__isnull=False, source="phone"),
                name="rating_one_per_case_online",
            ),
            models.UniqueConstraint(
                fields=["inquiry"],
                condition=models.Q(inquiry__isnull=False),
                name="rating_one_per_inquiry",
            ),
        ]
        indexes = [models.Index(fields=["window", "rated_at"], name="rating_window_at")]

    def __str__(self) -> str:
        return f"{self.subject_number} · {self.get_level_display()}"

    @property
    def subject_number(self) -> str:
        if self.case_id:
            return self.case.number
        return _("Consultation %(at)s") % {"at": f"{self.rated_at:%Y-%m-%d}"}

    @property
    def is_bad(self) -> bool:
        return self.level in self.BAD_LEVELS


class RatingTablet(models.Model):
    """The tablet at a window: its page needs no login, the secret in its address binds
    it to the window."""

    window = models.OneToOneField(
        Window, verbose_name=_("window"), on_delete=models.CASCADE, related_name="rating_tablet"
    )
    token = models.CharField(_("secret"), max_length=48, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rating tablet")
        verbose_name_plural = _("rating tablets")

    def __str__(self) -> str:
        return str(self.window)


class Rectification(models.Model):
    """差评整改: a bad review opens a rectification with a call-back and a deadline (N-2)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the call-back")
        RECTIFYING = "rectifying", _("Being rectified")
        APPEALED = "appealed", _("Appealed as invalid")
        REPORTED = "reported", _("Result reported to the applicant")
        CLOSED = "closed", _("Closed")
        VOID = "void", _("Review found invalid")

    OPEN_STATUSES = ("open", "rectifying", "appealed", "reported")

    rating = models.OneToOneField(
        Rating, verbose_name=_("rating"), on_delete=models.PROTECT, related_name="rectification"
    )
    window = models.ForeignKey(
        Window, verbose_name=_("window"), on_delete=models.PROTECT, related_name="rectifications"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    opened_at = models.DateTimeField(_("opened at"))
    callback_due = models.DateField(_("call-back due"))
    called_back_at = models.DateTimeField(_("called back at"), null=True, blank=True)
    callback_note = models.TextField(_("what the applicant said"), blank=True)
    complex = models.BooleanField(_("complex"), default=False)
    rectify_due = models.DateField(_("rectification due"))
    extended = models.BooleanField(_("extended"), default=False)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    status_before_appeal = models.CharField(max_length=12, blank=True)
    appeal_reason = models.TextField(_("why the review is invalid"), blank=True)
    appealed_at = models.DateTimeField(_("appealed at"), null=True, blank=True)
    appealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appealed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    appeal_upheld = models.BooleanField(_("appeal upheld"), null=True, blank=True)
    appeal_decision = models.TextField(_("decision on the appeal"), blank=True)
    appeal_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appeal decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    appeal_decided_at = models.DateTimeField(_("appeal decided at"), null=True, blank=True)
    result = models.TextField(_("rectification and what the applicant was told"), blank=True)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_note = models.TextField(_("closing note"), blank=True)
    # Set once by the sweep when a clock runs out.
    callback_late_at = models.DateTimeField(_("call-back overdue since"), null=True, blank=True)
    rectify_late_at = models.DateTimeField(_("rectification overdue since"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("bad-review rectification")
        verbose_name_plural = _("bad-review rectifications")
        indexes = [models.Index(fields=["status", "rectify_due"], name="rectification_due")]

    def __str__(self) -> str:
        return f"ZG-{self.pk:06d}" if self.pk else "ZG-new"

    @property
    def number(self) -> str:
        return str(self)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class SpotCheck(models.Model):
    """回访抽查: the center calls the applicant back to check a rectification."""

    rectification = models.ForeignKey(
        Rectification,
        verbose_name=_("rectification"),
        on_delete=models.CASCADE,
        related_name="spot_checks",
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked at"))
    reached = models.BooleanField(_("applicant reached"))
    confirmed = models.BooleanField(_("rectification confirmed"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-checked_at"]
        verbose_name = _("spot-check call-back")
        verbose_name_plural = _("spot-check call-backs")

    def __str__(self) -> str:
        return f"{self.rectification} {self.checked_at:%Y-%m-%d}"
