"""The acceptance check of the directory: the exported demo validates against the official
HSDS 3.1 schemas with zero errors, object by object and file by file."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from newstart.directory.demo.loader import demo_load
from newstart.directory.hsds.export import JSON_FILES
from newstart.directory.models import Service

pytestmark = pytest.mark.django_db(transaction=False)


def test_the_exported_demo_validates_against_the_hsds_schemas_with_zero_errors(tmp_path, hsds_validator):
    demo_load()
    out = tmp_path / "export"
    call_command("export_hsds", str(out), verbosity=0)

    checked: dict[str, int] = {}
    problems: list[str] = []
    for hsds_type, file_name in JSON_FILES:
        objects = json.loads((out / "json" / file_name).read_text(encoding="utf-8"))
        checked[file_name] = len(objects)
        for index, obj in enumerate(objects):
            problems.extend(f"{file_name}[{index}] {error}" for error in hsds_validator.errors(hsds_type, obj))
    assert problems == [], "\n".join(problems[:50])
    assert checked["services.json"] == Service.objects.filter(is_demo=True).count() >= 120
    assert checked["organizations.json"] >= 40
    assert checked["taxonomy_terms.json"] >= 80
    # The translations profile travels with the records.
    services = json.loads((out / "json" / "services.json").read_text(encoding="utf-8"))
    assert sum(1 for service in services if "pa" in service.get("translations", {})) >= 120
