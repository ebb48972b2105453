"""Departments, windows and the service items they handle (R-ORG-1, R-ORG-2, R-ITEM-1, R-ITEM-2)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hall.validators import validate_upload_size

from .pinyin import pinyin_keys
from .rules import check_time_limits


class Department(models.Model):
    """A dispatching department (派驻部门): pays its staff and guides their business (R-ORG-1)."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=20, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("department head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_departments",
    )
    is_active = models.BooleanField(_("active"), default=True)
    name_pinyin = models.CharField(max_length=400, editable=False, blank=True)
    name_initials = models.CharField(max_length=100, editable=False, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_pinyin, self.name_initials = pinyin_keys(self.name)
        super().save(*args, **kwargs)


class Window(models.Model):
    """A window (窗口) of the hall, staffed by one department (R-ORG-2)."""

    number = models.CharField(
        _("number"), max_length=16, unique=True, help_text=_("As shown above the window, e.g. A03.")
    )
    name = models.CharField(_("name"), max_length=100)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="windows"
    )
    floor = models.PositiveSmallIntegerField(_("floor"), default=1)
    zone = models.CharField(_("zone"), max_length=20, blank=True)
    floor_order = models.PositiveIntegerField(
        _("order on the floor"), default=0, help_text=_("Order in which a patrol walks past.")
    )
    chief_representative = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chief representative"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="represented_windows",
        help_text=_("首席代表: a deputy head of the department."),
    )
    window_head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("window head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_windows",
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["floor", "floor_order", "number"]
        verbose_name = _("window")
        verbose_name_plural = _("windows")

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class ServiceItemQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True, department__is_active=True)

    def search(self, query: str):
        """Match the name, the department, or the pinyin (full or initials) of either."""
        query = (query or "").strip()
        if not query:
            return self
        latin = query.replace(" ", "").lower()
        condition = Q(name__icontains=query) | Q(department__name__icontains=query)
        if latin.isascii():
            condition |= (
                Q(name_initials__contains=latin)
                | Q(name_pinyin__contains=latin)
                | Q(department__name_initials__contains=latin)
                | Q(department__name_pinyin__contains=latin)
                | Q(code__iexact=query)
            )
        # Items whose own name matches come before those found by their department.
        rank = models.Case(
            models.When(name__icontains=query, then=0),
            models.When(name_initials__startswith=latin, then=1),
            models.When(name_initials__contains=latin, then=2),
            models.When(name_pinyin__contains=latin, then=3),
            default=4,
            output_field=models.IntegerField(),
        )
        return (
            self.filter(condition)
            .annotate(search_rank=rank)
            .order_by("search_rank", "department__code", "code")
        )


class ServiceItem(models.Model):
    """A service item (事项) with its eight published elements (R-ITEM-1)."""

    class Kind(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediate (即办件)")
        PROMISED = "promised", _("Promised (承诺件)")

    code = models.CharField(_("code"), max_length=32, unique=True)
    # Element 1: the name.
    name = models.CharField(_("name"), max_length=200)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="items"
    )
    window = models.ForeignKey(
        Window,
        verbose_name=_("handling window"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # Element 2: the legal basis.
    legal_basis = models.TextField(_("legal basis"))
    # Element 3: the time limit (statutory and promised, in working days).
    statutory_limit_days = models.PositiveSmallIntegerField(_("statutory limit (working days)"))
    promised_limit_days = models.PositiveSmallIntegerField(
        _("promised limit (working days)"),
        default=0,
        help_text=_(
            "0 for an immediate item; otherwise at most 40 percent of the statutory limit."
        ),
    )
    # Element 4: the preconditions.
    preconditions = models.TextField(_("preconditions"))
    # Element 5: the process.
    process = models.TextField(_("process"))
    # Element 6 is the required materials: ServiceItemMaterial below.
    # Elements 7 and 8: the fee basis and the fee standard.
    fee_basis = models.TextField(_("fee basis"), default="不收费")
    fee_standard = models.TextField(_("fee standard"), default="不收费")
    is_published = models.BooleanField(_("published"), default=True)
    name_pinyin = models.CharField(max_length=800, editable=False, blank=True)
    name_initials = models.CharField(max_length=200, editable=False, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = ServiceItemQuerySet.as_manager()

    class Meta:
        ordering = ["department__code", "code"]
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        constraints = [
            models.CheckConstraint(
                condition=Q(promised_limit_days__lte=models.F("statutory_limit_days")),
                name="item_promised_within_statutory",
            ),
            models.CheckConstraint(
                condition=Q(kind="promised", promised_limit_days__gte=1)
                | Q(kind="immediate", promised_limit_days=0),
                name="item_promised_limit_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_pinyin, self.name_initials = pinyin_keys(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("windows:guide_detail", args=[self.code])

    def clean(self) -> None:
        # R-ITEM-2: refuses a promised limit beyond 40 % of the statutory one.
        check_time_limits(
            kind=self.kind,
            statutory_days=self.statutory_limit_days,
            promised_days=self.promised_limit_days,
        )


class ServiceItemMaterial(models.Model):
    """A required material of an item (element 6 of R-ITEM-1)."""

    class Form(models.TextChoices):
        ORIGINAL = "original", _("Original")
        COPY = "copy", _("Copy")
        BOTH = "both", _("Original and copy")

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(_("name"), max_length=200)
    form = models.CharField(_("form"), max_length=16, choices=Form.choices, default=Form.ORIGINAL)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    note = models.CharField(_("note"), max_length=300, blank=True)
    sample_file = models.FileField(
        _("sample form"),
        upload_to="samples/%Y/",
        blank=True,
        validators=[
            FileExtensionValidator(["pdf", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx"]),
            validate_upload_size,
        ],
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "order", "id"]
        verbose_name = _("required material")
        verbose_name_plural = _("required materials")

    def __str__(self) -> str:
        return self.name
