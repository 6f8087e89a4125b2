"""Meeting documents: an allow-list of types checked by content, a size limit, served only to readers."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from newstart.partnership.models import MeetingDocument
from newstart.partnership.services import document_add
from tests.partnership.conftest import World, logged_in

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_chair_attaches_a_pdf_and_members_download_it(world: World) -> None:
    response = logged_in(world.chair).post(
        reverse("partnership:document_upload", args=[world.meeting.pk]),
        {"title": "Briefing", "file": upload("Briefing Note.PDF", PDF)},
    )
    assert response.status_code == 302
    document = MeetingDocument.objects.get()
    assert (document.title, document.content_type, document.size) == ("Briefing", "application/pdf", len(PDF))
    assert "Briefing Note" not in str(document.file.name)  # stored under a random name
    download = logged_in(world.member).get(reverse("partnership:document", args=[document.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert download["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("tool.exe", b"MZ\x90\x00"),
        ("fake.pdf", b"MZ\x90\x00 not a pdf"),
        ("page.html", b"<script>alert(1)</script>"),
        ("binary.txt", b"\x00\x01\x02"),
        ("sheet.xlsx", b"not a zip"),
    ],
)
def test_disallowed_files_are_refused(world: World, name: str, content: bytes) -> None:
    with pytest.raises(ValidationError) as problem:
        document_add(meeting=world.meeting, upload=upload(name, content), title="", user=world.chair)
    assert "file" in problem.value.message_dict
    assert not MeetingDocument.objects.exists()


def test_files_over_the_limit_are_refused(world: World, settings) -> None:
    settings.PARTNERSHIP_DOCUMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="larger than"):
        document_add(meeting=world.meeting, upload=upload("notes.txt", b"a" * 101), title="", user=world.chair)
    document_add(meeting=world.meeting, upload=upload("notes.txt", "é".encode() * 50), title="", user=world.chair)
    assert MeetingDocument.objects.count() == 1


def test_a_refused_upload_through_the_page_shows_why(world: World) -> None:
    response = logged_in(world.chair).post(
        reverse("partnership:document_upload", args=[world.meeting.pk]),
        {"title": "x", "file": upload("tool.exe", b"MZ")},
        follow=True,
    )
    assert "cannot be attached" in response.content.decode()


@pytest.mark.parametrize(("who", "status"), [("outsider", 404), ("member", 403)])
def test_only_managers_attach(world: World, who: str, status: int) -> None:
    response = logged_in(getattr(world, who)).post(
        reverse("partnership:document_upload", args=[world.meeting.pk]), {"file": upload("a.pdf", PDF)}
    )
    assert response.status_code == status
    assert not MeetingDocument.objects.exists()


def test_outsiders_and_anonymous_cannot_download(world: World) -> None:
    document = document_add(meeting=world.meeting, upload=upload("a.pdf", PDF), title="A", user=world.chair)
    url = reverse("partnership:document", args=[document.pk])
    assert logged_in(world.outsider).get(url).status_code == 404
    assert Client().get(url).status_code == 302
