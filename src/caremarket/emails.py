"""Emails written as templates: `<name>_subject.txt`, `<name>.txt` and, if there is one,
`<name>.html`, so every email the service sends is rendered and sent the same way."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.core.mail.backends.filebased import EmailBackend as FileBackend
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string


@dataclass(frozen=True)
class Email:
    subject: str
    text: str
    html: str | None = None

    @classmethod
    def render(cls, name: str, context: dict[str, Any]) -> Email:
        """Render once; send to as many recipients as needed."""
        try:
            html: str | None = get_template(f"{name}.html").render(context)
        except TemplateDoesNotExist:
            html = None
        return cls(
            render_to_string(f"{name}_subject.txt", context).strip(),
            render_to_string(f"{name}.txt", context),
            html,
        )

    def send(self, to: list[str]) -> None:
        send_mail(self.subject, self.text, settings.DEFAULT_FROM_EMAIL, to, html_message=self.html)


class PrivateFileBackend(FileBackend):
    """Emails written to files in `EMAIL_FILE_PATH` (var/sent-email/) when no mail server is
    set: a folder and files only the service's own user may read, and never the log."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        os.chmod(self.file_path, 0o700)

    def _get_filename(self) -> str:
        if self._fname is None:
            stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
            self._fname = os.path.join(self.file_path, f"{stamp}-{abs(id(self))}.txt")
        return str(self._fname)

    def open(self) -> bool:
        if self.stream is not None:
            return False
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
        self.stream = os.fdopen(os.open(self._get_filename(), flags, 0o600), "ab")
        return True
