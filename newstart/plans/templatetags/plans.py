from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils import formats
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def plan_widget(field: BoundField, **attrs: str | bool) -> str:
    """A field's widget tied to its help text and errors (aria-describedby, aria-invalid)."""
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}-help")
    if field.errors:
        described_by.append(f"{field.auto_id}-error")
        attrs["aria-invalid"] = "true"
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)


@register.filter
def plan_km(value: float | None) -> str:
    """A distance in the visitor's number format: "1.2 km", "1,2 km"."""
    if value is None:
        return ""
    return _("%(distance)s km") % {"distance": formats.number_format(round(value, 1), 1, use_l10n=True)}
