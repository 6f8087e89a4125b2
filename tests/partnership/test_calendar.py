"""iCalendar feeds: public bodies' feeds are public; private bodies' feeds need a person's secret token."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from newstart.partnership.models import MeetingStatus
from newstart.partnership.services import calendar_token_reset, meeting_update
from tests.partnership.conftest import World, logged_in
from tests.partnership.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def private_feed(person: Any, slug: str) -> str:
    return reverse("partnership:feed_private", args=[person.partnership_profile.calendar_token, slug])


def events(response: Any) -> list[Any]:
    assert response["Content-Type"].startswith("text/calendar")
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def test_public_feed_lists_the_meetings_for_anyone(world: World) -> None:
    response = Client().get(reverse("partnership:feed_public", args=[world.public_body.slug]))
    [event] = events(response)
    meeting = world.public_meeting
    assert str(event["summary"]) == "Open strategy meeting"
    assert event.decoded("dtstart") == meeting.starts_at.replace(microsecond=0)
    assert event.decoded("dtend") == meeting.ends_at.replace(microsecond=0)
    assert str(event["uid"]) == f"{meeting.uid}@newstart"
    assert str(event["status"]) == "CONFIRMED"
    assert "meet.example.org" not in response.content.decode()  # online links only in private feeds


def test_private_body_has_no_public_feed(world: World) -> None:
    assert Client().get(reverse("partnership:feed_public", args=[world.private_body.slug])).status_code == 404
    assert (
        logged_in(world.member).get(reverse("partnership:feed_public", args=[world.private_body.slug])).status_code
        == 404
    )


def test_private_feed_for_a_member(world: World) -> None:
    response = Client().get(private_feed(world.member, world.private_body.slug))
    [event] = events(response)
    assert str(event["summary"]) == "Secret advisory session"
    assert "https://meet.example.org/private-room" in str(event["description"])


def test_private_feed_refuses_outsiders_and_wrong_tokens(world: World) -> None:
    assert Client().get(private_feed(world.outsider, world.private_body.slug)).status_code == 404
    wrong = reverse("partnership:feed_private", args=["x" * 43, world.private_body.slug])
    assert Client().get(wrong).status_code == 404


def test_a_reset_token_stops_the_old_link(world: World) -> None:
    old = private_feed(world.member, world.private_body.slug)
    calendar_token_reset(profile=world.member.partnership_profile)
    world.member.refresh_from_db()
    assert Client().get(old).status_code == 404
    assert Client().get(private_feed(world.member, world.private_body.slug)).status_code == 200


def test_a_former_member_loses_the_feed(world: World) -> None:
    world.member.memberships.update(term_end=world.member.memberships.get().term_start)
    assert Client().get(private_feed(world.member, world.private_body.slug)).status_code == 404


def test_changes_raise_the_sequence_and_cancellations_show(world: World) -> None:
    meeting = world.public_meeting
    meeting_update(meeting=meeting, data={"status": MeetingStatus.CANCELLED}, user=world.secretariat)
    [event] = events(Client().get(reverse("partnership:feed_public", args=[world.public_body.slug])))
    assert int(event["sequence"]) == 1
    assert str(event["status"]) == "CANCELLED"


def test_feed_has_no_names_of_people(world: World) -> None:
    MeetingFactory(body=world.public_body, title="Second meeting", created_by=world.chair)
    content = Client().get(reverse("partnership:feed_public", args=[world.public_body.slug])).content.decode()
    for name in ("Chris Chair", "Mina Member", "Sam Secretariat", "@example.org"):
        assert name not in content
