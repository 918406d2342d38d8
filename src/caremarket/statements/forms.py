from __future__ import annotations

import io
from typing import Any

from django import forms

from caremarket.statements.catalogue import MPS, document_type
from caremarket.statements.formatting import reporting_year_of
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
            "period": {
                "required": "Enter the period the statement covers, like 2024–2028",
                "max_length": "Enter the period in 20 characters or fewer, like 2024–2028",
            },
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

    def __init__(self, *args: Any, kind: str = MPS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        document = document_type(kind)
        self.fields["title"].initial = document.default_title
        self.fields["period"].help_text = document.period_hint
        if kind != MPS:
            self.fields["period"].label = "Year"
            self.fields["period"].error_messages = {
                "required": f"Enter the year the {document.name} covers, like 2024/25",
                "max_length": f"Enter the year the {document.name} covers, like 2024/25",
            }
            self.fields[
                "slug"
            ].help_text = (
                "Lower-case letters, numbers and hyphens, for example local-account-2024-25"
            )

    def clean_period(self) -> str:
        """A yearly document's period is the financial year it accounts for, as "2024/25"."""
        period = self.cleaned_data["period"].strip()
        if self.kind == MPS:
            return period
        year = reporting_year_of(period)
        if year is None:
            raise forms.ValidationError(
                f"Enter the year the {document_type(self.kind).name} covers as a financial year, "
                "like 2024/25"
            )
        return year


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


MAX_LOGO_BYTES = 512 * 1024
MAX_LOGO_PIXELS = 2000


class LogoForm(forms.Form):
    """A PNG or JPEG logo, at most 512 KB and 2,000 pixels a side; re-encoded as PNG."""

    logo = forms.FileField(
        label="Logo",
        help_text="A PNG or JPEG file, at most 512 KB and 2,000 pixels wide or high. It is "
        "printed on the cover of the council's statements.",
        error_messages={"required": "Choose a logo file to upload"},
    )

    def clean_logo(self) -> tuple[bytes, int, int]:
        from PIL import Image, UnidentifiedImageError

        upload = self.cleaned_data["logo"]
        if upload.size > MAX_LOGO_BYTES:
            raise forms.ValidationError("The logo must be 512 KB or smaller")
        try:
            with Image.open(upload) as image:
                if image.format not in ("PNG", "JPEG"):
                    raise forms.ValidationError("The logo must be a PNG or JPEG image")
                if max(image.size) > MAX_LOGO_PIXELS:
                    raise forms.ValidationError(
                        "The logo must be 2,000 pixels wide and high or smaller"
                    )
                image.load()
                pixels = image.convert("RGBA")
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
            raise forms.ValidationError("The file is not a PNG or JPEG image") from None
        out = io.BytesIO()
        pixels.save(out, format="PNG", optimize=True)
        return out.getvalue(), pixels.width, pixels.height
