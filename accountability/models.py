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
