from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase
from pypdf import PdfReader

from caremarket.accounts.models import Membership, User
from caremarket.places.models import LocalAuthority
from caremarket.statements import workflow
from caremarket.statements.models import Edition
from tests.statements.test_workflow import add_population


class MpsCommandTests(TestCase):
    def setUp(self):
        self.council = LocalAuthority.objects.create(
            code="E06000022", name="Bath and North East Somerset"
        )
        add_population(self.council)
        self.writer = User.objects.create_user("writer")
        self.reviewer = User.objects.create_user("reviewer")
        for user in (self.writer, self.reviewer):
            Membership.objects.create(user=user, local_authority=self.council, role="commissioner")
        self.edition = workflow.create_statement(
            self.council, period="2024–2027", slug="ageing-well", user=self.writer
        )

    def test_it_builds_a_draft_as_html_pdf_and_csv(self):
        out = self.tmp()
        for file_format in ("html", "pdf", "csv"):
            call_command(
                "mps",
                "build",
                "--council",
                "E06000022",
                "--draft",
                "--format",
                file_format,
                "--out",
                str(out),
                stdout=StringIO(),
            )
        names = sorted(p.name for p in out.iterdir())
        self.assertIn("bath-and-north-east-somerset-ageing-well-edition-1.pdf", names)
        self.assertIn(
            "bath-and-north-east-somerset-ageing-well-edition-1-population-older-people.csv", names
        )
        pdf = PdfReader(str(out / "bath-and-north-east-somerset-ageing-well-edition-1.pdf"))
        self.assertIn("Aged 85 and over", "".join(p.extract_text() for p in pdf.pages))

    def test_it_publishes_with_the_same_rules_as_the_page(self):
        with pytest.raises(CommandError, match="no edition waiting for review"):
            call_command(
                "mps",
                "publish",
                "--council",
                "E06000022",
                "--approver",
                "reviewer",
                stdout=StringIO(),
            )
        workflow.submit_for_review(self.edition, self.writer)
        with pytest.raises(CommandError, match="second commissioner"):
            call_command(
                "mps",
                "publish",
                "--council",
                "E06000022",
                "--approver",
                "writer",
                stdout=StringIO(),
            )
        call_command(
            "mps",
            "publish",
            "--council",
            "E06000022",
            "--approver",
            "reviewer",
            "--acknowledge-all",
            stdout=StringIO(),
        )
        self.assertEqual(Edition.objects.get(pk=self.edition.pk).status, "published")
        out = self.tmp()
        call_command(
            "mps", "build", "--all", "--format", "html", "--out", str(out), stdout=StringIO()
        )
        self.assertEqual(len(list(out.iterdir())), 1)

    def test_it_names_what_is_wrong(self):
        with pytest.raises(CommandError, match="unknown council"):
            call_command(
                "mps",
                "build",
                "--council",
                "E99999999",
                "--format",
                "html",
                "--out",
                str(self.tmp()),
            )
        with pytest.raises(CommandError, match="has no published edition"):
            call_command(
                "mps",
                "build",
                "--council",
                "E06000022",
                "--format",
                "html",
                "--out",
                str(self.tmp()),
            )
        with pytest.raises(CommandError, match="no user called"):
            call_command("mps", "publish", "--council", "E06000022", "--approver", "ghost")

    def tmp(self):
        import tempfile
        from pathlib import Path

        return Path(tempfile.mkdtemp())
