"""manage.py access_scores — spatial accessibility (2SFCA family) from CSV files; see insights.access."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from newstart.insights.access import METHODS, AccessInputError, access_scores
from newstart.insights.access_files import parse_steps, read_costs, read_points, write_scores
from newstart.insights.importers import ImportProblem

# How many ids a stderr warning names before it says "and N more".
_MAX_NAMED = 20


def _named(ids: list[str]) -> str:
    shown = ", ".join(ids[:_MAX_NAMED])
    return shown + (_(" and %(count)s more") % {"count": len(ids) - _MAX_NAMED} if len(ids) > _MAX_NAMED else "")


class Command(BaseCommand):
    help = (
        "Accessibility score per demand point (two-step floating catchment and variants, as PySAL access). "
        "Writes id,score; demand points reaching no supply get 0 and are named on stderr."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--demand", type=Path, required=True, help="CSV id,value (e.g. population)")
        parser.add_argument("--supply", type=Path, required=True, help="CSV id,value (e.g. services)")
        parser.add_argument("--costs", type=Path, required=True, help="CSV origin,dest,cost (demand id, supply id)")
        parser.add_argument("--method", choices=METHODS, required=True)
        parser.add_argument("--max-cost", type=float, default=None, help="Largest cost counted (inclusive)")
        parser.add_argument("--sigma", type=float, default=None, help="Width of the gaussian decay")
        parser.add_argument("--weights", default=None, help="e2sfca step weights, default '10:1,20:0.68,30:0.22'")
        parser.add_argument("--alpha", type=float, default=-1.0, help="Gravity exponent (default -1)")
        parser.add_argument("--scale", type=float, default=1.0, help="Gravity cost scale (default 1)")
        parser.add_argument("--min-cost", type=float, default=0.0, help="Gravity: costs below count as this")
        parser.add_argument("--normalize", action="store_true", help="Divide by the demand-weighted mean score")
        parser.add_argument("--out", type=Path, required=True, help="CSV id,score to write")

    def handle(self, *args: Any, **options: Any) -> None:
        method = options["method"]
        if options["sigma"] is not None and method != "gaussian":
            raise CommandError(_("--sigma applies to --method gaussian only"))
        if method == "gaussian" and options["sigma"] is None:
            raise CommandError(_("--method gaussian needs --sigma"))
        if options["weights"] is not None and method != "e2sfca":
            raise CommandError(_("--weights applies to --method e2sfca only"))
        try:
            steps = parse_steps(options["weights"]) if options["weights"] is not None else None
            demand = read_points(options["demand"], what=_("Demand"))
            supply = read_points(options["supply"], what=_("Supply"))
            costs = read_costs(options["costs"])
            result = access_scores(
                demand_ids=demand.ids,
                demand_values=demand.values,
                supply_ids=supply.ids,
                supply_values=supply.values,
                origins=costs.origins,
                destinations=costs.destinations,
                costs=costs.costs,
                method=method,
                max_cost=options["max_cost"],
                sigma=options["sigma"],
                steps=steps,
                scale=options["scale"],
                alpha=options["alpha"],
                min_cost=options["min_cost"],
                normalize=options["normalize"],
            )
            write_scores(options["out"], result.ids, result.scores)
        except ImportProblem as problem:
            raise CommandError(problem.describe()) from None
        except AccessInputError as problem:
            raise CommandError(str(problem)) from None
        unreached = result.ids[~result.reaches_service].tolist()
        if unreached:
            self.stderr.write(
                _("%(count)s demand points reach no supply within the cutoff (score 0): %(ids)s")
                % {"count": len(unreached), "ids": _named(unreached)}
            )
        unused = result.unused_supply_ids.tolist()
        if unused:
            self.stderr.write(
                _("%(count)s supply points have no demand within reach and were left out: %(ids)s")
                % {"count": len(unused), "ids": _named(unused)}
            )
        self.stdout.write(
            _("%(count)s scores written to %(path)s (%(pairs)s pairs within the cutoff).")
            % {"count": len(result.ids), "path": options["out"], "pairs": result.pairs_used}
        )
