"""Who may do what in the partnership workspace (django-rules; loaded by rules' autodiscovery).

- The secretariat and coordinators (partnership-wide roles, Django groups) run the workspace: they
  see every body and manage every meeting and task; they invite people.
- A body's chair manages that body's meetings, minutes, decisions, attendance and tasks.
- A body's current members (chair, member or observer) read the body, its meetings and documents.
- A public body is read by everyone in the workspace; a private one by its members and the staff only.
- A task is seen by its owner and its author, and by whoever may read its body.
- An organization editor edits only the directory listings of their own partner organization.

Membership checks are cached on the user object for the request (``_partnership_seats``), so a page
that tests many objects pays for one query.
"""

from __future__ import annotations

from typing import Any, cast

import rules
from django.utils import timezone

from newstart.partnership.models import Body, Meeting, MeetingDocument, Membership, MembershipRole, Task
from newstart.partnership.roles import COORDINATOR_GROUP, SECRETARIAT_GROUP, PartnershipRole

is_secretariat = cast(rules.Predicate, rules.is_group_member(SECRETARIAT_GROUP))
is_coordinator = cast(rules.Predicate, rules.is_group_member(COORDINATOR_GROUP))
is_researcher = cast(rules.Predicate, rules.is_group_member(PartnershipRole.RESEARCHER.value))
is_observer = cast(rules.Predicate, rules.is_group_member(PartnershipRole.OBSERVER.value))
is_partnership_staff = is_secretariat | is_coordinator


def current_seats(user: Any) -> dict[int, str]:
    """The bodies the user sits on today, with the role held (chair beats member beats observer)."""
    cached = getattr(user, "_partnership_seats", None)
    if cached is not None:
        return cached
    seats: dict[int, str] = {}
    if user.is_authenticated:
        rank = {MembershipRole.CHAIR: 0, MembershipRole.MEMBER: 1, MembershipRole.OBSERVER: 2}
        for body_id, role in (
            Membership.objects.current(timezone.localdate()).filter(person=user).values_list("body_id", "role")
        ):
            if body_id not in seats or rank[role] < rank[seats[body_id]]:  # type: ignore[index]
                seats[body_id] = role
    user._partnership_seats = seats
    return seats


@rules.predicate
def is_participant(user: Any) -> bool:
    """Someone who has a place in the partnership's workspace at all."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if getattr(user, "_partnership_participant", None) is None:
        user._partnership_participant = bool(
            hasattr(user, "partnership_profile") or current_seats(user) or user.groups.filter(name__in=_ROLE_NAMES)
        )
    return bool(user._partnership_participant)


_ROLE_NAMES = [role.value for role in PartnershipRole]


def _body_of(obj: Any) -> Body | None:
    if isinstance(obj, Body):
        return obj
    if isinstance(obj, Meeting):
        return obj.body
    if isinstance(obj, MeetingDocument):
        return obj.meeting.body
    if isinstance(obj, Task):
        return obj.body
    return None


@rules.predicate
def is_body_member(user: Any, obj: Any) -> bool:
    """A current member of the body (of a meeting, document or task), in any role."""
    body = _body_of(obj)
    return body is not None and user.is_authenticated and body.pk in current_seats(user)


@rules.predicate
def is_body_chair(user: Any, obj: Any) -> bool:
    body = _body_of(obj)
    return body is not None and user.is_authenticated and current_seats(user).get(body.pk) == MembershipRole.CHAIR


@rules.predicate
def is_public_body(user: Any, obj: Any) -> bool:
    body = _body_of(obj)
    return body is not None and body.is_public


@rules.predicate
def is_task_owner(user: Any, task: Task | None) -> bool:
    return task is not None and user.is_authenticated and task.owner_id == user.pk


@rules.predicate
def is_task_author(user: Any, task: Task | None) -> bool:
    return task is not None and user.is_authenticated and task.created_by_id == user.pk


can_read_body = is_participant & (is_partnership_staff | is_body_member | is_public_body)
can_manage_body = is_participant & (is_partnership_staff | is_body_chair)
can_read_task = is_participant & (is_task_owner | is_task_author | is_partnership_staff | can_read_body)
can_update_task = is_participant & (is_task_owner | is_task_author | can_manage_body)


@rules.predicate
def can_edit_directory_organization(user: Any, organization: Any) -> bool:
    """The secretariat edits every directory organization; an organization editor only the listings
    of the partner organization they edit. ``organization`` is a directory Organization (or None for
    "any organization at all", as the admin asks before it has a record)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if is_secretariat(user):
        return True
    editable = user.edited_partner_organizations.filter(active=True, directory_organization__isnull=False)
    if organization is None:
        return editable.exists()
    return editable.filter(directory_organization=organization).exists()


@rules.predicate
def can_edit_directory_service(user: Any, service: Any) -> bool:
    """A directory Service is editable by whoever may edit its organization."""
    if service is None:
        return can_edit_directory_organization(user, None)
    return service.organization_id is not None and can_edit_directory_organization(user, service.organization)


# --- Workspace permissions (checked with user.has_perm(name, obj)) --------------------------------------
rules.add_perm("partnership.access_workspace", is_participant)
rules.add_perm("partnership.read_body", can_read_body)
rules.add_perm("partnership.manage_body", can_manage_body)
rules.add_perm("partnership.read_meeting", can_read_body)
rules.add_perm("partnership.manage_meeting", can_manage_body)
rules.add_perm("partnership.read_document", can_read_body)
rules.add_perm("partnership.read_task", can_read_task)
rules.add_perm("partnership.update_task", can_update_task)
rules.add_perm("partnership.invite_people", is_participant & is_partnership_staff)
rules.add_perm("partnership.create_task", is_participant & is_partnership_staff)
# For the directory admin: has_perm("partnership.edit_directory_organization", organization).
rules.add_perm("partnership.edit_directory_organization", can_edit_directory_organization)
rules.add_perm("partnership.edit_directory_service", can_edit_directory_service)

# --- The admin: the secretariat keeps the partnership's records there -----------------------------------
ADMIN_MODELS: tuple[str, ...] = (
    "focusarea",
    "welcomingcharacteristic",
    "partnerorganization",
    "profile",
    "body",
    "membership",
    "meeting",
    "meetingdocument",
    "decision",
    "attendance",
    "task",
    "invitation",
    "invitedseat",
    "notice",
)
rules.add_perm("partnership", is_secretariat)
for _model in ADMIN_MODELS:
    for _action in ("view", "add", "change", "delete"):
        rules.add_perm(f"partnership.{_action}_{_model}", is_secretariat)
