"""Writes of the partnership workspace. Keyword-only, typed, atomic; views and commands stay thin."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from newstart.partnership.documents import document_type_of
from newstart.partnership.models import (
    Attendance,
    AttendanceStatus,
    Body,
    Decision,
    Invitation,
    InvitedSeat,
    Meeting,
    MeetingDocument,
    MeetingStatus,
    Membership,
    MembershipRole,
    Notice,
    NoticeKind,
    NotificationPreference,
    PartnerOrganization,
    Profile,
    Task,
    TaskStatus,
)
from newstart.partnership.models.people import new_calendar_token
from newstart.partnership.roles import ORGANIZATION_EDITOR, ROLE_GROUPS

User = get_user_model()
AnyUser = AbstractBaseUser | AnonymousUser | Any

TOTP_DEVICE_NAME = "authenticator app"


def absolute_url(path: str) -> str:
    return settings.PARTNERSHIP_SITE_URL.rstrip("/") + path


# --- People -----------------------------------------------------------------------------------------------


def profile_ensure(*, user: Any, display_name: str = "") -> Profile:
    """The user's profile, created when missing (named after the account, never its email)."""
    profile = Profile.objects.filter(user=user).first()
    if profile is None:
        name = display_name or user.get_full_name() or user.get_username().split("@")[0]
        profile = Profile.objects.create(user=user, display_name=name)
    return profile


def profile_update(
    *, profile: Profile, display_name: str, preferred_language: str, notification_preference: str
) -> Profile:
    profile.display_name = display_name
    profile.preferred_language = preferred_language
    profile.notification_preference = notification_preference
    profile.full_clean()
    profile.save(update_fields=["display_name", "preferred_language", "notification_preference"])
    return profile


def calendar_token_reset(*, profile: Profile) -> Profile:
    """A new secret for the person's private calendar feeds; links using the old one stop working."""
    profile.calendar_token = new_calendar_token()
    profile.save(update_fields=["calendar_token"])
    return profile


def role_grant(*, user: Any, role: str) -> None:
    group, _created = Group.objects.get_or_create(name=ROLE_GROUPS[role])
    user.groups.add(group)


def membership_add(
    *,
    body: Body,
    person: Any,
    role: str = MembershipRole.MEMBER,
    term_start: dt.date | None = None,
    term_end: dt.date | None = None,
) -> Membership:
    membership = Membership(
        body=body, person=person, role=role, term_start=term_start or timezone.localdate(), term_end=term_end
    )
    membership.full_clean()
    membership.save()
    return membership


# --- Invitations ------------------------------------------------------------------------------------------


def invitation_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class SeatOffer:
    body: Body
    role: str = MembershipRole.MEMBER


@transaction.atomic
def invitation_create(
    *,
    email: str,
    invited_by: Any,
    roles: Sequence[str] = (),
    seats: Iterable[SeatOffer] = (),
    organization: PartnerOrganization | None = None,
    display_name: str = "",
    is_private_person: bool = False,
    language: str | None = None,
) -> tuple[Invitation, str]:
    """Make an invitation and email its link; returns the invitation and the token (shown nowhere else)."""
    unknown = [role for role in roles if role not in ROLE_GROUPS and role != ORGANIZATION_EDITOR]
    if unknown:
        raise ValidationError({"roles": _("Unknown role: %(roles)s") % {"roles": ", ".join(unknown)}})
    if ORGANIZATION_EDITOR in roles and organization is None:
        raise ValidationError({"organization": _("An organization editor needs an organization.")})
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=User.objects.normalize_email(email).lower(),
        display_name=display_name,
        token_hash=invitation_token_hash(token),
        roles=list(dict.fromkeys(roles)),
        organization=organization,
        is_private_person=is_private_person,
        invited_by=invited_by,
        expires_at=timezone.now() + dt.timedelta(days=settings.PARTNERSHIP_INVITATION_DAYS),
    )
    invitation.full_clean(exclude=["token_hash"])
    invitation.save()
    for seat in seats:
        InvitedSeat.objects.create(invitation=invitation, body=seat.body, role=seat.role)
    link = absolute_url(reverse("partnership:invitation_accept", kwargs={"token": token}))
    inviter = profile_ensure(user=invited_by).display_name if invited_by is not None else ""
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        subject = _("You are invited to the partnership workspace")
        text = render_to_string(
            "partnership/email/invitation.txt",
            {"invitation": invitation, "link": link, "inviter": inviter, "seats": invitation.seats.all()},
        )
    transaction.on_commit(lambda: EmailMessage(subject, text, to=[invitation.email]).send())
    return invitation, token


