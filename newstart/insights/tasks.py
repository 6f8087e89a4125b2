"""Background tasks (django-tasks) of insights: the full gap recomputation and the imports.

Each task is given the id of a TaskProgress row made before it was enqueued and records there how
far it has got (total, done, status, message); the progress page reads that row. Imports read the
uploaded file from the default file storage and delete it when they finish.

The recomputation saves each result on its own, so its progress is visible step by step. An import
writes all its rows in one transaction (all or nothing), so while it writes, other requests see
its progress move in phases (reading, checking, written) rather than row by row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from django_tasks import task

from newstart.insights.importers import (
    VANCOUVER_CENSUS_CREDIT,
    ImportProblem,
    parse_area_boundaries,
    parse_tidy_indicators,
    parse_vancouver_census,
)
from newstart.insights.models import TaskKind, TaskProgress, TaskStatus
from newstart.insights.services import (
    area_indicator_import,
    gap_results_recompute,
    local_area_import_boundaries,
    task_progress_create,
    task_progress_update,
)

T = TypeVar("T")
UPLOAD_DIR = "insights/uploads/"


def tracked(progress: TaskProgress, *, every: int = 1) -> Callable[[Sequence[T]], Iterable[T]]:
    """A ``progress`` wrapper for the services: counts the items into the TaskProgress row."""

    def wrap(items: Sequence[T]) -> Iterator[T]:
        task_progress_update(progress=progress, total=len(items), done=0, status=TaskStatus.RUNNING)
        for number, item in enumerate(items, start=1):
            yield item
            if number % every == 0 or number == len(items):
                task_progress_update(progress=progress, done=number)

    return wrap


def _progress(progress_id: int) -> TaskProgress:
    return TaskProgress.objects.get(pk=progress_id)


def _finish(progress: TaskProgress, message: str) -> None:
    task_progress_update(progress=progress, done=progress.total, status=TaskStatus.DONE, message=message)


def _fail(progress: TaskProgress, message: str) -> None:
    task_progress_update(progress=progress, status=TaskStatus.FAILED, message=message)


@task()
def recompute_gaps_task(progress_id: int) -> dict[str, Any]:
    progress = _progress(progress_id)
    try:
        stored = gap_results_recompute(progress=tracked(progress))
    except Exception:
        _fail(progress, _("The recomputation stopped with an error; the results stored so far are kept."))
        raise
    _finish(progress, _("%(count)s gap analyses stored.") % {"count": stored})
    return {"stored": stored}


def _read_upload(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        data: bytes = handle.read()
    return data


@task()
def import_areas_task(progress_id: int, upload: str) -> dict[str, Any]:
    progress = _progress(progress_id)
    try:
        task_progress_update(progress=progress, status=TaskStatus.RUNNING, message=_("Reading the file"))
        boundaries = parse_area_boundaries(_read_upload(upload))
        counts = local_area_import_boundaries(boundaries=boundaries, progress=tracked(progress, every=5))
    except ImportProblem as problem:
        _fail(progress, problem.describe())
        return {"error": problem.message}
    except Exception:
        _fail(progress, _("The import stopped with an error; nothing was changed."))
        raise
    finally:
        default_storage.delete(upload)
    _finish(
        progress,
        _("%(created)s areas created, %(updated)s updated.") % {"created": counts.created, "updated": counts.updated},
    )
    return {"created": counts.created, "updated": counts.updated}


@task()
def import_census_task(progress_id: int, upload: str, file_format: str) -> dict[str, Any]:
    progress = _progress(progress_id)
    try:
        task_progress_update(progress=progress, status=TaskStatus.RUNNING, message=_("Reading the file"))
        raw = _read_upload(upload)
        if file_format == "tidy":
            rows = parse_tidy_indicators(raw, source="")
        else:
            rows = parse_vancouver_census(raw, source=VANCOUVER_CENSUS_CREDIT)
        task_progress_update(progress=progress, message=_("Writing %(count)s values") % {"count": len(rows)})
        counts = area_indicator_import(rows=rows, progress=tracked(progress, every=200))
    except ImportProblem as problem:
        _fail(progress, problem.describe())
        return {"error": problem.message}
    except Exception:
        _fail(progress, _("The import stopped with an error; nothing was changed."))
        raise
    finally:
        default_storage.delete(upload)
    _finish(
        progress,
        _("%(created)s values created, %(updated)s updated.") % {"created": counts.created, "updated": counts.updated},
    )
    return {"created": counts.created, "updated": counts.updated}


# --- Starting them (for the views) -------------------------------------------------------------------------


def recompute_start(*, user: Any) -> TaskProgress:
    progress = task_progress_create(kind=TaskKind.RECOMPUTE, user=user)
    recompute_gaps_task.enqueue(progress.pk)
    progress.refresh_from_db()
    return progress


def import_start(*, kind: str, user: Any, content: bytes, file_format: str = "vancouver") -> TaskProgress:
    """Store the uploaded file and enqueue its import; ``kind`` is TaskKind.IMPORT_AREAS or IMPORT_CENSUS."""
    progress = task_progress_create(kind=kind, user=user)
    upload = default_storage.save(f"{UPLOAD_DIR}{kind}-{progress.pk}", ContentFile(content))
    if kind == TaskKind.IMPORT_AREAS:
        import_areas_task.enqueue(progress.pk, upload)
    else:
        import_census_task.enqueue(progress.pk, upload, file_format)
    progress.refresh_from_db()
    return progress
