from __future__ import annotations

import pytest
from django.utils import translation

from newstart.directory.models import Location, Organization, Service, coordinates_are_valid

pytestmark = pytest.mark.django_db


def test_translation_falls_back_to_the_records_source_language():
    org = Organization(source_language="pa")
    org.set_current_language("pa")
    org.name = "ਪੰਜਾਬੀ ਸੰਸਥਾ"
    org.save()
    service = Service(organization=org, source_language="pa")
    service.set_current_language("pa")
    service.name = "ਨੌਕਰੀ ਦੀ ਮਦਦ"
    service.save()
    service.set_current_language("en")
    service.name = "Job help"
    service.save()

    with translation.override("ko"):
        # Korean is missing: the source language (Punjabi) comes before the global fallback (English).
        assert Service.objects.get(pk=service.pk).name == "ਨੌਕਰੀ ਦੀ ਮਦਦ"
    with translation.override("en"):
        assert Service.objects.get(pk=service.pk).name == "Job help"


def test_english_is_the_last_fallback():
    service = Service(source_language="fr")
    service.set_current_language("en")
    service.name = "Food bank"
    service.save()
    with translation.override("vi"):
        assert Service.objects.get(pk=service.pk).name == "Food bank"


@pytest.mark.parametrize(
    ("lat", "lon", "valid"),
    [(49.26, -123.1, True), (100, 101, False), (None, -123.1, False), (-90, 180, True), (0, -180.0001, False)],
)
def test_coordinates_are_checked(lat, lon, valid):
    assert coordinates_are_valid(lat, lon) is valid
    location = Location.objects.create(latitude=lat, longitude=lon)
    assert location.has_valid_coordinates is valid


def test_every_edit_is_in_the_history():
    service = Service()
    service.set_current_language("en")
    service.name = "Clinic"
    service.save()
    service.status = "inactive"
    service.save()
    assert service.history.count() == 2
    assert service.history.first().status == "inactive"
