"""Importing HSDS 3.1 data into the directory, all or nothing.

Layered so each step can be read (and tested) alone:

    import_sources   the input (folder, zip, file) read into memory
    import_parse     JSON / CSV -> one neutral record per occurrence
    import_validate  occurrences merged, every value checked; all problems collected
    import_write     upsert by id in bulk, with change history, in one transaction

Nothing is written unless the whole dataset is valid.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.db import DatabaseError, transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _
from tqdm import tqdm

from newstart.directory.hsds.import_parse import source_parse
from newstart.directory.hsds.import_report import HsdsImportError, ImportReport, Problem
from newstart.directory.hsds.import_sources import SourceError, source_read
from newstart.directory.hsds.import_validate import Invalid, dataset_validate, normalize_language
from newstart.directory.hsds.import_write import dataset_plan, plan_apply

# Below this many rows to write, a progress bar is more noise than help.
PROGRESS_THRESHOLD = 2000

# Sent once an import has committed, with `changed`: {HSDS table: set of ids created or updated}.
# Rows are written in bulk, so no post_save signals are sent for them; listeners (e.g. the search
# index) use this instead.
hsds_imported = Signal()


def hsds_import(
    *, path: Path | str, language: str = "en", dry_run: bool = False, progress: bool = False
) -> ImportReport:
    """Import the HSDS dataset at `path` (a datapackage folder or zip, or HSDS JSON files).

    `language` is the language the records are written in, unless they say otherwise
    (the translations profile's `source_language`). With `dry_run`, everything is
    checked and counted but nothing is written. Raises HsdsImportError listing every
    problem; then nothing has been written.
    """
    path = Path(path)
    try:
        language = normalize_language(language)
    except Invalid as error:
        raise HsdsImportError([Problem("--language", "", "", str(error))]) from error
    try:
        source = source_read(path=path)
    except SourceError as error:
        raise HsdsImportError(error.problems) from error
    parsed = source_parse(source=source)
    report = ImportReport(dry_run=dry_run)
    try:
        with transaction.atomic():
            dataset, problems, warnings = dataset_validate(parsed=parsed, language=language)
            problems = parsed.problems + problems
            report.warnings = parsed.warnings + warnings
            if problems:
                raise HsdsImportError(sorted(problems), report.warnings)
            plans = dataset_plan(dataset=dataset)
            plan_problems = [problem for plan in plans for problem in plan.problems]
            if plan_problems:
                raise HsdsImportError(sorted(plan_problems), report.warnings)
            report.counts = {plan.spec.name: plan.counts for plan in plans}
            if dry_run:
                return report
            total = sum(plan.size for plan in plans)
            with tqdm(
                total=total,
                desc=_("Writing"),
                unit=_("rows"),
                file=sys.stderr,
                disable=not progress or total < PROGRESS_THRESHOLD,
            ) as bar:
                plan_apply(plans=plans, advance=bar.update)
            changed = {plan.spec.name: ids for plan in plans if (ids := plan.changed_ids())}
            transaction.on_commit(lambda: hsds_imported.send(sender=hsds_import, changed=changed))
    except DatabaseError as error:
        # Validation should have caught it; if not, say so plainly rather than crash.
        raise HsdsImportError(
            [Problem(path.name, "", "", _("the database refused the data (%(error)s)") % {"error": error})],
            report.warnings,
        ) from error
    return report