def invitation_find(*, token: str) -> Invitation | None:
    """The invitation a token opens, whatever its state (the caller tells expired from used)."""
    if not token or len(token) > 100:
        return None
    return Invitation.objects.filter(token_hash=invitation_token_hash(token)).first()


class InvitationUnusable(Exception):
    pass


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, user: Any | None = None, password: str = "", display_name: str = ""
) -> Any:
    """Accept an invitation: create the account (with ``password``) or link it to ``user``, then grant the
    roles and seats offered. A token works once: a second acceptance fails, even concurrently."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not locked.is_usable():
        raise InvitationUnusable(_("This invitation has already been used or has expired."))
    if user is None:
        if User.objects.filter(email__iexact=locked.email).exists():
            raise InvitationUnusable(_("An account with this email exists: log in first, then open the link again."))
        user = User(username=locked.email, email=locked.email)
        validate_password(password, user)
        user.set_password(password)
        user.save()
    profile = profile_ensure(user=user, display_name=display_name or locked.display_name)
    changed: list[str] = []
    if display_name and profile.display_name != display_name:
        profile.display_name = display_name
        changed.append("display_name")
    if locked.organization_id and profile.organization_id is None:
        profile.organization_id = locked.organization_id
        changed.append("organization")
    if locked.is_private_person and not profile.is_private_person:
        profile.is_private_person = True
        changed.append("is_private_person")
    if changed:
        profile.save(update_fields=changed)
    for role in locked.roles:
        if role == ORGANIZATION_EDITOR:
            if locked.organization is not None:
                locked.organization.editors.add(user)
                if locked.organization.directory_organization_id is not None and not user.is_staff:
                    # Editors change their organization's listings in the admin, which needs staff status
                    # (the admin itself limits them to their own listings).
                    user.is_staff = True
                    user.save(update_fields=["is_staff"])
        else:
            role_grant(user=user, role=role)
    today = timezone.localdate()
    for seat in locked.seats.select_related("body"):
        if not Membership.objects.current(today).filter(body=seat.body, person=user, role=seat.role).exists():
            membership_add(body=seat.body, person=user, role=seat.role, term_start=today)
    locked.accepted_at = timezone.now()
    locked.accepted_by = user
    locked.save(update_fields=["accepted_at", "accepted_by"])
    return user


# --- Two-factor authentication ------------------------------------------------------------------------------


def totp_device_pending(*, user: Any) -> TOTPDevice:
    """The user's unconfirmed authenticator-app device, made when there is none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, token: str) -> bool:
    """Confirm a new device with a code from the app; other devices of the user are then removed."""
    if not device.verify_token(token.strip().replace(" ", "")):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
    return True


# --- Meetings ---------------------------------------------------------------------------------------------

MEETING_FIELDS = ("title", "starts_at", "ends_at", "place", "online_url", "agenda", "status")
# A change to one of these is news to the members (a new minute or typo in the agenda is not).
MEETING_NOTICE_FIELDS = ("title", "starts_at", "ends_at", "place", "online_url", "status")


@transaction.atomic
def meeting_create(*, body: Body, data: Mapping[str, Any], user: Any) -> Meeting:
    meeting = Meeting(body=body, created_by=user, **{name: data[name] for name in MEETING_FIELDS if name in data})
    meeting.full_clean()
    meeting.save()
    _meeting_notify(meeting=meeting, kind=NoticeKind.MEETING_NEW, actor=user)
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, data: Mapping[str, Any], user: Any) -> Meeting:
    before = {name: getattr(meeting, name) for name in MEETING_NOTICE_FIELDS}
    for name in MEETING_FIELDS:
        if name in data:
            setattr(meeting, name, data[name])
    meeting.full_clean()
    news = [name for name in MEETING_NOTICE_FIELDS if getattr(meeting, name) != before[name]]
    if news:
        meeting.sequence += 1
    meeting.save()
    if news:
        cancelled = meeting.status == MeetingStatus.CANCELLED and before["status"] != MeetingStatus.CANCELLED
        kind = NoticeKind.MEETING_CANCELLED if cancelled else NoticeKind.MEETING_CHANGED
        _meeting_notify(meeting=meeting, kind=kind, actor=user)
    return meeting


