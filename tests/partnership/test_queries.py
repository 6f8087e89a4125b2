"""Query-count budgets: the dashboard and the body page do not grow with the data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from newstart.partnership.models import MembershipRole
from tests.partnership.conftest import World, logged_in, verified_client
from tests.partnership.factories import BodyFactory, MeetingFactory, TaskFactory, make_person, seat

pytestmark = pytest.mark.django_db


def grow(world: World, *, n: int) -> None:
    for index in range(n):
        body = BodyFactory()
        seat(world.member, body, MembershipRole.CHAIR if index % 2 else MembershipRole.MEMBER)
        MeetingFactory(body=body, starts_at=timezone.now() + dt.timedelta(days=index + 1))
        TaskFactory(owner=world.member, body=body, due_date=timezone.localdate() + dt.timedelta(days=index))
        person = make_person(name=f"Colleague {index}")
        seat(person, world.private_body)
        MeetingFactory(body=world.private_body, starts_at=timezone.now() - dt.timedelta(days=index + 1))
        TaskFactory(owner=person, body=world.private_body)


@pytest.mark.parametrize("n", [1, 15])
def test_dashboard_budget(world: World, django_assert_max_num_queries, n: int) -> None:
    grow(world, n=n)
    client = logged_in(world.member)
    with django_assert_max_num_queries(10):  # measured: 9, whatever n
        assert client.get(reverse("partnership:dashboard")).status_code == 200


@pytest.mark.parametrize("n", [1, 15])
def test_body_page_budget(world: World, django_assert_max_num_queries, n: int) -> None:
    grow(world, n=n)
    client = logged_in(world.member)
    with django_assert_max_num_queries(14):  # measured: 13
        assert client.get(reverse("partnership:body", args=[world.private_body.slug])).status_code == 200


@pytest.mark.parametrize("n", [1, 15])
def test_secretariat_pages_budget(world: World, django_assert_max_num_queries, n: int) -> None:
    grow(world, n=n)
    client = verified_client(world.secretariat)
    with django_assert_max_num_queries(13):  # measured: 12
        assert client.get(reverse("partnership:body", args=[world.private_body.slug])).status_code == 200
    with django_assert_max_num_queries(7):  # measured: 6
        assert client.get(reverse("partnership:body_list")).status_code == 200
    with django_assert_max_num_queries(12):  # measured: 11
        assert client.get(reverse("partnership:meeting", args=[world.meeting.pk])).status_code == 200
