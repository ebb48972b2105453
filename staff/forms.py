"""Forms of the people side: what a department proposes, what the center records."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hall.forms import StyledFormMixin

from .models import Dispatch, Post, StaffMember, SwapRequest


class DispatchForm(StyledFormMixin, forms.ModelForm):
    """《窗口工作人员登记表》: the registration form a department fills in."""

    class Meta:
        model = Dispatch
        fields = [
            "name",
            "gender",
            "id_number",
            "birth_date",
            "phone",
            "employment",
            "rank",
            "education",
            "qualifications",
            "role",
            "window",
            "post",
            "slot",
        ]
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}),
            "qualifications": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, windows=None, **kwargs):
        super().__init__(*args, **kwargs)
        if windows is not None:
            self.fields["window"].queryset = windows
            self.fields["post"].queryset = Post.objects.filter(window__in=windows).select_related(
                "window"
            )
        self.style()


class ReviewForm(StyledFormMixin, forms.Form):
    """The center's four points, each passed or failed with a note."""

    CHOICES = [("pass", _("Passed")), ("fail", _("Failed"))]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key in Dispatch.POINTS:
            label = Dispatch._meta.get_field(f"{key}_passed").verbose_name
            self.fields[f"{key}_passed"] = forms.ChoiceField(
                label=label, choices=self.CHOICES, widget=forms.RadioSelect, required=False
            )
            self.fields[f"{key}_note"] = forms.CharField(
                label=_("Note"), max_length=300, required=False
            )
        self.style()

    def results(self) -> dict[str, tuple[bool | None, str]]:
        data = self.cleaned_data
        return {
            key: (
                {"pass": True, "fail": False}.get(data.get(f"{key}_passed") or ""),
                data.get(f"{key}_note", ""),
            )
            for key in Dispatch.POINTS
        }

    def points(self):
        return [(self[f"{key}_passed"], self[f"{key}_note"]) for key in Dispatch.POINTS]


class TrainingForm(StyledFormMixin, forms.Form):
    training_title = forms.CharField(
        label=_("Course"),
        max_length=200,
        initial=_("Pre-service training: policy, business knowledge, etiquette"),
    )
    training_on = forms.DateField(
        label=_("Trained on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    training_hours = forms.DecimalField(
        label=_("Hours"), max_digits=5, decimal_places=1, min_value=0.5
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class PutOnPostForm(StyledFormMixin, forms.Form):
    username = forms.CharField(label=_("Login name"), max_length=150)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class SwapForm(StyledFormMixin, forms.Form):
    leaving = forms.ModelChoiceField(label=_("Leaving"), queryset=StaffMember.objects.none())
    reason = forms.ChoiceField(label=_("Reason"), choices=SwapRequest.Reason.choices)
    effective_on = forms.DateField(
        label=_("Swap on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    incoming = forms.ModelChoiceField(
        label=_("Newcomer (a proposed person)"), queryset=Dispatch.objects.none(), required=False
    )
    explanation = forms.CharField(
        label=_("Explanation"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, members=None, dispatches=None, **kwargs):
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["leaving"].queryset = members
        if dispatches is not None:
            self.fields["incoming"].queryset = dispatches
        self.style()


class PostAssignForm(StyledFormMixin, forms.Form):
    post = forms.ModelChoiceField(queryset=Post.objects.all(), widget=forms.HiddenInput)
    slot = forms.ChoiceField(label=_("Slot"), choices=StaffMember.Slot.choices)
    member = forms.ModelChoiceField(
        label=_("New holder"), queryset=StaffMember.objects.filter(is_active=True)
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()
