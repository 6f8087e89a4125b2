"""Short links, outside the language prefix so they open in each reader's own language."""

from __future__ import annotations

from django.urls import path

from newstart.navigator import views

app_name = "navigator_short"

urlpatterns = [path("<str:code>/", views.short_link, name="service")]
