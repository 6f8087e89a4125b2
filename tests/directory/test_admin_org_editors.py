"""Organization editors in the directory admin: a partner organization's editors see and change only
their own organization's listings; staff without a role see nothing; the secretariat sees everything."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from newstart.directory.models import Organization, Phone, Service
from newstart.directory.rules import SECRETARIAT_GROUP
from tests.directory.factories import LocationFactory, OrganizationFactory, ProgramFactory, ServiceFactory
from tests.partnership.factories import PartnerOrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(model: Any, view: str, *args: Any) -> str:
    return reverse(f"admin:directory_{model._meta.model_name}_{view}", args=args)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world() -> dict[str, Any]:
    org_a = OrganizationFactory(name="Alpha Settlement")
    org_b = OrganizationFactory(name="Beta Services")
    service_a = ServiceFactory(organization=org_a, name="Alpha English")
    service_b = ServiceFactory(organization=org_b, name="Beta Jobs")
    owner = UserFactory(is_staff=True)
    PartnerOrganizationFactory(directory_organization=org_a).editors.add(owner)
    return {
        "org_a": org_a,
        "org_b": org_b,
        "service_a": service_a,
        "service_b": service_b,
        "owner": client_for(owner),
        "outsider": client_for(UserFactory(is_staff=True)),
    }


def form_data(response: Any) -> dict[str, Any]:
    """The change form as the browser would post it back unchanged (main form and inline formsets)."""
    data: dict[str, Any] = {}

    def add(form: Any) -> None:
        for name, field in form.fields.items():
            value = form[name].value()
            if field.disabled:
                continue
            if isinstance(value, list | tuple):
                data[form.add_prefix(name)] = [str(v) for v in value]
            elif value is None or value is False:
                continue
            else:
                data[form.add_prefix(name)] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


def test_owner_changelists_show_only_their_organization(world):
    response = world["owner"].get(url(Organization, "changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [world["org_a"]]
    response = world["owner"].get(url(Service, "changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [world["service_a"]]
    index = world["owner"].get(reverse("admin:index"))
    assert index.status_code == 200
    assert "Beta" not in index.content.decode()


def test_owner_opens_and_saves_their_service_with_inlines(world):
    service = world["service_a"]
    response = world["owner"].get(url(Service, "change", service.pk))
    assert response.status_code == 200
    assert response.context["has_change_permission"]
    assert not response.context["has_delete_permission"]
    data = form_data(response)
    data["email"] = "hello@alpha.example.org"
    data["phones-TOTAL_FORMS"] = str(int(data["phones-TOTAL_FORMS"]) + 1)
    data["phones-0-number"] = "604-555-0100"
    response = world["owner"].post(url(Service, "change", service.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    service.refresh_from_db()
    assert service.email == "hello@alpha.example.org"
    assert Phone.objects.filter(service=service, number="604-555-0100").exists()


def test_owner_opens_and_saves_their_organization(world):
    org = world["org_a"]
    response = world["owner"].get(url(Organization, "change", org.pk))
    assert response.status_code == 200
    data = form_data(response)
    data["email"] = "office@alpha.example.org"
    response = world["owner"].post(url(Organization, "change", org.pk), data)
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.email == "office@alpha.example.org"


def test_owner_cannot_move_their_service_to_another_organization(world):
    service = world["service_a"]
    data = form_data(world["owner"].get(url(Service, "change", service.pk)))
    data["organization"] = str(world["org_b"].pk)
    response = world["owner"].post(url(Service, "change", service.pk), data)
    assert response.status_code == 200
    assert "organization" in response.context["adminform"].form.errors
    service.refresh_from_db()
    assert service.organization == world["org_a"]


@pytest.mark.parametrize(
    "path",
    [
        lambda w: url(Service, "change", w["service_b"].pk),
        lambda w: url(Organization, "change", w["org_b"].pk),
        lambda w: url(Service, "history", w["service_b"].pk),
        lambda w: url(Organization, "history", w["org_b"].pk),
    ],
)
def test_owner_is_refused_the_other_organization(world, path):
    assert world["owner"].get(path(world)).status_code in (403, 404)
    response = world["owner"].post(path(world), {"email": "taken@example.org"})
    assert response.status_code in (403, 404)
    world["service_b"].refresh_from_db()
    world["org_b"].refresh_from_db()
    assert world["service_b"].email != "taken@example.org"
    assert world["org_b"].email != "taken@example.org"


def test_owner_may_neither_add_nor_delete_listings(world):
    for model, obj in ((Service, world["service_a"]), (Organization, world["org_a"])):
        assert world["owner"].get(url(model, "add")).status_code == 403
        assert world["owner"].post(url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert Service.objects.filter(pk=world["service_a"].pk).exists()


def autocomplete(client: Client, model_name: str, field_name: str, term: str = "") -> Any:
    return client.get(
        reverse("admin:autocomplete"),
        {"app_label": "directory", "model_name": model_name, "field_name": field_name, "term": term},
    )


def autocomplete_names(response: Any) -> list[str]:
    assert response.status_code == 200
    return [row["text"] for row in json.loads(response.content)["results"]]


def test_owner_autocomplete_lists_only_their_records(world):
    ProgramFactory(organization=world["org_a"], name="Alpha Program")
    ProgramFactory(organization=world["org_b"], name="Beta Program")
    LocationFactory(organization=world["org_a"], name="Alpha Office")
    LocationFactory(organization=world["org_b"], name="Beta Office")
    organizations = autocomplete_names(autocomplete(world["owner"], "service", "organization"))
    assert organizations == ["Alpha Settlement"]
    assert autocomplete_names(autocomplete(world["owner"], "service", "organization", "Beta")) == []
    assert autocomplete_names(autocomplete(world["owner"], "service", "program")) == ["Alpha Program"]
    assert autocomplete_names(autocomplete(world["owner"], "serviceatlocation", "location")) == ["Alpha Office"]
    # Picking lists are not pages: the program and location lists stay closed to editors.
    assert world["owner"].get(url(Organization, "changelist")).status_code == 200
    assert world["owner"].get(reverse("admin:directory_program_changelist")).status_code == 403
    assert world["owner"].get(reverse("admin:directory_location_changelist")).status_code == 403


def test_inactive_partnership_ends_editing(world):
    world["org_a"].partner_organizations.update(active=False)
    assert world["owner"].get(url(Service, "change", world["service_a"].pk)).status_code == 403
    assert world["owner"].get(url(Service, "changelist")).status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        lambda w: url(Service, "changelist"),
        lambda w: url(Organization, "changelist"),
        lambda w: url(Service, "change", w["service_a"].pk),
        lambda w: url(Organization, "change", w["org_b"].pk),
        lambda w: reverse("admin:directory_program_changelist"),
    ],
)
def test_outsider_is_refused_everywhere(world, path):
    assert world["outsider"].get(path(world)).status_code == 403


def test_outsider_gets_no_autocomplete_and_no_directory_section(world):
    assert autocomplete(world["outsider"], "service", "organization").status_code == 403
    assert autocomplete(world["outsider"], "service", "program").status_code == 403
    assert "Beta" not in world["outsider"].get(reverse("admin:index")).content.decode()


def test_secretariat_sees_both_organizations(world):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=SECRETARIAT_GROUP)[0])
    client = client_for(user)
    response = client.get(url(Organization, "changelist"))
    assert set(response.context["cl"].result_list) == {world["org_a"], world["org_b"]}
    response = client.get(url(Service, "changelist"))
    assert set(response.context["cl"].result_list) == {world["service_a"], world["service_b"]}
    assert client.get(url(Service, "change", world["service_b"].pk)).status_code == 200
    names = autocomplete_names(autocomplete(client, "service", "organization"))
    assert sorted(names) == ["Alpha Settlement", "Beta Services"]
