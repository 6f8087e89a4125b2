"""Who may do what in the directory (django-rules; loaded by rules' autodiscovery).

The partnership's secretariat — members of the group named ``SECRETARIAT_GROUP`` — keeps the
directory: it may view, add, change and delete every directory record, and work the verification
queue (which follows the rights on services). Imported HSDS metadata is read-only for everyone.
Superusers may do everything (Django).
Staff users outside the group get nothing here unless given Django model permissions directly.

Organization editors (an agency editing only its own listings) are modelled by the partnership:
``partnership.edit_directory_organization`` and ``partnership.edit_directory_service`` in
newstart/partnership/rules.py, applied to the admin by newstart/directory/admin/editors.py.
"""

from __future__ import annotations

import rules

SECRETARIAT_GROUP = "secretariat"

is_secretariat = rules.is_group_member(SECRETARIAT_GROUP)

# The directory's model names (Django's lower-case model_name), each with full rights for the secretariat.
EDITABLE_MODELS: tuple[str, ...] = (
    "accessibility",
    "address",
    "attribute",
    "contact",
    "costoption",
    "funding",
    "language",
    "localarea",
    "location",
    "metatabledescription",
    "organization",
    "organizationidentifier",
    "phone",
    "program",
    "requireddocument",
    "schedule",
    "service",
    "servicearea",
    "serviceatlocation",
    "servicecapacity",
    "taxonomy",
    "taxonomyterm",
    "unit",
    "url",
)
READ_ONLY_MODELS: tuple[str, ...] = ("metadata",)
ACTIONS: tuple[str, ...] = ("view", "add", "change", "delete")

# Seeing the directory section of the admin at all.
rules.add_perm("directory", is_secretariat)
for _model in EDITABLE_MODELS:
    for _action in ACTIONS:
        rules.add_perm(f"directory.{_action}_{_model}", is_secretariat)
for _model in READ_ONLY_MODELS:
    rules.add_perm(f"directory.view_{_model}", is_secretariat)
