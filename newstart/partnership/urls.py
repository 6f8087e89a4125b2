"""The partnership workspace, mounted at /workspace/ (outside i18n_patterns: the language is the
person's own preference). Paths below "password-reset/", "invitation/" and "feeds/" are open
without two-factor verification (middleware.OPEN_PATHS)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from newstart.partnership import views
from newstart.partnership.forms import LoginForm

app_name = "partnership"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="partnership/auth/login.html", authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="partnership/auth/password_reset_form.html",
            email_template_name="partnership/auth/password_reset_email.txt",
            subject_template_name="partnership/auth/password_reset_subject.txt",
            success_url=reverse_lazy("partnership:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="partnership/auth/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="partnership/auth/password_reset_confirm.html",
            success_url=reverse_lazy("partnership:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="partnership/auth/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("invitations/new/", views.invitation_create, name="invitation_create"),
    path("me/", views.profile, name="profile"),
    path("me/calendar-token/", views.calendar_token_reset, name="calendar_token_reset"),
    path("bodies/", views.body_list, name="body_list"),
    path("bodies/<slug:slug>/", views.body_detail, name="body"),
    path("bodies/<slug:slug>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("feeds/public/<slug:slug>.ics", views.feed_public, name="feed_public"),
    path("feeds/private/<str:token>/<slug:slug>.ics", views.feed_private, name="feed_private"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/minutes/", views.meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:pk>/decisions/", views.decision_create, name="decision_create"),
    path("meetings/<int:pk>/attendance/", views.meeting_attendance, name="meeting_attendance"),
    path("meetings/<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("documents/<int:pk>/", views.document_download, name="document"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/new/", views.task_create, name="task_create"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/status/", views.task_status, name="task_status"),
]
