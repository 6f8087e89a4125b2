from __future__ import annotations

from django.urls import path

from newstart.navigator import views

app_name = "navigator"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("services/<uuid:service_id>/", views.service_detail, name="service"),
    path("services/<uuid:service_id>/print/", views.service_print, name="service_print"),
    path("services/<uuid:service_id>/report/", views.problem_report, name="report"),
    path("language/", views.language_switch, name="language"),
    # The eligibility helper adds "plan/" (name "plan"); the home page links to it once it exists.
]
