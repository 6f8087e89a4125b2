from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from newstart.directory.admin.filters import TaxonomyCategoryFilter
from newstart.directory.models import (
    Attribute,
    LocalArea,
    Metadata,
    Service,
    ServiceVerification,
)
from newstart.directory.rules import SECRETARIAT_GROUP
from newstart.directory.services import VERIFIED_CHANGE_REASON
from tests.directory.factories import (
    AccessibilityFactory,
    AddressFactory,
    AttributeFactory,
    ContactFactory,
    CostOptionFactory,
    FundingFactory,
    LanguageFactory,
    LocalAreaFactory,
    LocationFactory,
    MetadataFactory,
    MetaTableDescriptionFactory,
    OrganizationFactory,
    OrganizationIdentifierFactory,
    PhoneFactory,
    ProgramFactory,
    RequiredDocumentFactory,
    ScheduleFactory,
    ServiceAreaFactory,
    ServiceAtLocationFactory,
    ServiceCapacityFactory,
    ServiceFactory,
    TaxonomyFactory,
    TaxonomyTermFactory,
    UnitFactory,
    UrlFactory,
    link_service_to_term,
)

pytestmark = pytest.mark.django_db

DIRECTORY_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "directory"),
    key=lambda model: str(model._meta.model_name),
)


def url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _one_of_everything() -> dict[type, Any]:
    """A couple of records of every directory model, linked as real data is."""
    made: dict[type, Any] = {}
    for _ in range(2):
        area = LocalAreaFactory.create()
        organization = OrganizationFactory.create(translations={"fr": {"name": "Organisme"}})
        service = ServiceFactory.create(
            organization=organization, program=ProgramFactory.create(organization=organization)
        )
        location = LocationFactory.create(organization=organization, local_area=area)
        service_at_location = ServiceAtLocationFactory.create(service=service, location=location)
        term = TaxonomyTermFactory.create(taxonomy_detail=TaxonomyFactory.create())
        unit = UnitFactory.create()
        records: list[Any] = [
            unit,
            area,
            organization,
            service,
            location,
            service_at_location,
            term,
            term.taxonomy_detail,
            service.program,
            AttributeFactory.create(linked=service, taxonomy_term=term),
            OrganizationIdentifierFactory.create(organization=organization),
            FundingFactory.create(organization=organization),
            UrlFactory.create(organization=organization),
            CostOptionFactory.create(service=service),
            RequiredDocumentFactory.create(service=service),
            ServiceCapacityFactory.create(service=service, unit=unit),
            AddressFactory.create(location=location),
            AccessibilityFactory.create(location=location),
            ServiceAreaFactory.create(service=service),
            ContactFactory.create(service=service),
            PhoneFactory.create(service=service),
            ScheduleFactory.create(service=service),
            LanguageFactory.create(service=service),
            MetadataFactory.create(resource_id=service.pk),
            MetaTableDescriptionFactory.create(),
        ]
        for record in records:
            made[type(record)] = record
    made[ServiceVerification] = ServiceVerification.objects.get(pk=made[Service].pk)
    return made


@pytest.fixture
def everything():
    return _one_of_everything()


@pytest.fixture
def secretary():
    user = get_user_model().objects.create_user(
        "secretary", email="secretary@lip.example.org", password="x" * 12, is_staff=True
    )
    group, _ = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
    user.groups.add(group)
    return user


@pytest.fixture
def staff_without_rights():
    return get_user_model().objects.create_user("staff", password="x" * 12, is_staff=True)


def test_every_directory_model_is_registered():
    records = {
        model
        for model in apps.get_app_config("directory").get_models()
        if not model.__name__.startswith("Historical") and not model.__name__.endswith("Translation")
    }
    assert records <= set(DIRECTORY_MODELS)
    assert ServiceVerification in DIRECTORY_MODELS


# --- Every page renders --------------------------------------------------------------------


