from __future__ import annotations

from django.urls import path

from newstart.strategy import views

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
