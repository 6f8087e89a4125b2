"""The Insights pages, inside the partnership workspace (mounted at /workspace/insights/)."""

from __future__ import annotations

from django.urls import path

from newstart.insights import views

app_name = "insights"

urlpatterns = [
    path("", views.index, name="index"),
    path("gaps/", views.gaps, name="gaps"),
    path("gaps.csv", views.gaps_csv, name="gaps_csv"),
    path("gaps.geojson", views.gaps_geojson, name="gaps_geojson"),
    path("gaps/register/", views.gaps_register, name="gaps_register"),
    path("overlap/", views.overlap, name="overlap"),
    path("health/", views.directory_health, name="health"),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
]
