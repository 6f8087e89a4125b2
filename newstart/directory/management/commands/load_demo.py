"""manage.py load_demo — the fictional Vancouver demo directory; running it again changes nothing."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from newstart.common.demo import demo_follow_up_load
from newstart.directory.demo.catalogue import DemoDataError
from newstart.directory.demo.loader import DemoLoadResult, demo_load
from newstart.directory.taxonomies import TaxonomyDataError


class Command(BaseCommand):
    help = (
        "Load the fictional Vancouver demo directory (organizations, offices, services, hours, languages, "
        "costs, categories and translations), marked as demo data. Idempotent: a second run changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = demo_load(progress=self.stdout.isatty())
        except (DemoDataError, TaxonomyDataError) as exc:
            raise CommandError(
                _("The demo data is inconsistent; nothing was loaded: %(error)s") % {"error": exc}
            ) from exc
        self._summarise(result)
        report = demo_follow_up_load()
        for label in report.done:
            self.stdout.write(_("Loaded %(what)s.") % {"what": label})

    def _summarise(self, result: DemoLoadResult) -> None:
        if result.skipped_translation_languages:
            self.stdout.write(
                self.style.WARNING(
                    _("Note: translation files for languages newstart does not offer were skipped: %(codes)s")
                    % {"codes": ", ".join(result.skipped_translation_languages)}
                )
            )
        if result.translation_languages:
            self.stdout.write(_("Translations loaded: %(codes)s") % {"codes": ", ".join(result.translation_languages)})
        labels = [
            *result.totals,
            *(label for label in (result.created | result.updated | result.deleted) if label not in result.totals),
        ]
        for label in labels:
            model = apps.get_model(label)
            name = model._meta.verbose_name_plural
            if hasattr(model, "master"):  # a django-parler translation table
                master = model._meta.get_field("master").related_model
                name = _("%(model)s translations") % {"model": master._meta.verbose_name}
            self.stdout.write(
                _("%(name)s: %(total)s (created %(created)s, updated %(updated)s, deleted %(deleted)s)")
                % {
                    "name": name,
                    "total": result.totals.get(label, "-"),
                    "created": result.created[label],
                    "updated": result.updated[label],
                    "deleted": result.deleted[label],
                }
            )
        if result.changed:
            self.stdout.write(self.style.SUCCESS(_("Demo directory loaded.")))
        else:
            self.stdout.write(self.style.SUCCESS(_("Demo directory already up to date; nothing changed.")))
