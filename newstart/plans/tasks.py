"""Background work for My plan (django-tasks): run ``purge_expired_plans_task.enqueue()`` daily,
or the ``purge_expired_plans`` command from cron."""

from __future__ import annotations

from django_tasks import task

from newstart.plans.services import plan_purge_expired


@task()
def purge_expired_plans_task() -> int:
    return plan_purge_expired()
