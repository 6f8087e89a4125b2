"""The directory's HSDS 3.1 API (django-ninja), mounted at /api/hsds/."""

from __future__ import annotations

from newstart.directory.api.endpoints import api

__all__ = ["api"]
