"""The partnership's models: people and organizations, bodies, meetings, tasks, invitations, notices."""

from __future__ import annotations

from newstart.partnership.models.bodies import Body, BodyKind, Membership, MembershipRole, Visibility, current_on
from newstart.partnership.models.invitations import Invitation, InvitedSeat
from newstart.partnership.models.meetings import (
    Attendance,
    AttendanceStatus,
    Decision,
    Meeting,
    MeetingDocument,
    MeetingStatus,
    Task,
    TaskStatus,
)
from newstart.partnership.models.notifications import Notice, NoticeKind
from newstart.partnership.models.people import NotificationPreference, PartnerOrganization, Profile
from newstart.partnership.models.reference import FocusArea, WelcomingCharacteristic

__all__ = [
    "Attendance",
    "AttendanceStatus",
    "Body",
    "BodyKind",
    "Decision",
    "FocusArea",
    "Invitation",
    "InvitedSeat",
    "Meeting",
    "MeetingDocument",
    "MeetingStatus",
    "Membership",
    "MembershipRole",
    "Notice",
    "NoticeKind",
    "NotificationPreference",
    "PartnerOrganization",
    "Profile",
    "Task",
    "TaskStatus",
    "Visibility",
    "WelcomingCharacteristic",
    "current_on",
]
