"""Reads of the partnership workspace. Lists are filtered in the database with the same logic as the
rules in rules.py, so nothing private reaches a page that lists, searches or feeds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from newstart.partnership.models import (
    Attendance,
    AttendanceStatus,
    Body,
    Meeting,
    MeetingStatus,
    Membership,
    MembershipRole,
    Profile,
    Task,
    TaskStatus,
    Visibility,
    current_on,
)
from newstart.partnership.rules import current_seats, is_participant, is_partnership_staff

UPCOMING_MEETINGS_ON_DASHBOARD = 5
RECENT_MEETINGS_ON_BODY_PAGE = 10


def person_name(user: Any, *, public: bool = False) -> str:
    """How a person is named. In anything public (feeds, exports, public pages) a private person is
    never named; inside the workspace, their display name is shown to the people they work with."""
    profile = getattr(user, "partnership_profile", None)
    if profile is None:
        return _("A participant")
    if public and profile.is_private_person:
        return _("A community member")
    return profile.display_name


def body_list_visible(*, user: Any) -> QuerySet[Body]:
    """The bodies the user may read (see rules.can_read_body)."""
    bodies = Body.objects.filter(active=True).select_related("focus_area")
    if not is_participant(user):
        return bodies.none()
    if is_partnership_staff(user):
        return bodies
    return bodies.filter(Q(visibility=Visibility.PUBLIC) | Q(pk__in=list(current_seats(user))))


def task_list_visible(*, user: Any) -> QuerySet[Task]:
    """The tasks the user may read (see rules.can_read_task)."""
    tasks = Task.objects.select_related("body", "owner__partnership_profile", "meeting")
    if not is_participant(user):
        return tasks.none()
    if is_partnership_staff(user):
        return tasks
    readable_bodies = body_list_visible(user=user).values("pk")
    return tasks.filter(Q(owner=user) | Q(created_by=user) | Q(body__in=readable_bodies))


def meeting_list_visible(*, user: Any) -> QuerySet[Meeting]:
    return Meeting.objects.filter(body__in=body_list_visible(user=user).values("pk")).select_related("body")


@dataclass
class Dashboard:
    seats: list[Membership]
    my_tasks: list[Task]
    due_this_week: list[Task]
    next_meetings: list[Meeting]
    week_end: dt.date
    overdue_count: int = 0


def dashboard_get(*, user: Any, now: dt.datetime | None = None) -> Dashboard:
    """A person's dashboard: their bodies, their open tasks, what is due this week, their next meetings."""
    moment = now or timezone.now()
    today = timezone.localdate(moment)
    week_end = today + dt.timedelta(days=6 - today.weekday())
    seats = list(
        Membership.objects.filter(current_on(today), person=user, body__active=True)
        .select_related("body", "body__focus_area")
        .order_by("body__name")
    )
    my_tasks = list(
        Task.objects.filter(owner=user, status=TaskStatus.OPEN)
        .select_related("body", "meeting")
        .order_by("due_date", "id")
    )
    due_this_week = [task for task in my_tasks if task.due_date is not None and task.due_date <= week_end]
    overdue = sum(1 for task in my_tasks if task.due_date is not None and task.due_date < today)
    my_body_ids = [seat.body_id for seat in seats]
    next_meetings = list(
        Meeting.objects.filter(body_id__in=my_body_ids, ends_at__gte=moment)
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related("body")
        .order_by("starts_at")[:UPCOMING_MEETINGS_ON_DASHBOARD]
    )
    return Dashboard(
        seats=seats,
        my_tasks=my_tasks,
        due_this_week=due_this_week,
        next_meetings=next_meetings,
        week_end=week_end,
        overdue_count=overdue,
    )


@dataclass
class BodyPage:
    body: Body
    members: list[Membership]
    upcoming: list[Meeting]
    recent: list[Meeting]
    open_tasks: list[Task]
    past_members_count: int = 0
    my_role: str | None = None


def body_get(*, slug: str) -> Body | None:
    return Body.objects.select_related("focus_area").filter(slug=slug, active=True).first()


