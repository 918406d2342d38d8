"""Provenance: every figure points at the import run that brought it."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportRun(models.Model):
    """One file imported in one format: who, when, which file (by checksum) and what happened."""

    class Status(models.TextChoices):
        COMPLETE = "complete", "Complete"
        COMPLETE_WITH_SKIPS = "skipped", "Complete, bad rows skipped"
        REFUSED = "refused", "Refused"
        DRY_RUN = "dry_run", "Dry run"

    format = models.CharField(max_length=40)
    publisher = models.CharField(max_length=200)
    dataset = models.CharField(max_length=300)
    edition = models.CharField(max_length=100, blank=True)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    local_authority = models.ForeignKey(
        "places.LocalAuthority", on_delete=models.PROTECT, null=True, blank=True
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    imported_by_name = models.CharField(max_length=150, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    rows_read = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.format} {self.file_name} ({self.started_at:%Y-%m-%d})"

    @property
    def citation(self) -> str:
        edition = f", {self.edition}" if self.edition else ""
        return f"{self.publisher}, {self.dataset}{edition} ({self.file_name})"
