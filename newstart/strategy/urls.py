from __future__ import annotations

from django.urls import path

from newstart.strategy import publication_views, views

app_name = "strategy"

urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:slug>/", views.cycle_detail, name="cycle"),
    path("<slug:slug>/phases/<slug:kind>/", views.phase_dashboard, name="phase"),
    path("<slug:slug>/start-prioritisation/", views.start_prioritisation, name="start_prioritisation"),
    path("<slug:slug>/inventory/", views.activity_list, name="activity_list"),
    path("<slug:slug>/inventory/new/", views.activity_form, name="activity_create"),
    path("<slug:slug>/inventory/<int:pk>/", views.activity_detail, name="activity"),
    path("<slug:slug>/inventory/<int:pk>/edit/", views.activity_form, name="activity_edit"),
    path("<slug:slug>/gaps/", views.gap_list, name="gap_list"),
    path("<slug:slug>/gaps/new/", views.gap_form, name="gap_create"),
    path("<slug:slug>/gaps/<int:pk>/", views.gap_detail, name="gap"),
    path("<slug:slug>/gaps/<int:pk>/edit/", views.gap_form, name="gap_edit"),
    path("<slug:slug>/gaps/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("<slug:slug>/proposals/", views.proposal_list, name="proposal_list"),
    path("<slug:slug>/proposals/new/", views.proposal_form, name="proposal_create"),
    path("<slug:slug>/proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("<slug:slug>/proposals/<int:pk>/edit/", views.proposal_form, name="proposal_edit"),
    path("<slug:slug>/proposals/<int:pk>/submit/", views.proposal_submit, name="proposal_submit"),
    path("<slug:slug>/proposals/<int:pk>/withdraw/", views.proposal_withdraw, name="proposal_withdraw"),
    path("<slug:slug>/proposals/<int:pk>/indicators/", views.indicator_add, name="indicator_add"),
    path(
        "<slug:slug>/proposals/<int:pk>/indicators/<int:indicator_pk>/remove/",
        views.indicator_remove,
        name="indicator_remove",
    ),
    path("<slug:slug>/proposals/<int:pk>/comments/", views.comment_add, name="comment_add"),
    path("<slug:slug>/proposals/<int:pk>/amendments/", views.amendment_add, name="amendment_add"),
    path(
        "<slug:slug>/proposals/<int:pk>/amendments/<int:amendment_pk>/",
        views.amendment_resolve,
        name="amendment_resolve",
    ),
    path("<slug:slug>/proposals/<int:pk>/advisory-input/", views.advisory_input, name="advisory_input"),
    path("<slug:slug>/proposals/<int:pk>/score/", views.proposal_score, name="proposal_score"),
    path("<slug:slug>/proposals/<int:pk>/decision/", views.decision_form, name="decision"),
    path("<slug:slug>/prioritisation/", views.score_list, name="score_list"),
    path("<slug:slug>/prioritisation/votes/", views.vote, name="vote"),
    path("<slug:slug>/results/", views.results, name="results"),
]

# The published strategy, its tracking and the exports (newstart.strategy.publication_views).
urlpatterns += [
    path("open-data.zip", publication_views.open_data_download, name="open_data"),
    path("<slug:slug>/strategy/", publication_views.strategy_detail, name="strategy"),
    path("<slug:slug>/strategy/publish/", publication_views.strategy_publish, name="strategy_publish"),
    path("<slug:slug>/strategy/v<int:version>/", publication_views.strategy_detail, name="strategy_version"),
    path("<slug:slug>/strategy/v<int:version>.pdf", publication_views.strategy_pdf, name="strategy_pdf"),
    path(
        "<slug:slug>/strategy/v<int:version>/translations/<str:language>/",
        publication_views.strategy_translate,
        name="strategy_translate",
    ),
    path("<slug:slug>/tracking/", publication_views.tracking, name="tracking"),
    path("<slug:slug>/actions/<int:number>/", publication_views.action_detail, name="action"),
    path("<slug:slug>/actions/<int:number>/progress/", publication_views.progress_update, name="progress_update"),
    path(
        "<slug:slug>/actions/<int:number>/indicator-values/",
        publication_views.indicator_value_add,
        name="indicator_value_add",
    ),
    path("<slug:slug>/actions/<int:number>/milestones/", publication_views.milestone_add, name="milestone_add"),
    path(
        "<slug:slug>/actions/<int:number>/milestones/<int:pk>/reached/",
        publication_views.milestone_complete,
        name="milestone_complete",
    ),
    path("<slug:slug>/annual-report/<int:year>.pdf", publication_views.annual_report, name="annual_report"),
    path("<slug:slug>/bodies/<slug:body_slug>/export.zip", publication_views.body_export, name="body_export"),
]
