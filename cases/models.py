"""First inquiries and cases: what a window clerk records all day (R-FIRST-1, R-CASE-1..9)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from hall.validators import validate_upload_size
from windows.models import ServiceItem, ServiceItemMaterial, Window

USER = settings.AUTH_USER_MODEL


def _user_fk(verbose, related="+", null=True):
    return models.ForeignKey(
        USER,
        verbose_name=verbose,
        null=null,
        blank=null,
        on_delete=models.PROTECT,
        related_name=related,
    )


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", pgettext_lazy("channel", "Phone")
    LETTER = "letter", _("Letter")
    WEB = "web", _("Web")


class FirstInquiry(models.Model):
    """首问登记: the first person asked owns the inquiry (R-FIRST-1)."""

    class Disposition(models.TextChoices):
        ANSWERED = "answered", _("Answered here")
        CASE = "case", _("Handled as a case")
        COLLEAGUE = "colleague", _("Referred to a colleague")
        WINDOW = "window", _("Referred to another window")
        NOT_THIS_HALL = "not_this_hall", _("Not handled in this hall")
        REPORT = "report", _("Report or complaint recorded")

    window = models.ForeignKey(
        Window, verbose_name=_("window"), on_delete=models.PROTECT, related_name="inquiries"
    )
    received_by = _user_fk(_("received by"), related="inquiries_received", null=False)
    acting_for = _user_fk(_("acting for"))
    received_at = models.DateTimeField(_("received at"))
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.IN_PERSON
    )
    inquirer_name = models.CharField(_("inquirer"), max_length=100, blank=True)
    inquirer_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    disposition = models.CharField(_("disposition"), max_length=16, choices=Disposition.choices)
    referred_to_user = _user_fk(_("colleague"), related="inquiries_referred")
    referred_to_window = models.ForeignKey(
        Window,
        verbose_name=_("other window"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inquiries_referred_in",
    )
    other_department = models.CharField(_("responsible department"), max_length=200, blank=True)
    other_contact = models.CharField(_("its contact"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    case = models.OneToOneField(
        "Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inquiry",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("first inquiry")
        verbose_name_plural = _("first inquiries")

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d %H:%M} {self.subject}"


class Light(models.TextChoices):
    """N-3: the electronic supervision lights."""

    GREEN = "green", _("On time")
    WARNING = "warning", _("Warning")
    YELLOW = "yellow", _("Yellow card")
    RED = "red", _("Red card")


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=Case.OPEN_STATUSES)

    def closed(self):
        return self.exclude(status__in=Case.OPEN_STATUSES)


class Case(models.Model):
    """A visit that became a case of one of the four kinds (R-CASE-1)."""

    class Kind(models.TextChoices):
        CONSULTATION = "consultation", _("Consultation (咨询件)")
        SUPPLEMENT = "supplement", _("Supplement (补充件)")
        RETURNED = "returned", _("Returned (退回件)")
        ACCEPTED = "accepted", _("Accepted (受理件)")

    class Status(models.TextChoices):
        CONSULTED = "consulted", _("Consulted: one-time notice given")
        AWAITING_SUPPLEMENT = "awaiting_supplement", _("Waiting for missing materials")
        RETURNED = "returned", _("Returned with written reasons")
        IN_PROGRESS = "in_progress", _("In progress")
        SUSPENDED = "suspended", _("Clock suspended")
        APPROVED = "approved", _("Approved: result ready for pickup")
        PICKED_UP = "picked_up", _("Result picked up")
        REFUSED = "refused", _("Refused")

    OPEN_STATUSES = ("awaiting_supplement", "in_progress", "suspended", "approved")
    # The applicant's business is done (or was a consultation): the case may be rated.
    FINISHED_STATUSES = ("consulted", "returned", "approved", "picked_up", "refused")

    class ApplicantKind(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANISATION = "organisation", _("Organisation")

    class IdType(models.TextChoices):
        RESIDENT_ID = "resident_id", _("Resident ID card")
        PASSPORT = "passport", _("Passport")
        PERMIT = "permit", _("Travel permit (HK, Macao, Taiwan)")
        CREDIT_CODE = "credit_code", _("Unified social credit code")

    class Leader(models.TextChoices):
        NONE = "", _("Not leader-assigned")
        URGENT = "urgent", _("Leader-assigned, urgent")
        NORMAL = "normal", _("Leader-assigned")

    number = models.CharField(_("case number"), max_length=32, unique=True)
    tracking_code = models.CharField(_("tracking code"), max_length=16)
    window = models.ForeignKey(
        Window, verbose_name=_("lead window"), on_delete=models.PROTECT, related_name="cases"
    )
    item = models.ForeignKey(
        ServiceItem, verbose_name=_("service item"), on_delete=models.PROTECT, related_name="cases"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices)
    leader_assigned = models.CharField(
        _("leader-assigned"), max_length=8, choices=Leader.choices, default="", blank=True
    )

    applicant_kind = models.CharField(
        _("applicant is"), max_length=16, choices=ApplicantKind.choices
    )
    applicant_name = models.CharField(_("applicant"), max_length=200)
    id_type = models.CharField(_("ID type"), max_length=16, choices=IdType.choices)
    id_number = models.CharField(_("ID number"), max_length=32)
    phone = models.CharField(_("mobile"), max_length=20)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)

    received_at = models.DateTimeField(_("received at"))
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    promised_due = models.DateField(_("promised due date"), null=True, blank=True)
    statutory_due = models.DateField(_("statutory due date"), null=True, blank=True)
    due_provisional = models.BooleanField(_("due dates provisional"), default=False)
    suspended_days = models.PositiveSmallIntegerField(_("working days suspended"), default=0)
    extension_days = models.PositiveSmallIntegerField(_("working days of extension"), default=0)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    picked_up_at = models.DateTimeField(_("picked up at"), null=True, blank=True)
    returned_reasons = models.TextField(_("reasons for return"), blank=True)

    # N-3: the light the supervision sweep stored, and when it last changed.
    light = models.CharField(
        _("light"), max_length=8, choices=Light.choices, blank=True, default=""
    )
    light_changed_at = models.DateTimeField(_("light changed at"), null=True, blank=True)

    created_by = _user_fk(_("taken in by"), related="cases_taken", null=False)
    # A/B acting: the post holder on whose post the last action was taken.
    acting_for = _user_fk(_("acting for"))
    history = HistoricalRecords()

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["window", "status"]),
            # The sweep's and the dashboards' access paths.
            models.Index(fields=["status", "light"], name="case_status_light"),
            # The every-minute sweep reads only the clocked cases' dates and light.
            models.Index(
                fields=["promised_due", "statutory_due", "light"],
                condition=models.Q(status__in=("in_progress", "awaiting_supplement")),
                name="case_clocked_dues",
            ),
            models.Index(fields=["window", "status", "promised_due"], name="case_window_open_due"),
            models.Index(fields=["completed_at"], name="case_completed_at"),
            # The month's cases taken in, for the assessment (R-SCORE-2).
            models.Index(
                fields=["accepted_on"],
                condition=models.Q(kind="accepted"),
                name="case_accepted_on",
            ),
            models.Index(fields=["received_at"], name="case_received_at"),
            models.Index(fields=["id_number"]),
            models.Index(fields=["applicant_name"]),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", args=[self.number])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_joint(self) -> bool:
        return self.parts.exists()


class CaseMaterial(models.Model):
    """A material of the case: received with its pages, or missing with the reason (R-CASE-2)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="materials")
    item_material = models.ForeignKey(
        ServiceItemMaterial, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("material"), max_length=200)
    received = models.BooleanField(_("received"), default=False)
    pages = models.PositiveSmallIntegerField(_("pages"), default=0)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    missing_reason = models.CharField(
        _("why it is needed / what is wrong"), max_length=300, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "id"]
        verbose_name = _("case material")
        verbose_name_plural = _("case materials")

    def __str__(self) -> str:
        return self.name


