from __future__ import annotations

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from newstart.directory.api import api as hsds_api

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("api/hsds/", hsds_api.urls),
    path("s/", include("newstart.navigator.short_urls")),
    # Insights (gap analysis, overlap, directory health), inside the workspace.
    path("workspace/insights/", include("newstart.insights.urls")),
    # The partnership workspace: its language is the person's own preference, not a URL prefix.
    path("workspace/", include("newstart.partnership.urls")),
    # The strategy cycle, inside the workspace.
    path("workspace/strategy/", include("newstart.strategy.urls")),
]
# The public navigator: every page carries its language ("/pa/search/"); "/" redirects to the
# visitor's language (cookie, then Accept-Language, then English).
urlpatterns += i18n_patterns(
    path("", include("newstart.navigator.urls")),
    path("", include("newstart.plans.urls")),
    # The strategy's public accountability pages ("/fr/accountability/").
    path("", include("newstart.strategy.public_urls")),
    prefix_default_language=True,
)

handler404 = "newstart.navigator.views.page_not_found"
