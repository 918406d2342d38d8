"""The upload form: a file, its format, and whether to only validate or to skip bad rows."""

from __future__ import annotations

from django import forms
from django.conf import settings

from caremarket.imports.importers.registry import IMPORTERS

#: Formats a council may upload for itself. National reference data (postcodes, prevalence
#: rates) is shared by every council on the instance, so only a site admin loads it, from the
#: command line.
COUNCIL_FORMATS = (
    "figures",
    "pipeline",
    "schemes",
    "cqc-directory",
    "cqc-hsca",
    "capacity-tracker",
    "ons-snpp",
    "oruk",
    "cld",
    "safeguarding",
)
#: Large enough for a council's HSCA extract or a national CQC directory, small enough that
#: an upload cannot fill the disk; the command line has no limit.
#: CAREMARKET_MAX_UPLOAD_MB (default 50) sets it.
MAX_UPLOAD_BYTES: int = settings.MAX_UPLOAD_BYTES


class UploadForm(forms.Form):
    format = forms.ChoiceField(
        label="Format",
        choices=[(name, IMPORTERS[name].dataset) for name in COUNCIL_FORMATS],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the format of the file"},
    )
    file = forms.FileField(
        label="File",
        help_text="CSV saved as UTF-8 (or .xlsx for the CQC care directory), up to "
        f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB",
        error_messages={
            "required": "Select a file to import",
            "empty": "The selected file is empty",
        },
    )
    dry_run = forms.BooleanField(label="Check the file only: write nothing", required=False)
    skip_bad_rows = forms.BooleanField(
        label="Import the good rows and list the bad ones", required=False
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The selected file must be smaller than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB"
            )
        return upload
