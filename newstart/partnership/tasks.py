"""Background tasks (django-tasks) of the partnership: the digests, for a scheduler to enqueue."""

from __future__ import annotations

from django_tasks import task

from newstart.partnership.services import digests_send


@task()
def send_digests_task(frequency: str) -> dict[str, int]:
    result = digests_send(frequency=frequency)
    return {"emails": result.emails, "notices": result.notices}