@pytest.mark.parametrize("model", DIRECTORY_MODELS, ids=lambda model: model._meta.model_name)
def test_changelist_add_and_change_pages_render(admin_client, everything, model):
    model_admin = admin.site._registry[model]
    assert admin_client.get(url(model, "changelist")).status_code == 200
    assert admin_client.get(url(model, "changelist"), {"q": "a"}).status_code == 200

    add = admin_client.get(url(model, "add"))
    if model in (Metadata, ServiceVerification):
        assert add.status_code == 403
    else:
        assert add.status_code == 200

    obj = everything[model]
    change = admin_client.get(url(model, "change", obj.pk))
    if model is ServiceVerification:
        # The queue sends the secretary to the service's own page.
        assert change.status_code == 302
        assert change["Location"] == url(Service, "change", obj.pk)
    else:
        assert change.status_code == 200
        assert model_admin.show_full_result_count is False

    if hasattr(model, "history") and model is not ServiceVerification:
        history = admin_client.get(url(model, "history", obj.pk))
        assert history.status_code == 200
        record = obj.history.latest()
        revert = admin_client.get(url(model, "simple_history", obj.pk, record.history_id))
        assert revert.status_code == 200


@pytest.mark.parametrize(
    "model", [model for model in DIRECTORY_MODELS if model is not LocalArea], ids=lambda model: model._meta.model_name
)
def test_search_by_record_id_finds_the_record(admin_client, everything, model):
    obj = everything[model]
    response = admin_client.get(url(model, "changelist"), {"q": str(obj.pk)})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [obj]


def test_attributes_and_metadata_are_found_by_the_linked_records_id(admin_client, everything):
    service = everything[Service]
    response = admin_client.get(url(Attribute, "changelist"), {"q": str(service.pk)})
    assert [attribute.link_id for attribute in response.context["cl"].result_list] == [service.pk]
    response = admin_client.get(url(Metadata, "changelist"), {"q": str(service.pk)})
    assert [metadata.resource_id for metadata in response.context["cl"].result_list] == [service.pk]


def test_metadata_is_read_only(admin_client, everything):
    metadata = everything[Metadata]
    page = admin_client.get(url(Metadata, "change", metadata.pk))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    response = admin_client.post(url(Metadata, "change", metadata.pk), {"field_name": "changed"})
    assert response.status_code == 403
    response = admin_client.post(url(Metadata, "delete", metadata.pk), {"post": "yes"})
    assert response.status_code == 403
    metadata.refresh_from_db()
    assert metadata.field_name == "name"


# --- Translated models: language tabs and history ---------------------------------------------


def test_service_form_has_a_tab_for_every_interface_language(admin_client, settings):
    service = ServiceFactory.create()
    page = admin_client.get(url(Service, "change", service.pk), {"language": "fr"})
    assert page.status_code == 200
    tabs = page.context["language_tabs"]
    assert [code for _url, _name, code, _status in tabs] == [code for code, _name in settings.LANGUAGES]
    assert tabs.current_is_translated is False


def _service_form_data(service: Service, **overrides) -> dict:
    """The service change form as the browser would post it, with empty inlines."""
    data = {
        "name": service.safe_translation_getter("name", any_language=True),
        "alternate_name": "",
        "organization": str(service.organization_id or ""),
        "program": "",
        "status": service.status,
        "description": "",
        "source_language": service.source_language,
        "eligibility_description": "",
        "fees_description": "",
        "application_process": "",
        "alert": "",
        "minimum_age": "",
        "maximum_age": "",
        "interpretation_services": "",
        "wait_time": "",
        "url": "",
        "email": "",
        "assured_date": "",
        "assurer_email": "",
        "fees": "",
        "accreditations": "",
        "licenses": "",
    }
    for prefix in (
        "phones",
        "schedules",
        "languages",
        "cost_options",
        "required_documents",
        "service_at_locations",
        "contacts",
        "capacities",
        "additional_urls",
        "funding",
        "service_areas",
        "structured_eligibility",
    ):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(overrides)
    return data


def test_editing_a_translation_keeps_history_with_a_diff(admin_client):
    service = ServiceFactory.create(name="Job search help")
    response = admin_client.post(
        url(Service, "change", service.pk) + "?language=fr",
        _service_form_data(service, name="Aide à la recherche d'emploi"),
    )
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    service = Service.objects.get(pk=service.pk)
    service.set_current_language("fr")
    assert service.name == "Aide à la recherche d'emploi"

    response = admin_client.post(
        url(Service, "change", service.pk) + "?language=fr",
        _service_form_data(service, name="Aide à l'emploi"),
    )
    assert response.status_code == 302

    history = admin_client.get(url(Service, "history", service.pk))
    assert history.status_code == 200
    french = [entry for entry in history.context["translation_changes"] if entry.language_code == "fr"]
    # Newest first: the second edit shows the old and new French name.
    assert len(french) == 2
    assert html.unescape(french[0].changes[0]["old"]) == "Aide à la recherche d'emploi"
    assert html.unescape(french[0].changes[0]["new"]) == "Aide à l'emploi"
    assert "Aide à l&#x27;emploi" in history.content.decode()
    # The record's own history (shared fields) is there too, with the admin user.
    assert service.history.latest().history_user.is_superuser


