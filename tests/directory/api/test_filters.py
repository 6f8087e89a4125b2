"""Every filter of the list endpoints, through HTTP (the selectors have their own tests)."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from decimal import Decimal

import pytest
from django.utils import timezone

from newstart.directory.opening import WEEKDAY_CODES
from tests.directory import factories as f

pytestmark = pytest.mark.django_db

CITY_HALL = (49.2606, -123.1140)
CALGARY = (51.0447, -114.0719)


def test_search(api_get):
    wanted = f.ServiceFactory(name="Cours de français", source_language="fr")
    by_org = f.ServiceFactory(organization__name="MOSAIC")
    f.ServiceFactory(name="Other")
    assert api_get("/services", {"search": "COURS DE FRAN"}).ids() == [str(wanted.id)]
    assert api_get("/services", {"search": "français"}).ids() == [str(wanted.id)]
    assert api_get("/services", {"search": "mosaic"}).ids() == [str(by_org.id)]
    assert api_get("/service_at_locations", {"search": "mosaic"}).ids() == []
    sal = f.ServiceAtLocationFactory(service=by_org)
    assert api_get("/service_at_locations", {"search": "mosaic"}).ids() == [str(sal.id)]
    # An empty search is no search.
    assert len(api_get("/services", {"search": ""}).ids()) == 3


def test_taxonomy_filters(api_get):
    taxonomy = f.TaxonomyFactory()
    parent = f.TaxonomyTermFactory(code="EMP", taxonomy_detail=taxonomy)
    child = f.TaxonomyTermFactory(code="EMP-SEARCH", parent=parent, taxonomy_detail=taxonomy)
    tagged = f.ServiceFactory()
    f.link_service_to_term(tagged, child)
    f.ServiceFactory()
    sal = f.ServiceAtLocationFactory(service=tagged)
    assert api_get("/services", {"taxonomy_term_id": str(child.id)}).ids() == [str(tagged.id)]
    assert api_get("/services", {"taxonomy_term_id": str(parent.id)}).ids() == [str(tagged.id)]
    assert api_get("/services", {"taxonomy_id": str(taxonomy.id)}).ids() == [str(tagged.id)]
    assert api_get("/services", {"taxonomy_term_id": str(uuid.uuid4())}).ids() == []
    assert api_get("/service_at_locations", {"taxonomy_term_id": str(child.id)}).ids() == [str(sal.id)]
    assert api_get("/organizations", {"taxonomy_term_id": str(child.id)}).ids() == [str(tagged.organization_id)]
    assert api_get("/organizations", {"taxonomy_id": str(taxonomy.id)}).ids() == [str(tagged.organization_id)]


def test_organization_id(api_get):
    service = f.ServiceFactory()
    f.ServiceFactory()
    sal = f.ServiceAtLocationFactory(service=service)
    assert api_get("/services", {"organization_id": str(service.organization_id)}).ids() == [str(service.id)]
    assert api_get("/service_at_locations", {"organization_id": str(service.organization_id)}).ids() == [str(sal.id)]


def test_modified_after(api_get):
    vancouver = zoneinfo.ZoneInfo("America/Vancouver")
    f.ServiceFactory(last_modified=dt.datetime(2024, 1, 1, 7, 59, tzinfo=dt.UTC))
    new = f.ServiceFactory(last_modified=dt.datetime(2024, 1, 1, 8, 0, tzinfo=dt.UTC))
    # A date without a zone is midnight in the directory's zone: 08:00 UTC in winter.
    assert api_get("/services", {"modified_after": "2024-01-01"}).ids() == [str(new.id)]
    assert api_get("/services", {"modified_after": "2024-01-01T08:00:00Z"}).ids() == [str(new.id)]
    assert len(api_get("/services", {"modified_after": "2024-01-01T07:00:00+00:00"}).ids()) == 2
    midnight = dt.datetime(2024, 1, 1, tzinfo=vancouver).isoformat()
    assert api_get("/services", {"modified_after": midnight}).ids() == [str(new.id)]


def test_language(api_get):
    cantonese = f.ServiceFactory()
    f.LanguageFactory(service=cantonese, code="yue", name="Cantonese")
    arabic = f.ServiceFactory()
    f.LanguageFactory(service=arabic, code="ar", name="Arabic")
    assert api_get("/services", {"language": "zh"}).ids() == [str(cantonese.id)]
    assert api_get("/services", {"language": "AR"}).ids() == [str(arabic.id)]
    assert api_get("/services", {"language": "uk"}).ids() == []


def test_local_area(api_get):
    area = f.LocalAreaFactory(name="Kensington-Cedar Cottage", slug="kensington-cedar-cottage")
    f.LocalAreaFactory(name="Downtown", slug="downtown")
    sal = f.ServiceAtLocationFactory(location__local_area=area)
    f.ServiceAtLocationFactory()
    assert api_get("/services", {"local_area": "kensington-cedar-cottage"}).ids() == [str(sal.service_id)]
    assert api_get("/service_at_locations", {"local_area": "kensington-cedar-cottage"}).ids() == [str(sal.id)]
    assert api_get("/services", {"local_area": "downtown"}).ids() == []


def test_lat_lon_radius(api_get):
    here = f.ServiceAtLocationFactory(location__latitude=CITY_HALL[0], location__longitude=CITY_HALL[1])
    far = f.ServiceAtLocationFactory(location__latitude=CALGARY[0], location__longitude=CALGARY[1])
    bad = f.ServiceAtLocationFactory(location__latitude=100, location__longitude=101)
    point = {"lat": CITY_HALL[0], "lon": CITY_HALL[1]}
    assert api_get("/services", {**point, "radius_km": 50}).ids() == [str(here.service_id)]
    assert api_get("/services", {**point, "radius_km": 1000}).ids() == [str(here.service_id), str(far.service_id)]
    # Sorted by distance without a radius; impossible coordinates last.
    assert api_get("/services", point).ids() == [str(here.service_id), str(far.service_id), str(bad.service_id)]
    calgary_first = api_get("/service_at_locations", {"lat": CALGARY[0], "lon": CALGARY[1]}).ids()
    assert calgary_first == [str(far.id), str(here.id), str(bad.id)]
    # Latitude 100 is never within any radius, however large.
    everything = api_get("/service_at_locations", {"lat": 0, "lon": 0, "radius_km": 20000}).ids()
    assert str(bad.id) not in everything
    assert {str(here.id), str(far.id)} <= set(everything)


def test_open_now(api_get):
    today = timezone.localtime()
    # Open round the clock every day, whatever the time of the test run.
    always = f.ServiceFactory()
    f.add_weekly_schedule(always, byday=",".join(WEEKDAY_CODES), opens_at=dt.time(0), closes_at=dt.time(0))
    # Open only on the day after tomorrow: closed now, whatever the time.
    later = f.ServiceFactory()
    later_day = WEEKDAY_CODES[(today.weekday() + 2) % 7]
    f.add_weekly_schedule(later, byday=later_day, opens_at=dt.time(0), closes_at=dt.time(23, 59))
    unscheduled = f.ServiceFactory()
    sal = f.ServiceAtLocationFactory(service=always)
    assert api_get("/services", {"open_now": "true"}).ids() == [str(always.id)]
    assert set(api_get("/services", {"open_now": "false"}).ids()) == {str(later.id), str(unscheduled.id)}
    assert api_get("/service_at_locations", {"open_now": "true"}).ids() == [str(sal.id)]


def test_free(api_get):
    free = f.ServiceFactory()
    f.make_free(free)
    paid = f.ServiceFactory()
    f.CostOptionFactory(service=paid, amount=Decimal("10"))
    unknown = f.ServiceFactory()
    assert api_get("/services", {"free": "true"}).ids() == [str(free.id)]
    assert set(api_get("/services", {"free": "false"}).ids()) == {str(paid.id), str(unknown.id)}
    assert set(api_get("/services", {"free": "0"}).ids()) == {str(paid.id), str(unknown.id)}


def test_postcode_and_proximity(api_get):
    here = f.ServiceAtLocationFactory(location__latitude=CITY_HALL[0], location__longitude=CITY_HALL[1])
    f.AddressFactory(location=here.location, postal_code="V5Y 1V4")
    near = f.ServiceAtLocationFactory(location__latitude=CITY_HALL[0] + 0.01, location__longitude=CITY_HALL[1])
    far = f.ServiceAtLocationFactory(location__latitude=CALGARY[0], location__longitude=CALGARY[1])
    f.AddressFactory(location=far.location, postal_code="T2P 1J9")
    assert api_get("/service_at_locations", {"postcode": "v5y 1v4"}).ids() == [str(here.id)]
    assert api_get("/service_at_locations", {"postcode": "T2P"}).ids() == [str(far.id)]
    within_2km = api_get("/service_at_locations", {"postcode": "V5Y1V4", "proximity": 2000}).ids()
    assert within_2km == [str(here.id), str(near.id)]
    assert api_get("/service_at_locations", {"postcode": "V5Y1V4", "proximity": 500}).ids() == [str(here.id)]


def test_filters_combine(api_get):
    wanted = f.ServiceFactory(name="Free English class")
    f.make_free(wanted)
    f.LanguageFactory(service=wanted, code="en")
    free_other_language = f.ServiceFactory(name="Free Farsi class")
    f.make_free(free_other_language)
    f.LanguageFactory(service=free_other_language, code="fa")
    f.ServiceFactory(name="Paid English class")
    assert api_get("/services", {"free": "true", "language": "en", "search": "class"}).ids() == [str(wanted.id)]
