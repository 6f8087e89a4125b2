"""Factories for the search thesaurus."""

from __future__ import annotations

import factory

from newstart.search.models import Concept, ConceptLabel
from tests.directory.factories import ModelFactory


class ConceptFactory(ModelFactory[Concept]):
    class Meta:
        model = Concept
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"concept_{n}")
    taxonomy_codes = ""


class ConceptLabelFactory(ModelFactory[ConceptLabel]):
    class Meta:
        model = ConceptLabel

    concept = factory.SubFactory(ConceptFactory)
    language = "en"
    text = factory.Sequence(lambda n: f"label {n}")
