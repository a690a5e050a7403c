"""HTTP front: routing, Amazon's cross-cutting behaviour (auth, roles, faults, throttling,
headers) and one log line per request."""

import json
import logging
import re
import time
import uuid
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, unquote, urlsplit

from . import auth, control, invoices, orders, remittances, reports, shipments
from .common import ApiError

_logger = logging.getLogger("spapi_simulator")

QUOTA_EXCEEDED = {
    "errors": [
        {"code": "QuotaExceeded", "message": "You exceeded your quota for the requested resource.", "details": ""}
    ]
}
FAULT_BODIES = {
    500: {
        "errors": [
            {"code": "InternalFailure", "message": "We encountered an internal error. Please try again.", "details": ""}
        ]
    },
    503: {
        "errors": [
            {
                "code": "ServiceUnavailable",
                "message": "Service temporarily unavailable. Please try again.",
                "details": "",
            }
        ]
    },
    429: QUOTA_EXCEEDED,
}


def _transaction(sim, req):
    return 200, {"payload": {"transactionStatus": sim.get_transaction(req.params["transactionId"])}}


# (method, path pattern, operationId, handler) -- paths exactly as in Amazon's models.
ROUTES = [
    ("GET", "/vendor/orders/v1/purchaseOrders", "getPurchaseOrders", orders.get_purchase_orders),
    ("GET", "/vendor/orders/v1/purchaseOrders/{purchaseOrderNumber}", "getPurchaseOrder", orders.get_purchase_order),
    ("POST", "/vendor/orders/v1/acknowledgements", "submitAcknowledgement", orders.submit_acknowledgement),
    ("GET", "/vendor/orders/v1/purchaseOrdersStatus", "getPurchaseOrdersStatus", orders.get_purchase_orders_status),
    (
        "POST",
        "/vendor/shipping/v1/shipmentConfirmations",
        "SubmitShipmentConfirmations",
        shipments.submit_shipment_confirmations,
    ),
    ("POST", "/vendor/shipping/v1/shipments", "SubmitShipments", shipments.submit_shipments),
    ("GET", "/vendor/shipping/v1/shipments", "GetShipmentDetails", shipments.get_shipment_details),
    ("GET", "/vendor/shipping/v1/transportLabels", "GetShipmentLabels", shipments.get_shipment_labels),
    ("POST", "/vendor/payments/v1/invoices", "submitInvoices", invoices.submit_invoices),
    ("GET", "/vendor/transactions/v1/transactions/{transactionId}", "getTransaction", _transaction),
    ("GET", "/reports/2021-06-30/reports", "getReports", reports.get_reports),
    ("POST", "/reports/2021-06-30/reports", "createReport", reports.create_report),
    ("GET", "/reports/2021-06-30/reports/{reportId}", "getReport", reports.get_report),
    ("GET", "/reports/2021-06-30/documents/{reportDocumentId}", "getReportDocument", reports.get_report_document),
    ("POST", "/tokens/2021-03-01/restrictedDataToken", "createRestrictedDataToken", auth.create_restricted_data_token),
    ("GET", "/finances/invoices/2026-06-25/invoices", "getInvoiceHeaders", invoices.get_invoice_headers),
    ("GET", "/finances/invoices/2026-06-25/invoices/{invoiceIdentifier}", "getInvoice", invoices.get_invoice),
    (
        "GET",
        "/finances/remittances/2026-03-17/remittances",
        "getRemittanceHeaders",
        remittances.get_remittance_headers,
    ),
    (
        "GET",
        "/finances/remittances/2026-03-17/remittances/{uniquePaymentId}",
        "getRemittance",
        remittances.get_remittance,
    ),
]
SUBMISSIONS = ("submitAcknowledgement", "SubmitShipmentConfirmations", "SubmitShipments", "submitInvoices")
COMPILED = [(m, re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", p) + "$"), op, h) for m, p, op, h in ROUTES]


class Request:
    """What a handler sees: query (last value per name), path params, parsed JSON body."""

    def __init__(self, method, path, query, headers, raw, base_url):
        self.method, self.path, self.headers, self.raw = method, path, headers, raw
        self.query = {k: v[-1] for k, v in query.items()}
        self.params = {}
        self.base_url = base_url
        self.fault = None  # the fault taken for this request, if any
        self._body = None

    @property
    def body(self):
        if self._body is None and self.raw:
            try:
                self._body = json.loads(self.raw)
            except ValueError:
                raise ApiError(400, "InvalidInput", "The request body is not valid JSON.") from None
        return self._body


def route(method, path):
    """:return: ``(operationId, handler, params)`` or None."""
    for route_method, pattern, operation, handler in COMPILED:
        match = pattern.match(path)
        if match and route_method == method:
            # Path parameters arrive URL-encoded (an invoice number holds "/"): decoded, as Amazon does.
            return operation, handler, {name: unquote(value) for name, value in match.groupdict().items()}
    return None


def make_handler(sim):
    """Build the request handler class bound to ``sim``."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body leave in two writes: without this, Nagle plus the client's delayed
        # ACK adds about 40 ms to every answer.
        disable_nagle_algorithm = True
        server_version = "SPAPISimulator/1.0"

        def log_message(self, format, *args):  # noqa: A002  (signature of the base class)
            _logger.debug(format, *args)

        def do_GET(self):
            self._dispatch("GET")

        def do_POST(self):
            self._dispatch("POST")

        def do_PUT(self):
            self._dispatch("PUT")

        def do_DELETE(self):
            self._dispatch("DELETE")

        def _dispatch(self, method):
            started = time.monotonic()
            self.request_id = str(uuid.uuid4())
            self.extra_headers = {}
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
            req = Request(
                method,
                parts.path,
                parse_qs(parts.query, keep_blank_values=True),
                {k.lower(): v for k, v in self.headers.items()},
                raw,
                f"http://{host}",
            )
            try:
                status, body = self._answer(req)
            except ApiError as exc:
                status, body = exc.status, exc.body()
            except Exception:  # noqa: BLE001  (an answer beats a dropped connection)
                _logger.exception("Simulator error on %s %s", method, self.path)
                status, body = 500, FAULT_BODIES[500]
            self._send(status, body)
            _logger.info(
                "%s %s -> %s %.0fms %s", method, self.path, status, (time.monotonic() - started) * 1000, self.request_id
            )

        def _answer(self, req):
            if req.path.startswith("/_simulator/"):
                return control.handle(sim, req, self)
            if req.path == "/auth/o2/token" and req.method == "POST":
                return auth.token(sim, req.raw)
            if req.path == "/apps/authorize/consent" and req.method == "GET":
                status, body, location = auth.consent(sim, req.query)
                if location:
                    self.extra_headers["Location"] = location
                return status, body
            found = route(req.method, req.path)
            if not found:
                raise ApiError(404, "NotFound", "Resource not found.", f"No operation for {req.method} {req.path}.")
            operation, handler, req.params = found
            return self._operation(req, operation, handler)

        def _operation(self, req, operation, handler):
            auth.check_access(sim, req.headers, operation)
            rate, _burst = sim.limiter.limits(operation, sim.config.get("rate_limits"))
            self.extra_headers["x-amzn-RateLimit-Limit"] = f"{rate:g}"
            fault = sim.take_fault(operation)
            if fault and fault.get("delay"):
                time.sleep(float(fault["delay"]))
            if fault and fault.get("status") and not fault.get("processed"):
                return fault["status"], FAULT_BODIES[fault["status"]]
            if sim.config.get("rate_limiting", True) and not sim.limiter.take(operation, sim.config.get("rate_limits")):
                return 429, QUOTA_EXCEEDED
            req.fault = fault
            with sim.lock:
                sim.settle()
                try:
                    status, body = handler(sim, req)
                except ApiError as exc:
                    if operation in SUBMISSIONS:
                        sim.record_rejected(operation, req.raw, exc.errors)
                    raise
            if fault and fault.get("malformed"):
                return status, b'{"payload": {"truncated": [1, 2,'
            if fault and fault.get("status"):
                # Amazon's gateway can fail after the service took the request.
                return fault["status"], FAULT_BODIES[fault["status"]]
            return status, body

        def _send(self, status, body, content_type="application/json"):
            if isinstance(body, tuple):  # (bytes, content type) from the control API
                body, content_type = body
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-amzn-RequestId", self.request_id)
            for name, value in self.extra_headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler
