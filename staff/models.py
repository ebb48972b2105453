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
    on_post_since = models.DateField(_("on post since"), null=True, blank=True)
    left_on = models.DateField(_("left the hall on"), null=True, blank=True)
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
        # The A holder sits at the post's window; the B holder may sit at another
        # window of the department or in its back office (R-ORG-6).
        if self.post_id and self.slot == self.Slot.A and self.post.window_id != self.window_id:
            errors["post"] = _("The post belongs to another window.")
        if (
            self.post_id
            and self.department_id
            and self.post.window.department_id != self.department_id
        ):
            errors["post"] = _("The post belongs to another department's window.")
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
    # A temporary absence shown on a whereabouts sign (R-ORG-7) is an absence of the
    # post while the sign is up, so the other holder stands in (R-ORG-6).
    sign = models.OneToOneField(
        "WhereaboutsSign",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="absence",
        verbose_name=_("whereabouts sign"),
    )
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


class PostChange(models.Model):
    """A change of a post's A or B holder, registered with the center (R-ORG-6)."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="changes", verbose_name=_("post")
    )
    slot = models.CharField(_("A/B"), max_length=1, choices=StaffMember.Slot.choices)
    previous = models.ForeignKey(
        StaffMember,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("previous holder"),
    )
    holder = models.ForeignKey(
        StaffMember,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("new holder"),
    )
    reason = models.CharField(_("reason"), max_length=200)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("change of post holder")
        verbose_name_plural = _("changes of post holders")

    def __str__(self) -> str:
        return f"{self.post} {self.slot}"


class Dispatch(models.Model):
    """A department's proposal of a person for a window post, the center's review of
    the four points and the pre-service training (R-ORG-3, 《窗口工作人员登记表》)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed, waiting for review")
        PASSED = "passed", _("Review passed, waiting for training")
        TRAINED = "trained", _("Trained, ready to take the post")
        FAILED = "failed", _("Review failed")
        ON_POST = "on_post", _("On post")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Employment(models.TextChoices):
        CIVIL_SERVANT = "civil_servant", _("Civil servant")
        REFERENCE = "reference", _("Managed as civil servant (参公)")
        INSTITUTION = "institution", _("Public institution staff (事业编制)")
        CONTRACT = "contract", _("Contract staff (编外)")

    class Role(models.TextChoices):
        CLERK = "clerk", _("Window clerk")
        WINDOW_HEAD = "window_head", _("Window head")

    POINTS = ("identity", "qualification", "knowledge", "computer")

    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="dispatches",
        verbose_name=_("department"),
    )
    window = models.ForeignKey(
        Window, on_delete=models.PROTECT, related_name="dispatches", verbose_name=_("window")
    )
    post = models.ForeignKey(
        Post,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("post"),
    )
    slot = models.CharField(_("A/B"), max_length=1, choices=StaffMember.Slot.choices, blank=True)
    role = models.CharField(_("proposed as"), max_length=16, choices=Role.choices)
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(
        _("gender"), max_length=1, choices=StaffMember.Gender.choices, blank=True
    )
    id_number = models.CharField(_("resident ID number"), max_length=18)
    birth_date = models.DateField(_("date of birth"))
    phone = models.CharField(_("mobile"), max_length=11)
    employment = models.CharField(_("employment status"), max_length=16, choices=Employment.choices)
    rank = models.CharField(_("rank or title"), max_length=100, blank=True)
    education = models.CharField(_("education"), max_length=100, blank=True)
    qualifications = models.TextField(
        _("qualifications"), help_text=_("Law-enforcement certificate, professional licences…")
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed at"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PROPOSED
    )

    identity_passed = models.BooleanField(_("identity"), null=True)
    identity_note = models.CharField(_("note on identity"), max_length=300, blank=True)
    qualification_passed = models.BooleanField(_("qualification"), null=True)
    qualification_note = models.CharField(_("note on qualification"), max_length=300, blank=True)
    knowledge_passed = models.BooleanField(_("business knowledge"), null=True)
    knowledge_note = models.CharField(_("note on business knowledge"), max_length=300, blank=True)
    computer_passed = models.BooleanField(_("computer skill"), null=True)
    computer_note = models.CharField(_("note on computer skill"), max_length=300, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    training_title = models.CharField(_("pre-service training"), max_length=200, blank=True)
    training_on = models.DateField(_("trained on"), null=True, blank=True)
    training_hours = models.DecimalField(
        _("hours"), max_digits=5, decimal_places=1, null=True, blank=True
    )

    member = models.OneToOneField(
        StaffMember,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dispatch",
        verbose_name=_("staff member"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-proposed_at"]
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")

    def __str__(self) -> str:
        return f"{self.department} {self.name}"

    def points(self):
        """The four review points as (key, label, passed, note)."""
        return [
            (
                key,
                self._meta.get_field(f"{key}_passed").verbose_name,
                getattr(self, f"{key}_passed"),
                getattr(self, f"{key}_note"),
            )
            for key in self.POINTS
        ]


class SwapRequest(models.Model):
    """A department asks to replace a window's staff member (R-ORG-4, S2 §16, S4 二.3)."""

    class Reason(models.TextChoices):
        REGULAR = "regular", _("Regular adjustment (January)")
        CENTER_REQUEST = "center_request", _("Requested by the center (incompetence, violation)")
        HEALTH = "health", _("Health")
        PROMOTED = "promoted", _("Promoted or given other work by the department")
        TRANSFERRED = "transferred", _("Transferred out of the department")
        OTHER = "other", _("Other special reason")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the center")
        APPROVED = (
            "approved",
            _("Approved: the leaving person stays until the newcomer is familiar"),
        )
        REFUSED = "refused", _("Refused")
        COMPLETED = "completed", _("Completed")

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="swaps", verbose_name=_("department")
    )
    leaving = models.ForeignKey(
        StaffMember,
        on_delete=models.PROTECT,
        related_name="swaps_out",
        verbose_name=_("leaving"),
    )
    incoming = models.ForeignKey(
        Dispatch,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="swaps",
        verbose_name=_("newcomer"),
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    explanation = models.TextField(_("explanation"), blank=True)
    effective_on = models.DateField(_("swap on"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
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
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)
    familiar_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("newcomer marked familiar by"),
    )
    familiar_at = models.DateTimeField(_("newcomer familiar at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("swap request")
        verbose_name_plural = _("swap requests")

    def __str__(self) -> str:
        return f"{self.leaving} {self.effective_on}"


class ReturnDecision(models.Model):
    """The director's decision on a person who meets a return rule (R-ORG-5)."""

    class Decision(models.TextChoices):
        RETURN = "return", _("Return to the department")
        KEEP = "keep", _("Keep at the window")

    member = models.ForeignKey(
        StaffMember,
        on_delete=models.PROTECT,
        related_name="return_decisions",
        verbose_name=_("staff member"),
    )
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices)
    reasons = models.TextField(_("reasons"))
    facts = models.JSONField(_("facts"), default=list)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = _("return decision")
        verbose_name_plural = _("return decisions")

    def __str__(self) -> str:
        return f"{self.member} {self.get_decision_display()}"
