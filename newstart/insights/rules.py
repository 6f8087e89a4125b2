"""Who may see and run the Insights pages (django-rules; loaded by rules' autodiscovery).

Insights are for the partnership's own people: the secretariat and coordinators, researchers, and
the current members of any body (chair, member or observer). Other accounts of the workspace (a
profile without a role or a seat) and anonymous visitors do not see them. Running the background
work (recomputation, imports) is for the staff and researchers.
"""

from __future__ import annotations

from typing import Any

import rules

from newstart.partnership.rules import current_seats, is_participant, is_partnership_staff, is_researcher


@rules.predicate
def has_a_seat(user: Any) -> bool:
    return bool(user.is_authenticated and current_seats(user))


can_view_insights = is_participant & (is_partnership_staff | is_researcher | has_a_seat)
can_run_insights_tasks = is_participant & (is_partnership_staff | is_researcher)

rules.add_perm("insights.view_insights", can_view_insights)
rules.add_perm("insights.run_insights_tasks", can_run_insights_tasks)
