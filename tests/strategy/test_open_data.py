"""Open data and exports: every entity's CSV, the README (columns, licence, date), no personal data,
the public scope, the secretariat's download, per-body exports and the public accountability page."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from newstart.partnership.models import Visibility
from newstart.strategy.models import ProposalStatus
from newstart.strategy.open_data import TABLES, open_data_zip
from tests.partnership.factories import MeetingFactory
from tests.strategy.factories import ActivityFactory, GapFactory, ProposalFactory, StrategyCycleFactory
from tests.strategy.test_publication_support import make_tracked

EXPECTED_FILES = {
    f"{name}.csv"
    for name in (
        "activities",
        "gaps",
        "proposals",
        "decisions",
        "actions",
        "milestones",
        "progress_updates",
        "indicators",
        "indicator_values",
        "meetings",
    )
}


@pytest.fixture
def tracked(world):
    setup = make_tracked(world)
    # Records the public scope must leave out, and ones it must keep.
    ProposalFactory(cycle=world.cycle, body=world.public_group, title="Public draft idea")
    ProposalFactory(
        cycle=world.cycle, body=world.group, title="Private submitted idea", status=ProposalStatus.SUBMITTED
    )
    ActivityFactory(cycle=world.cycle, body=world.group, title="Private activity")
    ActivityFactory(cycle=world.cycle, body=world.public_group, title="Public activity")
    GapFactory(cycle=world.cycle, body=world.group, title="Private gap")
    MeetingFactory(body=world.group, title="Private group meeting", online_url="https://meet.example.org/secret")
    MeetingFactory(body=world.public_group, title="Open group meeting")
    return setup


def read_zip(content: bytes) -> tuple[dict[str, list[dict[str, str]]], dict[str, list[str]], str]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    tables, headers = {}, {}
    for name in archive.namelist():
        if name.endswith(".csv"):
            reader = csv.DictReader(io.StringIO(archive.read(name).decode("utf-8")))
            tables[name] = list(reader)
            headers[name] = list(reader.fieldnames or [])
    return tables, headers, archive.read("README.md").decode("utf-8")


def all_cells(tables: dict[str, list[dict[str, str]]]) -> list[str]:
    return [cell for rows in tables.values() for row in rows for cell in row.values()]


def test_zip_has_every_entity_a_readme_licence_and_date(tracked, settings):
    settings.OPEN_DATA_LICENCE = "ODC-By-1.0"
    tables, headers, readme = read_zip(open_data_zip(public=True))
    assert set(tables) == EXPECTED_FILES
    assert "Open Data Commons Attribution License" in readme and "ODC-By-1.0" in readme
    assert timezone.localdate().isoformat() in readme
    for name, columns in headers.items():
        assert f"## {name}" in readme
        for column in columns:
            assert f"| `{column}` |" in readme, (name, column)
    assert {t.filename for t in TABLES} == EXPECTED_FILES


def test_public_scope_holds_published_and_public_records_only(tracked):
    tables, _headers, _readme = read_zip(open_data_zip(public=True))
    titles = {row["title"] for row in tables["proposals.csv"]}
    assert "Assessment centre proposal" not in titles  # a draft, even of a public body
    assert "Public draft idea" not in titles
    assert "Private submitted idea" not in titles
    assert {row["title"] for row in tables["activities.csv"]} == {"Public activity"}
    assert "Private gap" not in {row["title"] for row in tables["gaps.csv"]}
    assert [row["title"] for row in tables["meetings.csv"]] == ["Open group meeting"]
    assert [row["number"] for row in tables["actions.csv"]] == ["1", "2", "3"]
    assert {row["strategy_versions"] for row in tables["actions.csv"]} == {"1"}
    assert [row["value"] for row in tables["indicator_values.csv"]] == ["8.50", "7.25"]
    cells = all_cells(tables)
    assert not [cell for cell in cells if "@" in cell]
    assert not [cell for cell in cells if "secret" in cell.lower()]
    for name in ("Leah Lead", "Paul Partner", "Mina Member", "Sam Secretariat", "Ana Advisor"):
        assert not [cell for cell in cells if name in cell]


def test_partnership_scope_adds_private_bodies_but_no_drafts_or_people(tracked):
    tables, _headers, _readme = read_zip(open_data_zip(public=False))
    titles = {row["title"] for row in tables["proposals.csv"]}
    assert "Private submitted idea" in titles and "Public draft idea" not in titles
    assert {"Public activity", "Private activity"} <= {row["title"] for row in tables["activities.csv"]}
    assert "Private group meeting" in {row["title"] for row in tables["meetings.csv"]}
    assert not [cell for cell in all_cells(tables) if "@" in cell]


def test_actions_of_an_unpublished_cycle_stay_out_of_the_public_data(tracked):
    other = StrategyCycleFactory(slug="draft-cycle")
    from tests.strategy.factories import ActionFactory

    ActionFactory(cycle=other, number=1, title="Not yet published")
    tables, _headers, _readme = read_zip(open_data_zip(public=True))
    assert "Not yet published" not in {row["title"] for row in tables["actions.csv"]}
    tables, _headers, _readme = read_zip(open_data_zip(public=False))
    assert "Not yet published" in {row["title"] for row in tables["actions.csv"]}


def test_command_writes_the_zip(tracked, tmp_path):
    out = tmp_path / "open.zip"
    call_command("export_open_data", str(out))
    tables, _headers, readme = read_zip(out.read_bytes())
    assert set(tables) == EXPECTED_FILES and "Public data" in readme
    call_command("export_open_data", str(out), "--all-bodies")
    tables, _headers, _readme = read_zip(out.read_bytes())
    assert "Private activity" in {row["title"] for row in tables["activities.csv"]}


@pytest.mark.parametrize(
    ("who", "expected"),
    [("secretariat", 200), ("council_chair", 403), ("member", 403), ("stranger", 403), ("anonymous", 302)],
)
def test_only_the_secretariat_downloads_the_partnership_data(tracked, who, expected):
    response = tracked.world.client(who).get(reverse("strategy:open_data"))
    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Type"] == "application/zip"
        assert "Private activity" in {r["title"] for r in read_zip(response.content)[0]["activities.csv"]}


@pytest.mark.parametrize(
    ("who", "body", "expected"),
    [
        ("member", "group", 200),  # a member of the private group
        ("observer", "group", 200),
        ("secretariat", "group", 200),
        ("outsider", "group", 404),  # may not even know the private group's records
        ("public_member", "group", 404),
        ("public_member", "public_group", 200),
        ("outsider", "public_group", 403),  # may read the public body, but does not sit on it
        ("stranger", "public_group", 403),
    ],
)
def test_body_export_for_its_members(tracked, who, body, expected):
    world = tracked.world
    target = getattr(world, body)
    url = reverse("strategy:body_export", args=[world.cycle.slug, target.slug])
    response = world.client(who).get(url)
    assert response.status_code == expected
    if expected == 200:
        tables, _headers, readme = read_zip(response.content)
        assert target.name in readme
        bodies = {row["body"] for name in ("activities.csv", "gaps.csv", "proposals.csv") for row in tables[name]}
        assert bodies == {target.name}
        assert not [cell for cell in all_cells(tables) if "@" in cell]
    if body == "group" and expected == 200:
        # Members see their own drafts and private meetings; the meeting link stays out.
        assert "Private activity" in {row["title"] for row in tables["activities.csv"]}
        assert "Private group meeting" in {row["title"] for row in tables["meetings.csv"]}


def test_public_accountability_page_shows_published_data_and_nothing_private(tracked):
    from django.test import Client

    from newstart.strategy import services

    world = tracked.world
    services.progress_update_submit(
        action=tracked.actions[0],
        user=tracked.lead_member,
        year=timezone.localdate().year - 1,
        quarter=4,
        status="at_risk",
        progress=55,
        narrative="Mina Member said the landlord called (private).",
    )
    client = Client()
    response = client.get("/en/accountability/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Our newcomer strategy" in html
    for action in tracked.actions:
        assert action.title in html
    assert "At risk" in html and "55 %" in html
    assert "<svg" in html and "Weeks of wait over time" in html and "7.25" in html
    for private in (
        "Mina Member",
        "Leah Lead",
        "landlord",
        "@",
        "Private activity",
        "Private gap",
        "Private submitted idea",
        "Public draft idea",
        "Private group meeting",
    ):
        assert private not in html, private
    assert Client().get("/fr/accountability/").status_code == 200
    cycle_page = client.get(reverse("accountability:cycle", args=[world.cycle.slug]))
    assert cycle_page.status_code == 200
    unpublished = StrategyCycleFactory(slug="unpublished")
    assert client.get(reverse("accountability:cycle", args=[unpublished.slug])).status_code == 404
    pdf = client.get(reverse("accountability:strategy_pdf", args=[world.cycle.slug]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    data = client.get(reverse("accountability:open_data"))
    assert data.status_code == 200
    public_titles = {row["title"] for row in read_zip(data.content)[0]["activities.csv"]}
    assert public_titles == {"Public activity"}


def test_public_page_before_anything_is_published(db):
    from django.test import Client

    response = Client().get("/en/accountability/")
    assert response.status_code == 200
    assert "has not published a strategy yet" in response.content.decode()


def test_public_body_visibility_is_what_counts(tracked):
    world = tracked.world
    world.group.visibility = Visibility.PUBLIC
    world.group.save()
    tables, _headers, _readme = read_zip(open_data_zip(public=True))
    assert "Private activity" in {row["title"] for row in tables["activities.csv"]}