def meeting_record_minutes(*, meeting: Meeting, minutes: str, held: bool, user: Any) -> Meeting:
    meeting.minutes = minutes
    fields = ["minutes", "updated_at"]
    if held and meeting.status != MeetingStatus.HELD:
        meeting.status = MeetingStatus.HELD
        fields.append("status")
    meeting.save(update_fields=fields)
    return meeting


def decision_create(*, meeting: Meeting, text: str, user: Any) -> Decision:
    decision = Decision(meeting=meeting, text=text.strip(), recorded_by=user)
    decision.full_clean()
    decision.save()
    return decision


@transaction.atomic
def attendance_record(*, meeting: Meeting, statuses: Mapping[int, str]) -> list[Attendance]:
    """Set attendance for the given people (user id -> status); a blank status removes the record."""
    valid = set(AttendanceStatus.values)
    bad = [str(person_id) for person_id, status in statuses.items() if status and status not in valid]
    if bad:
        raise ValidationError({"status": _("Unknown attendance for: %(people)s") % {"people": ", ".join(bad)}})
    Attendance.objects.filter(
        meeting=meeting, person_id__in=[pid for pid, status in statuses.items() if not status]
    ).delete()
    records = []
    for person_id, status in statuses.items():
        if status:
            record, _created = Attendance.objects.update_or_create(
                meeting=meeting, person_id=person_id, defaults={"status": status}
            )
            records.append(record)
    return records


def document_add(*, meeting: Meeting, upload: UploadedFile, title: str, user: Any) -> MeetingDocument:
    limit = settings.PARTNERSHIP_DOCUMENT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            {"file": _("The file is larger than %(limit)s MB.") % {"limit": round(limit / 1024 / 1024, 1)}}
        )
    kind = document_type_of(upload)
    if kind is None:
        raise ValidationError(
            {"file": _("This type of file cannot be attached. Use PDF, office documents, images or plain text.")}
        )
    document = MeetingDocument(
        meeting=meeting,
        title=title.strip() or (upload.name or "")[:200],
        original_name=(upload.name or "")[:255],
        content_type=kind.content_type,
        size=upload.size,
        uploaded_by=user,
    )
    document.file.save(upload.name or "document", upload, save=False)
    document.full_clean()
    document.save()
    return document


# --- Tasks ------------------------------------------------------------------------------------------------


@transaction.atomic
def task_create(
    *,
    title: str,
    user: Any,
    description: str = "",
    body: Body | None = None,
    meeting: Meeting | None = None,
    owner: Any | None = None,
    due_date: dt.date | None = None,
) -> Task:
    if meeting is not None and body is None:
        body = meeting.body
    if meeting is not None and body is not None and meeting.body_id != body.pk:
        raise ValidationError({"meeting": _("The meeting belongs to another body.")})
    task = Task(
        title=title,
        description=description,
        body=body,
        meeting=meeting,
        owner=owner,
        due_date=due_date,
        created_by=user,
    )
    task.full_clean()
    task.save()
    if owner is not None and owner != user:
        _task_notify(task=task)
    return task


def task_set_status(*, task: Task, status: str) -> Task:
    if status not in TaskStatus.values:
        raise ValidationError({"status": _("Unknown task status.")})
    task.status = status
    task.completed_at = timezone.now() if status == TaskStatus.DONE else None
    task.save(update_fields=["status", "completed_at"])
    return task


# --- Notices and digests ------------------------------------------------------------------------------------


def _language_of(user: Any) -> str:
    profile = getattr(user, "partnership_profile", None)
    return profile.preferred_language if profile is not None else settings.LANGUAGE_CODE


def _preference_of(user: Any) -> str:
    profile = getattr(user, "partnership_profile", None)
    return profile.notification_preference if profile is not None else NotificationPreference.IMMEDIATE


def notice_queue(*, recipient: Any, kind: str, subject: str, text: str, url: str = "") -> Notice:
    """Record a notice; people who want notices at once get it by email when the transaction commits."""
    notice = Notice.objects.create(recipient=recipient, kind=kind, subject=subject, text=text, url=url)
    if _preference_of(recipient) == NotificationPreference.IMMEDIATE:
        transaction.on_commit(lambda: notices_send_now(notice_ids=[notice.pk]))
    return notice


