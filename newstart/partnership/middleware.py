"""The workspace's request handling: the person's own interface language, and two-factor
authentication for the secretariat and coordinators before any workspace page (and, when
PARTNERSHIP_ADMIN_REQUIRES_2FA is on, before the admin)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django_otp import user_has_device

from newstart.partnership.roles import TWO_FACTOR_ROLES

# Workspace paths (below /workspace/) open without two-factor verification; see urls.py.
OPEN_PATHS: tuple[str, ...] = ("password-reset/", "invitation/", "feeds/")


def two_factor_required(user: Any) -> bool:
    """Whether this person must be verified with a second factor (secretariat and coordinators)."""
    if not user.is_authenticated:
        return False
    names = getattr(user, "_group_names_cache", None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))
        user._group_names_cache = names  # the same cache rules.is_group_member fills
    return any(role in names for role in TWO_FACTOR_ROLES)


def two_factor_satisfied(user: Any) -> bool:
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


class WorkspaceMiddleware:
    """Install after AuthenticationMiddleware and django_otp's OTPMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @cached_property
    def workspace_prefix(self) -> str:
        return reverse("partnership:dashboard")

    @cached_property
    def exempt_paths(self) -> tuple[str, ...]:
        return tuple(
            reverse(f"partnership:{name}") for name in ("login", "logout", "two_factor_setup", "two_factor_verify")
        )

    @cached_property
    def open_prefixes(self) -> tuple[str, ...]:
        # Pages for people not (yet) logged in, and calendar feeds read by calendar programs.
        return tuple(self.workspace_prefix + part for part in OPEN_PATHS)

    def _protected(self, path: str) -> bool:
        if path.startswith(self.workspace_prefix):
            return True
        return bool(settings.PARTNERSHIP_ADMIN_REQUIRES_2FA and path.startswith(reverse("admin:index")))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if not self._protected(path):
            return self.get_response(request)
        user = request.user
        language = None
        if user.is_authenticated and path.startswith(self.workspace_prefix):
            profile = getattr(user, "partnership_profile", None)
            if profile is not None and profile.preferred_language:
                language = profile.preferred_language
        if language is None:
            return self._guarded(request, path)
        # override(), not activate(): the person's language must not outlive their request.
        with translation.override(language):
            request.LANGUAGE_CODE = translation.get_language()
            response = self._guarded(request, path)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response

    def _guarded(self, request: HttpRequest, path: str) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and path not in self.exempt_paths
            and not path.startswith(self.open_prefixes)
            and two_factor_required(user)
            and not two_factor_satisfied(user)
        ):
            step = "two_factor_verify" if user_has_device(user, confirmed=True) else "two_factor_setup"
            query = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
            return HttpResponseRedirect(f"{reverse(f'partnership:{step}')}?{query}")
        return self.get_response(request)
