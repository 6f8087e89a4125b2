"""The public accountability pages, inside the navigator's language prefix ("/fr/accountability/");
config/urls.py includes them in i18n_patterns."""

from __future__ import annotations

from django.urls import path

from newstart.strategy import public_views

app_name = "accountability"

urlpatterns = [
    path("accountability/", public_views.accountability, name="home"),
    path("accountability/open-data.zip", public_views.open_data_download, name="open_data"),
    path("accountability/<slug:slug>/", public_views.accountability_cycle, name="cycle"),
    path("accountability/<slug:slug>/strategy.pdf", public_views.strategy_pdf, name="strategy_pdf"),
]
