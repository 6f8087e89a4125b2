from __future__ import annotations

import datetime as dt
import math
import uuid
import zoneinfo
from decimal import Decimal

import numpy as np
import pytest
from django.utils import timezone, translation

from newstart.directory import selectors
from newstart.directory.geo import BoundingBox, bounding_box, haversine_km, haversine_km_array
from newstart.directory.models import Location, Service
from newstart.directory.selectors import (
    NearFilter,
    OrganizationFilters,
    ServiceAtLocationFilters,
    ServiceFilters,
    TaxonomyTermFilters,
)
from tests.directory import factories as f

pytestmark = pytest.mark.django_db

VANCOUVER = zoneinfo.ZoneInfo("America/Vancouver")
CITY_HALL = (49.2606, -123.1140)
# About 11.5 km from City Hall.
RICHMOND = (49.1666, -123.1336)
# About 1,300 km away.
CALGARY = (51.0447, -114.0719)


def ids(qs) -> set:
    return {record.pk for record in qs}


# --- Factories ---------------------------------------------------------------------


def test_every_factory_builds_a_saved_record():
    built = [
        getattr(f, name)()
        for name in dir(f)
        if name.endswith("Factory") and name not in {"TranslatableFactory", "DjangoModelFactory", "ModelFactory"}
    ]
    assert built
    assert all(record.pk for record in built)


def test_translatable_factory_stores_every_language():
    service = f.ServiceFactory(name="Food bank", translations={"fr": {"name": "Banque alimentaire"}})
    assert service.name == "Food bank"
    with translation.override("fr"):
        assert Service.objects.get(pk=service.pk).name == "Banque alimentaire"
    punjabi = f.ServiceFactory(name="ਨੌਕਰੀ", source_language="pa")
    assert punjabi.has_translation("pa")
    assert not punjabi.has_translation("en")


def test_factory_helpers_link_records():
    service = f.ServiceFactory()
    term = f.TaxonomyTermFactory()
    attribute = f.link_service_to_term(service, term)
    assert (attribute.link_entity, attribute.link_id) == ("service", service.id)
    assert f.make_free(service).amount == 0
    assert f.add_weekly_schedule(service).service == service
    sal = f.ServiceAtLocationFactory(service=service)
    assert sal.location.organization == service.organization


# --- Geometry ------------------------------------------------------------------------


def test_haversine_known_distances():
    assert haversine_km(*CITY_HALL, *CITY_HALL) == 0
    assert haversine_km(*CITY_HALL, *RICHMOND) == pytest.approx(10.5, abs=0.5)
    assert haversine_km(*CITY_HALL, *CALGARY) == pytest.approx(675, abs=5)
    # A quarter of the way round the Earth along the equator.
    assert haversine_km(0, 0, 0, 90) == pytest.approx(math.pi * 6371.0088 / 2)
    # Antipodes: no rounding error may push asin past 1.
    assert haversine_km(0, 0, 0, 180) == pytest.approx(math.pi * 6371.0088)


@pytest.mark.parametrize(
    ("lat", "lon", "radius"),
    [(49.26, -123.11, 10), (0, 179.9, 50), (0, -179.9, 50), (89.9, 0, 50), (-89.9, 10, 50), (45, 45, 3000)],
)
def test_bounding_box_holds_every_point_of_the_circle(lat, lon, radius):
    box = bounding_box(lat, lon, radius)
    for bearing in range(0, 360, 5):
        # A point just inside the circle, by the direct geodesic formula on a sphere.
        angular = radius * 0.9999 / 6371.0088
        phi1, lam1, theta = math.radians(lat), math.radians(lon), math.radians(bearing)
        phi2 = math.asin(math.sin(phi1) * math.cos(angular) + math.cos(phi1) * math.sin(angular) * math.cos(theta))
        lam2 = lam1 + math.atan2(
            math.sin(theta) * math.sin(angular) * math.cos(phi1), math.cos(angular) - math.sin(phi1) * math.sin(phi2)
        )
        point_lat = math.degrees(phi2)
        point_lon = (math.degrees(lam2) + 540) % 360 - 180
        assert box.contains(point_lat, point_lon), (bearing, point_lat, point_lon, box)


