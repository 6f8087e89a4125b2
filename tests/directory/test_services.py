from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from newstart.directory.freshness import service_verification_overdue
from newstart.directory.models import Attribute, Service, ServiceVerification
from newstart.directory.services import (
    VERIFIED_CHANGE_REASON,
    service_mark_verified,
    service_set_taxonomy_terms,
)
from tests.directory.factories import (
    AttributeFactory,
    ServiceFactory,
    TaxonomyTermFactory,
    link_service_to_term,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary():
    return get_user_model().objects.create_user("secretary", email="secretary@lip.example.org", password="x" * 12)


def _freeze_now(monkeypatch, moment: dt.datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


# --- service_mark_verified ---------------------------------------------------------------


def test_mark_verified_sets_date_email_last_modified_and_history(secretary, monkeypatch):
    services = [ServiceFactory.create(last_modified=timezone.now() - dt.timedelta(days=400)) for _ in range(2)]
    untouched = ServiceFactory.create(assured_date=dt.date(2020, 1, 1))
    # 06:00 UTC tomorrow is still today in Vancouver: "today" is the directory's own date.
    tomorrow = timezone.now().astimezone(ZoneInfo("UTC")).date() + dt.timedelta(days=1)
    moment = dt.datetime.combine(tomorrow, dt.time(6, 0), tzinfo=ZoneInfo("UTC"))
    _freeze_now(monkeypatch, moment)

    count = service_mark_verified(services=Service.objects.filter(pk__in=[s.pk for s in services]), user=secretary)

    assert count == 2
    for service in services:
        service.refresh_from_db()
        assert service.assured_date == tomorrow - dt.timedelta(days=1)
        assert service.assurer_email == "secretary@lip.example.org"
        assert service.last_modified == moment
        latest = service.history.latest()
        assert latest.history_user == secretary
        assert latest.history_change_reason == VERIFIED_CHANGE_REASON
        assert latest.history_type == "~"
        delta = latest.diff_against(latest.prev_record)
        assert set(delta.changed_fields) == {"assured_date", "assurer_email", "last_modified"}
    untouched.refresh_from_db()
    assert untouched.assured_date == dt.date(2020, 1, 1)


def test_mark_verified_accepts_proxy_rows_and_records_history_on_service(secretary):
    service = ServiceFactory.create()
    before = service.history.count()

    count = service_mark_verified(services=ServiceVerification.objects.filter(pk=service.pk), user=secretary)

    assert count == 1
    assert service.history.count() == before + 1
    service.refresh_from_db()
    assert service.assured_date == timezone.localdate()


def test_mark_verified_with_a_list_and_a_user_without_email():
    user = get_user_model().objects.create_user("noemail", password="x" * 12)
    service = ServiceFactory.create(assurer_email="old@example.org")

    assert service_mark_verified(services=[service], user=user) == 1

    service.refresh_from_db()
    assert service.assurer_email == ""
    assert service.assured_date == timezone.localdate()


def test_mark_verified_with_nothing_changes_nothing(secretary):
    ServiceFactory.create()
    assert service_mark_verified(services=Service.objects.none(), user=secretary) == 0
    assert Service.objects.filter(assured_date__isnull=False).count() == 0


# --- service_set_taxonomy_terms ------------------------------------------------------------


def _terms_of(service: Service) -> set:
    return set(
        Attribute.objects.filter(link_entity="service", link_id=service.pk).values_list("taxonomy_term_id", flat=True)
    )


def test_set_taxonomy_terms_adds_and_removes_attribute_rows():
    service = ServiceFactory.create()
    other = ServiceFactory.create()
    lang, emp, hous = (TaxonomyTermFactory.create(code=code) for code in ("LANG", "EMP", "HOUS"))
    link_service_to_term(service, lang)
    link_service_to_term(service, emp)
    link_service_to_term(other, emp)

    changes = service_set_taxonomy_terms(service=service, terms=[emp, hous])

    assert (changes.added, changes.removed) == (1, 1)
    assert _terms_of(service) == {emp.pk, hous.pk}
    # Another service's categories are not touched.
    assert _terms_of(other) == {emp.pk}
    # Both the deletion and the creation are in the attributes' history.
    history = Attribute.history.filter(link_id=service.pk)
    assert history.filter(history_type="-", taxonomy_term_id=lang.pk).count() == 1
    assert history.filter(history_type="+", taxonomy_term_id=hous.pk).count() == 1


def test_set_taxonomy_terms_keeps_existing_rows_and_their_values():
    service = ServiceFactory.create()
    term = TaxonomyTermFactory.create()
    attribute = AttributeFactory.create(linked=service, taxonomy_term=term, value="weekly", label="Frequency")

    changes = service_set_taxonomy_terms(service=service, terms=[term])

    assert (changes.added, changes.removed) == (0, 0)
    kept = Attribute.objects.get(link_id=service.pk)
    assert kept.pk == attribute.pk
    assert kept.value == "weekly"


def test_set_taxonomy_terms_to_nothing_clears_the_categories():
    service = ServiceFactory.create()
    link_service_to_term(service, TaxonomyTermFactory.create())
    link_service_to_term(service, TaxonomyTermFactory.create())

    changes = service_set_taxonomy_terms(service=service, terms=[])

    assert changes.removed == 2
    assert _terms_of(service) == set()


def test_set_taxonomy_terms_ignores_attributes_of_other_record_types_with_the_same_id():
    service = ServiceFactory.create()
    term = TaxonomyTermFactory.create()
    Attribute.objects.create(link_entity="organization", link_id=service.pk, taxonomy_term=term)

    service_set_taxonomy_terms(service=service, terms=[])

    assert Attribute.objects.filter(link_entity="organization", link_id=service.pk).count() == 1


def test_set_taxonomy_terms_refuses_an_unsaved_service():
    service = Service(source_language="en")
    with pytest.raises(ValueError, match="Save the service"):
        service_set_taxonomy_terms(service=service, terms=[TaxonomyTermFactory.create()])
    assert Attribute.objects.count() == 0


# --- service_verification_overdue -------------------------------------------------------------


def test_overdue_lists_never_and_too_old_verifications_never_first_then_oldest(settings):
    settings.DIRECTORY_VERIFY_AFTER_DAYS = 180
    today = dt.date(2025, 6, 30)
    cutoff = today - dt.timedelta(days=180)
    never_old_edit = ServiceFactory.create(last_modified=timezone.now() - dt.timedelta(days=30))
    never_new_edit = ServiceFactory.create()
    oldest = ServiceFactory.create(assured_date=dt.date(2023, 1, 1))
    just_overdue = ServiceFactory.create(assured_date=cutoff - dt.timedelta(days=1))
    ServiceFactory.create(assured_date=cutoff)  # exactly at the limit: still up to date
    ServiceFactory.create(assured_date=today)
    ServiceFactory.create(status="defunct")  # closed listings need no check

    due = list(service_verification_overdue(today=today))

    assert due == [never_old_edit, never_new_edit, oldest, just_overdue]


def test_overdue_follows_the_setting(settings):
    today = dt.date(2025, 6, 30)
    service = ServiceFactory.create(assured_date=today - dt.timedelta(days=10))
    settings.DIRECTORY_VERIFY_AFTER_DAYS = 30
    assert list(service_verification_overdue(today=today)) == []
    settings.DIRECTORY_VERIFY_AFTER_DAYS = 7
    assert list(service_verification_overdue(today=today)) == [service]


def test_overdue_defaults_to_the_directorys_today(settings, monkeypatch):
    settings.DIRECTORY_VERIFY_AFTER_DAYS = 1
    # 2024-03-01 06:00 UTC is 2024-02-29 in Vancouver; verified 2024-02-28 is within one day there.
    _freeze_now(monkeypatch, dt.datetime(2024, 3, 1, 6, 0, tzinfo=ZoneInfo("UTC")))
    service = ServiceFactory.create(assured_date=dt.date(2024, 2, 28))
    assert service not in service_verification_overdue()
    _freeze_now(monkeypatch, dt.datetime(2024, 3, 1, 9, 0, tzinfo=ZoneInfo("UTC")))
    assert service in service_verification_overdue()
