from __future__ import annotations

from django import forms

from caremarket.statements.models import Section, Statement

GOVUK_INPUT = {"class": "govuk-input"}


class StatementForm(forms.ModelForm):
    class Meta:
        model = Statement
        fields = ["title", "period", "slug"]
        labels = {"slug": "Short name for web addresses"}
        help_texts = {"slug": "Lower-case letters, numbers and hyphens, for example mps-2024-28"}
        error_messages = {
            "title": {"required": "Enter the statement's title"},
            "period": {"required": "Enter the period the statement covers, like 2024–2028"},
            "slug": {
                "required": "Enter a short name for web addresses",
                "invalid": "Use only lower-case letters, numbers and hyphens",
            },
        }
        widgets = {
            "title": forms.TextInput(attrs=GOVUK_INPUT),
            "period": forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
            "slug": forms.TextInput(attrs={"class": "govuk-input govuk-input--width-20"}),
        }


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["title", "body", "position", "hidden"]
        labels = {
            "body": "Text (Markdown: blank line between paragraphs, * for bullets)",
            "hidden": "Hide this section in this edition",
        }
        error_messages = {
            "title": {"required": "Enter the section's title"},
            "position": {"invalid": "Enter the position as a whole number"},
        }
        widgets = {
            "title": forms.TextInput(attrs=GOVUK_INPUT),
            "body": forms.Textarea(attrs={"class": "govuk-textarea", "rows": 16}),
            "position": forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-4"}),
            "hidden": forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
        }

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        if len(body) > 50_000:
            raise forms.ValidationError("The text must be 50,000 characters or fewer")
        return body
