"""Spam resistance for the public forms, with no third-party captcha and no stored IP addresses.

Three checks: a honeypot field people never see; a signed timestamp issued with the form, which
rejects forms sent too fast (a script) or too long after they were shown; and a per-visitor rate
limit kept only in the cache, keyed by a keyed hash of the IP address (never the address itself).
"""

from __future__ import annotations

import enum
import hashlib
import hmac

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

_SALT = "newstart.navigator.form-token"
# A person needs at least this long to read and fill the form.
MIN_FILL_SECONDS = 3
# A form older than this is refused: its page has been open for too long.
MAX_FILL_SECONDS = 2 * 60 * 60
RATE_WINDOW_SECONDS = 60 * 60


class TokenProblem(enum.Enum):
    INVALID = "invalid"
    TOO_FAST = "too_fast"
    EXPIRED = "expired"


def form_token_issue(*, purpose: str) -> str:
    """A signed token saying when the form for `purpose` (e.g. a service id) was shown."""
    return signing.dumps({"p": purpose, "t": int(timezone.now().timestamp())}, salt=_SALT, compress=True)


def form_token_check(*, token: str, purpose: str) -> TokenProblem | None:
    """None when the token is genuine, for `purpose`, and neither too fresh nor too old."""
    try:
        payload = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return TokenProblem.INVALID
    if not isinstance(payload, dict) or payload.get("p") != purpose or not isinstance(payload.get("t"), int):
        return TokenProblem.INVALID
    age = timezone.now().timestamp() - payload["t"]
    if age < MIN_FILL_SECONDS:
        return TokenProblem.TOO_FAST
    if age > MAX_FILL_SECONDS:
        return TokenProblem.EXPIRED
    return None


def _visitor_key(request: HttpRequest, scope: str) -> str:
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]
    return f"navigator:rate:{scope}:{digest}"


def rate_limit_hit(*, request: HttpRequest, scope: str, limit: int) -> bool:
    """Count one attempt for this visitor; True when they are over `limit` within the window."""
    key = _visitor_key(request, scope)
    cache.add(key, 0, timeout=RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:
        # The entry expired between add and incr: this is the first attempt of a new window.
        cache.set(key, 1, timeout=RATE_WINDOW_SECONDS)
        count = 1
    return count > limit
