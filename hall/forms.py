"""Form helpers every app's pages share."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


class StyledFormMixin:
    """Gives every widget Bootstrap's class, so templates stay plain."""

    def style(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect | forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            else:
                widget.attrs.setdefault("class", "form-control form-control-sm")


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, except that a number beyond the database's integers is an invalid
    choice: Django puts it into an `IN (…)` query, where SQLite raises OverflowError."""

    def clean(self, value):
        for pk in value or []:
            try:
                beyond = abs(int(str(pk).strip())) >= 2**63
            except ValueError:
                beyond = False
            if beyond:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super().clean(value)


def add_service_errors(form, exc: ValidationError) -> None:
    """Put a service's refusal on the form: each field's messages beside the field,
    the rest above the form, so nothing the user typed is lost."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def refusal_text(exc) -> str:
    """What to tell the user when a service refused: its messages, or a plain refusal."""
    from django.utils.translation import gettext as _

    return " ".join(getattr(exc, "messages", None) or []) or str(exc) or _("You may not do this.")