def notices_send_now(*, notice_ids: Sequence[int]) -> int:
    sent = 0
    for notice in Notice.objects.filter(pk__in=notice_ids, sent_at__isnull=True).select_related("recipient"):
        if not notice.recipient.email or not notice.recipient.is_active:
            continue
        body = notice.text + (f"\n\n{absolute_url(notice.url)}\n" if notice.url else "\n")
        EmailMessage(notice.subject, body, to=[notice.recipient.email]).send()
        Notice.objects.filter(pk=notice.pk).update(sent_at=timezone.now())
        sent += 1
    return sent


def _meeting_notify(*, meeting: Meeting, kind: str, actor: Any) -> None:
    members = (
        User.objects.filter(memberships__in=Membership.objects.current().filter(body=meeting.body), is_active=True)
        .exclude(pk=getattr(actor, "pk", 0) or 0)
        .select_related("partnership_profile")
        .distinct()
    )
    url = reverse("partnership:meeting", kwargs={"pk": meeting.pk})
    for member in members:
        with translation.override(_language_of(member)), timezone.override(settings.TIME_ZONE):
            subjects = {
                NoticeKind.MEETING_NEW: _("New meeting: %(title)s"),
                NoticeKind.MEETING_CHANGED: _("Meeting changed: %(title)s"),
                NoticeKind.MEETING_CANCELLED: _("Meeting cancelled: %(title)s"),
            }
            subject = subjects[NoticeKind(kind)] % {"title": meeting.title}
            text = render_to_string("partnership/email/meeting_notice.txt", {"meeting": meeting, "kind": kind})
        notice_queue(recipient=member, kind=kind, subject=subject, text=text, url=url)


def _task_notify(*, task: Task) -> None:
    owner = task.owner
    with translation.override(_language_of(owner)):
        subject = _("Task for you: %(title)s") % {"title": task.title}
        text = render_to_string("partnership/email/task_notice.txt", {"task": task})
    notice_queue(
        recipient=owner,
        kind=NoticeKind.TASK_ASSIGNED,
        subject=subject,
        text=text,
        url=reverse("partnership:task", kwargs={"pk": task.pk}),
    )


@dataclass
class DigestResult:
    emails: int = 0
    notices: int = 0


def digests_send(*, frequency: str, now: dt.datetime | None = None) -> DigestResult:
    """Send each person who chose ``frequency`` (daily or weekly) one email with their unsent notices.

    Run daily for the daily digest and weekly for the weekly one (``send_digests``). Notices are marked
    sent per person right after that person's email leaves, so a failure part-way sends nothing twice.
    """
    if frequency not in (NotificationPreference.DAILY, NotificationPreference.WEEKLY):
        raise ValueError(_("A digest is daily or weekly."))
    moment = now or timezone.now()
    pending: dict[int, list[Notice]] = defaultdict(list)
    for notice in (
        Notice.objects.filter(
            sent_at__isnull=True,
            created_at__lte=moment,
            recipient__is_active=True,
            recipient__partnership_profile__notification_preference=frequency,
        )
        .select_related("recipient", "recipient__partnership_profile")
        .order_by("recipient_id", "created_at", "id")
    ):
        pending[notice.recipient_id].append(notice)
    result = DigestResult()
    connection = get_connection()
    for notices in pending.values():
        recipient = notices[0].recipient
        if not recipient.email:
            continue
        with translation.override(_language_of(recipient)):
            subject = (
                _("Your daily partnership digest")
                if frequency == NotificationPreference.DAILY
                else _("Your weekly partnership digest")
            )
            text = render_to_string(
                "partnership/email/digest.txt",
                {
                    "notices": [(n, absolute_url(n.url) if n.url else "") for n in notices],
                    "profile": recipient.partnership_profile,
                    "settings_url": absolute_url(reverse("partnership:profile")),
                },
            )
        EmailMessage(subject, text, to=[recipient.email], connection=connection).send()
        Notice.objects.filter(pk__in=[n.pk for n in notices]).update(sent_at=moment)
        result.emails += 1
        result.notices += len(notices)
    return result
