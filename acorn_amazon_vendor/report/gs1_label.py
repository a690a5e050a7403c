"""GS1 logistic labels of Amazon cartons and pallets: plain helpers, no Odoo models.

Odoo's QWeb barcode widget refuses the FNC1 character a GS1-128 starts with, and its PNG blurs
when scaled; the SSCC barcode is therefore drawn here as a true-size SVG, from reportlab's Code 128
encoder (which turns a leading ``\\xf1`` into FNC1 and picks code set C for the digits).
"""

import base64
import functools
import logging
import re
import subprocess
from string import ascii_uppercase

from reportlab.graphics.barcode.code128 import Code128

from odoo.tools.barcode import check_barcode_encoding, get_barcode_check_digit

from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin

_logger = logging.getLogger(__name__)

FNC1 = "\xf1"
SSCC_AI = "00"
# GS1 logistic label: X-dimension 0.495 to 1.016 mm, bars at least 32 mm high (31.75 mm by the
# book; Amazon asks 32). 33 mm leaves room for the rounding of the renderer.
SSCC_MODULE_MM = 0.5
SSCC_HEIGHT_MM = 33.0
# Code 128 needs a quiet zone of 10 modules on each side.
QUIET_MODULES = 10
# WebKit's smart shrinking prints a page at 1/1.25 of its size and Qt at 96/100 of that: an
# unpatched wkhtmltopdf (Debian's package) cannot switch this off.
UNPATCHED_WKHTMLTOPDF_SCALE = 0.8 * 0.96
# ZPL: 4 x 6 in at 203 dpi (8 dots per mm).
ZPL_DOTS_PER_MM = 203 / 25.4
ZPL_LABEL_DOTS = (812, 1218)
# ^ and ~ start ZPL commands; a backslash escapes inside a field block (^FB).
ZPL_FIELD_FORBIDDEN = re.compile(r"[\^~\\\x00-\x1f]")


def sscc_check_digit(body):
    """GS1 mod-10 check digit of the first 17 digits of an SSCC.

    :param body: extension digit, GS1 company prefix and serial reference (17 digits)
    :return: the check digit, as a one-character string
    """
    if not re.fullmatch(r"\d{17}", body or ""):
        raise ValueError(f"An SSCC has 17 digits before its check digit, not {body!r}")
    return str(get_barcode_check_digit(body + "0"))


def is_valid_sscc(sscc):
    """:return: whether ``sscc`` is 18 digits with a correct check digit"""
    return bool(sscc) and check_barcode_encoding(sscc, "sscc")


def sscc_human_readable(sscc, prefix=None):
    """The text printed with the SSCC barcode: ``(00) 1 0614141 234567890 8``.

    :param prefix: the GS1 company prefix, to set it apart when the SSCC holds it
    """
    if prefix and sscc[1 : 1 + len(prefix)] == prefix:
        groups = (sscc[0], prefix, sscc[1 + len(prefix) : 17], sscc[17])
    else:
        groups = (sscc[0], sscc[1:17], sscc[17])
    return f"({SSCC_AI}) " + " ".join(groups)


def code128_bars(value):
    """The bars of the Code 128 symbol of ``value``, without quiet zones.

    :param value: the data; a leading ``\\xf1`` is FNC1 (GS1-128)
    :return: list of (is_bar, width in modules)
    """
    symbol = Code128(value, quiet=0)
    symbol.validate()
    symbol.encode()
    symbol.decompose()
    # reportlab spells a bar with an upper-case letter and a space with a lower-case one: A = 1 module.
    return [(char in ascii_uppercase, ord(char.lower()) - ord("a") + 1) for char in symbol.decomposed if char.isalpha()]


def code128_modules(value):
    """:return: the width of the Code 128 symbol of ``value`` in modules, quiet zones included"""
    return sum(width for _is_bar, width in code128_bars(value)) + 2 * QUIET_MODULES


def code128_svg(value, module_mm, height_mm):
    """A Code 128 symbol as SVG at true size, on white, with its quiet zones.

    :param module_mm: the X-dimension (width of the narrowest bar) in mm
    :param height_mm: the height of the bars in mm
    :return: (SVG text, width in mm, height in mm)
    """
    x = QUIET_MODULES
    path = []
    for is_bar, width in code128_bars(value):
        if is_bar:
            path.append(f"M{x} 0h{width}v1h-{width}z")
        x += width
    modules = x + QUIET_MODULES
    width_mm = round(modules * module_mm, 3)
    svg = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_mm}mm" height="{height_mm}mm" '
        f'viewBox="0 0 {modules} 1" preserveAspectRatio="none" shape-rendering="crispEdges">'
        f'<rect width="{modules}" height="1" fill="#fff"/>'
        f'<path d="{"".join(path)}" fill="#000"/></svg>'
    )
    return svg, width_mm, height_mm


def svg_data_uri(svg):
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def fitting_module(value, max_width_mm, module_mm):
    """The largest X-dimension up to ``module_mm`` at which ``value`` fits in ``max_width_mm``."""
    return min(module_mm, max_width_mm / code128_modules(value))


@functools.lru_cache(maxsize=1)
def wkhtmltopdf_zoom():
    """The CSS zoom that prints 1 mm of the label as 1 mm of paper.

    The wkhtmltopdf Odoo recommends (built on a patched Qt) prints at true scale with
    ``--disable-smart-shrinking``; an unpatched build ignores that switch.
    """
    try:
        version = subprocess.run(
            [_get_wkhtmltopdf_bin(), "--version"], capture_output=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError) as error:
        _logger.info("wkhtmltopdf could not tell its version (%s): labels printed unscaled", error)
        return 1.0
    return 1.0 if b"patched qt" in version.lower() else round(1 / UNPATCHED_WKHTMLTOPDF_SCALE, 6)


def zpl_text(value):
    """``value`` made safe for a ZPL ``^FD`` field (no command or control characters)."""
    return ZPL_FIELD_FORBIDDEN.sub(" ", str(value or "")).strip()


def zpl_module_dots(value, max_dots, module_dots):
    """The largest Code 128 module width in dots, up to ``module_dots``, at which ``value`` fits."""
    modules = code128_modules(value)
    return max(1, min(module_dots, int(max_dots // modules)))