def test_editing_an_organization_in_another_language(admin_client):
    organization = OrganizationFactory.create(name="Welcome Centre")
    data = {
        "name": "Centre d'accueil",
        "alternate_name": "",
        "description": "",
        "source_language": "en",
        "parent_organization": "",
        "email": "",
        "website": "",
        "logo": "",
        "uri": "",
        "legal_status": "",
        "tax_status": "",
        "tax_id": "",
        "year_incorporated": "",
    }
    for prefix in ("locations", "programs", "organization_identifiers", "phones", "contacts"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = admin_client.post(url(organization.__class__, "change", organization.pk) + "?language=fr", data)
    assert response.status_code == 302
    organization.refresh_from_db()
    organization.set_current_language("fr")
    assert organization.name == "Centre d'accueil"
    organization.set_current_language("en")
    assert organization.name == "Welcome Centre"


# --- Service form: categories and last_modified ----------------------------------------------


def _categories(service: Service) -> set:
    return set(
        Attribute.objects.filter(link_entity="service", link_id=service.pk).values_list("taxonomy_term_id", flat=True)
    )


def test_categories_are_read_from_and_written_to_attribute_rows(admin_client):
    service = ServiceFactory.create()
    lang, emp, hous = (TaxonomyTermFactory.create(code=code) for code in ("LANG", "EMP", "HOUS"))
    link_service_to_term(service, lang)

    page = admin_client.get(url(Service, "change", service.pk))
    form = page.context["adminform"].form
    assert list(form.initial["categories"]) == [lang.pk]
    assert 'data-model-name="attribute"' in page.content.decode()

    response = admin_client.post(
        url(Service, "change", service.pk), _service_form_data(service, categories=[str(emp.pk), str(hous.pk)])
    )
    assert response.status_code == 302
    assert _categories(service) == {emp.pk, hous.pk}
    assert Attribute.history.filter(link_id=service.pk, history_type="-", taxonomy_term_id=lang.pk).exists()

    response = admin_client.post(url(Service, "change", service.pk), _service_form_data(service))
    assert response.status_code == 302
    assert _categories(service) == set()


def test_categories_on_a_new_service(admin_client):
    organization = OrganizationFactory.create()
    term = TaxonomyTermFactory.create(code="FOOD")
    data = _service_form_data(ServiceFactory.build(organization=organization), name="Food bank")
    data["categories"] = [str(term.pk)]
    response = admin_client.post(url(Service, "add"), data)
    assert response.status_code == 302
    service = Service.objects.get(translations__name="Food bank")
    assert _categories(service) == {term.pk}


def test_category_autocomplete_searches_terms_by_code_and_name(admin_client):
    TaxonomyTermFactory.create(code="LANG-LINC", name="Language classes (LINC)")
    TaxonomyTermFactory.create(code="EMP-SEARCH", name="Job search")
    params = {"app_label": "directory", "model_name": "attribute", "field_name": "taxonomy_term"}
    by_code = admin_client.get(reverse("admin:autocomplete"), {**params, "term": "LANG"}).json()
    assert [result["text"] for result in by_code["results"]] == ["LANG-LINC Language classes (LINC)"]
    by_name = admin_client.get(reverse("admin:autocomplete"), {**params, "term": "job"}).json()
    assert [result["text"] for result in by_name["results"]] == ["EMP-SEARCH Job search"]


def test_saving_a_service_in_the_admin_sets_last_modified(admin_client):
    long_ago = timezone.now() - dt.timedelta(days=900)
    service = ServiceFactory.create(last_modified=long_ago)
    before = timezone.now()
    response = admin_client.post(url(Service, "change", service.pk), _service_form_data(service, email="a@b.org"))
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.email == "a@b.org"
    assert service.last_modified >= before


def test_posting_an_unchanged_service_still_counts_as_an_edit(admin_client):
    service = ServiceFactory.create(last_modified=timezone.now() - dt.timedelta(days=900))
    before = timezone.now()
    admin_client.post(url(Service, "change", service.pk), _service_form_data(service))
    service.refresh_from_db()
    assert service.last_modified >= before


# --- Service list: filters and query budget ----------------------------------------------------


def test_category_filter_lists_services_under_a_top_level_category_and_its_children(admin_client):
    taxonomy = TaxonomyFactory.create(name="newstart settlement taxonomy")
    lang = TaxonomyTermFactory.create(code="LANG", taxonomy_detail=taxonomy)
    linc = TaxonomyTermFactory.create(code="LANG-LINC", parent=lang, taxonomy_detail=taxonomy)
    emp = TaxonomyTermFactory.create(code="EMP", taxonomy_detail=taxonomy)
    TaxonomyTermFactory.create(code="OTHER-ROOT")  # another taxonomy's top level: not offered
    under_parent, under_child, elsewhere = ServiceFactory.create(), ServiceFactory.create(), ServiceFactory.create()
    link_service_to_term(under_parent, lang)
    link_service_to_term(under_child, linc)
    link_service_to_term(elsewhere, emp)

    response = admin_client.get(url(Service, "changelist"), {"category": str(lang.pk)})

    assert set(response.context["cl"].result_list) == {under_parent, under_child}
    category_filter = next(
        spec for spec in response.context["cl"].filter_specs if isinstance(spec, TaxonomyCategoryFilter)
    )
    # Only the settlement taxonomy's top level is offered, by code.
    assert [value for value, _title in category_filter.lookup_choices] == [str(emp.pk), str(lang.pk)]


def test_category_filter_with_a_bad_value_lists_nothing(admin_client):
    link_service_to_term(ServiceFactory.create(), TaxonomyTermFactory.create(code="LANG"))
    response = admin_client.get(url(Service, "changelist"), {"category": "not-a-uuid"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


@pytest.mark.parametrize(
    ("choice", "expected"),
    [("never", {"never"}), ("overdue", {"old"}), ("up-to-date", {"fresh"})],
)
def test_verification_filter_on_the_service_list(admin_client, settings, choice, expected):
    settings.DIRECTORY_VERIFY_AFTER_DAYS = 30
    today = timezone.localdate()
    ServiceFactory.create(name="never")
    ServiceFactory.create(name="old", assured_date=today - dt.timedelta(days=31))
    ServiceFactory.create(name="fresh", assured_date=today - dt.timedelta(days=3))
    response = admin_client.get(url(Service, "changelist"), {"verification": choice})
    assert {str(service) for service in response.context["cl"].result_list} == expected


def test_demo_data_is_a_column_and_a_filter(admin_client):
    demo = ServiceFactory.create(is_demo=True)
    ServiceFactory.create(is_demo=False)
    response = admin_client.get(url(Service, "changelist"), {"is_demo__exact": "1"})
    assert list(response.context["cl"].result_list) == [demo]
    assert "is_demo" in response.context["cl"].list_display


def _changelist_queries(client, model) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(model, "changelist"))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("model", [Service, ServiceVerification])
def test_service_list_queries_do_not_grow_with_the_number_of_services(
    admin_client, model, django_assert_max_num_queries
):
    def add_service():
        service = ServiceFactory.create(
            organization=OrganizationFactory.create(), translations={"fr": {"name": "Service"}}
        )
        CostOptionFactory.create(service=service)
        link_service_to_term(service, TaxonomyTermFactory.create())

    add_service()
    one = _changelist_queries(admin_client, model)
    for _ in range(29):
        add_service()
    thirty = _changelist_queries(admin_client, model)
    assert thirty == one
    with django_assert_max_num_queries(12):
        admin_client.get(url(model, "changelist"))


@pytest.mark.parametrize("model", DIRECTORY_MODELS, ids=lambda model: model._meta.model_name)
def test_every_list_has_a_fixed_number_of_queries(admin_client, model):
    _one_of_everything()
    few = _changelist_queries(admin_client, model)
    _one_of_everything()
    _one_of_everything()
    assert _changelist_queries(admin_client, model) == few


# --- The verification queue ------------------------------------------------------------------------


def test_queue_lists_exactly_the_services_needing_verification(admin_client, settings):
    settings.DIRECTORY_VERIFY_AFTER_DAYS = 180
    today = timezone.localdate()
    never = ServiceFactory.create(name="never")
    overdue = ServiceFactory.create(name="overdue", assured_date=today - dt.timedelta(days=181))
    ServiceFactory.create(name="fresh", assured_date=today - dt.timedelta(days=180))
    ServiceFactory.create(name="defunct", status="defunct")

    response = admin_client.get(url(ServiceVerification, "changelist"))

    assert response.status_code == 200
    assert [service.pk for service in response.context["cl"].result_list] == [never.pk, overdue.pk]
    assert "180 days" in response.content.decode()
    assert url(Service, "change", never.pk) in response.content.decode()


def test_mark_as_verified_action(admin_client, admin_user, settings):
    settings.DIRECTORY_VERIFY_AFTER_DAYS = 180
    admin_user.email = "lead@lip.example.org"
    admin_user.save()
    today = timezone.localdate()
    never = ServiceFactory.create()
    overdue = ServiceFactory.create(assured_date=today - dt.timedelta(days=400))
    left = ServiceFactory.create()

    response = admin_client.post(
        url(ServiceVerification, "changelist"),
        {"action": "mark_verified", "_selected_action": [str(never.pk), str(overdue.pk)]},
        follow=True,
    )

    assert response.status_code == 200
    assert "2 services marked as verified." in [str(message) for message in response.context["messages"]]
    for service in (never, overdue):
        service.refresh_from_db()
        assert service.assured_date == today
        assert service.assurer_email == "lead@lip.example.org"
        record = service.history.latest()
        assert record.history_user == admin_user
        assert record.history_change_reason == VERIFIED_CHANGE_REASON
        assert "assured_date" in record.diff_against(record.prev_record).changed_fields
    assert [service.pk for service in response.context["cl"].result_list] == [left.pk]


def test_mark_as_verified_message_is_singular_for_one(admin_client):
    service = ServiceFactory.create()
    response = admin_client.post(
        url(Service, "changelist"),
        {"action": "mark_verified", "_selected_action": [str(service.pk)]},
        follow=True,
    )
    assert "1 service marked as verified." in [str(message) for message in response.context["messages"]]


# --- Permissions ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "page",
    [
        lambda objs: url(Service, "changelist"),
        lambda objs: url(Service, "change", objs[Service].pk),
        lambda objs: url(ServiceVerification, "changelist"),
        lambda objs: url(LocalArea, "change", objs[LocalArea].pk),
    ],
)
def test_anonymous_users_are_sent_to_the_login_page(client, everything, page):
    target = page(everything)
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("model", DIRECTORY_MODELS, ids=lambda model: model._meta.model_name)
def test_staff_without_rights_are_refused(client, everything, staff_without_rights, model):
    client.force_login(staff_without_rights)
    assert client.get(url(model, "changelist")).status_code == 403
    if model is not ServiceVerification:
        assert client.get(url(model, "change", everything[model].pk)).status_code == 403
    assert client.get(reverse("admin:app_list", args=["directory"])).status_code == 404


def test_staff_without_rights_cannot_mark_services_verified(client, staff_without_rights):
    service = ServiceFactory.create()
    client.force_login(staff_without_rights)
    response = client.post(
        url(ServiceVerification, "changelist"), {"action": "mark_verified", "_selected_action": [str(service.pk)]}
    )
    assert response.status_code == 403
    service.refresh_from_db()
    assert service.assured_date is None


@pytest.mark.parametrize("model", DIRECTORY_MODELS, ids=lambda model: model._meta.model_name)
def test_the_secretariat_may_use_every_page(client, everything, secretary, model):
    client.force_login(secretary)
    assert client.get(url(model, "changelist")).status_code == 200
    change = client.get(url(model, "change", everything[model].pk))
    assert change.status_code == (302 if model is ServiceVerification else 200)
    assert client.get(reverse("admin:app_list", args=["directory"])).status_code == 200


def test_the_secretariat_can_work_the_queue(client, secretary):
    service = ServiceFactory.create()
    client.force_login(secretary)
    response = client.post(
        url(ServiceVerification, "changelist"),
        {"action": "mark_verified", "_selected_action": [str(service.pk)]},
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.assurer_email == "secretary@lip.example.org"


def test_superuser_sees_the_directory(admin_client, everything):
    assert admin_client.get(reverse("admin:app_list", args=["directory"])).status_code == 200
    assert admin_client.get(url(Service, "change", everything[Service].pk)).status_code == 200


def test_the_secretariat_cannot_change_metadata(client, everything, secretary):
    client.force_login(secretary)
    response = client.post(url(Metadata, "change", everything[Metadata].pk), {"field_name": "x"})
    assert response.status_code == 403
