"""caremarket.emails: one way to render and send every templated email."""

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
