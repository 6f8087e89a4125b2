"""The fictional partnership of the demo: its bodies, ~30 people, ~40 partner organizations,
a year of meetings and the next ones, decisions, attendance and tasks.

``partnership_demo_load()`` is idempotent and deterministic: every record has a natural key (a
person's email, a body's slug, an organization's name, a meeting's uuid5 id from its body and month),
so a second load on the same day changes nothing, and a load on a later day adds that month's
meetings. It writes the ORM directly, so loading sends no email. Partner organizations are linked to
the demo directory's organizations of the same name when the directory demo is loaded (before or
after: a later load links them).

Every demo person logs in with their email and DEMO_PASSWORD — for the demo only. Secretariat and
coordinator accounts must enrol an authenticator app at their first login, as in production.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from newstart.directory.models import Organization
from newstart.partnership.models import (
    Attendance,
    AttendanceStatus,
    Body,
    BodyKind,
    Decision,
    FocusArea,
    Meeting,
    MeetingStatus,
    Membership,
    MembershipRole,
    NotificationPreference,
    PartnerOrganization,
    Profile,
    Task,
    TaskStatus,
    Visibility,
)
from newstart.partnership.reference import reference_load
from newstart.partnership.roles import PartnershipRole

DEMO_PASSWORD = "welcome-demo-2026"  # noqa: S105 — the documented password of the fictional demo accounts
DEMO_NAMESPACE = uuid.UUID("2b7c4e1a-9d3f-5a60-8e21-4f0b6c9d7a13")  # never change: meeting ids derive from it
EMAIL_DOMAIN = "example.org"
MONTHS_BACK = 11
MONTHS_AHEAD = 2


@dataclass(frozen=True)
class DemoBody:
    slug: str
    name: str
    kind: str
    focus_area: str | None
    visibility: str
    description: str
    weekday: int  # 0 = Monday; the body meets on the second such day of each month
    hour: int


BODIES: tuple[DemoBody, ...] = (
    DemoBody(
        "access-to-services",
        "Access to Services Strategy Group",
        BodyKind.STRATEGY_GROUP,
        "access-to-services",
        Visibility.PUBLIC,
        "Settlement agencies, health and housing providers working on access to services and programs.",
        1,
        10,
    ),
    DemoBody(
        "civic-engagement",
        "Intercultural and Civic Engagement Strategy Group",
        BodyKind.STRATEGY_GROUP,
        "intercultural-civic-engagement",
        Visibility.PUBLIC,
        "Neighbourhood houses, faith and cultural groups building connections and civic participation.",
        2,
        14,
    ),
    DemoBody(
        "inclusive-workplaces",
        "Welcoming Workplaces Strategy Group",
        BodyKind.STRATEGY_GROUP,
        "welcoming-workplaces",
        Visibility.PUBLIC,
        "Employers, employment programs and credential bodies working on inclusive workplaces.",
        3,
        9,
    ),
    DemoBody(
        "responsive-institutions",
        "Public Institutions Strategy Group",
        BodyKind.STRATEGY_GROUP,
        "responsive-institutions",
        Visibility.PUBLIC,
        "City departments, the school board, the library and the health authority responding to newcomers.",
        0,
        13,
    ),
    DemoBody(
        "immigrant-advisory-table",
        "Immigrant Advisory Table",
        BodyKind.ADVISORY_TABLE,
        None,
        Visibility.PRIVATE,
        "Newcomers and long-settled immigrants who advise the partnership from lived experience.",
        3,
        18,
    ),
    DemoBody(
        "research-advisory-committee",
        "Research Advisory Committee",
        BodyKind.RESEARCH_COMMITTEE,
        None,
        Visibility.PRIVATE,
        "Researchers who advise on evidence, indicators and the partnership's research agenda.",
        4,
        11,
    ),
    DemoBody(
        "partnership-council",
        "Partnership Council",
        BodyKind.GOVERNANCE_BODY,
        None,
        Visibility.PUBLIC,
        "The council that sets the partnership's direction and approves its strategy.",
        2,
        16,
    ),
)

# Names of the demo directory's organizations (newstart/directory/demo/data/catalogue.json) ...
DIRECTORY_PARTNERS: tuple[str, ...] = (
    "Lantern Bridge Newcomer Society",
    "Wayfinder Settlement Collective",
    "Tidewater Immigrant Resource Centre",
    "Saltmarsh Family Place",
    "Copperleaf Community Association",
    "Blue Heron Newcomer Services",
    "First Light Welcome Centre",
    "Kestrel Language Academy Society",
    "Northstar Career Bridge Society",
    "Hearthstone Newcomer Housing Society",
    "Open Table Food Collective",
    "Larkspur Women's Circle Society",
    "Riverbend Refugee Welcome Network",
    "Meridian Legal Access Clinic",
    "Driftwood Youth Collective",
    "Silverpine Seniors Society",
    "Ninebark Health Collective",
    "Quillwort Interpretation Co-op",
    "Tallship Credentials Centre",
    "Starling Parent and Child Society",
    "Mosswood Neighbourhood Hub",
    "Fernway Community Link",
    "Goldfinch Tax and Benefits Clinic",
    "Bramblewood Citizenship Studio",
    "Windrose Orientation Centre",
    "Sandpiper Newcomer Health Clinic",
    "Tamarack Employment Partners",
    "Accueil Ridgeline Francophone Welcome Society",
    "Glasswing Mentorship Network",
    "Mapleward Multicultural Society",
    "Foxglove Workers' Rights Centre",
    "Skylark Small Business Incubator",
)
# ... and partners that are not service listings.
OTHER_PARTNERS: tuple[str, ...] = (
    "City of Vancouver (fictional demo department)",
    "Harbourview School District",
    "Coastal Health Authority (demo)",
    "Vancouver Public Library (demo branch network)",
    "Harbourview Board of Trade",
    "Pacific Rim University Centre for Migration Studies",
    "Westside Faith Communities Network",
    "Granville Employers' Roundtable",
)

# (first name, last name, role code or "", organization index or None, private person)
PEOPLE: tuple[tuple[str, str, str, int | None, bool], ...] = (
    ("Amara", "Okafor", PartnershipRole.SECRETARIAT, 32, False),  # project lead
    ("Louis", "Tremblay", PartnershipRole.SECRETARIAT, 32, False),  # research and outreach coordinator
    ("Mei", "Lin", PartnershipRole.COORDINATOR, 32, False),
    ("Harjit", "Sandhu", "", 0, False),
    ("Sofia", "Reyes", "", 1, False),
    ("Daniel", "Kowalski", "", 2, False),
    ("Fatima", "Rahimi", "", 6, False),
    ("Jonas", "Weber", "", 8, False),
    ("Grace", "Mensah", "", 9, False),
    ("Tomás", "Silva", "", 11, False),
    ("Priya", "Nair", "", 16, False),
    ("Olena", "Kovalenko", "", 12, False),
    ("Kwame", "Asante", "", 20, False),
    ("Hye-jin", "Park", "", 21, False),
    ("Minh", "Tran", "", 26, False),
    ("Chloé", "Gagnon", "", 27, False),
    ("Ahmed", "Haddad", "", 30, False),
    ("Isabel", "Cruz", "", 31, False),
    ("Ravi", "Mehta", "", 37, False),
    ("Naomi", "Fraser", "", 33, False),
    ("Yusuf", "Demir", "", 34, False),
    ("Elena", "Petrova", PartnershipRole.RESEARCHER, 37, False),
    ("Samuel", "Osei", PartnershipRole.RESEARCHER, 37, False),
    ("Ingrid", "Larsen", PartnershipRole.OBSERVER, 36, False),
    ("Nasrin", "Karimi", "", None, True),
    ("Joseph", "Mbeki", "", None, True),
    ("Lucía", "Moreno", "", None, True),
    ("Arjun", "Patel", "", None, True),
    ("Dana", "Alvarez", "", None, True),
    ("Wen", "Zhao", "", None, True),
)

# Seats per body: (person index, role).
C, M, OBS = MembershipRole.CHAIR, MembershipRole.MEMBER, MembershipRole.OBSERVER
SEATS: dict[str, tuple[tuple[int, str], ...]] = {
    "access-to-services": ((3, C), (4, M), (5, M), (10, M), (11, M), (15, M), (2, M)),
    "civic-engagement": ((12, C), (13, M), (16, M), (17, M), (20, M), (23, OBS)),
    "inclusive-workplaces": ((7, C), (6, M), (14, M), (18, M), (19, M), (9, M)),
    "responsive-institutions": ((8, C), (10, M), (19, M), (20, M), (15, M)),
    "immigrant-advisory-table": ((24, C), (25, M), (26, M), (27, M), (28, M), (29, M), (1, M)),
    "research-advisory-committee": ((21, C), (22, M), (1, M), (18, M)),
    "partnership-council": ((0, C), (3, M), (12, M), (7, M), (8, M), (24, M), (21, M)),
}

AGENDAS = (
    "1. Welcome and land acknowledgement\n2. Updates from members\n3. Progress on the action plan\n4. Next steps",
    "1. Welcome\n2. Presentation of new local data\n3. Discussion of gaps\n4. Proposals for the strategy",
    "1. Welcome\n2. Report from the Immigrant Advisory Table\n3. Priorities for the coming year\n4. Other business",
)
DECISIONS = (
    "Adopt the work plan for the coming quarter.",
    "Ask the secretariat to map existing programs before the next meeting.",
    "Endorse the proposal for the strategy and send it to the Partnership Council.",
    "Invite the Immigrant Advisory Table to review the draft recommendations.",
)
TASKS = (
    "Share the summary of member updates",
    "Collect data on waitlists for language classes",
    "Draft the proposal for the strategy",
    "Contact employers for the mentoring pilot",
    "Prepare the next agenda",
    "Review the research brief",
)


@dataclass
class PartnershipDemoResult:
    created: Counter[str] = field(default_factory=Counter)
    linked_to_directory: int = 0

    @property
    def changed(self) -> bool:
        return bool(+self.created) or self.linked_to_directory > 0


def _email(first: str, last: str) -> str:
    def plain(text: str) -> str:
        return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace("-", "")

    return f"{plain(first)}.{plain(last)}@{EMAIL_DOMAIN}"


def _second_weekday(year: int, month: int, weekday: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7)


def _month_offset(day: dt.date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def _organizations(result: PartnershipDemoResult) -> list[PartnerOrganization]:
    names = [*DIRECTORY_PARTNERS, *OTHER_PARTNERS]
    directory = {
        org.safe_translation_getter("name", language_code="en"): org
        for org in Organization.objects.filter(translations__language_code="en", translations__name__in=names)
    }
    partners = []
    for name in names:
        listing = directory.get(name)
        partner, created = PartnerOrganization.objects.get_or_create(
            name=name,
            defaults={
                "directory_organization": listing,
                "is_demo": True,
                "website": listing.website if listing else "",
            },
        )
        result.created["partner organizations"] += int(created)
        if not created and partner.directory_organization_id is None and listing is not None:
            partner.directory_organization = listing
            partner.save(update_fields=["directory_organization"])
            result.linked_to_directory += 1
        partners.append(partner)
    return partners


def _people(partners: list[PartnerOrganization], result: PartnershipDemoResult) -> list[Any]:
    user_model = get_user_model()
    password_hash = make_password(DEMO_PASSWORD)
    groups = {group.name: group for group in Group.objects.filter(name__in=[r.value for r in PartnershipRole])}
    people = []
    for position, (first, last, role, org_index, private) in enumerate(PEOPLE):
        email = _email(first, last)
        user, created = user_model.objects.get_or_create(
            username=email,
            defaults={"email": email, "first_name": first, "last_name": last, "password": password_hash},
        )
        result.created["people"] += int(created)
        if created:
            Profile.objects.create(
                user=user,
                display_name=f"{first} {last}",
                organization=partners[org_index] if org_index is not None else None,
                preferred_language="fr" if first in {"Louis", "Chloé"} else "en",
                notification_preference=(
                    NotificationPreference.IMMEDIATE,
                    NotificationPreference.DAILY,
                    NotificationPreference.WEEKLY,
                )[position % 3],
                is_private_person=private,
                is_demo=True,
            )
            if role:
                user.groups.add(groups[role])
        people.append(user)
    editor = people[3]  # Harjit edits Lantern Bridge's directory listings
    partners[0].editors.add(editor)
    return people


def _bodies(result: PartnershipDemoResult) -> dict[str, Body]:
    areas = {area.code: area for area in FocusArea.objects.all()}
    bodies = {}
    for spec in BODIES:
        body, created = Body.objects.get_or_create(
            slug=spec.slug,
            defaults={
                "name": spec.name,
                "kind": spec.kind,
                "focus_area": areas.get(spec.focus_area) if spec.focus_area else None,
                "visibility": spec.visibility,
                "description": spec.description,
                "is_demo": True,
            },
        )
        result.created["bodies"] += int(created)
        bodies[spec.slug] = body
    return bodies


def _seats(bodies: dict[str, Body], people: list[Any], today: dt.date, result: PartnershipDemoResult) -> None:
    term_start = dt.date(today.year - 1, 9, 1) if today.month >= 9 else dt.date(today.year - 2, 9, 1)
    for slug, seats in SEATS.items():
        for person_index, role in seats:
            _seat, created = Membership.objects.get_or_create(
                body=bodies[slug],
                person=people[person_index],
                defaults={"role": role, "term_start": term_start, "term_end": None},
            )
            result.created["memberships"] += int(created)


def _meetings(bodies: dict[str, Body], people: list[Any], today: dt.date, result: PartnershipDemoResult) -> None:
    tz = timezone.get_current_timezone()
    for spec in BODIES:
        body = bodies[spec.slug]
        members = [people[index] for index, _role in SEATS[spec.slug]]
        chair = members[0]
        for offset in range(-MONTHS_BACK, MONTHS_AHEAD + 1):
            year, month = _month_offset(today, offset)
            uid = uuid.uuid5(DEMO_NAMESPACE, f"meeting:{spec.slug}:{year:04d}-{month:02d}")
            if Meeting.objects.filter(uid=uid).exists():
                continue
            rng = random.Random(str(uid))  # noqa: S311 — demo data, not security
            day = _second_weekday(year, month, spec.weekday)
            starts = dt.datetime.combine(day, dt.time(spec.hour), tzinfo=tz)
            past = day < today
            meeting = Meeting.objects.create(
                uid=uid,
                body=body,
                title=f"{spec.name} — {day:%B %Y}",
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=2),
                place="Vancouver City Hall, Committee Room 1 (demo)" if rng.random() < 0.5 else "",
                online_url="https://meet.example.org/" + spec.slug,
                agenda=AGENDAS[rng.randrange(len(AGENDAS))],
                minutes=("Members shared updates and agreed on the next steps." if past else ""),
                status=MeetingStatus.HELD if past else MeetingStatus.CONFIRMED,
                created_by=people[0],
                is_demo=True,
            )
            result.created["meetings"] += 1
            if past:
                Attendance.objects.bulk_create(
                    Attendance(
                        meeting=meeting,
                        person=member,
                        status=AttendanceStatus.PRESENT if rng.random() < 0.8 else AttendanceStatus.REGRETS,
                    )
                    for member in members
                )
                Decision.objects.create(
                    meeting=meeting, text=DECISIONS[rng.randrange(len(DECISIONS))], recorded_by=chair, is_demo=True
                )
                result.created["decisions"] += 1
            for _index in range(rng.randint(1, 2)):
                due = day + dt.timedelta(days=rng.randint(7, 35))
                done = past and due < today and rng.random() < 0.75
                Task.objects.create(
                    title=TASKS[rng.randrange(len(TASKS))],
                    body=body,
                    meeting=meeting,
                    owner=members[rng.randrange(len(members))],
                    due_date=due,
                    status=TaskStatus.DONE if done else TaskStatus.OPEN,
                    completed_at=starts + dt.timedelta(days=7) if done else None,
                    created_by=chair,
                    is_demo=True,
                )
                result.created["tasks"] += 1


@transaction.atomic
def partnership_demo_load(*, today: dt.date | None = None) -> PartnershipDemoResult:
    """Load (or complete) the demo partnership. Safe to run again; see the module's docstring."""
    from django.apps import apps

    day = today or timezone.localdate()
    result = PartnershipDemoResult()
    reference_load(apps=apps)
    partners = _organizations(result)
    people = _people(partners, result)
    bodies = _bodies(result)
    _seats(bodies, people, day, result)
    _meetings(bodies, people, day, result)
    return result
