from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from hall.forms import StyledFormMixin
from hall.identity import validate_mobile

from .models import Complaint
from .services import CONTENT_MAX


class CaseNumberField(forms.CharField):
    def clean(self, value):
        value = super().clean(value).strip().upper()
        if not value:
            return None
        case = Case.objects.filter(number__iexact=value).first()
        if case is None:
            raise forms.ValidationError(_("No case has this number."))
        return case


class PublicComplaintForm(StyledFormMixin, forms.ModelForm):
    """The public web form: short, and every field says what is wrong with it."""

    case_number = CaseNumberField(label=_("Case number (if any)"), required=False, max_length=32)
    complainant_phone = forms.CharField(label=_("Mobile"), max_length=20)
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # a bot trap

    class Meta:
        model = Complaint
        fields = [
            "complainant_name",
            "complainant_phone",
            "complainant_address",
            "window",
            "content",
        ]
        widgets = {"content": forms.Textarea(attrs={"rows": 6, "maxlength": CONTENT_MAX})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["window"].queryset = self.fields["window"].queryset.filter(is_active=True)
        self.fields["window"].required = False
        self.fields["content"].max_length = None  # the service says how long it is
        self.style()

    def clean_complainant_phone(self):
        return validate_mobile(self.cleaned_data["complainant_phone"])

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Leave the hidden field empty."))
        return ""


class StaffComplaintForm(PublicComplaintForm):
    received_at = forms.DateTimeField(
        label=_("Received at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    class Meta(PublicComplaintForm.Meta):
        fields = [
            "channel",
            "complainant_name",
            "complainant_phone",
            "complainant_address",
            "window",
            "staff_member",
            "content",
            "public_violation",
            "escalated",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [
            c for c in Complaint.Channel.choices if c[0] not in ("web", "first_inquiry")
        ]
        self.fields["staff_member"].queryset = (
            self.fields["staff_member"].queryset.filter(is_active=True).select_related("window")
        )
        for name in ("public_violation", "escalated"):
            self.fields[name].widget.attrs["class"] = "form-check-input"
        self.order_fields(["channel", "received_at"])
