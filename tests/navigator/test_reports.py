"""Problem reports: created from the service page, spam kept out, handled in the admin."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse

from newstart.navigator.antispam import form_token_issue
from newstart.navigator.models import ProblemReport, ProblemReportStatus
from tests.navigator.conftest import WEDNESDAY_10AM, make_service

pytestmark = pytest.mark.django_db

ISSUED = WEDNESDAY_10AM.astimezone(dt.UTC)


@pytest.fixture
def service(taxonomy):
    return make_service("Food bank")


def token_for(service) -> str:
    with mock.patch("django.utils.timezone.now", return_value=ISSUED):
        return form_token_issue(purpose=str(service.id))


def post(client, service, *, after_seconds: float = 30, ip: str = "203.0.113.9", **fields):
    data = {"kind": "hours", "message": "Closed on Fridays now.", "token": token_for(service), "website": ""}
    data.update(fields)
    with mock.patch("django.utils.timezone.now", return_value=ISSUED + dt.timedelta(seconds=after_seconds)):
        return client.post(reverse("navigator:report", kwargs={"service_id": service.id}), data, REMOTE_ADDR=ip)


def test_the_service_page_offers_the_form(client, service):
    html = client.get(reverse("navigator:service", kwargs={"service_id": service.id})).content.decode()
    assert "Report a problem with this information" in html
    assert 'name="token"' in html
    assert 'name="website"' in html and 'tabindex="-1"' in html


def test_valid_report_is_created(client, service):
    response = post(client, service, contact_email="me@example.org")
    assert response.status_code == 302
    assert response["Location"] == f"/en/services/{service.id}/?reported=1#report"
    report = ProblemReport.objects.get()
    assert (report.service, report.kind, report.message) == (service, "hours", "Closed on Fridays now.")
    assert report.contact_email == "me@example.org"
    assert report.status == ProblemReportStatus.OPEN
    assert report.language == "en"
    assert "Thank you" in client.get(response["Location"]).content.decode()


def test_no_personal_data_needed_and_no_ip_kept(client, service):
    assert post(client, service, message="", contact_email="").status_code == 302
    assert ProblemReport.objects.count() == 1
    field_names = {field.name for field in ProblemReport._meta.get_fields()}
    assert not {"ip", "ip_address", "remote_addr", "user_agent"} & field_names
    assert not any("203.0.113.9" in str(key) for key in cache._cache)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("fields", "after_seconds", "status"),
    [
        ({"website": "https://spam.example"}, 30, 302),  # honeypot: thanked, nothing kept
        ({}, 1, 400),  # too fast for a person
        ({}, 3 * 60 * 60, 400),  # form open far too long
        ({"token": "forged"}, 30, 400),
        ({"kind": "not-a-kind"}, 30, 400),
    ],
)
def test_spam_is_rejected_without_creating_anything(client, service, fields, after_seconds, status):
    response = post(client, service, after_seconds=after_seconds, **fields)
    assert response.status_code == status
    assert ProblemReport.objects.count() == 0


def test_token_for_another_service_is_rejected(client, service):
    other = make_service("Other")
    assert post(client, service, token=token_for(other)).status_code == 400
    assert ProblemReport.objects.count() == 0


def test_rejected_form_keeps_the_text_and_ties_errors_to_fields(client, service):
    html = post(client, service, contact_email="not-an-email").content.decode()
    assert "Closed on Fridays now." in html
    assert 'aria-describedby="id_contact_email-help id_contact_email-error"' in html


def test_rate_limit_per_visitor(client, service, settings):
    settings.NAVIGATOR_REPORTS_PER_HOUR = 2
    assert post(client, service).status_code == 302
    assert post(client, service).status_code == 302
    assert post(client, service).status_code == 429
    assert ProblemReport.objects.count() == 2
    # Another visitor is not affected.
    assert post(client, service, ip="198.51.100.7").status_code == 302


def test_admin_lists_open_reports_and_resolves_them(admin_client, service):
    open_report = ProblemReport.objects.create(service=service, kind="hours", message="Wrong hours")
    ProblemReport.objects.create(service=service, kind="other", message="Old one", status="resolved")
    url = reverse("admin:navigator_problemreport_changelist")
    html = admin_client.get(url).content.decode()
    assert "Wrong hours" in html
    assert "Old one" not in html
    assert "Old one" in admin_client.get(url, {"status": "all"}).content.decode()
    response = admin_client.post(url, {"action": "mark_resolved", "_selected_action": [open_report.pk]})
    assert response.status_code == 302
    open_report.refresh_from_db()
    assert open_report.status == ProblemReportStatus.RESOLVED
    assert open_report.resolved_at is not None


def test_admin_erases_contact_emails(admin_client, service):
    report = ProblemReport.objects.create(service=service, kind="hours", contact_email="me@example.org")
    url = reverse("admin:navigator_problemreport_changelist")
    admin_client.post(url, {"action": "erase_contact_email", "_selected_action": [report.pk]})
    report.refresh_from_db()
    assert report.contact_email == ""


def test_anonymous_visitors_cannot_see_reports(client, service):
    ProblemReport.objects.create(service=service, kind="hours", message="Secret-ish")
    response = client.get(reverse("admin:navigator_problemreport_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
