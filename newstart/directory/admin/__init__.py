"""The secretariat's admin for the directory: every HSDS record, with change history.

Importing the submodules registers their admins with the default admin site.
"""

from __future__ import annotations

from newstart.directory.admin import contact, location, organization, service, taxonomy, verification

__all__ = ["contact", "location", "organization", "service", "taxonomy", "verification"]
