"""Complaints from every channel (R-COMP-1) and their protection (R-COMP-4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
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
    conclusion_due = models.DateField(_("to be concluded by"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [models.Index(fields=["status", "received_at"], name="complaint_status")]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"
