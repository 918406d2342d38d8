from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    """Django's sign-in form with GOV.UK classes and plain-English messages."""

    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask your council admin.",
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # No autofocus: it skips the page's heading and skip link for screen reader users.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["username"].widget.attrs.update(
            {"class": "govuk-input", "autocomplete": "username", "spellcheck": "false"}
        )
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].widget.attrs.update(
            {"class": "govuk-input", "autocomplete": "current-password"}
        )
        self.fields["password"].error_messages["required"] = "Enter your password"
        for name in ("username", "password"):
            if self.errors.get(name) if self.is_bound else False:
                self.fields[name].widget.attrs["class"] += " govuk-input--error"
