"""caremarket.emails: one way to render and send every templated email."""

from types import SimpleNamespace

from django.core import mail

from caremarket.emails import Email


def test_an_email_has_html_only_when_its_template_exists(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with_html = Email.render("directory/email/shortlist", {"services": []})
    text_only = Email.render("directory/email/decision", {"name": "Lunch club"})
    assert with_html.html is not None and "\n" not in with_html.subject
    assert text_only.html is None and "Lunch club" in text_only.subject + text_only.text
    with_html.send(["a@example.org"])
    text_only.send(["b@example.org"])
    first, second = mail.outbox
    assert first.to == ["a@example.org"] and first.subject == with_html.subject
    assert first.alternatives[0][0] == with_html.html
    assert second.to == ["b@example.org"] and not second.alternatives


def production_settings(monkeypatch, **env):
    """The shipped settings module, reloaded with these email variables (and no others)."""
    import importlib

    import caremarket.settings as production

    for name in ("CAREMARKET_EMAIL_HOST", "CAREMARKET_EMAIL_BACKEND", "CAREMARKET_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    try:
        return SimpleNamespace(**vars(importlib.reload(production)))
    finally:
        monkeypatch.undo()
        importlib.reload(production)


def test_without_email_settings_residents_emails_go_to_a_private_file_not_the_log(
    settings, monkeypatch, tmp_path, capfd
):
    import stat

    production = production_settings(monkeypatch)
    assert production.EMAIL_BACKEND == "caremarket.emails.PrivateFileBackend"
    assert str(production.VAR_DIR / "sent-email") == production.EMAIL_FILE_PATH

    settings.EMAIL_BACKEND = production.EMAIL_BACKEND
    settings.EMAIL_FILE_PATH = str(tmp_path / "sent-email")
    Email("Your saved answers", "Carry on: https://x.example/help/return/abc/").send(
        ["resident@example.org"]
    )
    out, err = capfd.readouterr()
    assert "resident@example.org" not in out + err and "/help/return/" not in out + err
    (written,) = (tmp_path / "sent-email").iterdir()
    assert "resident@example.org" in written.read_text()
    assert written.suffix != ".log"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "sent-email").stat().st_mode) == 0o700


def test_an_email_host_means_smtp(monkeypatch):
    production = production_settings(monkeypatch, CAREMARKET_EMAIL_HOST="smtp.example.gov.uk")
    assert production.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
    assert production.EMAIL_HOST == "smtp.example.gov.uk"


def test_the_console_email_backend_is_refused_outside_debug(monkeypatch):
    import pytest
    from django.core.exceptions import ImproperlyConfigured

    console = "django.core.mail.backends.console.EmailBackend"
    with pytest.raises(ImproperlyConfigured, match="server log"):
        production_settings(monkeypatch, CAREMARKET_EMAIL_BACKEND=console)


def test_the_test_run_never_prints_emails(settings):
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"
