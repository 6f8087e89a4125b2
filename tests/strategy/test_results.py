"""The prioritisation results, on a worked example whose arithmetic is done by hand below."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from newstart.strategy.models import Ballot, ProposalStatus, Score, Vote
from newstart.strategy.selectors import prioritisation_results
from tests.partnership.factories import UserFactory
from tests.strategy.factories import ProposalFactory


def _scores(proposal, criterion, values):
    for value in values:
        Score.objects.create(proposal=proposal, criterion=criterion, member=UserFactory(), value=value)


def _votes(cycle, proposal, count):
    ballot = Ballot.objects.create(cycle=cycle, member=UserFactory(), votes_available=5, votes_spent=count)
    Vote.objects.create(ballot=ballot, proposal=proposal, count=count)


def test_worked_example(world):
    """Impact (weight 2) and Feasibility (weight 1).

    A: Impact 5,4,3 -> 12/3 = 4;  Feasibility 2,3 -> 5/2 = 2.5;  (2*4 + 1*2.5) / 3 = 10.5/3 = 3.50; 2 votes
    B: Impact 4,4 -> 4;           Feasibility 5,5,5 -> 5;         (8 + 5) / 3 = 4.333... -> 4.33;     0 votes
    C: Impact 3 -> 3;             no Feasibility scores;          (2*3) / 2 = 3.00;                   0 votes
    D: no scores at all: no total, ranked last
    E: like A on the total (3.50) but 3 votes: ahead of A
    F: like C (3.00, 0 votes): shares C's rank
    Ranks: B 1, E 2, A 3, C 4, F 4, D 6.
    """
    cycle = world.cycle
    impact, feasibility = cycle.criteria.order_by("position")
    make = {
        name: ProposalFactory(cycle=cycle, body=world.group, status=ProposalStatus.SUBMITTED, title=name)
        for name in "ABCDEF"
    }
    ProposalFactory(cycle=cycle, body=world.group, title="draft, not ranked")
    _scores(make["A"], impact, [5, 4, 3])
    _scores(make["A"], feasibility, [2, 3])
    _scores(make["B"], impact, [4, 4])
    _scores(make["B"], feasibility, [5, 5, 5])
    _scores(make["C"], impact, [3])
    _scores(make["E"], impact, [4, 4])
    _scores(make["E"], feasibility, [3, 2])
    _scores(make["F"], impact, [3])
    _votes(cycle, make["A"], 2)
    _votes(cycle, make["E"], 3)

    results = prioritisation_results(cycle=cycle)
    by_title = {r.proposal.title: r for r in results}
    assert [r.proposal.title for r in results] == ["B", "E", "A", "C", "F", "D"]
    assert [r.rank for r in results] == [1, 2, 3, 4, 4, 6]

    a = by_title["A"]
    assert [(c.score_sum, c.score_count, c.mean) for c in a.criteria] == [
        (12, 3, Decimal("4.00")),
        (5, 2, Decimal("2.50")),
    ]
    assert [c.weighted for c in a.criteria] == [Decimal("8.00"), Decimal("2.50")]
    assert a.weighted_sum == Decimal("10.50")
    assert a.weight_sum == Decimal("3")
    assert a.weighted_total == Decimal("3.50")
    assert a.votes == 2

    b = by_title["B"]
    assert b.total_exact == Fraction(13, 3)
    assert b.weighted_total == Decimal("4.33")

    c = by_title["C"]
    assert c.criteria[1].mean is None and c.criteria[1].score_count == 0
    assert c.weight_sum == Decimal("2")
    assert c.weighted_total == Decimal("3.00")

    d = by_title["D"]
    assert d.weighted_total is None and d.weighted_sum is None and d.votes == 0


def test_results_page_query_count_does_not_grow_with_proposals(world, django_assert_max_num_queries):
    impact = world.cycle.criteria.first()
    for i in range(15):
        proposal = ProposalFactory(cycle=world.cycle, body=world.group, status=ProposalStatus.SUBMITTED)
        _scores(proposal, impact, [i % 6])
    with django_assert_max_num_queries(4):
        results = prioritisation_results(cycle=world.cycle)
    assert len(results) == 15
