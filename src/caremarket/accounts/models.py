"""Staff accounts, the councils they act for, and the append-only audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models

from caremarket.accounts.roles import COUNCIL_ROLES, Role
from caremarket.places.models import LocalAuthority


class User(AbstractUser):
    """A member of staff (council, provider or site). Residents never need one."""

    def roles_for(self, local_authority: LocalAuthority | None) -> frozenset[str]:
        """The roles this user holds for a council; site admins hold every role everywhere."""
        if not self.is_active:
            return frozenset()
        if self.is_site_admin:
            return frozenset(Role.values)
        if local_authority is None:
            return frozenset(m.role for m in self.memberships.all())
        return frozenset(
            m.role for m in self.memberships.all() if m.local_authority_id == local_authority.pk
        )

    def councils_with(self, *roles: str) -> models.QuerySet[LocalAuthority]:
        """Councils where this user holds any of `roles` (all councils for site admins)."""
        if self.is_site_admin:
            return LocalAuthority.objects.all()
        return LocalAuthority.objects.filter(
            memberships__user=self, memberships__role__in=roles
        ).distinct()

    @property
    def display_name(self) -> str:
        """How pages name this person: their name, or their username where no name is held.
        The one place for the rule; templates use `user.display_name`."""
        return self.get_full_name() or self.get_username()

    @property
    def is_site_admin(self) -> bool:
        return self.is_active and self.is_superuser


class Membership(models.Model):
    """One role that a user holds for one council."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=[(r.value, r.label) for r in COUNCIL_ROLES])

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "local_authority", "role"], name="unique_membership"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} for {self.local_authority}"


class AuditLogIsAppendOnly(Exception):
    """Raised when code tries to change or delete an audit record."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditLogIsAppendOnly("audit events cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly("audit events cannot be deleted")


class AuditEvent(models.Model):
    """Who did what to which record, for which council, when and from where. Never edited."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True)
    username = models.CharField(max_length=150, blank=True)  # kept if the account goes
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, null=True, blank=True
    )
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["local_authority", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username or 'system'} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AuditLogIsAppendOnly("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly("audit events cannot be deleted")

    @property
    def who(self) -> str:
        """Who did it, in words: the person's name (`User.display_name`), the username kept
        when the account has gone or the caller was an API token, or "system"."""
        if self.user is not None:
            return self.user.display_name
        return self.username or "system"

    @property
    def action_text(self) -> str:
        """What happened, in words (`accounts.actions`)."""
        from caremarket.accounts.actions import action_words

        return action_words(self.action)

    @property
    def record_text(self) -> str:
        """The record it happened to, in words: "Concern 12"."""
        from caremarket.accounts.actions import record_words

        return record_words(self.object_type, self.object_id)

    @property
    def detail_text(self) -> str:
        """The detail, in words: an account number kept there reads as the person's name."""
        from caremarket.accounts.actions import detail_words

        return detail_words(self.action, self.detail)


class ApiToken(models.Model):
    """A key a council's case management system (or a provider's own system) sends to the API.

    Made by `caremarket tokens create`, which prints the key once: only its SHA-256 hash is
    kept, with its first characters to tell tokens apart. A token acts for one council or for
    one provider organisation, within one scope; a revoked token is refused and never reused.
    """

    class Scope(models.TextChoices):
        SOURCING = "sourcing", "Sourcing (requests, offers, packages)"

    name = models.CharField(max_length=100, help_text="What uses it, e.g. Mosaic live.")
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, null=True, blank=True, related_name="api_tokens"
    )
    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
    )
    scope = models.CharField(max_length=20, choices=Scope.choices)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(local_authority__isnull=False, organization__isnull=True)
                | models.Q(local_authority__isnull=True, organization__isnull=False),
                name="api_token_for_a_council_or_an_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name}"

    @property
    def kind(self) -> str:
        return "council" if self.local_authority_id else "provider"

    @property
    def holder(self) -> str:
        held = self.local_authority or self.organization
        return str(held.name) if held is not None else ""
