"""The partnership workspace's pages. Thin: check the permission, call a selector or service, render.

An object a person may not read is "not found" (404), so private bodies do not reveal that they
exist; an object they may read but not change answers 403.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Callable
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token

from newstart.partnership import selectors, services
from newstart.partnership.calendar import body_calendar
from newstart.partnership.forms import (
    AcceptInvitationForm,
    AttendanceForm,
    DecisionForm,
    DocumentForm,
    InvitationForm,
    LoginForm,
    MeetingForm,
    MinutesForm,
    ProfileForm,
    TaskForm,
    TaskStatusForm,
    TokenForm,
)
from newstart.partnership.models import Body, MeetingDocument, MembershipRole, Visibility
from newstart.partnership.rules import is_secretariat
from newstart.partnership.services import InvitationUnusable, SeatOffer

View = Callable[..., Any]


def workspace_view(view: View) -> View:
    """Logged in (else to the login page) and a participant of the partnership (else 403)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm("partnership.access_workspace"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def _require(request: HttpRequest, obj: Model | None, *, read: str, write: str | None = None) -> Any:
    """The object, if the person may read it (else 404) and, when asked, change it (else 403)."""
    if obj is None or not request.user.has_perm(read, obj):
        raise Http404
    if write is not None and not request.user.has_perm(write, obj):
        raise PermissionDenied
    return obj


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


# --- Login throttling (django-axes calls this when a username+address is locked out) ------------------------


def login_locked_out(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    """The login page with a lockout message that is the same whether or not the account exists."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _("Too many attempts to log in from here. Try again in %(minutes)s minutes, or reset your password.") % {
        "minutes": minutes
    }
    context = {"form": LoginForm(request), "lockout_message": message}
    return render(request, "partnership/auth/login.html", context, status=429)


# --- Two-factor authentication ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code (or type the key), then confirm with a code."""
    user: Any = request.user
    device = services.totp_device_pending(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_device_confirm(device=device, token=form.cleaned_data["token"]):
            otp_login(request, device)
            messages.success(request, _("Two-step verification is on."))
            return HttpResponseRedirect(_next_url(request, reverse("partnership:dashboard")))
        form.add_error("token", _("That code did not work. Check the time on your phone and try the newest code."))
    qr = segno.make(device.config_url, error="m")
    secret = device.bin_key
    context = {
        "form": form,
        "qr_svg": qr.svg_inline(scale=5, title=_("QR code for your authenticator app")),
        "secret": base64.b32encode(secret).decode().rstrip("="),
        "next": _next_url(request, ""),
    }
    return render(request, "partnership/two_factor/setup.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"].strip().replace(" ", ""))
        if device is not None:
            otp_login(request, device)
            return HttpResponseRedirect(_next_url(request, reverse("partnership:dashboard")))
        form.add_error("token", _("That code did not work. Try the newest code from your app."))
    return render(request, "partnership/two_factor/verify.html", {"form": form, "next": _next_url(request, "")})


# --- Invitations -----------------------------------------------------------------------------------------


@workspace_view
@require_http_methods(["GET", "POST"])
def invitation_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("partnership.invite_people"):
        raise PermissionDenied
    may_grant_secretariat = bool(is_secretariat(request.user))
    languages = [(code, name) for code, name in settings.LANGUAGES]
    form = InvitationForm(
        request.POST or None,
        may_grant_secretariat=may_grant_secretariat,
        languages=languages,
        initial={"language": request.LANGUAGE_CODE},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        seats = [SeatOffer(body=body, role=MembershipRole.MEMBER) for body in data["member_of"]]
        seats += [SeatOffer(body=body, role=MembershipRole.CHAIR) for body in data["chair_of"]]
        try:
            services.invitation_create(
                email=data["email"],
                display_name=data["display_name"],
                roles=data["roles"],
                seats=seats,
                organization=data["organization"],
                is_private_person=data["is_private_person"],
                invited_by=request.user,
                language=data["language"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The invitation is on its way."))
            return redirect("partnership:invitation_create")
    return render(request, "partnership/invitations/create.html", {"form": form})


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_find(token=token)
    if invitation is None or not invitation.is_usable():
        return render(request, "partnership/invitations/unusable.html", status=410 if invitation else 404)
    user: Any = request.user
    if user.is_authenticated:
        if (user.email or "").lower() != invitation.email:
            return render(request, "partnership/invitations/other_account.html", status=403)
        if request.method == "POST":
            try:
                services.invitation_accept(invitation=invitation, user=user)
            except InvitationUnusable as problem:
                messages.error(request, str(problem))
                return render(request, "partnership/invitations/unusable.html", status=410)
            messages.success(request, _("Welcome. Your roles and seats are now in your workspace."))
            return redirect("partnership:dashboard")
        return render(request, "partnership/invitations/accept.html", {"invitation": invitation, "form": None})
    form = AcceptInvitationForm(
        request.POST or None, email=invitation.email, initial={"display_name": invitation.display_name}
    )
    if request.method == "POST" and form.is_valid():
        try:
            new_user = services.invitation_accept(
                invitation=invitation,
                password=form.cleaned_data["password1"],
                display_name=form.cleaned_data["display_name"],
            )
        except InvitationUnusable as problem:
            form.add_error(None, str(problem))
        except ValidationError as error:
            form.add_error("password1", error)
        else:
            login(request, new_user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome. Your account is ready."))
            return redirect("partnership:dashboard")
    return render(request, "partnership/invitations/accept.html", {"invitation": invitation, "form": form})


# --- Dashboard and profile -------------------------------------------------------------------------------


@workspace_view
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    board = selectors.dashboard_get(user=request.user)
    return render(request, "partnership/dashboard.html", {"board": board})


@workspace_view
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    own = services.profile_ensure(user=request.user)
    form = ProfileForm(request.POST or None, instance=own)
    if request.method == "POST" and form.is_valid():
        services.profile_update(profile=own, **form.cleaned_data)
        messages.success(request, _("Your settings are saved."))
        return redirect("partnership:profile")
    feeds = [
        (body, request.build_absolute_uri(reverse("partnership:feed_private", args=[own.calendar_token, body.slug])))
        for body in selectors.body_list_visible(user=request.user)
        if body.visibility == Visibility.PRIVATE
    ]
    return render(request, "partnership/people/profile.html", {"form": form, "profile": own, "feeds": feeds})


@workspace_view
@require_POST
def calendar_token_reset(request: HttpRequest) -> HttpResponse:
    services.calendar_token_reset(profile=services.profile_ensure(user=request.user))
    messages.success(request, _("Your private calendar links are new; the old ones no longer work."))
    return redirect("partnership:profile")


# --- Bodies ----------------------------------------------------------------------------------------------


@workspace_view
@require_GET
def body_list(request: HttpRequest) -> HttpResponse:
    bodies = selectors.body_list_visible(user=request.user)
    return render(request, "partnership/bodies/list.html", {"bodies": bodies})


@workspace_view
@require_GET
def body_detail(request: HttpRequest, slug: str) -> HttpResponse:
    body = _require(request, selectors.body_get(slug=slug), read="partnership.read_body")
    page = selectors.body_page_get(body=body, user=request.user)
    context = {
        "page": page,
        "can_manage": request.user.has_perm("partnership.manage_body", body),
        "public_feed": request.build_absolute_uri(reverse("partnership:feed_public", args=[body.slug]))
        if body.is_public
        else "",
    }
    return render(request, "partnership/bodies/detail.html", context)


def _calendar_response(body: Body, *, with_online_links: bool) -> HttpResponse:
    content = body_calendar(
        body=body, meetings=selectors.meetings_for_feed(body=body), with_online_links=with_online_links
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{body.slug}.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def feed_public(request: HttpRequest, slug: str) -> HttpResponse:
    body = selectors.body_get(slug=slug)
    if body is None or not body.is_public:
        raise Http404
    return _calendar_response(body, with_online_links=False)


@require_GET
def feed_private(request: HttpRequest, token: str, slug: str) -> HttpResponse:
    owner = selectors.profile_by_calendar_token(token=token)
    body = selectors.body_get(slug=slug)
    if owner is None or body is None or not owner.user.has_perm("partnership.read_body", body):
        raise Http404
    response = _calendar_response(body, with_online_links=True)
    response["X-Robots-Tag"] = "noindex"
    return response


# --- Meetings --------------------------------------------------------------------------------------------


@workspace_view
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, slug: str) -> HttpResponse:
    body = _require(
        request, selectors.body_get(slug=slug), read="partnership.read_body", write="partnership.manage_body"
    )
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(body=body, data=form.cleaned_data, user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The meeting is saved; members are told."))
            return redirect("partnership:meeting", pk=meeting.pk)
    return render(request, "partnership/meetings/form.html", {"form": form, "body": body, "meeting": None})


@workspace_view
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _require(request, selectors.meeting_get(pk=pk), read="partnership.read_meeting")
    can_manage = request.user.has_perm("partnership.manage_meeting", meeting)
    context = {
        "page": selectors.meeting_page_get(meeting=meeting),
        "can_manage": can_manage,
        "minutes_form": MinutesForm(initial={"minutes": meeting.minutes}) if can_manage else None,
        "decision_form": DecisionForm() if can_manage else None,
        "document_form": DocumentForm() if can_manage else None,
    }
    return render(request, "partnership/meetings/detail.html", context)


@workspace_view
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _require(
        request, selectors.meeting_get(pk=pk), read="partnership.read_meeting", write="partnership.manage_meeting"
    )
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        # The form has written its values onto the meeting; the service compares with the stored row.
        fresh = selectors.meeting_get(pk=pk)
        assert fresh is not None
        try:
            services.meeting_update(meeting=fresh, data=form.cleaned_data, user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The meeting is saved."))
            return redirect("partnership:meeting", pk=pk)
    return render(request, "partnership/meetings/form.html", {"form": form, "body": meeting.body, "meeting": meeting})


@workspace_view
@require_POST
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _require(
        request, selectors.meeting_get(pk=pk), read="partnership.read_meeting", write="partnership.manage_meeting"
    )
    form = MinutesForm(request.POST)
    if form.is_valid():
        services.meeting_record_minutes(
            meeting=meeting, minutes=form.cleaned_data["minutes"], held=form.cleaned_data["held"], user=request.user
        )
        messages.success(request, _("The minutes are saved."))
    return redirect("partnership:meeting", pk=pk)


@workspace_view
@require_POST
def decision_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _require(
        request, selectors.meeting_get(pk=pk), read="partnership.read_meeting", write="partnership.manage_meeting"
    )
    form = DecisionForm(request.POST)
    if form.is_valid():
        services.decision_create(meeting=meeting, text=form.cleaned_data["text"], user=request.user)
        messages.success(request, _("The decision is recorded."))
    else:
        messages.error(request, _("Write the decision before saving it."))
    return redirect("partnership:meeting", pk=pk)


@workspace_view
@require_http_methods(["GET", "POST"])
def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _require(
        request, selectors.meeting_get(pk=pk), read="partnership.read_meeting", write="partnership.manage_meeting"
    )
    page = selectors.meeting_page_get(meeting=meeting)
    people = [(row.person, row.status) for row in page.attendance]
    form = AttendanceForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        services.attendance_record(meeting=meeting, statuses=form.statuses())
        messages.success(request, _("Attendance is saved."))
        return redirect("partnership:meeting", pk=pk)
    return render(request, "partnership/meetings/attendance.html", {"form": form, "meeting": meeting})


@workspace_view
@require_POST
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _require(
        request, selectors.meeting_get(pk=pk), read="partnership.read_meeting", write="partnership.manage_meeting"
    )
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.document_add(
                meeting=meeting, upload=form.cleaned_data["file"], title=form.cleaned_data["title"], user=request.user
            )
        except ValidationError as error:
            for problems in error.message_dict.values():
                for problem in problems:
                    messages.error(request, problem)
        else:
            messages.success(request, _("The document is attached."))
    else:
        messages.error(request, _("Choose a file to attach."))
    return redirect("partnership:meeting", pk=pk)


@workspace_view
@require_GET
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    document = MeetingDocument.objects.select_related("meeting__body").filter(pk=pk).first()
    _require(request, document, read="partnership.read_document")
    assert document is not None
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Tasks -----------------------------------------------------------------------------------------------


@workspace_view
@require_http_methods(["GET", "POST"])
def task_create(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    body = selectors.body_get(slug=source["body"]) if source.get("body") else None
    if source.get("body") and body is None:
        raise Http404
    meeting = None
    if source.get("meeting", "").isdigit():
        meeting = _require(request, selectors.meeting_get(pk=int(source["meeting"])), read="partnership.read_meeting")
        body = meeting.body
    if body is not None:
        _require(request, body, read="partnership.read_body", write="partnership.manage_body")
    elif not request.user.has_perm("partnership.create_task"):
        raise PermissionDenied
    form = TaskForm(request.POST or None, owners=selectors.task_owner_choices(body=body))
    if request.method == "POST" and form.is_valid():
        task = services.task_create(user=request.user, body=body, meeting=meeting, **form.cleaned_data)
        messages.success(request, _("The task is saved."))
        return redirect("partnership:meeting", pk=meeting.pk) if meeting else redirect("partnership:task", pk=task.pk)
    return render(request, "partnership/tasks/form.html", {"form": form, "body": body, "meeting": meeting})


@workspace_view
@require_GET
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = _require(request, selectors.task_get(pk=pk), read="partnership.read_task")
    can_update = request.user.has_perm("partnership.update_task", task)
    form = TaskStatusForm(initial={"status": task.status}) if can_update else None
    return render(request, "partnership/tasks/detail.html", {"task": task, "form": form})


@workspace_view
@require_POST
def task_status(request: HttpRequest, pk: int) -> HttpResponse:
    task = _require(request, selectors.task_get(pk=pk), read="partnership.read_task", write="partnership.update_task")
    form = TaskStatusForm(request.POST)
    if form.is_valid():
        services.task_set_status(task=task, status=form.cleaned_data["status"])
        messages.success(request, _("The task is updated."))
    return HttpResponseRedirect(_next_url(request, reverse("partnership:task", kwargs={"pk": pk})))


@workspace_view
@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    tasks = selectors.task_list_visible(user=user).filter(owner=user).order_by("status", "due_date")
    return render(request, "partnership/tasks/list.html", {"tasks": tasks})