def test_bounding_box_wraps_at_the_antimeridian():
    box = bounding_box(0, 179.95, 20)
    assert box.wraps
    assert box.contains(0, -179.95)
    assert not box.contains(0, 0)
    assert bounding_box(89.99, 0, 10) == BoundingBox(box_min := bounding_box(89.99, 0, 10).min_lat, 90.0, -180, 180)
    assert box_min < 89.99
    assert not bounding_box(*CITY_HALL, 10).contains(*RICHMOND)
    assert bounding_box(*CITY_HALL, 15).contains(*RICHMOND)


def test_database_distance_agrees_with_python():
    from newstart.directory.geo import distance_km_expression

    for lat, lon in (CITY_HALL, RICHMOND, CALGARY, (-33.87, 151.21), (0, 180)):
        f.LocationFactory(latitude=lat, longitude=lon)
    annotated = Location.objects.annotate(
        d=distance_km_expression(*CITY_HALL, lat_field="latitude", lon_field="longitude")
    )
    for location in annotated:
        assert location.latitude is not None and location.longitude is not None
        assert location.d == pytest.approx(haversine_km(*CITY_HALL, location.latitude, location.longitude), rel=1e-9)
    # The search engine's numpy form (radius filter and distance ranking) gives the same distances.
    rows = list(annotated)
    points = np.array([(row.latitude, row.longitude) for row in rows], dtype=float)
    assert haversine_km_array(*CITY_HALL, points[:, 0], points[:, 1]) == pytest.approx(
        [row.d for row in rows], rel=1e-9
    )


# --- Services ------------------------------------------------------------------------


def test_service_list_includes_every_status_in_id_order():
    services = [f.ServiceFactory(status=status) for status in ("active", "inactive", "defunct", "temporarily closed")]
    listed = list(selectors.service_list(filters=ServiceFilters()))
    assert [s.pk for s in listed] == sorted(s.pk for s in services)


def test_search_any_language_and_organization_name():
    org = f.OrganizationFactory(name="Mosaic")
    french = f.ServiceFactory(name="Jobs", translations={"fr": {"name": "Emplois et carrières"}})
    by_org = f.ServiceFactory(organization=org, name="Counselling")
    by_description = f.ServiceFactory(name="Clinic", description="Walk-in HEALTH clinic")
    by_alternate = f.ServiceFactory(name="X", alternate_name="Settlement Orientation")
    f.ServiceFactory(name="Unrelated")

    def search(query: str) -> set:
        return ids(selectors.service_list(filters=ServiceFilters(search=query)))

    assert search("emplois") == {french.pk}
    assert search("MOSAIC") == {by_org.pk}
    assert search("health") == {by_description.pk}
    assert search("orientation") == {by_alternate.pk}
    assert search("   ") == set(Service.objects.values_list("pk", flat=True))


def test_taxonomy_term_filter_includes_descendants():
    taxonomy = f.TaxonomyFactory()
    lang = f.TaxonomyTermFactory(code="LANG", taxonomy_detail=taxonomy)
    linc = f.TaxonomyTermFactory(code="LANG-LINC", parent=lang, taxonomy_detail=taxonomy)
    other = f.TaxonomyTermFactory(code="EMP")
    in_parent, in_child, elsewhere = f.ServiceFactory(), f.ServiceFactory(), f.ServiceFactory()
    f.link_service_to_term(in_parent, lang)
    f.link_service_to_term(in_child, linc)
    f.link_service_to_term(in_child, lang)  # linked twice: still listed once
    f.link_service_to_term(elsewhere, other)
    by_parent = selectors.service_list(filters=ServiceFilters(taxonomy_term_id=lang.id))
    assert [s.pk for s in by_parent] == sorted([in_parent.pk, in_child.pk])
    assert ids(selectors.service_list(filters=ServiceFilters(taxonomy_term_id=linc.id))) == {in_child.pk}
    assert ids(selectors.service_list(filters=ServiceFilters(taxonomy_id=taxonomy.id))) == {in_parent.pk, in_child.pk}
    assert not selectors.service_list(filters=ServiceFilters(taxonomy_term_id=uuid.uuid4())).exists()


def test_attribute_of_another_entity_does_not_classify_a_service():
    term = f.TaxonomyTermFactory()
    service = f.ServiceFactory()
    f.AttributeFactory(linked=service.organization, taxonomy_term=term)
    assert not selectors.service_list(filters=ServiceFilters(taxonomy_term_id=term.id)).exists()


