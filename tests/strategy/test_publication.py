"""Publishing the strategy: versions, order, phase, translations, the HTML pages and the PDF."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from newstart.strategy import reporting, services
from newstart.strategy.models import Strategy, StrategyAction
from tests.strategy.factories import ActionFactory, set_phases
from tests.strategy.test_publication_support import make_tracked, pdf_text


@pytest.fixture
def tracked(world):
    return make_tracked(world)


def _publish(world, title="Strategy", summary=""):
    return services.strategy_publish(cycle=world.cycle, user=world.secretariat, title=title, summary=summary)


def test_each_publication_is_a_new_version_with_the_actions_in_number_order(world):
    set_phases(world.cycle, "strategy")
    third = ActionFactory(cycle=world.cycle, number=3, title="Third")
    first = ActionFactory(cycle=world.cycle, number=1, title="First")
    first_version = _publish(world, title="Strategy 2025")
    assert first_version.version == 1
    assert first_version.published_at is not None
    assert list(StrategyAction.objects.filter(strategy=first_version).values_list("action__number", "position")) == [
        (1, 1),
        (3, 2),
    ]

    second = ActionFactory(cycle=world.cycle, number=2, title="Second")
    second_version = _publish(world, title="Strategy 2025, revised")
    assert second_version.version == 2
    assert [a.title for a in reporting.selectors.strategy_action_list(strategy=second_version)] == [
        "First",
        "Second",
        "Third",
    ]
    # The first version keeps what it published.
    assert set(first_version.actions.all()) == {first, third}
    assert second not in first_version.actions.all()
    assert reporting.selectors.strategy_latest(cycle=world.cycle) == second_version


def test_publishing_needs_the_strategy_phase_a_title_and_actions(world):
    ActionFactory(cycle=world.cycle, number=1)
    with pytest.raises(ValidationError) as closed:
        _publish(world)
    assert closed.value.code == "phase_closed"
    set_phases(world.cycle, "strategy")
    with pytest.raises(ValidationError) as untitled:
        _publish(world, title="  ")
    assert "title" in untitled.value.message_dict
    assert not Strategy.objects.exists()


def test_publishing_without_actions_changes_nothing(world):
    set_phases(world.cycle, "strategy")
    with pytest.raises(ValidationError) as error:
        _publish(world)
    assert error.value.code == "no_actions"
    assert not Strategy.objects.exists()


def test_summary_is_translated_per_language(tracked):
    strategy = tracked.strategy
    services.strategy_translation_save(
        strategy=strategy, user=None, language="fr", title="Notre stratégie", summary="Quatre domaines."
    )
    with pytest.raises(ValidationError):
        services.strategy_translation_save(strategy=strategy, user=None, language="xx", title="X", summary="")
    strategy = Strategy.objects.get(pk=strategy.pk)
    strategy.set_current_language("fr")
    assert reporting.strategy_text(strategy) == ("Notre stratégie", "Quatre domaines.")
    strategy.set_current_language("ko")  # not translated: falls back to English
    assert reporting.strategy_text(strategy)[0] == "Our newcomer strategy"


def test_strategy_pdf_holds_the_title_actions_and_chart_data(tracked):
    content = reporting.strategy_pdf(strategy=tracked.strategy, language="en")
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert "Our newcomer strategy" in text
    for action in tracked.actions:
        assert action.title in text
    # The charts' data tables: actions by focus area, mean progress by focus area.
    assert "Access to services" in text
    assert "15 %" in text  # mean of 10 and 20
    assert "Weeks of wait" in text


def test_strategy_pages_and_pdf_for_participants(tracked):
    world = tracked.world
    url = reverse("strategy:strategy", args=[world.cycle.slug])
    page = world.client("outsider").get(url)
    assert page.status_code == 200
    assert "Our newcomer strategy" in page.content.decode()
    assert "Second language assessment centre" in page.content.decode()
    assert world.client("stranger").get(url).status_code == 403
    assert world.client("anonymous").get(url).status_code == 302
    pdf = world.client("member").get(reverse("strategy:strategy_pdf", args=[world.cycle.slug, 1]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    missing = world.client("member").get(reverse("strategy:strategy_pdf", args=[world.cycle.slug, 9]))
    assert missing.status_code == 404


def test_only_the_staff_publish_and_translate(tracked):
    world = tracked.world
    set_phases(world.cycle, "strategy")
    url = reverse("strategy:strategy_publish", args=[world.cycle.slug])
    data = {"title": "Revised strategy", "summary": "Now with more."}
    assert world.client("member").post(url, data).status_code == 403
    assert world.client("council_chair").post(url, data).status_code == 403
    response = world.client("secretariat").post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("strategy:strategy_version", args=[world.cycle.slug, 2])
    bad = world.client("secretariat").post(url, {"title": ""})
    assert bad.status_code == 400

    translate = reverse("strategy:strategy_translate", args=[world.cycle.slug, 2, "fr"])
    assert world.client("member").get(translate).status_code == 403
    assert world.client("secretariat").get(translate).status_code == 200
    saved = world.client("secretariat").post(translate, {"language": "fr", "title": "Stratégie", "summary": "Oui."})
    assert saved.status_code == 302
    assert Strategy.objects.get(version=2).safe_translation_getter("title", language_code="fr") == "Stratégie"
    unknown = reverse("strategy:strategy_translate", args=[world.cycle.slug, 2, "xx"])
    assert world.client("secretariat").get(unknown).status_code == 404
