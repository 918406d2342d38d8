"""Audit evidence files: kept per standard by the council's quality team, shared with the
provider only when an officer chooses, checked on the way in, every upload, download, share
and removal in the audit log."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from caremarket.accounts.models import AuditEvent
from caremarket.quality import evidence, register
from caremarket.quality.models import Audit, EvidenceFile
from caremarket.quality.register import Who
from caremarket.rules.quality import GOOD
from tests.quality.helpers import World, make_world, user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(db: None, settings: object, tmp_path: Path) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    return make_world()


@pytest.fixture
def audit(world: World) -> Audit:
    return register.start_audit(Who(world.officer), world.stoke, world.home, timezone.localdate())


def url(name: str, world: World, pk: int) -> str:
    return reverse(f"quality:{name}", kwargs={"council": world.stoke.slug, "pk": pk})


def office_file(member: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, "<x/>")
    return buffer.getvalue()


def upload(client: Client, world: World, audit: Audit, name: str, content: bytes) -> str:
    score = audit.scores.first()
    assert score is not None
    response = client.post(
        url("upload_evidence", world, audit.pk),
        {"standard": str(score.pk), "file": SimpleUploadedFile(name, content)},
    )
    return response.content.decode() if response.status_code == 200 else ""


def test_the_officer_uploads_downloads_and_removes_a_file_all_logged(
    client: Client, world: World, audit: Audit
) -> None:
    client.force_login(world.officer)
    form = client.get(url("upload_evidence", world, audit.pk)).content.decode()
    assert 'enctype="multipart/form-data"' in form and "up to 10 MB" in form
    assert (
        f'href="{url("audit", world, audit.pk)}" class="govuk-back-link">Back to the audit' in form
    )
    assert upload(client, world, audit, "../../etc/Visit notes.pdf", PDF) == ""
    kept = EvidenceFile.objects.get()
    assert kept.name == "Visit notes.pdf" and kept.score.audit == audit
    stored = evidence.folder() / kept.stored
    assert stored.read_bytes() == PDF and kept.stored != kept.name
    page = client.get(url("audit", world, audit.pk)).content.decode()
    assert "Visit notes.pdf" in page and "Evidence files" in page
    response = client.get(url("evidence_file", world, kept.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    assert response["Content-Disposition"] == 'attachment; filename="Visit notes.pdf"'
    assert response["Content-Type"] == "application/pdf"
    client.post(url("delete_evidence", world, kept.pk))
    assert not EvidenceFile.objects.exists() and not stored.exists()
    actions = list(
        AuditEvent.objects.filter(object_type="quality.EvidenceFile")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "uploaded_evidence_file",
        "downloaded_evidence_file",
        "deleted_evidence_file",
    ]
    assert not AuditEvent.objects.filter(detail__contains="Visit").exists()  # no file names


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20),
        ("photo.JPEG", b"\xff\xd8\xff\xe0" + b"\0" * 20),
        ("staffing.docx", office_file("word/document.xml")),
        ("rota.xlsx", office_file("xl/workbook.xml")),
    ],
)
def test_every_allowed_type_is_kept(
    client: Client, world: World, audit: Audit, name: str, content: bytes
) -> None:
    client.force_login(world.officer)
    assert upload(client, world, audit, name, content) == ""
    assert EvidenceFile.objects.get().name == name


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("run.exe", b"MZ" + b"\0" * 20, "must be a PDF, PNG, JPEG, Word (.docx) or Excel (.xlsx)"),
        ("notes.txt", b"hello", "must be a PDF, PNG, JPEG"),
        ("run.pdf", b"MZ" + b"\0" * 20, "is not a real PDF file"),
        ("zip.docx", office_file("xl/workbook.xml"), "is not a real Word file"),
        ("broken.xlsx", b"PK\x03\x04 not a zip", "is not a real Excel file"),
        ("empty.pdf", b"", "The selected file is empty"),
        ("big.pdf", PDF + b"\0" * (1024 * 1024), "must be smaller than 1 MB"),
    ],
)
def test_bad_files_are_refused_with_a_message_and_nothing_kept(
    client: Client,
    world: World,
    audit: Audit,
    settings: object,
    name: str,
    content: bytes,
    message: str,
) -> None:
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024  # type: ignore[attr-defined]
    client.force_login(world.officer)
    page = upload(client, world, audit, name, content)
    assert message in page and "There is a problem" in page
    assert not EvidenceFile.objects.exists()
    assert not evidence.folder().exists() or not any(evidence.folder().iterdir())


def test_no_file_or_no_standard_is_refused(client: Client, world: World, audit: Audit) -> None:
    client.force_login(world.officer)
    score = audit.scores.first()
    assert score is not None
    page = client.post(url("upload_evidence", world, audit.pk), {"standard": str(score.pk)})
    assert "Select a file to upload" in page.content.decode()
    other = register.start_audit(Who(world.officer), world.stoke, world.home, timezone.localdate())
    wrong = other.scores.first()
    assert wrong is not None
    page = client.post(
        url("upload_evidence", world, audit.pk),
        {"standard": str(wrong.pk), "file": SimpleUploadedFile("a.pdf", PDF)},
    )
    assert "Select the standard the file is evidence for" in page.content.decode()
    assert not EvidenceFile.objects.exists()


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\me\\Report.PDF", "Report.PDF"),
        (".hidden.pdf", "hidden.pdf"),
        ("<script>alert(1)</script>.pdf", "script.pdf"),
        ("Café visit; rm -rf.pdf", "Cafe visit_ rm -rf.pdf"),
        ("..pdf", "evidence.pdf"),
        ("name.p/df", "df"),
        ("notes.pdf\x00.exe", "notes.pdf.exe"),
        ("a" * 300 + ".pdf", "a" * 96 + ".pdf"),
    ],
)
def test_file_names_are_cleaned(raw: str, clean: str) -> None:
    assert evidence.clean_name(raw) == clean


def test_other_councils_and_other_roles_are_refused(
    client: Client, world: World, audit: Audit
) -> None:
    client.force_login(world.officer)
    upload(client, world, audit, "notes.pdf", PDF)
    kept = EvidenceFile.objects.get()
    coventry = {"council": world.coventry.slug}
    client.force_login(world.coventry_officer)
    for name, pk in (
        ("evidence_file", kept.pk),
        ("delete_evidence", kept.pk),
        ("upload_evidence", audit.pk),
    ):
        assert (
            client.get(reverse(f"quality:{name}", kwargs={**coventry, "pk": pk})).status_code == 404
        )
        assert client.get(url(name, world, pk)).status_code == 403  # not Stoke's staff
    assert (
        client.post(
            reverse("quality:delete_evidence", kwargs={**coventry, "pk": kept.pk})
        ).status_code
        == 404
    )
    for person in (
        world.practitioner,
        world.provider,
        user("stoke-commissioner", world.stoke, "commissioner"),
    ):
        client.force_login(person)
        assert client.get(url("evidence_file", world, kept.pk)).status_code == 403
        assert client.post(url("delete_evidence", world, kept.pk)).status_code == 403
    client.logout()
    assert client.get(url("evidence_file", world, kept.pk)).status_code in (302, 403)
    assert EvidenceFile.objects.filter(pk=kept.pk).exists()
    provider_page = reverse("quality:provider_audit", kwargs={"pk": audit.pk})
    register.save_scores(Who(world.officer), audit, {kept.score.standard_id: (GOOD, "")}, "")
    register.share_audit(Who(world.officer), audit, timezone.localdate())
    client.force_login(world.provider)
    assert "notes.pdf" not in client.get(provider_page).content.decode()


def test_a_published_audit_keeps_its_files_and_a_lost_file_is_a_clear_404(
    client: Client, world: World, audit: Audit
) -> None:
    client.force_login(world.officer)
    upload(client, world, audit, "notes.pdf", PDF)
    kept = EvidenceFile.objects.get()
    scores = {s.standard_id: (GOOD, "Seen.") for s in audit.scores.all()}
    register.save_scores(Who(world.officer), audit, scores, "")
    register.publish_audit(Who(world.officer), audit, timezone.localdate())
    page = client.get(url("audit", world, audit.pk)).content.decode()
    assert "notes.pdf" in page and "Add an evidence file" not in page and "Remove" not in page
    client.post(url("delete_evidence", world, kept.pk))
    assert EvidenceFile.objects.filter(pk=kept.pk).exists()
    response = client.post(
        url("upload_evidence", world, audit.pk),
        {"standard": str(kept.score.pk), "file": SimpleUploadedFile("more.pdf", PDF)},
    )
    assert response.status_code == 302 and EvidenceFile.objects.count() == 1
    public = client.get(reverse("quality:public_audit", kwargs={"pk": audit.pk})).content.decode()
    assert "notes.pdf" not in public
    (evidence.folder() / kept.stored).unlink()
    missing = client.get(url("evidence_file", world, kept.pk))
    assert missing.status_code == 404


def test_the_officer_shares_a_file_with_the_provider_only_and_can_stop(
    client: Client, world: World, audit: Audit
) -> None:
    client.force_login(world.officer)
    upload(client, world, audit, "Rota.pdf", PDF)
    kept = EvidenceFile.objects.get()
    assert not kept.shared_with_provider  # off until an officer chooses
    download = reverse("quality:provider_evidence", kwargs={"pk": kept.pk})
    provider_page = reverse("quality:provider_audit", kwargs={"pk": audit.pk})
    share = url("share_evidence", world, kept.pk)
    assert client.get(share).status_code == 302  # a GET changes nothing
    assert (
        "Not shared with the provider" in client.get(url("audit", world, audit.pk)).content.decode()
    )
    done = client.post(share, {"share": "yes"})
    assert done.status_code == 302 and done["Location"].endswith("#evidence-files")
    kept.refresh_from_db()
    assert kept.shared_with_provider
    client.post(share, {"share": "yes"})  # again: nothing new to record
    # the draft is not the provider's yet: nothing to see until it is shared with them
    client.force_login(world.provider)
    assert client.get(download).status_code == 404
    register.save_scores(Who(world.officer), audit, {kept.score.standard_id: (GOOD, "")}, "")
    register.share_audit(Who(world.officer), audit, timezone.localdate())
    page = client.get(provider_page).content.decode()
    assert "Evidence files shared with you" in page and "Rota.pdf" in page
    got = client.get(download)
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF  # type: ignore[attr-defined]
    for stranger in (world.other_provider, world.coventry_officer, world.practitioner):
        client.force_login(stranger)
        assert client.get(download).status_code in (403, 404)
    client.force_login(world.coventry_officer)
    coventry_share = reverse(
        "quality:share_evidence", kwargs={"council": world.coventry.slug, "pk": kept.pk}
    )
    assert client.post(coventry_share, {"share": "no"}).status_code == 404
    client.force_login(world.officer)
    client.post(share, {"share": "no"})
    client.force_login(world.provider)
    assert client.get(download).status_code == 404
    assert "Rota.pdf" not in client.get(provider_page).content.decode()
    events = AuditEvent.objects.filter(object_type="quality.EvidenceFile").order_by("id")
    assert [(e.action, e.local_authority_id) for e in events] == [
        ("uploaded_evidence_file", world.stoke.pk),
        ("shared_evidence_file", world.stoke.pk),
        ("provider_downloaded_evidence_file", world.stoke.pk),
        ("unshared_evidence_file", world.stoke.pk),
    ]
    assert events[2].user == world.provider
