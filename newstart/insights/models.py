"""Population facts about the city's local areas (census profiles and other sources)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from newstart.directory.models import LocalArea


class Indicator(models.TextChoices):
    POPULATION = "population", _("population")
    POPULATION_PRIVATE_HOUSEHOLDS = "population_private_households", _("population in private households")
    POPULATION_EXCLUDING_INSTITUTIONAL = (
        "population_excluding_institutional",
        _("population excluding institutional residents"),
    )
    IMMIGRANTS = "immigrants", _("immigrants")
    RECENT_IMMIGRANTS = "recent_immigrants", _("recent immigrants (arrived in the last five years)")
    NON_PERMANENT_RESIDENTS = "non_permanent_residents", _("non-permanent residents")
    MOTHER_TONGUE = "mother_tongue", _("mother tongue")
    HOME_LANGUAGE = "home_language", _("language spoken most often at home")
    AGE_0_14 = "age_0_14", _("aged 0 to 14")
    AGE_15_24 = "age_15_24", _("aged 15 to 24")
    AGE_15_64 = "age_15_64", _("aged 15 to 64")
    AGE_25_64 = "age_25_64", _("aged 25 to 64")
    AGE_65_PLUS = "age_65_plus", _("aged 65 and over")


# Indicators that count speakers of one language; the others must not name a language.
LANGUAGE_INDICATORS = frozenset({Indicator.MOTHER_TONGUE, Indicator.HOME_LANGUAGE})


class AreaIndicator(models.Model):
    """One number about one local area, e.g. 2016 Punjabi home-language speakers in Sunset."""

    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("area"))
    indicator = models.CharField(_("indicator"), max_length=50, choices=Indicator.choices)
    # ISO 639 code (639-1 where it exists; "yue"/"cmn" for Cantonese/Mandarin, "zh" for all Chinese
    # languages); blank for indicators that are not about a language.
    language = models.CharField(_("language"), max_length=10, blank=True, default="")
    value = models.FloatField(_("value"))
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(
        _("source"), max_length=300, blank=True, help_text=_("The credit the data's licence asks for.")
    )

    class Meta:
        verbose_name = _("area indicator")
        verbose_name_plural = _("area indicators")
        ordering = ["area__name", "indicator", "language", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "indicator", "language", "year"], name="insights_one_value_per_fact"
            )
        ]

    def __str__(self) -> str:
        language = f" [{self.language}]" if self.language else ""
        return f"{self.area} {self.indicator}{language} {self.year}: {self.value:g}"


class GapResult(models.Model):
    """A precomputed gap analysis (one category, language, method and catchment), as the
    background recomputation stores it; ``rows`` is the ranked table (see insights.gaps.GapRow)."""

    category = models.CharField(_("category"), max_length=50)
    # ISO 639 code of the home language; blank: recent immigrants of every language.
    language = models.CharField(_("language"), max_length=10, blank=True, default="")
    method = models.CharField(_("method"), max_length=10)
    catchment_km = models.FloatField(_("catchment (km)"))
    rows = models.JSONField(_("ranked areas"), default=list)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        verbose_name = _("gap analysis result")
        verbose_name_plural = _("gap analysis results")
        ordering = ["category", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "language", "method", "catchment_km"], name="insights_one_result_per_analysis"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category} [{self.language or '*'}] {self.method} {self.catchment_km:g} km"


class TaskStatus(models.TextChoices):
    QUEUED = "queued", _("waiting to start")
    RUNNING = "running", _("running")
    DONE = "done", _("finished")
    FAILED = "failed", _("failed")


class TaskKind(models.TextChoices):
    RECOMPUTE = "recompute", _("recompute every gap analysis")
    IMPORT_AREAS = "import_areas", _("import local-area boundaries")
    IMPORT_CENSUS = "import_census", _("import census indicators")


class TaskProgress(models.Model):
    """How far a background task (insights.tasks) has got, for the progress page."""

    kind = models.CharField(_("kind"), max_length=20, choices=TaskKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.QUEUED)
    total = models.PositiveIntegerField(_("total steps"), default=0)
    done = models.PositiveIntegerField(_("steps done"), default=0)
    message = models.TextField(_("message"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("task progress")
        verbose_name_plural = _("task progress")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.done}/{self.total} {self.status}"

    @property
    def finished(self) -> bool:
        return self.status in (TaskStatus.DONE, TaskStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == TaskStatus.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0
