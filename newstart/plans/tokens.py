"""The private link's token: 256 random bits, of which the database keeps only the SHA-256.

Looking a plan up by the digest of the presented token is an exact index lookup on a value the
visitor cannot steer (changing one character of a guess changes the whole digest), so a wrong guess
learns nothing from timing, and no comparison of secrets happens in Python.
"""

from __future__ import annotations

import hashlib
import re
import secrets

TOKEN_BYTES = 32
# secrets.token_urlsafe(32): 43 characters of the URL-safe base64 alphabet.
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")


def token_new() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def token_well_formed(token: str) -> bool:
    return bool(TOKEN_PATTERN.match(token))
