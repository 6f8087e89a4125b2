"""Eligibility in the navigator: "Your situation" on the search form, verdicts on cards and the service
page, the "only services I am likely eligible for" filter, and the demo's structured eligibility."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.urls import reverse

from newstart.eligibility.demo import demo_rule_for, eligibility_demo_load
from newstart.eligibility.models import FunderRule, ImmigrationStatus, ServiceEligibility
from tests.navigator.conftest import make_service

pytestmark = pytest.mark.django_db

IRCC_REFUSES_CLAIMANTS = "refugee claimants cannot use it"


def _cards(content: str) -> dict[str, str]:
    """Each result card's HTML, by service name."""
    cards = re.findall(r'<li class="card">(.*?)</li>\s*(?=<li class="card">|</ol>)', content, flags=re.S)
    named = {}
    for card in cards:
        name = re.search(r"<h3[^>]*><a [^>]*>([^<]+)</a></h3>", card)
        assert name is not None, card
        named[name.group(1)] = card
    return named


@pytest.fixture
def services(taxonomy):
    linc = make_service("LINC level 3", category="LANG-LINC")
    ServiceEligibility.objects.create(service=linc, funder_rule=FunderRule.IRCC)
    claimants = make_service("Claimant housing help", category="HOUS")
    ServiceEligibility.objects.create(service=claimants, statuses=[ImmigrationStatus.REFUGEE_CLAIMANT])
    make_service("Conversation circle", category="LANG", eligibility_description="Everyone is welcome.")
    return linc, claimants


def test_without_a_situation_no_verdicts_are_shown(client, services):
    response = client.get(reverse("navigator:search"))
    content = response.content.decode()
    assert len(_cards(content)) == 3
    assert 'class="verdict' not in content
    # The form still offers the situation, as plain HTML controls (no JavaScript needed).
    assert '<select name="status"' in content
    assert 'name="landing_date"' in content and 'name="immigration_class"' in content
    assert 'name="eligible_only"' in content


def test_cards_show_the_verdict_and_the_reason(client, services):
    response = client.get(reverse("navigator:search"), {"status": "refugee_claimant"})
    cards = _cards(response.content.decode())
    assert "You are likely eligible" in cards["Claimant housing help"]
    linc = html.unescape(cards["LINC level 3"])
    assert "Check eligibility" in linc and IRCC_REFUSES_CLAIMANTS in linc
    circle = cards["Conversation circle"]
    assert "Check eligibility" in circle and "Everyone is welcome." in circle
    # The link to the service keeps the situation, so the service page shows the same verdict.
    assert "?status=refugee_claimant" in cards["LINC level 3"]


def test_the_eligible_only_filter_hides_services_that_rule_the_person_out(client, services):
    claimant = client.get(reverse("navigator:search"), {"status": "refugee_claimant", "eligible_only": "on"})
    assert sorted(_cards(claimant.content.decode())) == ["Claimant housing help", "Conversation circle"]
    protected = client.get(reverse("navigator:search"), {"status": "protected_person", "eligible_only": "on"})
    names = _cards(protected.content.decode())
    assert sorted(names) == ["Conversation circle", "LINC level 3"]
    assert "You are likely eligible" in names["LINC level 3"]
    # Without a status the checkbox changes nothing.
    everyone = client.get(reverse("navigator:search"), {"eligible_only": "on"})
    assert len(_cards(everyone.content.decode())) == 3


def test_permanent_resident_landing_date_and_class_decide_ircc_services(client, services):
    params = {"status": "permanent_resident", "immigration_class": "economic", "eligible_only": "on"}
    recent = client.get(reverse("navigator:search"), {**params, "landing_date": "2024-06-01"})
    assert "LINC level 3" in _cards(recent.content.decode())
    long_ago = client.get(reverse("navigator:search"), {**params, "landing_date": "2015-06-01"})
    assert "LINC level 3" not in _cards(long_ago.content.decode())
    # The landing date and class count only for permanent residents.
    protected = client.get(
        reverse("navigator:search"), {**params, "status": "protected_person", "landing_date": "2015-06-01"}
    )
    assert "LINC level 3" in _cards(protected.content.decode())


def test_a_future_landing_date_is_a_field_error_not_a_crash(client, services):
    future = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    response = client.get(reverse("navigator:search"), {"status": "permanent_resident", "landing_date": future})
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="id_landing_date-error"' in content and 'aria-invalid="true"' in content
    assert "cannot be in the future" in content


def test_service_page_shows_the_verdict_for_the_situation_in_the_address(client, services):
    linc, _ = services
    url = reverse("navigator:service", kwargs={"service_id": linc.id})
    plain = client.get(url).content.decode()
    assert 'class="verdict' not in plain
    page = html.unescape(client.get(url, {"status": "refugee_claimant"}).content.decode())
    assert 'class="verdict verdict-check"' in page and IRCC_REFUSES_CLAIMANTS in page
    protected = client.get(url, {"status": "protected_person"}).content.decode()
    assert "You are likely eligible" in protected
    print_url = reverse("navigator:service_print", kwargs={"service_id": linc.id})
    printed = client.get(print_url, {"status": "protected_person"})
    assert "You are likely eligible" in printed.content.decode()
    # Nonsense in the address is ignored, never an error.
    assert client.get(url, {"status": "astronaut"}).status_code == 200


def test_verdicts_for_a_page_cost_one_query(client, services, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as without:
        client.get(reverse("navigator:search"))
    with django_assert_max_num_queries(len(without) + 1):
        client.get(reverse("navigator:search"), {"status": "protected_person"})


def test_nothing_about_the_situation_is_stored(client, services):
    response = client.get(reverse("navigator:search"), {"status": "refugee_claimant"})
    assert not response.cookies
    assert "sessionid" not in client.cookies


def test_demo_rules_follow_the_taxonomy():
    linc = demo_rule_for({"LANG-LINC"})
    assert linc is not None and linc.funder_rule == FunderRule.IRCC
    orientation = demo_rule_for({"ORIENT-NEEDS", "ORIENT-CASE"})
    assert orientation is not None and orientation.funder_rule == FunderRule.IRCC
    claimants = demo_rule_for({"REFUGEE-CLAIM", "REFUGEE-ORIENT"})
    assert claimants is not None and claimants.statuses == (ImmigrationStatus.REFUGEE_CLAIMANT,)
    assert demo_rule_for({"FOOD-BANK"}) is None


def test_eligibility_demo_load_is_idempotent_and_only_touches_demo_services(taxonomy):
    demo_linc = make_service("Demo LINC", category="LANG-LINC", is_demo=True)
    demo_claim = make_service("Demo claimant support", category="REFUGEE-CLAIM", is_demo=True)
    make_service("Demo food bank", category="FOOD-BANK", is_demo=True)
    real_linc = make_service("Real LINC", category="LANG-LINC")
    assert eligibility_demo_load() == 2
    assert ServiceEligibility.objects.get(service=demo_linc).funder_rule == FunderRule.IRCC
    assert ServiceEligibility.objects.get(service=demo_claim).statuses == ["refugee_claimant"]
    assert not ServiceEligibility.objects.filter(service=real_linc).exists()
    history = ServiceEligibility.history.count()  # type: ignore[attr-defined]
    assert eligibility_demo_load() == 0
    assert ServiceEligibility.history.count() == history  # type: ignore[attr-defined]
