"""A council's statements (Market Position Statements and Local Accounts), their editions and
sections. `kind` names the document type (`catalogue.DOCUMENT_TYPES`); everything else is shared.

An edition is a draft until published. Publishing stores the data it used (`snapshot`), its
HTML and its PDF, and from then on the edition renders only from those: later imports change
drafts, never what was published.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse

from caremarket.places.models import LocalAuthority
from caremarket.statements.catalogue import (
    LOCAL_ACCOUNT,
    MPS,
    DocumentType,
    document_type,
)
from caremarket.statements.formatting import period_in_words, reporting_year_of


class EditionIsFrozen(Exception):
    """A published edition cannot be changed."""


class Statement(models.Model):
    class Kind(models.TextChoices):
        MARKET_POSITION_STATEMENT = "mps", "Market Position Statement"
        LOCAL_ACCOUNT = "local_account", "Local Account"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=MPS)
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, related_name="statements"
    )
    title = models.CharField(max_length=200, default="Adult Social Care Market Position Statement")
    period = models.CharField(max_length=20, help_text="For example 2024–2028")
    slug = models.SlugField(max_length=60)

    class Meta:
        ordering = ["local_authority", "-period"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "slug"], name="unique_statement_slug"
            )
        ]

    def __str__(self) -> str:
        return f"{self.local_authority}: {self.title} {self.period}"

    @property
    def document(self) -> DocumentType:
        return document_type(self.kind)

    @property
    def is_local_account(self) -> bool:
        return self.kind == LOCAL_ACCOUNT

    @property
    def reporting_year(self) -> str | None:
        """The financial year ("2024/25") a yearly document accounts for, from its period."""
        return reporting_year_of(self.period)

    @property
    def period_covered(self) -> str:
        """The period in words for the cover: "April 2020 to March 2021", "2024 to 2028"."""
        return period_in_words(self.period)

    def compare_url(self) -> str:
        return reverse(
            url_name(self.kind, "compare"),
            kwargs={"council": self.local_authority.slug, "statement": self.slug},
        )

    def latest_published(self) -> Edition | None:
        return self.editions.filter(status=Edition.Status.PUBLISHED).order_by("-number").first()

    def draft(self) -> Edition | None:
        return self.editions.exclude(status=Edition.Status.PUBLISHED).order_by("-number").first()


class Edition(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "Waiting for review"
        PUBLISHED = "published", "Published"

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="editions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    scenario = models.ForeignKey(
        "planning.Scenario", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    last_edited_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    snapshot = models.JSONField(null=True, blank=True)
    acknowledged_findings = models.JSONField(default=list, blank=True)
    html = models.TextField(blank=True)
    pdf = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["statement", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "number"], name="unique_edition_number")
        ]

    def __str__(self) -> str:
        return f"{self.statement} — edition {self.number} ({self.get_status_display()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        publishing = kwargs.pop("publishing", False)
        if self.pk is not None and not publishing:
            stored = Edition.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == self.Status.PUBLISHED:
                raise EditionIsFrozen(f"edition {self.number} is published and cannot change")
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def council(self) -> LocalAuthority:
        return self.statement.local_authority

    def _url(self, name: str, **more: str) -> str:
        address = {"council": self.council.slug, "statement": self.statement.slug}
        return reverse(
            url_name(self.statement.kind, name), kwargs={**address, "number": self.number, **more}
        )

    def public_url(self) -> str:
        return self._url("edition")

    def staff_url(self) -> str:
        """Where commissioners draft, review and publish this edition."""
        return self._url("draft")

    def action_url(self) -> str:
        return self._url("transition")

    def section_url(self, key: str) -> str:
        return self._url("edit_section", key=key)


def url_name(kind: str, name: str) -> str:
    """A page of a kind of document: Local Accounts live under /councils/<council>/local-accounts/
    and /staff/<council>/local-accounts/, Market Position Statements under .../mps/."""
    prefix = "la_" if kind == LOCAL_ACCOUNT else ""
    return f"statements:{prefix}{name}"


class Section(models.Model):
    """One section of an edition: narrative (Markdown) and/or a data block by key."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField(max_length=60)
    title = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)
    hidden = models.BooleanField(default=False)
    body = models.TextField(blank=True, help_text="Markdown")
    data_key = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["edition", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "key"], name="unique_section_key")
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        if Edition.objects.filter(pk=self.edition_id, status=Edition.Status.PUBLISHED).exists():
            raise EditionIsFrozen("sections of a published edition cannot change")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.edition.is_published:
            raise EditionIsFrozen("sections of a published edition cannot change")
        return super().delete(*args, **kwargs)


class CouncilLogo(models.Model):
    """The council's logo for the cover of its statements: a council admin uploads it, and it
    is stored re-encoded as a PNG (no metadata, nothing but pixels)."""

    local_authority = models.OneToOneField(
        LocalAuthority, on_delete=models.CASCADE, related_name="mps_logo"
    )
    png = models.BinaryField(editable=False)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Logo of {self.local_authority}"

    def data_uri(self) -> str:
        import base64

        return "data:image/png;base64," + base64.b64encode(bytes(self.png)).decode("ascii")
