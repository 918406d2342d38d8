"""Audit evidence files: checked, named safely, stored outside static, removed with care.

A file is kept only when its name ends in an allowed type (PDF, PNG, JPEG, Word, Excel) AND its
first bytes are that type (a renamed program is refused), it is not empty and not larger than
`settings.EVIDENCE_MAX_BYTES`. It is stored under `settings.MEDIA_ROOT`/evidence by a random
name; the name it came with is cleaned (`clean_name`) and used only to show and download it.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
import zipfile
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

#: Extension → (type label, MIME type); `_content_is` checks the first bytes.
KINDS: dict[str, tuple[str, str]] = {
    ".pdf": ("PDF", "application/pdf"),
    ".png": ("PNG", "image/png"),
    ".jpg": ("JPEG", "image/jpeg"),
    ".jpeg": ("JPEG", "image/jpeg"),
    ".docx": (
        "Word",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ".xlsx": ("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
ALLOWED_TEXT = "PDF, PNG, JPEG, Word (.docx) or Excel (.xlsx)"
MAX_NAME = 100


class EvidenceError(ValueError):
    """A file that cannot be kept, with the message to show."""


def max_bytes() -> int:
    return int(settings.EVIDENCE_MAX_BYTES)


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    return f"{max(1, round(size / 1024))} KB"


def clean_name(raw: str) -> str:
    """The last part of the name, in plain letters, digits, spaces and . _ - ( ); no leading
    dots; at most `MAX_NAME` characters with its extension kept."""
    base = re.split(r"[\\/]", raw)[-1]
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    ext = re.sub(r"[^A-Za-z0-9]+", "", ext)[:10]
    stem = re.sub(r"[^A-Za-z0-9 ._()-]+", "_", stem)
    stem = re.sub(r"\s+", " ", stem).strip(" ._")
    stem = stem[: MAX_NAME - len(ext) - 1].strip(" ._") or "evidence"
    return f"{stem}.{ext}" if ext else stem


def _content_is(ext: str, head: bytes, upload: IO[bytes]) -> bool:
    if ext == ".pdf":
        return head.startswith(b"%PDF-")
    if ext == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if not head.startswith(b"PK\x03\x04"):
        return False
    member = "word/document.xml" if ext == ".docx" else "xl/workbook.xml"
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            return member in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)


def check(upload: UploadedFile | None) -> tuple[str, str]:
    """The cleaned name and MIME type of an acceptable upload; EvidenceError otherwise."""
    if upload is None:
        raise EvidenceError("Select a file to upload")
    name = clean_name(upload.name or "")
    ext = Path(name).suffix.lower()
    if ext not in KINDS:
        raise EvidenceError(f"The selected file must be a {ALLOWED_TEXT} file")
    if not upload.size:
        raise EvidenceError("The selected file is empty")
    if upload.size > max_bytes():
        raise EvidenceError(f"The selected file must be smaller than {size_text(max_bytes())}")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    label, mime = KINDS[ext]
    if not _content_is(ext, head, upload):
        raise EvidenceError(f"The selected file is not a real {label} file: check it and try again")
    return name, mime


def folder() -> Path:
    return Path(settings.MEDIA_ROOT) / "evidence"


def store(upload: UploadedFile, name: str) -> str:
    """Write the upload under a random name; return that name."""
    stored = f"{uuid.uuid4().hex}{Path(name).suffix.lower()}"
    target = folder()
    target.mkdir(parents=True, exist_ok=True)
    with open(target / stored, "xb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return stored


def path_of(stored: str) -> Path:
    """Where a stored file is; the stored name is ours (hex and an extension), checked again."""
    if not re.fullmatch(r"[0-9a-f]{32}\.[a-z]{3,4}", stored):
        raise EvidenceError("Not a stored evidence file")
    return folder() / stored


def remove(stored: str) -> None:
    path_of(stored).unlink(missing_ok=True)
