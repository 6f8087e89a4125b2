"""My plan end to end: the form, the private link, the steps and services, QR code, print, delete, expiry."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
import segno
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from newstart.directory.models import ServiceStatus
from newstart.eligibility.models import FunderRule, ImmigrationStatus, ServiceEligibility
from newstart.plans.models import Plan
from newstart.plans.qr import QR_ERROR_LEVEL, QR_SCALE, plan_qr_svg
from newstart.plans.tasks import purge_expired_plans_task
from newstart.plans.tokens import token_new
from tests.plans.conftest import NOW
from tests.plans.factories import HOME, make_plan, service_at

pytestmark = pytest.mark.django_db

TOKEN_URL = re.compile(r"^/en/plan/([A-Za-z0-9_-]{43})/$")


def token_of(location: str) -> str:
    match = TOKEN_URL.match(location)
    assert match, location
    return match.group(1)


def form_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "arrival_date": "2026-05-01",
        "status": ImmigrationStatus.PERMANENT_RESIDENT,
        "landing_date": "2026-05-01",
        "immigration_class": "family",
        "age_1": "38",
        "age_2": "36",
        "age_3": "7",
        "languages": ["pa", "en"],
        "needs": ["CHILD", "LANG"],
        "postal_code": "v5l3x9",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def create(client, **overrides: object) -> str:
    response = client.post(reverse("plans:start"), form_data(**overrides))
    assert response.status_code == 303, response.content.decode()[:2000]
    return response["Location"]


def test_start_page_is_an_accessible_form(client, steps, clock):
    response = client.get(reverse("plans:start"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert '<form class="plan-form" method="post"' in html
    for legend in ("What is your immigration status?", "Who lives with you?", "What do you need help with?"):
        assert f"<legend>{legend}</legend>" in html
    assert '<label for="id_arrival_date">' in html
    assert 'aria-describedby="id_arrival_date-help"' in html
    assert 'lang="pa" dir="auto">ਪੰਜਾਬੀ</label>' in html
    assert "Language classes and assessment" in html  # needs: the taxonomy's top-level categories
    assert "<script" not in html.split("<main")[1]  # the form itself needs no script


def test_creating_a_plan_redirects_to_its_private_link(client, steps, clock):
    location = create(client)
    match = TOKEN_URL.match(location)
    assert match, location
    token = match.group(1)
    plan = Plan.objects.get()
    # Only the SHA-256 of the 256-bit token is stored.
    assert plan.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Plan.objects.values().get())
    assert plan.expires_at == NOW + dt.timedelta(days=settings.PLANS_EXPIRY_DAYS)
    # Exactly what the person typed.
    assert plan.arrival_date == dt.date(2026, 5, 1)
    assert plan.household_ages == [38, 36, 7]
    assert plan.languages == ["pa", "en"]
    assert plan.needs == ["CHILD", "LANG"]
    assert plan.postal_code == "V5L 3X9"
    response = client.get(location)
    assert response.status_code == 200
    assert "My settlement plan" in response.content.decode()


def test_the_plan_stores_nothing_but_what_was_typed():
    names = {field.name for field in Plan._meta.get_fields()}
    assert names == {
        "id",
        "token_hash",
        "created_at",
        "expires_at",
        "arrival_date",
        "status",
        "landing_date",
        "immigration_class",
        "household_ages",
        "languages",
        "needs",
        "postal_code",
    }


def test_a_pr_family_with_a_seven_year_old_gets_school_enrolment(client, steps, clock):
    html = client.get(create(client)).content.decode()
    assert "Enrol your children in school" in html
    assert "Get your Social Insurance Number (SIN)" in html
    assert "Find child care" in html  # CHILD ticked, a child aged 0-12
    assert "Take a language assessment (CLB)" in html  # LANG ticked
    assert "Health coverage for refugee claimants" not in html


def test_an_international_student_without_children_does_not(client, steps, clock):
    location = create(
        client,
        status=ImmigrationStatus.INTERNATIONAL_STUDENT,
        landing_date=None,
        immigration_class=None,
        age_1="22",
        age_2=None,
        age_3=None,
        needs=["HOUS"],
    )
    html = client.get(location).content.decode()
    assert "Enrol your children in school" not in html
    assert "Find child care" not in html
    assert "Find a place to live" in html
    assert "Apply for BC health coverage (MSP)" in html
    plan = Plan.objects.get()
    assert plan.landing_date is None and plan.immigration_class == ""


def test_services_per_step_are_nearby_and_linked_to_the_steps_codes(client, steps, clock):
    near = service_at("Near school welcome centre", code="CHILD-SCHOOL", latitude=HOME[0] + 0.001)
    # Elsewhere: their addresses are in other postal areas, so the plan's postal code stays at HOME.
    middle = service_at("Middle SWIS", code="CHILD-SWIS", latitude=HOME[0] + 0.02, postal_code="V5T 1A1")
    far = service_at("Far school help", code="CHILD-SCHOOL", latitude=HOME[0] + 0.05, postal_code="V6A 1A1")
    farthest = service_at("Farthest school help", code="CHILD-SCHOOL", latitude=HOME[0] + 0.2, postal_code="V7P 1A1")
    unlinked = service_at("Food bank next door", code="FOOD-BANK")
    closed = service_at("Closed school help", code="CHILD-SCHOOL", status=ServiceStatus.DEFUNCT)
    _plan, token = make_plan()
    html = client.get(reverse("plans:detail", kwargs={"token": token})).content.decode()
    school = html.split("Enrol your children in school")[1].split('<li class="step">')[0]
    positions = [school.find(service.name) for service in (near, middle, far)]
    assert all(position > 0 for position in positions), school
    assert positions == sorted(positions), "nearest first"
    assert farthest.name not in school  # three per step
    assert unlinked.name not in html
    assert closed.name not in html
    # The postal code's point is the centre of its known addresses (here all at HOME, give or take 100 m).
    assert "2.2 km away" in school.split(middle.name)[1].split("verdict")[0]
    assert reverse("navigator:service", kwargs={"service_id": near.id}) in school


def test_services_in_the_persons_language_are_marked(client, steps, clock):
    service_at("Punjabi SIN help", code="MONEY-SIN", languages=("pa",))
    service_at("Mandarin bank help", code="MONEY-BANK", languages=("cmn",))
    _plan, token = make_plan(languages=("zh",))
    html = client.get(reverse("plans:detail", kwargs={"token": token})).content.decode()
    assert "Offered in your language" not in html.split("Punjabi SIN help")[1].split("</li>\n    </ul>")[0]
    assert "Offered in your language" in html.split("Mandarin bank help")[1]  # "Chinese" finds Mandarin


def test_unknown_postal_code_is_said_and_services_still_listed(client, steps, clock):
    service_at("SIN clinic", code="MONEY-SIN")
    _plan, token = make_plan(postal_code="A1A 1A1")
    html = client.get(reverse("plans:detail", kwargs={"token": token})).content.decode()
    assert "We could not find where A1A 1A1 is" in html
    assert "SIN clinic" in html
    assert " km away" not in html


def test_eligibility_verdicts_are_shown_with_services(client, steps, clock):
    linc = service_at("LINC English", code="LANG-LINC")
    ServiceEligibility.objects.create(service=linc, funder_rule=FunderRule.IRCC)
    _plan, token = make_plan(status=ImmigrationStatus.REFUGEE_CLAIMANT, landing_date=None, immigration_class="")
    html = client.get(reverse("plans:detail", kwargs={"token": token})).content.decode()
    section = html.split("LINC English")[1]
    assert "Check eligibility" in section
    assert "refugee claimants cannot use it" in section
    _plan, token = make_plan(status=ImmigrationStatus.PROTECTED_PERSON, landing_date=None, immigration_class="")
    html = client.get(reverse("plans:detail", kwargs={"token": token})).content.decode()
    assert "You are likely eligible" in html.split("LINC English")[1]


def test_plan_page_query_budget(client, steps, clock, django_assert_max_num_queries):
    for n in range(12):
        service_at(f"School help {n}", code="CHILD-SCHOOL", latitude=HOME[0] + n / 100)
        service_at(f"Bank help {n}", code="MONEY-BANK", latitude=HOME[0] + n / 100)
        service_at(f"Doctor {n}", code="HEALTH-DOCTOR", latitude=HOME[0] + n / 100)
    _plan, token = make_plan()
    url = reverse("plans:detail", kwargs={"token": token})
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200


def test_qr_code_encodes_the_private_link(client, steps, clock):
    location = create(client)
    html = client.get(location).content.decode()
    link = f"http://testserver{location}"
    expected = segno.make(link, error=QR_ERROR_LEVEL, micro=False).svg_inline(
        scale=QR_SCALE, svgclass="qr", lineclass=None, title="QR code of the link to your plan"
    )
    assert plan_qr_svg(url=link) == expected
    assert expected in html
    other = segno.make(f"http://testserver/en/plan/{token_new()}/", error=QR_ERROR_LEVEL, micro=False)
    assert other.svg_inline(scale=QR_SCALE, svgclass="qr", lineclass=None) not in html
    assert f'value="{link}"' in html  # the link to copy


def test_print_view_says_how_to_save_as_pdf(client, steps, clock):
    location = create(client)
    html = client.get(location).content.decode()
    assert "Save as PDF" in html
    assert f'href="{location}?print=1"' in html
    printed = client.get(location + "?print=1").content.decode()
    assert 'class="plan-page print-view"' in printed
    assert '<figure class="qr"><svg' in printed
    assert "Delete my plan" not in printed


def test_delete_removes_the_plan_and_its_link_404s(client, steps, clock):
    location = create(client)
    token = token_of(location)
    delete_url = reverse("plans:delete", kwargs={"token": token})
    confirm = client.get(delete_url)
    assert confirm.status_code == 200
    assert "Yes, delete my plan" in confirm.content.decode()
    assert Plan.objects.count() == 1  # a GET deletes nothing
    response = client.post(delete_url)
    assert response.status_code == 303
    assert response["Location"] == reverse("plans:deleted")
    assert Plan.objects.count() == 0
    assert client.get(location).status_code == 404
    assert client.post(delete_url).status_code == 404
    assert "Your plan was deleted" in client.get(reverse("plans:deleted")).content.decode()


def test_expired_plans_are_404_and_purged(client, steps, clock):
    location = create(client)
    keeper = create(client)
    Plan.objects.filter(token_hash=hashlib.sha256(token_of(keeper).encode()).hexdigest()).update(
        expires_at=NOW + dt.timedelta(days=400)
    )
    clock.return_value = (NOW + dt.timedelta(days=settings.PLANS_EXPIRY_DAYS) - dt.timedelta(seconds=1)).astimezone(
        dt.UTC
    )
    assert client.get(location).status_code == 200
    clock.return_value = (NOW + dt.timedelta(days=settings.PLANS_EXPIRY_DAYS)).astimezone(dt.UTC)
    response = client.get(location)
    assert response.status_code == 404
    assert "This plan is not available" in response.content.decode()
    assert Plan.objects.count() == 2  # still stored until the purge
    call_command("purge_expired_plans")
    assert Plan.objects.count() == 1
    assert client.get(keeper).status_code == 200


def test_purge_task(steps, clock):
    make_plan()
    make_plan()
    clock.return_value = (NOW + dt.timedelta(days=settings.PLANS_EXPIRY_DAYS + 1)).astimezone(dt.UTC)
    result = purge_expired_plans_task.enqueue()
    assert result.return_value == 2
    assert Plan.objects.count() == 0


@pytest.mark.parametrize(
    "token",
    [
        "x" * 43,  # well formed, never issued
        "short",
        "deleted-but-not-a-token",
        "a" * 44,
        "%2e%2e",
    ],
)
def test_wrong_or_guessed_tokens_are_404(client, steps, clock, token):
    make_plan()
    assert client.get(f"/en/plan/{token}/").status_code == 404
    assert client.post(f"/en/plan/{token}/delete/").status_code == 404
    assert Plan.objects.count() == 1


def test_a_token_one_character_off_is_404_and_looked_up_by_its_digest_only(client, steps, clock):
    _plan, token = make_plan()
    guess = token[:-1] + ("A" if token[-1] != "A" else "B")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/en/plan/{guess}/").status_code == 404
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    # No comparison of secrets in Python or SQL: an exact index lookup of the guess's SHA-256.
    assert guess not in sql
    assert hashlib.sha256(guess.encode()).hexdigest() in sql


@pytest.mark.parametrize("name", ["start", "detail", "delete", "deleted", "missing"])
def test_private_headers_on_every_page(client, steps, clock, name):
    _plan, token = make_plan()
    url = {
        "start": reverse("plans:start"),
        "detail": reverse("plans:detail", kwargs={"token": token}),
        "delete": reverse("plans:delete", kwargs={"token": token}),
        "deleted": reverse("plans:deleted"),
        "missing": f"/en/plan/{token_new()}/",
    }[name]
    response = client.get(url)
    # The form page has no token in its address; same-origin lets browsers send a real Origin
    # header with the post, which Django's CSRF check needs.
    assert response["Referrer-Policy"] == ("same-origin" if name == "start" else "no-referrer")
    assert response["Cache-Control"] == "no-store"
    assert "noindex" in response["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


def test_other_methods_are_refused(client, steps, clock):
    _plan, token = make_plan()
    assert client.put(reverse("plans:detail", kwargs={"token": token})).status_code == 405
    assert client.post(reverse("plans:detail", kwargs={"token": token})).status_code == 405
    assert Plan.objects.count() == 1