class Notice(models.Model):
    """A written document given to the applicant (R-CASE-3, R-CASE-2, R-CASE-5, R-CASE-4)."""

    class Kind(models.TextChoices):
        ONE_TIME = "one_time", _("One-time notice")
        SUPPLEMENT = "supplement", _("Supplement notice")
        RETURN = "return", _("Return notice")
        ACCEPTANCE = "acceptance", _("Acceptance notice")
        RECEIPT = "receipt", _("Receipt")
        SUSPENSION = "suspension", _("Suspension notice")
        EXTENSION = "extension", _("Extension notice")
        REJECTION = "rejection", _("Rejection decision")
        REJECTION_FILING = "rejection_filing", _("Rejection filing form")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("document"), max_length=24, choices=Kind.choices)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = _user_fk(_("issued by"), null=False)
    acting_for = _user_fk(_("acting for"))
    # What the document said when it was given, so it can be printed again as it was.
    body = models.JSONField(_("content"), default=dict)
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "issued_at", "id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        # The month's one-time notices, for the assessment (R-SCORE-2).
        indexes = [models.Index(fields=["kind", "issued_at"], name="notice_kind_issued")]

    def __str__(self) -> str:
        return f"{self.case.number} {self.get_kind_display()}"


class Suspension(models.Model):
    """A period the law excludes from the clock (N-1 art. 45, R-CASE-6)."""

    class Reason(models.TextChoices):
        HEARING = "hearing", _("Hearing")
        TENDER = "tender", _("Tendering or auction")
        TESTING = "testing", _("Testing, inspection or quarantine")
        APPRAISAL = "appraisal", _("Appraisal")
        EXPERT = "expert", _("Expert review")
        OTHER = "other", _("Other period excluded by law")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="suspensions")
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    working_days = models.PositiveSmallIntegerField(_("working days suspended"), default=0)
    started_by = _user_fk(_("suspended by"), null=False)
    ended_by = _user_fk(_("resumed by"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "started_on"]
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")

    def __str__(self) -> str:
        return f"{self.case.number} {self.get_reason_display()}"


class Extension(models.Model):
    """An extension of the limit, approved by the window head (R-CASE-5, N-1 art. 42)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveSmallIntegerField(_("working days"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    requested_by = _user_fk(_("requested by"), null=False)
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = _user_fk(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    # A pending approval has its own clock (HALL_EXTENSION_DECISION_DAYS).
    decision_due = models.DateField(_("decision due"), null=True, blank=True)
    light = models.CharField(
        _("light"), max_length=8, choices=Light.choices, blank=True, default=""
    )
    light_changed_at = models.DateTimeField(_("light changed at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "requested_at"]
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")

    def __str__(self) -> str:
        return f"{self.case.number} +{self.days}"


class RejectionFiling(models.Model):
    """否定报备: every refusal is filed and reviewed (R-CASE-4, S1 六)."""

    class Reason(models.TextChoices):
        UNLAWFUL = "unlawful", _("Not in accordance with laws and regulations")
        CONFIDENTIAL = "confidential", _("Involves state secrets")
        INCOMPLETE = "incomplete", _("Documents incomplete")
        PROCEDURE = "procedure", _("Wrong procedure")
        TIMING = "timing", _("Overdue or not yet due")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        UPHELD = "upheld", _("Refusal upheld")
        OVERTURNED = "overturned", _("Refusal found wrong")
        CORRECTED = "corrected", _("Corrected and applicant told")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="rejection_filing")
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    detail = models.TextField(_("detail"))
    clerk_name = models.CharField(_("clerk"), max_length=100)
    clerk_post = models.CharField(_("clerk's post"), max_length=100)
    clerk_phone = models.CharField(_("clerk's phone"), max_length=20)
    applicant_unit = models.CharField(_("applicant's unit"), max_length=200, blank=True)
    applicant_name = models.CharField(_("applicant"), max_length=100)
    applicant_phone = models.CharField(_("applicant's phone"), max_length=20)
    filed_at = models.DateTimeField(_("filed at"))
    filed_by = _user_fk(_("filed by"), null=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    review_due = models.DateField(_("review due"))
    reviewed_by = _user_fk(_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_opinion = models.TextField(_("review opinion"), blank=True)
    correction_due = models.DateField(_("correction due"), null=True, blank=True)
    corrected_at = models.DateTimeField(_("corrected at"), null=True, blank=True)
    # The review's clock, then the correction's (R-CASE-4), swept like a case's.
    light = models.CharField(
        _("light"), max_length=8, choices=Light.choices, blank=True, default=""
    )
    light_changed_at = models.DateTimeField(_("light changed at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rejection filing")
        verbose_name_plural = _("rejection filings")

    def __str__(self) -> str:
        return f"{self.case.number} {self.get_reason_display()}"


class CasePart(models.Model):
    """A co-window's part of a joint case (R-CASE-8)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parts")
    window = models.ForeignKey(
        Window, verbose_name=_("window"), on_delete=models.PROTECT, related_name="case_parts"
    )
    description = models.CharField(_("part"), max_length=200)
    due_date = models.DateField(_("due date"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = _user_fk(_("completed by"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "id"]
        verbose_name = _("joint case part")
        verbose_name_plural = _("joint case parts")
        constraints = [
            models.UniqueConstraint(fields=["case", "window"], name="one_part_per_window")
        ]

    def __str__(self) -> str:
        return f"{self.case.number} {self.window.number}"


class CaseSequence(models.Model):
    """The last case number given per year and window, incremented under a row lock."""

    year = models.PositiveSmallIntegerField()
    window = models.ForeignKey(Window, on_delete=models.CASCADE, related_name="+")
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "window"], name="one_sequence_per_year_window")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.window_id}: {self.last}"


class CardAppeal(models.Model):
    """申诉: the window head appeals a yellow or red card; a supervisor decides (N-3)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        UPHELD = "upheld", _("Card upheld")
        CANCELLED = "cancelled", _("Card cancelled")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="appeals")
    card = models.CharField(
        _("card"),
        max_length=8,
        choices=[(Light.YELLOW, Light.YELLOW.label), (Light.RED, Light.RED.label)],
    )
    reason = models.TextField(_("reason"))
    attachment = models.FileField(
        _("attachment"),
        upload_to="appeals/%Y/",
        blank=True,
        validators=[FileExtensionValidator(["pdf", "jpg", "jpeg", "png"]), validate_upload_size],
    )
    appealed_by = _user_fk(_("appealed by"), null=False)
    appealed_at = models.DateTimeField(_("appealed at"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    decided_by = _user_fk(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-appealed_at"]
        verbose_name = _("card appeal")
        verbose_name_plural = _("card appeals")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "card"],
                condition=models.Q(status="pending"),
                name="one_pending_appeal_per_card",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} {self.get_card_display()}"