def body_page_get(*, body: Body, user: Any, now: dt.datetime | None = None) -> BodyPage:
    moment = now or timezone.now()
    today = timezone.localdate(moment)
    members = list(
        Membership.objects.filter(current_on(today), body=body)
        .select_related("person__partnership_profile__organization")
        .order_by("role", "person__partnership_profile__display_name")
    )
    role_order: dict[str, int] = {MembershipRole.CHAIR: 0, MembershipRole.MEMBER: 1, MembershipRole.OBSERVER: 2}
    members.sort(key=lambda m: (role_order.get(m.role, 9), person_name(m.person).casefold()))
    meetings = Meeting.objects.filter(body=body)
    upcoming = list(meetings.filter(ends_at__gte=moment).order_by("starts_at"))
    recent = list(meetings.filter(ends_at__lt=moment).order_by("-starts_at")[:RECENT_MEETINGS_ON_BODY_PAGE])
    open_tasks = list(
        Task.objects.filter(body=body, status=TaskStatus.OPEN)
        .select_related("owner__partnership_profile", "meeting")
        .order_by("due_date", "id")
    )
    past = Membership.objects.filter(body=body).exclude(current_on(today)).count()
    return BodyPage(
        body=body,
        members=members,
        upcoming=upcoming,
        recent=recent,
        open_tasks=open_tasks,
        past_members_count=past,
        my_role=current_seats(user).get(body.pk),
    )


def meeting_get(*, pk: int) -> Meeting | None:
    return Meeting.objects.select_related("body", "body__focus_area").filter(pk=pk, body__active=True).first()


@dataclass(frozen=True)
class AttendanceRow:
    person: Any
    status: str
    seat: Membership | None

    @property
    def status_label(self) -> str:
        return str(AttendanceStatus(self.status).label) if self.status else ""


@dataclass
class MeetingPage:
    meeting: Meeting
    documents: list[Any]
    decisions: list[Any]
    attendance: list[AttendanceRow]
    tasks: list[Task]


def meeting_page_get(*, meeting: Meeting) -> MeetingPage:
    """The meeting with its documents, decisions, tasks and attendance (members at the meeting's date,
    plus anyone else recorded)."""
    day = timezone.localdate(meeting.starts_at)
    seats = list(
        Membership.objects.filter(current_on(day), body=meeting.body).select_related("person__partnership_profile")
    )
    recorded = {
        record.person_id: record
        for record in Attendance.objects.filter(meeting=meeting).select_related("person__partnership_profile")
    }
    rows: list[AttendanceRow] = []
    seen: set[int] = set()
    for seat in sorted(seats, key=lambda s: person_name(s.person).casefold()):
        if seat.person_id in seen:
            continue
        seen.add(seat.person_id)
        record = recorded.get(seat.person_id)
        rows.append(AttendanceRow(person=seat.person, status=record.status if record else "", seat=seat))
    for person_id, record in recorded.items():
        if person_id not in seen:
            rows.append(AttendanceRow(person=record.person, status=record.status, seat=None))
    return MeetingPage(
        meeting=meeting,
        documents=list(meeting.documents.all()),
        decisions=list(meeting.decisions.all()),
        attendance=rows,
        tasks=list(meeting.tasks.select_related("owner__partnership_profile").order_by("due_date", "id")),
    )


def body_members_current(*, body: Body) -> QuerySet[Any]:
    """The people on the body today (for task owners and attendance)."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    seats = Membership.objects.current().filter(body=body, person=OuterRef("pk"))
    return (
        user_model.objects.filter(Exists(seats), is_active=True)
        .select_related("partnership_profile")
        .order_by("partnership_profile__display_name")
    )


def task_owner_choices(*, body: Body | None) -> QuerySet[Any]:
    """Who may own a task: the body's members, or (no body) everyone with a profile."""
    from django.contrib.auth import get_user_model

    if body is not None:
        return body_members_current(body=body)
    return (
        get_user_model()
        .objects.filter(is_active=True, partnership_profile__isnull=False)
        .select_related("partnership_profile")
        .order_by("partnership_profile__display_name")
    )


def profile_by_calendar_token(*, token: str) -> Profile | None:
    if not token or len(token) > 64:
        return None
    return Profile.objects.select_related("user").filter(calendar_token=token, user__is_active=True).first()


def meetings_for_feed(*, body: Body) -> QuerySet[Meeting]:
    since = timezone.now() - dt.timedelta(days=settings.PARTNERSHIP_FEED_PAST_DAYS)
    return Meeting.objects.filter(body=body, ends_at__gte=since).order_by("starts_at")


def task_get(*, pk: int) -> Task | None:
    return (
        Task.objects.select_related("body", "meeting", "owner__partnership_profile", "created_by__partnership_profile")
        .filter(pk=pk)
        .first()
    )
