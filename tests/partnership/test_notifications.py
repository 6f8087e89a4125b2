"""Email notices of new and changed meetings and assigned tasks: at once or in daily/weekly digests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from newstart.partnership.models import MeetingStatus, Notice, NotificationPreference
from newstart.partnership.services import digests_send, meeting_create, meeting_update, task_create
from newstart.partnership.tasks import send_digests_task
from tests.partnership.conftest import World

pytestmark = pytest.mark.django_db


def prefer(user: Any, preference: str, language: str = "en") -> None:
    profile = user.partnership_profile
    profile.notification_preference = preference
    profile.preferred_language = language
    profile.save()


def new_meeting(world: World, capture: Any, **data: Any) -> Any:
    start = timezone.now() + dt.timedelta(days=10)
    values = {"title": "Planning", "starts_at": start, "ends_at": start + dt.timedelta(hours=1), **data}
    with capture(execute=True):
        return meeting_create(body=world.private_body, data=values, user=world.secretariat)


def test_members_are_told_at_once_of_a_new_meeting(world: World, django_capture_on_commit_callbacks) -> None:
    new_meeting(world, django_capture_on_commit_callbacks, place="Room 4")
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted([world.chair.email, world.member.email])
    assert mail.outbox[0].subject == "New meeting: Planning"
    assert "Room 4" in mail.outbox[0].body and "/workspace/meetings/" in mail.outbox[0].body
    assert not Notice.objects.filter(sent_at__isnull=True).exists()
    assert world.outsider.email not in recipients


def test_a_notice_is_in_the_recipients_language(world: World, django_capture_on_commit_callbacks) -> None:
    prefer(world.member, NotificationPreference.IMMEDIATE, language="fr")
    new_meeting(world, django_capture_on_commit_callbacks)
    french = Notice.objects.get(recipient=world.member)
    english = Notice.objects.get(recipient=world.chair)
    assert english.subject == "New meeting: Planning"
    # The French text comes from the catalogue when a translator has done it; the language is recorded.
    assert french.recipient.partnership_profile.preferred_language == "fr"


def test_changes_that_matter_are_notified_and_others_not(world: World, django_capture_on_commit_callbacks) -> None:
    meeting = new_meeting(world, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_update(meeting=meeting, data={"agenda": "1. Welcome"}, user=world.secretariat)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        meeting_update(meeting=meeting, data={"place": "Room 9"}, user=world.secretariat)
    assert {m.subject for m in mail.outbox} == {"Meeting changed: Planning"}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_update(meeting=meeting, data={"status": MeetingStatus.CANCELLED}, user=world.secretariat)
    assert {m.subject for m in mail.outbox} == {"Meeting cancelled: Planning"}
    assert "cancelled" in mail.outbox[0].body


def test_task_owner_is_told(world: World, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        task_create(title="Book a room", user=world.chair, body=world.private_body, owner=world.member)
    [message] = mail.outbox
    assert message.to == [world.member.email]
    assert message.subject == "Task for you: Book a room"


def test_digests_collect_notices_by_preference(world: World, django_capture_on_commit_callbacks) -> None:
    prefer(world.member, NotificationPreference.DAILY)
    prefer(world.chair, NotificationPreference.WEEKLY)
    new_meeting(world, django_capture_on_commit_callbacks, title="First")
    new_meeting(world, django_capture_on_commit_callbacks, title="Second")
    assert mail.outbox == []  # nobody wants them at once

    daily = digests_send(frequency=NotificationPreference.DAILY)
    assert (daily.emails, daily.notices) == (1, 2)
    [digest] = mail.outbox
    assert digest.to == [world.member.email]
    assert "New meeting: First" in digest.body and "New meeting: Second" in digest.body
    assert digests_send(frequency=NotificationPreference.DAILY).emails == 0  # nothing twice

    mail.outbox.clear()
    call_command("send_digests", "weekly")
    [weekly] = mail.outbox
    assert weekly.to == [world.chair.email]
    assert weekly.subject == "Your weekly partnership digest"
    assert not Notice.objects.filter(sent_at__isnull=True).exists()


def test_digest_task(world: World, django_capture_on_commit_callbacks) -> None:
    prefer(world.member, NotificationPreference.DAILY)
    new_meeting(world, django_capture_on_commit_callbacks)
    mail.outbox.clear()  # the chair's notice, sent at once
    result = send_digests_task.enqueue("daily")
    assert result.return_value == {"emails": 1, "notices": 1}
    assert [m.to for m in mail.outbox] == [[world.member.email]]


def test_inactive_people_get_no_digest(world: World, django_capture_on_commit_callbacks) -> None:
    prefer(world.member, NotificationPreference.DAILY)
    new_meeting(world, django_capture_on_commit_callbacks)
    mail.outbox.clear()  # the chair's notice, sent at once
    world.member.is_active = False
    world.member.save()
    assert digests_send(frequency=NotificationPreference.DAILY).emails == 0
    assert mail.outbox == []
