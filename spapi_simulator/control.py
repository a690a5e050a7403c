"""The control API under ``/_simulator/``: no token, never rate limited."""

import re

from . import invoices, orders
from .common import ApiError, invalid_input, not_found


def _reset(sim, req, match):
    sim.reset()
    return 200, {"status": "ok"}


def _get_config(sim, req, match):
    return 200, sim.configure()


def _set_config(sim, req, match):
    if not isinstance(req.body, dict):
        raise invalid_input("The body must be a JSON object of configuration keys.")
    return 200, sim.configure(**req.body)


def _add_orders(sim, req, match):
    return 200, sim.add_purchase_orders(req.body)


def _get_order(sim, req, match):
    return 200, sim.purchase_order(match["number"])


def _receipts(sim, req, match):
    with sim.lock:
        return 200, orders.add_receipts(sim, match["number"], req.body)


def _submissions(sim, req, match):
    return 200, sim.submissions(req.query.get("operation"))


def _demo(sim, req, match):
    return 200, sim.load_demo_data()


def _add_invoices(sim, req, match):
    with sim.lock:
        return 200, invoices.add_invoices(sim, req.body)


def _add_remittances(sim, req, match):
    return 200, sim.add_remittances(req.body)


def _report_document(sim, req, match):
    body = req.body
    if not isinstance(body, dict):
        raise invalid_input('The body must be {"reportType": ..., "document": {...}}.')
    return 200, sim.store_report_document(body.get("reportType"), body.get("document"))


def _document(sim, req, match):
    data = sim.documents.get(match["id"])
    if data is None:
        raise not_found(details=f"Document {match['id']} was not found.")
    return 200, (data, "application/octet-stream")


ROUTES = [
    ("POST", r"/_simulator/reset", _reset),
    ("GET", r"/_simulator/config", _get_config),
    ("POST", r"/_simulator/config", _set_config),
    ("POST", r"/_simulator/purchase-orders", _add_orders),
    ("GET", r"/_simulator/purchase-orders/(?P<number>[^/]+)", _get_order),
    ("POST", r"/_simulator/purchase-orders/(?P<number>[^/]+)/receipts", _receipts),
    ("GET", r"/_simulator/submissions", _submissions),
    ("POST", r"/_simulator/demo", _demo),
    ("POST", r"/_simulator/invoices", _add_invoices),
    ("POST", r"/_simulator/remittances", _add_remittances),
    ("GET", r"/_simulator/documents/(?P<id>[^/]+)", _document),
    ("POST", r"/_simulator/report-documents", _report_document),
]


def handle(sim, req, handler):
    """Dispatch one control request; :return: ``(status, body)``."""
    for method, pattern, function in ROUTES:
        match = re.fullmatch(pattern, req.path)
        if match and method == req.method:
            return function(sim, req, match.groupdict())
    raise ApiError(404, "NotFound", "Resource not found.", f"No control endpoint for {req.method} {req.path}.")
