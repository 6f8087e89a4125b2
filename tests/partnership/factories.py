"""factory_boy factories for the partnership's models. Shared with the strategy helper's tests: keep
names and defaults stable, only add."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from newstart.partnership.models import (
    Body,
    BodyKind,
    Decision,
    Meeting,
    MeetingStatus,
    Membership,
    MembershipRole,
    PartnerOrganization,
    Profile,
    Task,
    Visibility,
)
from tests.directory.factories import ModelFactory

User = get_user_model()


class UserFactory(ModelFactory[Any]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"person{n}@example.org")
    email = factory.LazyAttribute(lambda o: o.username)
    password = factory.django.Password("correct-horse-battery")


class PartnerOrganizationFactory(ModelFactory[PartnerOrganization]):
    class Meta:
        model = PartnerOrganization

    name = factory.Sequence(lambda n: f"Partner {n}")


class ProfileFactory(ModelFactory[Profile]):
    class Meta:
        model = Profile

    user = factory.SubFactory(UserFactory)
    display_name = factory.Sequence(lambda n: f"Person {n}")


class BodyFactory(ModelFactory[Body]):
    class Meta:
        model = Body

    name = factory.Sequence(lambda n: f"Body {n}")
    slug = factory.Sequence(lambda n: f"body-{n}")
    kind = BodyKind.STRATEGY_GROUP
    visibility = Visibility.PRIVATE


class MembershipFactory(ModelFactory[Membership]):
    class Meta:
        model = Membership

    body = factory.SubFactory(BodyFactory)
    person = factory.SubFactory(UserFactory)
    role = MembershipRole.MEMBER
    term_start = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))


class MeetingFactory(ModelFactory[Meeting]):
    class Meta:
        model = Meeting

    body = factory.SubFactory(BodyFactory)
    title = factory.Sequence(lambda n: f"Meeting {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    status = MeetingStatus.CONFIRMED


class DecisionFactory(ModelFactory[Decision]):
    class Meta:
        model = Decision

    meeting = factory.SubFactory(MeetingFactory)
    text = factory.Sequence(lambda n: f"Decision {n}")


class TaskFactory(ModelFactory[Task]):
    class Meta:
        model = Task

    title = factory.Sequence(lambda n: f"Task {n}")


def make_person(
    *,
    name: str = "",
    roles: Iterable[str] = (),
    private: bool = False,
    organization: PartnerOrganization | None = None,
    email: str = "",
    **profile: Any,
) -> Any:
    """A person of the partnership: an account with a profile and the given partnership-wide roles."""
    user = UserFactory(**({"username": email} if email else {}))
    ProfileFactory(
        user=user,
        is_private_person=private,
        organization=organization,
        **({"display_name": name} if name else {}),
        **profile,
    )
    for role in roles:
        group, _created = Group.objects.get_or_create(name=role)
        user.groups.add(group)
    return user


def seat(person: Any, body: Body, role: str = MembershipRole.MEMBER, **kwargs: Any) -> Membership:
    return MembershipFactory(person=person, body=body, role=role, **kwargs)
