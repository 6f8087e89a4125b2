"""Search: the concept thesaurus the secretariat edits, and the inverted index kept in the database.

The index is plain tables (no full-text extension), so SQLite and PostgreSQL return the same
results by construction: scores are sums of integers. See docs/search.md.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from newstart.search.text import MAX_TERM_LENGTH


class Concept(models.Model):
    """A need newcomers search for ("English classes", "find a job"), in every language, linked to
    the taxonomy terms that meet it."""

    key = models.SlugField(_("key"), max_length=100, unique=True, help_text=_("A short identifier, e.g. job_search."))
    broader = models.ForeignKey(
        "self",
        verbose_name=_("broader concept"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="narrower",
        help_text=_("Searched instead when nothing matches this concept."),
    )
    taxonomy_codes = models.CharField(
        _("taxonomy codes"),
        max_length=500,
        blank=True,
        help_text=_(
            "Codes of the taxonomy terms meeting this need, separated by commas, e.g. EMP-SEARCH, EMP-RESUME. "
            "Services with these terms or terms below them are linked to the concept."
        ),
    )

    class Meta:
        verbose_name = _("search concept")
        verbose_name_plural = _("search concepts")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key

    @property
    def codes(self) -> list[str]:
        return [code.strip().upper() for code in self.taxonomy_codes.split(",") if code.strip()]

    def clean(self) -> None:
        ancestor = self.broader
        seen = {self.pk}
        while ancestor is not None:
            if ancestor.pk in seen:
                raise ValidationError({"broader": _("A concept cannot be broader than itself.")})
            seen.add(ancestor.pk)
            ancestor = ancestor.broader


class ConceptLabel(models.Model):
    """A word or phrase people use for a concept, in one language (misspellings welcome)."""

    concept = models.ForeignKey(Concept, verbose_name=_("concept"), on_delete=models.CASCADE, related_name="labels")
    language = models.CharField(_("language"), max_length=15, help_text=_("Language code, e.g. en, zh-hans, hi."))
    text = models.CharField(_("text"), max_length=300)
    # Filled in on save from `text` (newstart.search.labels.label_match_form).
    normalized = models.CharField(_("normalised text"), max_length=300, editable=False, default="")
    lookup_key = models.CharField(_("lookup key"), max_length=MAX_TERM_LENGTH, editable=False, default="")
    is_compact = models.BooleanField(_("matched without spaces"), editable=False, default=False)

    class Meta:
        verbose_name = _("concept label")
        verbose_name_plural = _("concept labels")
        ordering = ["language", "text"]
        constraints = [
            models.UniqueConstraint(fields=["concept", "language", "text"], name="unique_concept_label"),
        ]
        indexes = [models.Index(fields=["lookup_key"])]

    def __str__(self) -> str:
        return f"{self.language}: {self.text}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.with_match_form()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def with_match_form(self) -> ConceptLabel:
        """Fill in the matching fields from `text` (save() does this; bulk writers call it)."""
        from newstart.search.labels import label_match_form

        form = label_match_form(self.text)
        self.normalized, self.lookup_key, self.is_compact = form.normalized, form.lookup_key, form.is_compact
        return self


class ConceptLink(models.TextChoices):
    """How a service comes to meet a concept (the weight of its "@<concept key>" posting says which)."""

    TAXONOMY = "taxonomy", _("taxonomy term")
    BROADER_TAXONOMY = "broader_taxonomy", _("taxonomy term below the concept's")
    TEXT = "text", _("label found in the service's text")


class SearchDocument(models.Model):
    """A service as the index knows it: its document number (the integer the postings list it by)
    and its terms with their weights (the forward index, so that reindexing knows which postings
    lists to take it out of).

    `terms` holds little-endian int32 SearchVocabulary ids followed by one uint8 weight per term
    (newstart.search.postings).

    The values a search re-ranks by are copied here from the directory when the document is built,
    so that ranking reads one narrow row per hit, by its number, instead of joining the service and
    its offices: `assured_day` (the service's assured date as days since 1970-01-01, for freshness)
    and `points` (its located offices' latitude and longitude, little-endian float64 pairs, for
    distance and the radius filter).
    """

    id = models.AutoField(primary_key=True)
    service = models.OneToOneField(
        "directory.Service", verbose_name=_("service"), on_delete=models.CASCADE, related_name="search_document"
    )
    terms = models.BinaryField(_("terms"), default=b"")
    assured_day = models.IntegerField(_("assured date (days since 1970)"), null=True, blank=True)
    points = models.BinaryField(_("office coordinates"), default=b"")
    # The generation of the index write that wrote it (newstart.search.document_values).
    generation = models.BigIntegerField(_("index generation"), default=0, db_index=True)

    class Meta:
        verbose_name = _("search index document")
        verbose_name_plural = _("search index documents")

    def __str__(self) -> str:
        return f"{self.pk} → {self.service_id}"


class SearchVocabulary(models.Model):
    """Every term the index or the thesaurus knows, with its postings list: the documents containing
    it and the weight of the best field it occurs in there. `doc_count` (the number of documents)
    gives the inverse document frequency and is the dictionary typo correction draws on.

    Concept links are terms too ("@<concept key>"). The row with the empty term counts every
    document (the size of the index, read together with the query's terms in one query), and its
    `postings` hold the index's state instead (`newstart.search.postings.IndexState`).
    `postings` holds sorted little-endian int32 document numbers followed by one uint8 weight per
    document (newstart.search.postings).
    """

    term = models.CharField(_("term"), max_length=MAX_TERM_LENGTH + 1, unique=True)
    doc_count = models.IntegerField(_("services"), default=0)
    in_labels = models.BooleanField(_("in concept labels"), default=False)
    postings = models.BinaryField(_("postings"), default=b"")
    # The generation of the index write that last changed `postings` (newstart.search.postings_cache).
    generation = models.BigIntegerField(_("index generation"), default=0)

    class Meta:
        verbose_name = _("search vocabulary term")
        verbose_name_plural = _("search vocabulary")

    def __str__(self) -> str:
        return self.term


class SearchDeletion(models.Model):
    """A deletion-neighbourhood key (SymSpell) of a vocabulary term: the term's first characters with
    up to two of them deleted. A misspelt query word shares a key with the words it is close to.

    Holds the term itself rather than a foreign key, so that the index can be emptied in one
    statement per table when it is rebuilt."""

    key = models.CharField(_("key"), max_length=MAX_TERM_LENGTH)
    term = models.CharField(_("term"), max_length=MAX_TERM_LENGTH)

    class Meta:
        verbose_name = _("typo correction key")
        verbose_name_plural = _("typo correction keys")
        constraints = [models.UniqueConstraint(fields=["key", "term"], name="unique_search_deletion")]

    def __str__(self) -> str:
        return f"{self.key} → {self.term}"
