"""iCalendar (RFC 5545) feeds of a body's meetings. Feeds carry no attendee and no person's name:
a public body's feed is public, and a private body's feed is read by calendar programs outside the
workspace's login."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from newstart.partnership.models import Body, Meeting, MeetingStatus
from newstart.partnership.services import absolute_url

PRODID = "-//newstart//partnership workspace//EN"
_STATUS = {
    MeetingStatus.PLANNED: "TENTATIVE",
    MeetingStatus.CONFIRMED: "CONFIRMED",
    MeetingStatus.HELD: "CONFIRMED",
    MeetingStatus.CANCELLED: "CANCELLED",
}


def body_calendar(*, body: Body, meetings: Iterable[Meeting], with_online_links: bool) -> bytes:
    """The body's calendar. Online meeting links go only into feeds behind a person's secret token."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", body.name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    for meeting in meetings:
        event = Event()
        event.add("uid", f"{meeting.uid}@newstart")
        event.add("dtstamp", stamp)
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.ends_at)
        event.add("summary", meeting.title)
        event.add("sequence", meeting.sequence)
        event.add("status", _STATUS[MeetingStatus(meeting.status)])
        event.add("last-modified", meeting.updated_at)
        online_url = meeting.online_url if with_online_links else ""
        if meeting.place:
            event.add("location", meeting.place)
        elif online_url:
            event.add("location", online_url)
        description = [meeting.agenda.strip()] if meeting.agenda.strip() else []
        if online_url:
            description.append(online_url)
        if description:
            event.add("description", "\n\n".join(description))
        event.add("url", absolute_url(reverse("partnership:meeting", kwargs={"pk": meeting.pk})))
        calendar.add_component(event)
    return calendar.to_ical()