def test_language_filter_and_chinese_family():
    cantonese, mandarin, chinese, punjabi, regional = (f.ServiceFactory() for _ in range(5))
    f.LanguageFactory(service=cantonese, code="yue")
    f.LanguageFactory(service=mandarin, code="cmn")
    f.LanguageFactory(service=chinese, code="zh")
    f.LanguageFactory(service=punjabi, code="pa")
    f.LanguageFactory(service=regional, code="pa-Arab")
    f.LanguageFactory(service=punjabi, code="en")
    assert ids(selectors.service_list(filters=ServiceFilters(language="zh"))) == {cantonese.pk, mandarin.pk, chinese.pk}
    assert ids(selectors.service_list(filters=ServiceFilters(language="yue"))) == {cantonese.pk}
    assert ids(selectors.service_list(filters=ServiceFilters(language="PA"))) == {punjabi.pk, regional.pk}
    assert not selectors.service_list(filters=ServiceFilters(language="p")).exists()


def test_free_filter():
    free = f.ServiceFactory()
    f.make_free(free)
    f.make_free(free)
    paid = f.ServiceFactory()
    f.CostOptionFactory(service=paid, option="Fee", amount=Decimal("25"))
    mixed = f.ServiceFactory()
    f.make_free(mixed)
    f.CostOptionFactory(service=mixed, option="Workshop", amount=Decimal("5"))
    unknown_amount = f.ServiceFactory()
    f.CostOptionFactory(service=unknown_amount, amount=None)
    no_cost_options = f.ServiceFactory()
    assert ids(selectors.service_list(filters=ServiceFilters(free=True))) == {free.pk}
    assert ids(selectors.service_list(filters=ServiceFilters(free=False))) == {
        paid.pk,
        mixed.pk,
        unknown_amount.pk,
        no_cost_options.pk,
    }


