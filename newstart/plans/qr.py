"""The private link as a QR code (segno, inline SVG: no image request, prints sharp)."""

from __future__ import annotations

import segno
from django.utils.translation import gettext as _

QR_ERROR_LEVEL = "m"
QR_SCALE = 5


def plan_qr_svg(*, url: str) -> str:
    """An inline SVG QR code encoding exactly `url`."""
    code = segno.make(url, error=QR_ERROR_LEVEL, micro=False)
    return code.svg_inline(scale=QR_SCALE, svgclass="qr", lineclass=None, title=_("QR code of the link to your plan"))
