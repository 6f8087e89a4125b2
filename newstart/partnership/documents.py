"""Which files may be attached to meetings: an allow-list of types, each checked by its extension and
by the first bytes of the file, so a renamed executable is refused."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from django.core.files.uploadedfile import UploadedFile

_ZIP = (b"PK\x03\x04",)


@dataclass(frozen=True)
class DocumentType:
    content_type: str
    signatures: tuple[bytes, ...]  # the file must start with one of these; empty: text, checked as UTF-8


ALLOWED_DOCUMENT_TYPES: dict[str, DocumentType] = {
    ".pdf": DocumentType("application/pdf", (b"%PDF-",)),
    ".docx": DocumentType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    ".xlsx": DocumentType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    ".pptx": DocumentType("application/vnd.openxmlformats-officedocument.presentationml.presentation", _ZIP),
    ".odt": DocumentType("application/vnd.oasis.opendocument.text", _ZIP),
    ".ods": DocumentType("application/vnd.oasis.opendocument.spreadsheet", _ZIP),
    ".odp": DocumentType("application/vnd.oasis.opendocument.presentation", _ZIP),
    ".png": DocumentType("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": DocumentType("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": DocumentType("image/jpeg", (b"\xff\xd8\xff",)),
    ".txt": DocumentType("text/plain", ()),
    ".csv": DocumentType("text/csv", ()),
    ".md": DocumentType("text/markdown", ()),
}

TEXT_SAMPLE_BYTES = 64 * 1024


def document_type_of(upload: UploadedFile) -> DocumentType | None:
    """The allowed type the upload really is, or None."""
    suffix = PurePath(upload.name or "").suffix.lower()
    kind = ALLOWED_DOCUMENT_TYPES.get(suffix)
    if kind is None:
        return None
    upload.seek(0)
    head = upload.read(TEXT_SAMPLE_BYTES if not kind.signatures else 16)
    upload.seek(0)
    if kind.signatures:
        return kind if any(head.startswith(signature) for signature in kind.signatures) else None
    if b"\x00" in head:
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A sample cut in the middle of a character is still text.
        if exc.start < len(head) - 4:
            return None
    return kind
