"""Forms of the clerk's day: quick to fill from the keyboard, and they keep what was typed."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hall.forms import ModelMultipleChoiceField, StyledFormMixin
from hall.validators import validate_plausible_datetime
from windows.models import Window

from .models import Case, FirstInquiry, RejectionFiling, Suspension


class BootstrapForm(StyledFormMixin, forms.Form):
    """Gives every widget Bootstrap's class, so templates stay plain; a user with one
    window need not choose it."""

    single_window = None

    def clean_window(self):
        return self.cleaned_data.get("window") or self.single_window

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class InquiryForm(BootstrapForm):
    window = forms.ModelChoiceField(label=_("Window"), queryset=Window.objects.none())
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=FirstInquiry._meta.get_field("channel").choices,
        initial="in_person",
        widget=forms.RadioSelect,
    )
    subject = forms.CharField(
        label=_("Subject"), max_length=300, widget=forms.TextInput(attrs={"autofocus": True})
    )
    inquirer_name = forms.CharField(label=_("Inquirer"), max_length=100, required=False)
    inquirer_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    disposition = forms.ChoiceField(
        label=_("Disposition"), choices=FirstInquiry.Disposition.choices
    )
    referred_to_user = forms.ModelChoiceField(
        label=_("Colleague"), required=False, queryset=get_user_model().objects.none()
    )
    referred_to_window = forms.ModelChoiceField(
        label=_("Other window"), required=False, queryset=Window.objects.none()
    )
    other_department = forms.CharField(
        label=_("Responsible department"), max_length=200, required=False
    )
    other_contact = forms.CharField(label=_("Its contact"), max_length=200, required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, windows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["window"].queryset = windows
        self.single_window = windows.first() if windows.count() == 1 else None
        if self.single_window:
            self.fields["window"].initial = self.single_window
            self.fields["window"].widget = forms.HiddenInput()
            self.fields["window"].required = False
        User = get_user_model()
        self.fields["referred_to_user"].queryset = User.objects.filter(
            staff_member__is_active=True
        ).order_by("staff_member__window__number", "first_name")
        self.fields["referred_to_user"].label_from_instance = lambda u: (
            f"{u.staff_member.window.number if u.staff_member.window else ''} "
            f"{u.get_full_name() or u.username}"
        )
        self.fields["referred_to_window"].queryset = Window.objects.filter(is_active=True)


class IntakeForm(BootstrapForm):
    """The applicant and the kind; the materials come as mat_<id>_* fields added per item."""

    window = forms.ModelChoiceField(label=_("Window"), queryset=Window.objects.none())
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Case.Kind.choices,
        widget=forms.RadioSelect,
        initial=Case.Kind.ACCEPTED,
    )
    applicant_kind = forms.ChoiceField(
        label=_("Applicant is"),
        choices=Case.ApplicantKind.choices,
        initial=Case.ApplicantKind.PERSON,
        widget=forms.RadioSelect,
    )
    applicant_name = forms.CharField(label=_("Applicant (person or organisation)"), max_length=200)
    id_type = forms.ChoiceField(label=_("ID type"), choices=Case.IdType.choices)
    id_number = forms.CharField(label=_("ID number / credit code"), max_length=32, required=False)
    phone = forms.CharField(label=_("Mobile"), max_length=20)
    contact_name = forms.CharField(
        label=_("Contact person (organisation)"), max_length=100, required=False
    )
    received_at = forms.DateTimeField(
        label=_("Materials received at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        validators=[validate_plausible_datetime],
    )
    returned_reasons = forms.CharField(
        label=_("Reasons for return"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    leader_assigned = forms.ChoiceField(
        label=_("Leader-assigned"), choices=Case.Leader.choices, required=False
    )
    part_windows = ModelMultipleChoiceField(
        label=_("Co-windows (joint case)"), required=False, queryset=Window.objects.none()
    )
    part_description = forms.CharField(label=_("Their part"), max_length=200, required=False)

    def __init__(self, *args, windows, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        self.fields["window"].queryset = windows
        self.single_window = windows.first() if windows.count() == 1 else None
        if self.single_window:
            self.fields["window"].initial = self.single_window
            self.fields["window"].widget = forms.HiddenInput()
            self.fields["window"].required = False
        self.fields["part_windows"].queryset = Window.objects.filter(is_active=True).exclude(
            pk__in=windows.values("pk")
        )
        self.fields["received_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        self.material_rows = []
        materials = list(item.materials.all())
        for material in materials:
            prefix = f"mat_{material.pk}"
            self.fields[f"{prefix}_received"] = forms.BooleanField(required=False, label="")
            self.fields[f"{prefix}_pages"] = forms.IntegerField(
                required=False, min_value=0, max_value=9999, label=""
            )
            self.fields[f"{prefix}_reason"] = forms.CharField(
                required=False, max_length=300, label=""
            )
        self.style()
        for material in materials:
            prefix = f"mat_{material.pk}"
            self.material_rows.append(
                (
                    material,
                    self[f"{prefix}_received"],
                    self[f"{prefix}_pages"],
                    self[f"{prefix}_reason"],
                )
            )


class SuspendForm(BootstrapForm):
    reason = forms.ChoiceField(label=_("Reason"), choices=Suspension.Reason.choices)
    detail = forms.CharField(label=_("Detail"), max_length=300, required=False)


class ExtensionForm(BootstrapForm):
    days = forms.IntegerField(label=_("Working days"), min_value=1, max_value=99)
    reason = forms.CharField(
        label=_("Reason (the applicant reads it)"), widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(BootstrapForm):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RefuseForm(BootstrapForm):
    reason = forms.ChoiceField(label=_("Reason"), choices=RejectionFiling.Reason.choices)
    detail = forms.CharField(
        label=_("Explanation (the applicant reads it)"), widget=forms.Textarea(attrs={"rows": 3})
    )
    clerk_post = forms.CharField(label=_("Your post"), max_length=100)
    clerk_phone = forms.CharField(label=_("Your phone"), max_length=20)
    applicant_unit = forms.CharField(label=_("Applicant's unit"), max_length=200, required=False)


class ReviewForm(BootstrapForm):
    decision = forms.ChoiceField(
        choices=[("uphold", _("Uphold the refusal")), ("overturn", _("The refusal was wrong"))]
    )
    opinion = forms.CharField(label=_("Review opinion"), widget=forms.Textarea(attrs={"rows": 2}))


class TrackForm(BootstrapForm):
    number = forms.CharField(label=_("Case number"), max_length=32)
    code = forms.CharField(label=_("Tracking code (on your receipt)"), max_length=16)
