"""Background work: the recomputation and the imports run as django-tasks tasks (the test settings
use the ImmediateBackend) and record their progress; the progress page polls with htmx."""

from __future__ import annotations

import io
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from newstart.insights.models import AreaIndicator, GapResult, TaskKind, TaskProgress, TaskStatus
from newstart.insights.services import main_languages, task_progress_create
from newstart.insights.tasks import recompute_gaps_task
from tests.insights.pages_world import City, build_city


@pytest.fixture
def city(db) -> City:
    return build_city()


def test_recomputation_from_the_page_stores_every_category_and_main_language(city: City):
    response = city.client("researcher").post(reverse("insights:tasks"), {"action": "recompute"})
    progress = TaskProgress.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("insights:task", args=[progress.pk])
    assert progress.kind == TaskKind.RECOMPUTE and progress.status == TaskStatus.DONE
    assert main_languages() == ["", "pa", "ko"]
    categories = 15
    assert progress.total == progress.done == categories * 3
    assert GapResult.objects.count() == categories * 3
    result = GapResult.objects.get(category="LANG", language="pa")
    assert [row["slug"] for row in result.rows] == ["victoria-fraserview", "kitsilano", "sunset"]
    assert progress.started_by == city.researcher
    # The overview lists the stored results, largest gap first.
    html = city.client("member").get(reverse("insights:index")).content.decode()
    assert "Victoria-Fraserview" in html and "category=LANG&amp;language=pa" in html


def test_running_it_again_replaces_the_results(city: City):
    for _run in range(2):
        progress = task_progress_create(kind=TaskKind.RECOMPUTE)
        recompute_gaps_task.enqueue(progress.pk)
    assert GapResult.objects.count() == 45


def test_the_progress_page_polls_until_the_work_is_done(city: City):
    progress = task_progress_create(kind=TaskKind.RECOMPUTE, total=40)
    progress.done, progress.status = 10, TaskStatus.RUNNING
    progress.save()
    client = city.client("member")
    url = reverse("insights:task", args=[progress.pk])
    html = client.get(url).content.decode()
    assert '<progress max="100" value="25"' in html
    assert 'hx-trigger="every 2s"' in html and f'hx-get="{url}"' in html
    assert f'<a href="{url}">Refresh</a>' in html  # without JavaScript
    assert "htmx-2.min.js" in html
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="task-progress"') and "<html" not in partial
    progress.done, progress.status = 40, TaskStatus.DONE
    progress.save()
    html = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in html and 'value="100"' in html and "Refresh" not in html


def test_a_missing_run_is_404(city: City):
    assert city.client("member").get(reverse("insights:task", args=[999])).status_code == 404


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_only_staff_and_researchers_start_work(city: City, who: str):
    response = city.client(who).post(reverse("insights:tasks"), {"action": "recompute"})
    assert response.status_code == 403
    assert not TaskProgress.objects.exists()


def test_the_secretariat_imports_census_indicators_in_the_background(city: City):
    content = (
        b"area,indicator,value,year,language\n"
        b"Sunset,home_language,5000,2021,pa\nKitsilano,recent_immigrants,950,2021,\n"
    )
    upload = SimpleUploadedFile("facts.csv", content, content_type="text/csv")
    response = city.client("secretariat").post(reverse("insights:tasks"), {"what": "census_tidy", "file": upload})
    progress = TaskProgress.objects.get()
    assert response.status_code == 302
    assert progress.kind == TaskKind.IMPORT_CENSUS and progress.status == TaskStatus.DONE
    assert progress.total == progress.done == 2
    assert "2 values created" in progress.message
    assert AreaIndicator.objects.get(area=city.near, year=2021, language="pa").value == 5000


def test_a_bad_import_fails_with_the_problems_listed_and_changes_nothing(city: City):
    before = AreaIndicator.objects.count()
    upload = SimpleUploadedFile("facts.csv", b"area,indicator,value,year\nNowhere,population,5,2021\n")
    city.client("researcher").post(reverse("insights:tasks"), {"what": "census_tidy", "file": upload})
    progress = TaskProgress.objects.get()
    assert progress.status == TaskStatus.FAILED
    assert "Nowhere" in progress.message
    assert AreaIndicator.objects.count() == before
    html = city.client("researcher").get(reverse("insights:task", args=[progress.pk])).content.decode()
    assert "Nowhere" in html and "hx-trigger" not in html


def test_boundaries_import_in_the_background(city: City):
    geojson = (
        b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Sunset"},'
        b'"geometry":{"type":"Polygon","coordinates":[[[-123.10,49.21],[-123.08,49.21],[-123.08,49.23],'
        b"[-123.10,49.23],[-123.10,49.21]]]}}]}"
    )
    upload = SimpleUploadedFile("areas.geojson", geojson)
    city.client("researcher").post(reverse("insights:tasks"), {"what": "import_areas", "file": upload})
    progress = TaskProgress.objects.get()
    assert progress.status == TaskStatus.DONE and progress.total == 1
    city.near.refresh_from_db()
    assert city.near.boundary is not None
    assert city.near.boundary["type"] == "Polygon"


def test_an_import_without_a_file_is_refused(city: City):
    response = city.client("researcher").post(reverse("insights:tasks"), {"what": "census_tidy"})
    assert response.status_code == 400
    assert not TaskProgress.objects.exists()


def test_the_command_recomputes_and_can_hand_the_work_to_the_worker(city: City, monkeypatch):
    out = io.StringIO()
    call_command("recompute_gaps", stdout=out)
    assert "45 gap analyses stored." in out.getvalue()
    assert not TaskProgress.objects.exists()
    out = io.StringIO()
    call_command("recompute_gaps", "--background", stdout=out)
    assert TaskProgress.objects.get().status == TaskStatus.DONE
    assert "Enqueued" in out.getvalue()


def test_the_command_shows_a_progress_bar_on_a_terminal(city: City, monkeypatch, capsys):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)  # tqdm writes its bar to stderr
    call_command("recompute_gaps", stdout=Terminal())
    assert "analyses: 100%" in terminal.getvalue()