def test_modified_after_and_organization():
    old = f.ServiceFactory(last_modified=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    new = f.ServiceFactory(last_modified=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    cutoff = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    assert ids(selectors.service_list(filters=ServiceFilters(modified_after=cutoff))) == {new.pk}
    assert ids(selectors.service_list(filters=ServiceFilters(organization_id=old.organization_id))) == {old.pk}


def test_local_area_filter():
    downtown = f.LocalAreaFactory(name="Downtown", slug="downtown")
    strathcona = f.LocalAreaFactory(name="Strathcona", slug="strathcona")
    here = f.ServiceAtLocationFactory(location__local_area=downtown)
    f.ServiceAtLocationFactory(location__local_area=strathcona)
    assert ids(selectors.service_list(filters=ServiceFilters(local_area="downtown"))) == {here.service_id}
    sals = selectors.service_at_location_list(filters=ServiceAtLocationFilters(local_area="downtown"))
    assert ids(sals) == {here.pk}


def test_open_now_by_service_and_by_service_at_location():
    monday_10 = dt.datetime(2024, 5, 6, 10, tzinfo=VANCOUVER)
    by_service = f.ServiceFactory()
    f.add_weekly_schedule(by_service)
    by_sal = f.ServiceAtLocationFactory()
    f.ScheduleFactory(service=None, service_at_location=by_sal, byday="MO")
    weekend = f.ServiceFactory()
    f.add_weekly_schedule(weekend, byday="SA,SU")
    no_schedule = f.ServiceFactory()
    open_now = selectors.service_list(filters=ServiceFilters(open_now=True, at=monday_10))
    assert ids(open_now) == {by_service.pk, by_sal.service_id}
    closed = selectors.service_list(filters=ServiceFilters(open_now=False, at=monday_10))
    assert ids(closed) == {weekend.pk, no_schedule.pk}


def test_service_at_location_open_now_prefers_its_own_schedule():
    monday_10 = dt.datetime(2024, 5, 6, 10, tzinfo=VANCOUVER)
    service = f.ServiceFactory()
    f.add_weekly_schedule(service)  # the service: weekdays
    inherits = f.ServiceAtLocationFactory(service=service)
    weekends_only = f.ServiceAtLocationFactory(service=service)
    f.ScheduleFactory(service=None, service_at_location=weekends_only, byday="SA,SU")
    open_sals = selectors.service_at_location_list(filters=ServiceAtLocationFilters(open_now=True, at=monday_10))
    assert ids(open_sals) == {inherits.pk}
    closed = selectors.service_at_location_list(filters=ServiceAtLocationFilters(open_now=False, at=monday_10))
    assert ids(closed) == {weekends_only.pk}


def test_near_filters_by_radius_and_sorts_by_distance():
    near = f.ServiceAtLocationFactory(location__latitude=RICHMOND[0], location__longitude=RICHMOND[1])
    here = f.ServiceAtLocationFactory(location__latitude=CITY_HALL[0], location__longitude=CITY_HALL[1])
    far = f.ServiceAtLocationFactory(location__latitude=CALGARY[0], location__longitude=CALGARY[1])
    impossible = f.ServiceAtLocationFactory(location__latitude=100, location__longitude=-123.1)
    nowhere = f.ServiceAtLocationFactory(location__latitude=None, location__longitude=None)
    # The far service also has a location close by: its nearest location counts.
    both = f.ServiceAtLocationFactory(location__latitude=CALGARY[0], location__longitude=CALGARY[1])
    f.ServiceAtLocationFactory(
        service=both.service, location__latitude=CITY_HALL[0] + 0.05, location__longitude=CITY_HALL[1]
    )

    point = NearFilter(latitude=CITY_HALL[0], longitude=CITY_HALL[1], radius_km=20)
    services = list(selectors.service_list(filters=ServiceFilters(near=point)))
    assert [s.pk for s in services] == [here.service_id, both.service_id, near.service_id]
    assert services[0].distance_km == pytest.approx(0, abs=1e-6)
    assert services[1].distance_km == pytest.approx(5.56, abs=0.05)

    sorted_only = list(
        selectors.service_list(filters=ServiceFilters(near=NearFilter(latitude=CITY_HALL[0], longitude=CITY_HALL[1])))
    )
    assert [s.pk for s in sorted_only][:4] == [here.service_id, both.service_id, near.service_id, far.service_id]
    # Services without a placeable location come last, with no distance.
    assert {s.pk for s in sorted_only[4:]} == {impossible.service_id, nowhere.service_id}
    assert all(s.distance_km is None for s in sorted_only[4:])

    sals = list(selectors.service_at_location_list(filters=ServiceAtLocationFilters(near=point)))
    assert sals[0].pk == here.pk
    assert len(sals) == 3
    assert impossible.pk not in ids(sals) and far.pk not in ids(sals)
    sals_sorted = list(
        selectors.service_at_location_list(
            filters=ServiceAtLocationFilters(near=NearFilter(latitude=CITY_HALL[0], longitude=CITY_HALL[1]))
        )
    )
    assert {s.pk for s in sals_sorted[-2:]} == {impossible.pk, nowhere.pk}


def test_a_search_near_a_point_gives_the_listings_distances():
    """With a search, distance_km is the engine's (from the index's coordinates), not SQL's: the same
    numbers, on a page, on every row, and after further filtering."""
    for latitude, longitude in (RICHMOND, CITY_HALL, CALGARY, (100, -123.1), (None, None)):
        f.ServiceAtLocationFactory(location__latitude=latitude, location__longitude=longitude)
    several = f.ServiceAtLocationFactory(location__latitude=CALGARY[0], location__longitude=CALGARY[1])
    f.ServiceAtLocationFactory(
        service=several.service, location__latitude=CITY_HALL[0] + 0.05, location__longitude=CITY_HALL[1]
    )
    for radius_km in (None, 20):
        point = NearFilter(latitude=CITY_HALL[0], longitude=CITY_HALL[1], radius_km=radius_km)
        listed = {s.pk: s.distance_km for s in selectors.service_list(filters=ServiceFilters(near=point))}
        searched = selectors.service_list(filters=ServiceFilters(search="settlement service", near=point))
        assert {s.pk for s in searched} == set(listed)
        for rows in (list(searched), searched[0:3], list(searched.filter(pk__in=list(listed)))):
            for service in rows:
                expected = listed[service.pk]
                assert service.distance_km == (None if expected is None else pytest.approx(expected, abs=1e-6))


def test_near_across_the_antimeridian():
    east = f.ServiceAtLocationFactory(location__latitude=0, location__longitude=179.99)
    west = f.ServiceAtLocationFactory(location__latitude=0, location__longitude=-179.99)
    point = NearFilter(latitude=0, longitude=179.995, radius_km=5)
    assert ids(selectors.service_at_location_list(filters=ServiceAtLocationFilters(near=point))) == {east.pk, west.pk}


def test_postcode_and_proximity():
    here = f.ServiceAtLocationFactory(location__latitude=CITY_HALL[0], location__longitude=CITY_HALL[1])
    f.AddressFactory(location=here.location, postal_code="V5Y 1V4")
    neighbour = f.ServiceAtLocationFactory(location__latitude=CITY_HALL[0] + 0.004, location__longitude=CITY_HALL[1])
    f.AddressFactory(location=neighbour.location, postal_code="V5Z 1A1")
    far = f.ServiceAtLocationFactory(location__latitude=CALGARY[0], location__longitude=CALGARY[1])
    f.AddressFactory(location=far.location, postal_code="T2P 1J9")

    def listed(**kwargs):
        return ids(selectors.service_at_location_list(filters=ServiceAtLocationFilters(**kwargs)))

    assert listed(postcode="v5y1v4") == {here.pk}
    assert listed(postcode="V5Y-1V4") == {here.pk}
    assert listed(postcode="V5") == {here.pk, neighbour.pk}
    assert listed(postcode="X0A") == set()
    # Within 1 km of V5Y 1V4's centroid: the neighbour 450 m north too, not Calgary.
    assert listed(postcode="V5Y 1V4", proximity_m=1000) == {here.pk, neighbour.pk}
    assert listed(postcode="V5Y 1V4", proximity_m=100) == {here.pk}
    # A postcode the directory cannot place: nothing is near it.
    assert listed(postcode="X0A", proximity_m=1000) == set()
    assert selectors.postcode_centroid(postcode="V5") == pytest.approx((CITY_HALL[0] + 0.002, CITY_HALL[1]))


def test_service_filters_apply_to_services_at_locations():
    free = f.ServiceAtLocationFactory()
    f.make_free(free.service)
    f.ServiceAtLocationFactory()
    assert ids(selectors.service_at_location_list(filters=ServiceAtLocationFilters(free=True))) == {free.pk}


# --- Organizations and taxonomies ------------------------------------------------------


def test_organization_list_filters():
    term = f.TaxonomyTermFactory()
    own = f.OrganizationFactory(name="Alpha Society")
    f.AttributeFactory(linked=own, taxonomy_term=term)
    via_service = f.ServiceFactory(organization__name="Beta")
    f.link_service_to_term(via_service, term)
    f.OrganizationFactory(name="Gamma")
    assert ids(selectors.organization_list(filters=OrganizationFilters(taxonomy_term_id=term.id))) == {
        own.pk,
        via_service.organization_id,
    }
    assert ids(selectors.organization_list(filters=OrganizationFilters(search="alpha"))) == {own.pk}


def test_taxonomy_term_filters():
    taxonomy = f.TaxonomyFactory(name="newstart settlement taxonomy")
    top = f.TaxonomyTermFactory(code="LANG", taxonomy_detail=taxonomy)
    child = f.TaxonomyTermFactory(code="LANG-LINC", parent=top, taxonomy_detail=taxonomy)
    other = f.TaxonomyTermFactory(code="X")
    assert ids(selectors.taxonomy_term_list(filters=TaxonomyTermFilters(top_only=True))) == {top.pk, other.pk}
    assert ids(selectors.taxonomy_term_list(filters=TaxonomyTermFilters(parent_id=top.id))) == {child.pk}
    assert ids(selectors.taxonomy_term_list(filters=TaxonomyTermFilters(taxonomy_id=taxonomy.id))) == {top.pk, child.pk}
    assert ids(selectors.taxonomy_term_list(filters=TaxonomyTermFilters(search="linc"))) == {child.pk}
    assert ids(selectors.taxonomy_list(search="settlement")) == {taxonomy.pk}


def test_get_by_id():
    service = f.ServiceFactory()
    assert selectors.service_get(service_id=service.id) == service
    assert selectors.service_get(service_id=uuid.uuid4()) is None
    assert selectors.service_get(service_id=service.id, queryset=Service.objects.none()) is None


def test_open_now_defaults_to_the_present():
    always = f.ServiceFactory()
    f.add_weekly_schedule(always, byday="MO,TU,WE,TH,FR,SA,SU", opens_at=dt.time(0), closes_at=dt.time(0))
    assert ids(selectors.service_list(filters=ServiceFilters(open_now=True))) == {always.pk}
    assert timezone.now()  # the filter used the present moment
