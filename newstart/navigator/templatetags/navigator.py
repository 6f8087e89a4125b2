from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.forms import BoundField
from django.http import HttpRequest
from django.urls import reverse, translate_url
from django.utils import formats, translation
from django.utils.translation import gettext as _

from newstart.common.languages import INTERFACE_LANGUAGES

register = template.Library()


@dataclass(frozen=True)
class LanguageLink:
    code: str
    own_name: str
    url: str
    alternate_url: str
    current: bool
    bidi: bool


@register.simple_tag(takes_context=True)
def language_links(context: template.Context) -> list[LanguageLink]:
    """Each interface language in its own name: a link that switches (and remembers) the language,
    and the same page's address in that language (for hreflang)."""
    request: HttpRequest | None = context.get("request")
    current = translation.get_language()
    full_path = request.get_full_path() if request is not None else "/"
    switch = reverse("navigator:language")
    links = []
    for language in INTERFACE_LANGUAGES:
        links.append(
            LanguageLink(
                code=language.code,
                own_name=language.own_name,
                url=f"{switch}?{urlencode({'to': language.code, 'next': full_path})}",
                alternate_url=translate_url(full_path, language.code),
                current=language.code == current,
                bidi=language.bidi,
            )
        )
    return links


@register.filter
def km(value: float | None) -> str:
    """A distance in the visitor's number format: "1.2 km", "1,2 km"."""
    if value is None:
        return ""
    return _("%(distance)s km") % {"distance": formats.number_format(value, 1, use_l10n=True)}


@register.filter
def whole(value: float | None) -> str:
    return "" if value is None else str(int(value))


@register.simple_tag
def leaflet_static() -> dict[str, str]:
    """Where the bundled Leaflet is (django-leaflet's copy), loaded only when a map is opened."""
    from django.templatetags.static import static

    return {"js": static("leaflet/leaflet.js"), "css": static("leaflet/leaflet.css")}


@register.simple_tag
def tile_settings() -> dict[str, str]:
    return {"url": settings.NAVIGATOR_TILE_URL, "attribution": settings.NAVIGATOR_TILE_ATTRIBUTION}


@register.simple_tag
def widget(field: BoundField, **attrs: str | bool) -> str:
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
