"""Verdicts for a page of services in one query; the eligibility filter agrees with the badges; the admin."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.template.loader import render_to_string
from django.utils import translation

from newstart.directory.models import Service
from newstart.eligibility.admin import ServiceEligibilityAdmin, ServiceEligibilityForm, ServiceEligibilityInline
from newstart.eligibility.assessment import PersonSituation, Verdict
from newstart.eligibility.models import FunderRule, ImmigrationClass, ImmigrationStatus, ServiceEligibility
from newstart.eligibility.selectors import eligibility_filter, eligibility_verdicts_for
from tests.directory.factories import ServiceFactory

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def ircc_service(name: str = "LINC classes", **kwargs) -> Service:
    service = ServiceFactory(name=name, **kwargs)
    ServiceEligibility.objects.create(service=service, funder_rule=FunderRule.IRCC)
    return service


def test_verdicts_for_a_page_of_services_in_one_query(django_assert_num_queries):
    services = [ircc_service(f"IRCC {n}") for n in range(5)]
    services += [ServiceFactory(name=f"Undeclared {n}", eligibility_description="Call us first.") for n in range(5)]
    page = list(Service.objects.filter(id__in=[s.id for s in services]).prefetch_related("translations"))
    person = PersonSituation(status=ImmigrationStatus.PROTECTED_PERSON)
    with django_assert_num_queries(1):
        verdicts = eligibility_verdicts_for(services=page, person=person, on=ON, language="en")
    assert len(verdicts) == 10
    for service in services:
        assessment = verdicts[service.id]
        if service.name.startswith("IRCC"):
            assert assessment.verdict == Verdict.LIKELY_ELIGIBLE
        else:
            assert assessment.verdict == Verdict.CHECK
            assert (assessment.note, assessment.note_language) == ("Call us first.", "en")


def test_note_in_the_visitors_language_else_the_source_language():
    service = ServiceFactory(
        name="Clinic",
        source_language="pa",
        eligibility_description="ਸਿਰਫ਼ ਔਰਤਾਂ ਲਈ",
        translations={"fr": {"name": "Clinique", "eligibility_description": "Pour les femmes"}},
    )
    person = PersonSituation()
    [service] = Service.objects.filter(id=service.id).prefetch_related("translations")
    fr = eligibility_verdicts_for(services=[service], person=person, on=ON, language="fr")[service.id]
    assert (fr.note, fr.note_language) == ("Pour les femmes", "fr")
    es = eligibility_verdicts_for(services=[service], person=person, on=ON, language="es")[service.id]
    assert (es.note, es.note_language) == ("ਸਿਰਫ਼ ਔਰਤਾਂ ਲਈ", "pa")


PEOPLE = [PersonSituation(status=status, ages=ages) for status in ImmigrationStatus for ages in ((), (8,), (30,))] + [
    PersonSituation(
        status=ImmigrationStatus.PERMANENT_RESIDENT,
        landing_date=landing,
        immigration_class=ImmigrationClass.ECONOMIC,
    )
    for landing in (dt.date(2015, 1, 1), dt.date(2024, 1, 1))
]


@pytest.mark.parametrize("person", PEOPLE, ids=lambda p: f"{p.status}-{p.ages}-{p.landing_date}")
def test_filter_hides_exactly_the_services_whose_rules_rule_the_person_out(person):
    ircc = ircc_service("IRCC")
    bc = ServiceFactory(name="BC")
    ServiceEligibility.objects.create(service=bc, funder_rule=FunderRule.BC_PROVINCIAL)
    for_students = ServiceFactory(name="Students only")
    ServiceEligibility.objects.create(service=for_students, statuses=[ImmigrationStatus.INTERNATIONAL_STUDENT])
    children = ServiceFactory(name="Children", maximum_age=12)  # undeclared, but with an age limit
    undeclared = ServiceFactory(name="Undeclared")
    qs = Service.objects.all()
    kept = set(eligibility_filter(qs, person=person, on=ON).values_list("id", flat=True))
    services = list(qs.prefetch_related("translations"))
    verdicts = eligibility_verdicts_for(services=services, person=person, on=ON, language="en")
    assert kept == {service.id for service in services if not verdicts[service.id].excluded}
    assert undeclared.id in kept and bc.id in kept
    if person.status == ImmigrationStatus.REFUGEE_CLAIMANT:
        assert ircc.id not in kept
    if person.status == ImmigrationStatus.PROTECTED_PERSON:
        assert ircc.id in kept
    if person.ages == (30,):
        assert children.id not in kept
    if person.status not in (ImmigrationStatus.INTERNATIONAL_STUDENT, ImmigrationStatus.NOT_SURE):
        assert for_students.id not in kept


def test_verdict_include_renders_badge_reasons_and_note():
    service = ServiceFactory(name="Drop-in", eligibility_description="Bring ID.")
    [service] = Service.objects.filter(id=service.id).prefetch_related("translations")
    assessment = eligibility_verdicts_for(services=[service], person=PersonSituation(), on=ON, language="en")[
        service.id
    ]
    html = render_to_string("eligibility/_verdict.html", {"assessment": assessment})
    assert "Check eligibility" in html
    assert "Read what the service says" in html
    assert '<p class="note" lang="en" dir="auto">Bring ID.</p>' in html
    ircc = ircc_service()
    [ircc] = Service.objects.filter(id=ircc.id).prefetch_related("translations")
    likely = eligibility_verdicts_for(
        services=[ircc], person=PersonSituation(status=ImmigrationStatus.PROTECTED_PERSON), on=ON, language="en"
    )[ircc.id]
    html = render_to_string("eligibility/_verdict.html", {"assessment": likely})
    assert "You are likely eligible" in html
    assert "Protected persons can use IRCC-funded settlement services." in html
    assert render_to_string("eligibility/_verdict.html", {"assessment": None}).strip() == ""


def test_admin_registration_and_form():
    model_admin = admin.site._registry[ServiceEligibility]
    assert isinstance(model_admin, ServiceEligibilityAdmin)
    assert "service" in model_admin.autocomplete_fields
    service = ServiceFactory()
    form = ServiceEligibilityForm(
        data={
            "service": str(service.id),
            "statuses": [ImmigrationStatus.REFUGEE_CLAIMANT, ImmigrationStatus.PERMANENT_RESIDENT],
            "funder_rule": FunderRule.BC_PROVINCIAL,
        }
    )
    assert form.is_valid(), form.errors
    record = form.save()
    # Kept in the order of the choices.
    assert record.statuses == [ImmigrationStatus.PERMANENT_RESIDENT, ImmigrationStatus.REFUGEE_CLAIMANT]
    bad = ServiceEligibilityForm(data={"service": str(service.id), "statuses": ["not_sure"], "funder_rule": "none"})
    assert not bad.is_valid()
    assert "statuses" in bad.errors
    assert ServiceEligibilityInline.model is ServiceEligibility


def test_admin_pages_render(admin_client):
    service = ircc_service("Settlement counselling")
    record = service.structured_eligibility
    assert admin_client.get("/admin/eligibility/serviceeligibility/").status_code == 200
    response = admin_client.get(f"/admin/eligibility/serviceeligibility/{record.pk}/change/")
    assert response.status_code == 200
    assert "Settlement counselling" in response.content.decode()
