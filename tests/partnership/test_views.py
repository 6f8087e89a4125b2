"""Every workspace page as anonymous, outsider, member, chair and secretariat (verified with OTP)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from newstart.partnership.models import Decision, Meeting, MeetingStatus, Task, TaskStatus
from newstart.partnership.services import document_add
from tests.partnership.conftest import World, logged_in, verified_client

pytestmark = pytest.mark.django_db

PRIVATE_WORDS = ("Secret advisory session", "Private agenda item", "Confidential follow-up", "private-room")


def client_for(world: World, who: str) -> Client:
    if who == "anonymous":
        return Client()
    user = getattr(world, who)
    return verified_client(user) if who in ("secretariat", "coordinator") else logged_in(user)


def read_urls(world: World) -> list[str]:
    document = document_add(
        meeting=world.meeting,
        upload=SimpleUploadedFile("notes.txt", b"private notes", content_type="text/plain"),
        title="Notes",
        user=world.chair,
    )
    return [
        reverse("partnership:body", args=[world.private_body.slug]),
        reverse("partnership:meeting", args=[world.meeting.pk]),
        reverse("partnership:task", args=[world.task.pk]),
        reverse("partnership:document", args=[document.pk]),
    ]


def manage_urls(world: World) -> list[str]:
    return [
        reverse("partnership:meeting_create", args=[world.private_body.slug]),
        reverse("partnership:meeting_edit", args=[world.meeting.pk]),
        reverse("partnership:meeting_attendance", args=[world.meeting.pk]),
        reverse("partnership:task_create") + f"?meeting={world.meeting.pk}",
        reverse("partnership:task_create") + f"?body={world.private_body.slug}",
    ]


GENERAL = ["dashboard", "body_list", "task_list", "profile"]


@pytest.mark.parametrize(
    ("who", "read_status", "manage_status"),
    [
        ("outsider", 404, 404),
        ("member", 200, 403),
        ("chair", 200, 200),
        ("secretariat", 200, 200),
        ("coordinator", 200, 200),
    ],
)
def test_access_matrix(world: World, who: str, read_status: int, manage_status: int) -> None:
    client = client_for(world, who)
    for url in read_urls(world):
        assert client.get(url).status_code == read_status, url
    for url in manage_urls(world):
        assert client.get(url).status_code == manage_status, url
    for name in GENERAL:
        assert client.get(reverse(f"partnership:{name}")).status_code == 200, name


def test_anonymous_is_sent_to_login_everywhere(world: World) -> None:
    client = Client()
    urls = [*read_urls(world), *manage_urls(world), *(reverse(f"partnership:{name}") for name in GENERAL)]
    urls.append(reverse("partnership:invitation_create"))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("partnership:login") + "?next="), url


def test_an_account_outside_the_partnership_is_refused(world: World) -> None:
    from tests.partnership.factories import UserFactory

    client = logged_in(UserFactory())
    assert client.get(reverse("partnership:dashboard")).status_code == 403


@pytest.mark.parametrize("page", ["dashboard", "body_list", "task_list", "profile"])
def test_outsider_sees_nothing_private_in_lists(world: World, page: str) -> None:
    html = logged_in(world.outsider).get(reverse(f"partnership:{page}")).content.decode()
    assert "Immigrant Advisory Table" not in html
    for word in PRIVATE_WORDS:
        assert word not in html


def test_member_sees_the_private_body_in_lists(world: World) -> None:
    client = logged_in(world.member)
    assert "Immigrant Advisory Table" in client.get(reverse("partnership:body_list")).content.decode()
    dashboard = client.get(reverse("partnership:dashboard")).content.decode()
    assert "Secret advisory session" in dashboard
    assert "Confidential follow-up" in dashboard


def test_outsider_posts_change_nothing(world: World) -> None:
    client = logged_in(world.outsider)
    pk = world.meeting.pk
    assert client.post(reverse("partnership:meeting_minutes", args=[pk]), {"minutes": "x"}).status_code == 404
    assert client.post(reverse("partnership:decision_create", args=[pk]), {"text": "x"}).status_code == 404
    assert client.post(reverse("partnership:task_status", args=[world.task.pk]), {"status": "done"}).status_code == 404
    world.meeting.refresh_from_db()
    assert world.meeting.minutes == ""
    assert not Decision.objects.exists()


def test_member_cannot_record_minutes(world: World) -> None:
    response = logged_in(world.member).post(
        reverse("partnership:meeting_minutes", args=[world.meeting.pk]), {"minutes": "Nope"}
    )
    assert response.status_code == 403


def test_chair_records_minutes_decisions_attendance_and_tasks(world: World) -> None:
    client = logged_in(world.chair)
    pk = world.meeting.pk
    client.post(reverse("partnership:meeting_minutes", args=[pk]), {"minutes": "We met.", "held": "on"})
    client.post(reverse("partnership:decision_create", args=[pk]), {"text": "Adopt the plan."})
    client.post(
        reverse("partnership:meeting_attendance", args=[pk]),
        {f"person_{world.member.pk}": "present", f"person_{world.chair.pk}": "regrets"},
    )
    response = client.post(
        reverse("partnership:task_create"),
        {"meeting": pk, "title": "Write the summary", "owner": world.member.pk, "due_date": "2030-01-15"},
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(pk=pk)
    assert meeting.minutes == "We met."
    assert meeting.status == MeetingStatus.HELD
    assert list(meeting.decisions.values_list("text", flat=True)) == ["Adopt the plan."]
    assert dict(meeting.attendance.values_list("person_id", "status")) == {
        world.member.pk: "present",
        world.chair.pk: "regrets",
    }
    task = Task.objects.get(title="Write the summary")
    assert (task.body, task.meeting, task.owner) == (world.private_body, meeting, world.member)
    html = client.get(reverse("partnership:meeting", args=[pk])).content.decode()
    assert "Adopt the plan." in html and "Write the summary" in html and "Regrets sent" in html


def test_task_owner_must_sit_on_the_body(world: World) -> None:
    response = logged_in(world.chair).post(
        reverse("partnership:task_create"), {"meeting": world.meeting.pk, "title": "x", "owner": world.outsider.pk}
    )
    assert response.status_code == 200
    assert not Task.objects.filter(title="x").exists()


def test_chair_creates_and_edits_a_meeting(world: World) -> None:
    client = logged_in(world.chair)
    response = client.post(
        reverse("partnership:meeting_create", args=[world.private_body.slug]),
        {
            "title": "Spring session",
            "starts_at": "2031-04-02T18:00",
            "ends_at": "2031-04-02T20:00",
            "status": "planned",
        },
    )
    meeting = Meeting.objects.get(title="Spring session")
    assert response["Location"] == reverse("partnership:meeting", args=[meeting.pk])
    assert timezone.localtime(meeting.starts_at).hour == 18
    response = client.post(
        reverse("partnership:meeting_edit", args=[meeting.pk]),
        {
            "title": "Spring session",
            "starts_at": "2031-04-02T18:00",
            "ends_at": "2031-04-02T17:00",
            "status": "planned",
        },
    )
    assert response.status_code == 200
    assert "A meeting cannot end before it starts." in response.content.decode()


def test_owner_marks_a_task_done(world: World) -> None:
    logged_in(world.member).post(reverse("partnership:task_status", args=[world.task.pk]), {"status": "done"})
    world.task.refresh_from_db()
    assert world.task.status == TaskStatus.DONE
    assert world.task.completed_at is not None


def test_task_status_redirect_refuses_other_sites(world: World) -> None:
    response = logged_in(world.member).post(
        reverse("partnership:task_status", args=[world.task.pk]),
        {"status": "done", "next": "https://evil.example.com/"},
    )
    assert response["Location"] == reverse("partnership:task", args=[world.task.pk])


def test_only_staff_create_tasks_outside_bodies(world: World) -> None:
    assert logged_in(world.member).get(reverse("partnership:task_create")).status_code == 403
    client = verified_client(world.secretariat)
    response = client.post(reverse("partnership:task_create"), {"title": "Book the hall", "owner": world.member.pk})
    assert response.status_code == 302
    task = Task.objects.get(title="Book the hall")
    assert task.body is None and task.owner == world.member


def test_private_persons_are_named_only_inside_the_workspace(world: World) -> None:
    from tests.partnership.factories import make_person, seat

    lived = make_person(name="Nasrin Lived", private=True)
    seat(lived, world.public_body)
    html = logged_in(world.chair).get(reverse("partnership:body", args=[world.public_body.slug])).content.decode()
    assert "Nasrin Lived" in html  # the workspace is not public: co-members see the name
    feed = Client().get(reverse("partnership:feed_public", args=[world.public_body.slug])).content.decode()
    assert "Nasrin" not in feed


def test_workspace_speaks_the_persons_language(world: World) -> None:
    profile: Any = world.member.partnership_profile
    profile.preferred_language = "fr"
    profile.save()
    response = logged_in(world.member).get(reverse("partnership:dashboard"))
    assert response["Content-Language"] == "fr"
    assert '<html lang="fr"' in response.content.decode()
