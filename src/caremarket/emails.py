"""Emails written as templates: `<name>_subject.txt`, `<name>.txt` and, if there is one,
`<name>.html`, so every email the service sends is rendered and sent the same way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
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
