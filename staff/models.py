"""The people of the hall under dual management (R-ORG-1) in A/B posts (R-ORG-6)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from windows.models import Department, Window


class Post(models.Model):
    """A post (岗位) at a window, held by an A and a B holder (R-ORG-6)."""

    window = models.ForeignKey(
        Window, verbose_name=_("window"), on_delete=models.CASCADE, related_name="posts"
    )
    name = models.CharField(_("name"), max_length=64)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["window", "order", "name"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.UniqueConstraint(fields=["window", "name"], name="post_unique_name_per_window")
        ]

    def __str__(self) -> str:
        return f"{self.window.number} {self.name}"


class StaffMember(models.Model):
    """A person working in the hall.

    Dual management (R-ORG-1): the dispatching department pays and guides; the
    center manages daily work at the window and assesses.
    """

    class Role(models.TextChoices):
        CLERK = "clerk", _("Window clerk")
        WINDOW_HEAD = "window_head", _("Window head")
        CHIEF_REPRESENTATIVE = "chief_representative", _("Chief representative")
        CENTER = "center", _("Center staff")

    class Slot(models.TextChoices):
        A = "A", _("A (holder)")
        B = "B", _("B (substitute)")

    class Gender(models.TextChoices):
        FEMALE = "F", _("Female")
        MALE = "M", _("Male")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.PROTECT,
        related_name="staff_member",
    )
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    phone = models.CharField(_("mobile"), max_length=20, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("dispatching department"),
        on_delete=models.PROTECT,
        related_name="staff",
    )
    window = models.ForeignKey(
        Window,
        verbose_name=_("window"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff",
    )
    post = models.ForeignKey(
        Post,
        verbose_name=_("post"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="holders",
    )
    slot = models.CharField(_("A/B"), max_length=1, choices=Slot.choices, blank=True)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.CLERK)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["department__code", "name"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "slot"],
                condition=Q(post__isnull=False),
                name="staff_one_holder_per_post_slot",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        if self.post_id and self.post.window_id != self.window_id:
            errors["post"] = _("The post belongs to another window.")
        if self.post_id and not self.slot:
            errors["slot"] = _("Say whether the person is the A or the B holder of the post.")
        if (
            self.window_id
            and self.department_id
            and self.window.department_id != self.department_id
        ):
            errors["window"] = _("The window is staffed by another department.")
        if errors:
            raise ValidationError(errors)


class Absence(models.Model):
    """A post holder away from the post (R-ORG-6): while it lasts, the other holder of
    the post steps in, and the B holder acts with A's authority.

    A records a handover note before leaving; when no handover was possible B records
    that they stepped in without one.
    """

    class Reason(models.TextChoices):
        LEAVE = "leave", _("Leave")
        TRAINING = "training", _("Training")
        BUSINESS_TRIP = "business_trip", _("Business trip")
        TEMPORARY = "temporary", _("Temporary absence")

    member = models.ForeignKey(
        StaffMember,
        verbose_name=_("absent holder"),
        on_delete=models.CASCADE,
        related_name="absences",
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    handover_note = models.TextField(_("handover note"), blank=True)
    stepped_in_without_handover = models.BooleanField(
        _("substitute stepped in without a handover"), default=False
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    ended_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        indexes = [models.Index(fields=["member", "starts_at"], name="absence_member_start")]

    def __str__(self) -> str:
        return f"{self.member} {self.get_reason_display()}"

    def is_active(self, now) -> bool:
        return (
            self.ended_at is None
            and self.starts_at <= now
            and (self.ends_at is None or now < self.ends_at)
        )


class Attendance(models.Model):
    """Sign-in and sign-out for a half-day session (R-ORG-7)."""

    class Session(models.TextChoices):
        MORNING = "morning", _("Morning")
        AFTERNOON = "afternoon", _("Afternoon")

    member = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="attendance")
    date = models.DateField(_("date"))
    session = models.CharField(_("session"), max_length=10, choices=Session.choices)
    signed_in_at = models.DateTimeField(_("signed in at"))
    signed_out_at = models.DateTimeField(_("signed out at"), null=True, blank=True)
    late = models.BooleanField(_("late"), default=False)
    signed_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signed in by"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "session"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "date", "session"], name="attendance_once_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.date} {self.get_session_display()}"


class WhereaboutsSign(models.Model):
    """去向牌: a temporary absence from the window, with time out, reason and expected
    return (R-ORG-7). Over 20 minutes it needs the window head's leave and a substitute."""

    member = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="signs")
    reason = models.CharField(_("where to / why"), max_length=100)
    left_at = models.DateTimeField(_("left at"))
    expected_back = models.DateTimeField(_("expected back"))
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("leave granted by"),
    )
    substitute = models.ForeignKey(
        StaffMember,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("substitute"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-left_at"]
        verbose_name = _("whereabouts sign")
        verbose_name_plural = _("whereabouts signs")

    def __str__(self) -> str:
        return f"{self.member} {self.reason}"


class LeaveRequest(models.Model):
    """Leave asked of the window head (R-ORG-7); approved leave is an absence of the post."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    member = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="leave")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=200)
    handover_note = models.TextField(_("handover note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    absence = models.OneToOneField(
        Absence, null=True, blank=True, on_delete=models.SET_NULL, related_name="leave_request"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("leave request")
        verbose_name_plural = _("leave requests")

    def __str__(self) -> str:
        return f"{self.member} {self.starts_at:%Y-%m-%d}"


class DepartmentVisit(models.Model):
    """A department head's visit to their windows (R-ORG-8: at least monthly, 12 a year)."""

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="visits", verbose_name=_("department")
    )
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("visitor"),
    )
    visited_on = models.DateField(_("visited on"))
    checked = models.TextField(_("what was checked"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-visited_on"]
        verbose_name = _("department head visit")
        verbose_name_plural = _("department head visits")

    def __str__(self) -> str:
        return f"{self.department} {self.visited_on}"


class DutyShift(models.Model):
    """A county leader's turn on patrol duty at the center, and whether they came (R-ORG-9)."""

    class Session(models.TextChoices):
        MORNING = "morning", _("Morning")
        AFTERNOON = "afternoon", _("Afternoon")
        DAY = "day", _("All day")

    date = models.DateField(_("date"))
    session = models.CharField(
        _("session"), max_length=10, choices=Session.choices, default=Session.DAY
    )
    leader = models.CharField(_("leader"), max_length=100)
    leader_title = models.CharField(_("title"), max_length=100, blank=True)
    attended = models.BooleanField(
        _("came"), null=True, blank=True, help_text=_("Empty until the day is over.")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "session"]
        verbose_name = _("leaders' duty shift")
        verbose_name_plural = _("leaders' duty rota")
        constraints = [
            models.UniqueConstraint(
                fields=["date", "session", "leader"], name="duty_once_per_leader_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.leader}"


class TrainingRecord(models.Model):
    """A person's training: pre-service training (R-ORG-3) and later courses."""

    class Kind(models.TextChoices):
        PRE_SERVICE = "pre_service", _("Pre-service training")
        BUSINESS = "business", _("Business training")
        OTHER = "other", _("Other")

    member = models.ForeignKey(
        StaffMember,
        on_delete=models.CASCADE,
        related_name="training",
        verbose_name=_("staff member"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("course"), max_length=200)
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    passed = models.BooleanField(_("passed"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date"]
        verbose_name = _("training record")
        verbose_name_plural = _("training records")

    def __str__(self) -> str:
        return f"{self.member} {self.title}"
