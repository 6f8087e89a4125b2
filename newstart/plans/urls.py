from __future__ import annotations

from django.urls import path

from newstart.plans import views

app_name = "plans"

urlpatterns = [
    path("plan/", views.start, name="start"),
    path("plan/deleted/", views.deleted, name="deleted"),
    path("plan/<str:token>/", views.detail, name="detail"),
    path("plan/<str:token>/delete/", views.delete, name="delete"),
]
