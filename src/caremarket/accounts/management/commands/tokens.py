"""API tokens from the command line.

    caremarket tokens create --council CODE --name NAME --scope sourcing
    caremarket tokens create --organisation ID --name NAME --scope sourcing
    caremarket tokens list [--council CODE]
    caremarket tokens revoke NUMBER-OR-PREFIX

`create` prints the token once: only its hash is kept, so a lost token is revoked and a new one
made. A council token acts for the council (its case management system posts requests and reads
requests, offers and packages); an organisation token acts for one provider organisation (its
offers on requests sent to its services). `list` shows each token's number, first characters,
holder, scope, when made and last used, and whether revoked; never a key.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caremarket.accounts import tokens
from caremarket.accounts.models import ApiToken


def _when(value: Any) -> str:
    return f"{value:%-d %b %Y %H:%M}" if value else "never"


class Command(BaseCommand):
    help = "Make, list and revoke API tokens for councils and provider organisations."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="make a token and print it once")
        holder = create.add_mutually_exclusive_group(required=True)
        holder.add_argument("--council", help="council code or name, e.g. E06000021")
        holder.add_argument(
            "--organisation", help="provider organisation id, or its CQC provider id"
        )
        create.add_argument("--name", required=True, help="what uses it, e.g. 'Mosaic live'")
        create.add_argument("--scope", required=True, choices=ApiToken.Scope.values)
        listing = actions.add_parser("list", help="list tokens (never their keys)")
        listing.add_argument("--council", help="only this council's tokens")
        revoke = actions.add_parser("revoke", help="refuse a token from now on")
        revoke.add_argument("token", help="its number or first characters, from list")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except tokens.TokenError as error:
            raise CommandError(str(error)) from None

    def _create(self, options: dict[str, Any]) -> None:
        council = tokens.find_council(options["council"]) if options["council"] else None
        organisation = (
            tokens.find_organisation(options["organisation"]) if options["organisation"] else None
        )
        token, key = tokens.create(options["name"], options["scope"], council, organisation)
        self.stdout.write(
            f"Token {token.pk} for {token.holder} ({token.get_scope_display()}):\n\n    {key}\n\n"
            "Copy it now: it is not shown again and caremarket keeps only its hash.\n"
            "Send it as the header  Authorization: Bearer <token>"
        )

    def _list(self, options: dict[str, Any]) -> None:
        found = ApiToken.objects.select_related("local_authority", "organization")
        if options["council"]:
            found = found.filter(local_authority=tokens.find_council(options["council"]))
        if not found.exists():
            self.stdout.write("No API tokens.")
            return
        for t in found:
            state = f"revoked {_when(t.revoked_at)}" if t.revoked_at else "in use"
            self.stdout.write(
                f"{t.pk:>4}  {t.prefix}…  {t.kind} {t.holder}  {t.name!r}  {t.scope}  "
                f"made {_when(t.created_at)}  last used {_when(t.last_used_at)}  {state}"
            )

    def _revoke(self, options: dict[str, Any]) -> None:
        token = tokens.revoke(options["token"])
        self.stdout.write(f"Revoked token {token.pk} ({token}); it is refused from now on.")
