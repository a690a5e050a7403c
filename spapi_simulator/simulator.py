"""The simulator object: Amazon's state (the "book"), its clock and configuration, and the
in-process API used by tests (``start``/``stop``/``reset``/``configure``...)."""

import copy
import json
import threading
import uuid
from datetime import datetime, timedelta, timezone
from http.server import ThreadingHTTPServer

from . import orders, remittances, reports
from .common import ApiError, fmt_iso, invalid_input, parse_iso
from .ratelimit import RateLimiter
from .validation import SchemaValidator

DEFAULT_CONFIG = {
    "transaction_outcome": "success",
    "transaction_delay": 0,
    "rate_limiting": True,
    "rate_limits": {},
    "faults": [],
    "clock": None,
    "token_lifetime": 3600,
    "denied_operations": [],
    "redirect_uri": None,
    "remittance_page_size": 10,
    "remittance_item_page_size": 100,
    "report_polls_until_done": 2,
    "forecast_weeks": 26,
}
PAGE_SIZE_KEYS = ("remittance_page_size", "remittance_item_page_size")
# key -> (least, most) accepted integer
COUNT_KEYS = {"report_polls_until_done": (0, 100), "forecast_weeks": (1, 52)}
REPORT_STATUSES = ("CANCELLED", "FATAL")
OUTCOMES = ("success", "failure", "processing")
SELLING_PARTNER_ID = "A2ACORNSIMVENDOR"


class Simulator:
    """A stateful stand-in for Amazon's SP-API (Vendor Central 1P) and LWA."""

    def __init__(
        self,
        *,
        models_dir=None,
        client_id="acorn-sim-client",
        client_secret="acorn-sim-secret",
        refresh_token="acorn-sim-refresh",
        demo=False,
    ):
        self.client_id = client_id
        self.client_secret = client_secret
        self.refresh_token = refresh_token
        self.validator = SchemaValidator(models_dir)
        self.limiter = RateLimiter()
        self.lock = threading.RLock()
        self._server = None
        self._thread = None
        self.url = None
        self.reset()
        if demo:
            self.load_demo_data()

    # ------------------------------------------------------------------ lifecycle
    def start(self, host="127.0.0.1", port=0):
        """Serve in a daemon thread; :return: the base URL ``http://host:port``."""
        from .server import make_handler

        self._server = ThreadingHTTPServer((host, port), make_handler(self))
        self._server.daemon_threads = True
        real_host, real_port = self._server.server_address[:2]
        self.url = f"http://{real_host}:{real_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True, name="spapi-simulator")
        self._thread.start()
        return self.url

    def serve_forever(self, host="127.0.0.1", port=8073):
        """Serve in the calling thread (the CLI); returns once :meth:`stop` is called."""
        from .server import make_handler

        server = self._server = ThreadingHTTPServer((host, port), make_handler(self))
        server.daemon_threads = True
        self.url = f"http://{host}:{server.server_address[1]}"
        server.serve_forever()
        server.server_close()

    def stop(self):
        """Stop serving (safe to call twice)."""
        server, self._server = self._server, None
        if server:
            server.shutdown()
            if self._thread:
                server.server_close()
                self._thread.join(timeout=5)
                self._thread = None

    # ------------------------------------------------------------------ state
    def reset(self):
        """Empty the book and restore the default configuration (credentials are kept)."""
        with self.lock:
            self.config = copy.deepcopy(DEFAULT_CONFIG)
            self.orders = {}  # purchaseOrderNumber -> record (see orders.new_record)
            self.submissions_log = []  # every submission, in order received
            self.transactions = {}  # transactionId -> transaction dict
            self.shipments = {}  # vendorShipmentIdentifier -> stored shipment
            self.confirmations = {}  # shipmentIdentifier -> ShipmentConfirmation
            self.invoices = {}  # invoiceIdentifier (id~remitTo) -> stored invoice
            self.remittances = {}  # uniquePaymentId -> {"header", "items"}
            self.remittance_index = {}  # invoiceNumber -> {uniquePaymentId: payee codes}
            self.reports = {}
            self.report_jobs = {}  # reportId -> {"polls", "until", "status", "document"} until final
            self.report_documents = {}  # reportType -> document served instead of the made one
            self.documents = {}
            self.access_tokens = {}  # token -> expiry (simulated clock)
            self.auth_codes = {}  # code -> redirect_uri (single use)
            self.limiter.reset()

    def now(self):
        """The simulated now: config ``clock`` when set, else the real UTC time."""
        clock = self.config.get("clock")
        if clock:
            return parse_iso(clock, "clock")
        return datetime.now(timezone.utc).replace(microsecond=0)

    def configure(self, **cfg):
        """Merge ``cfg`` into the configuration; :return: the full configuration.

        :raise ApiError: 400 for an unknown key or a bad value (nothing is changed then).
        """
        unknown = sorted(set(cfg) - set(DEFAULT_CONFIG))
        if unknown:
            raise invalid_input(
                f"Unknown configuration keys: {', '.join(unknown)}.", f"Known keys: {', '.join(DEFAULT_CONFIG)}"
            )
        if "transaction_outcome" in cfg and cfg["transaction_outcome"] not in OUTCOMES:
            raise invalid_input("transaction_outcome must be one of success, failure, processing.")
        for key in PAGE_SIZE_KEYS:
            if key in cfg and (not isinstance(cfg[key], int) or isinstance(cfg[key], bool) or cfg[key] < 1):
                raise invalid_input(f"{key} must be a positive integer.", repr(cfg[key]))
        for key, (least, most) in COUNT_KEYS.items():
            value = cfg.get(key, least)
            if not isinstance(value, int) or isinstance(value, bool) or not least <= value <= most:
                raise invalid_input(f"{key} must be an integer from {least} to {most}.", repr(value))
        if cfg.get("clock"):
            cfg["clock"] = fmt_iso(parse_iso(cfg["clock"], "clock"))
        if "faults" in cfg:
            cfg["faults"] = [self._check_fault(f) for f in cfg["faults"] or []]
        with self.lock:
            self.config.update(copy.deepcopy(cfg))
            return copy.deepcopy(self.config)

    @staticmethod
    def _check_fault(fault):
        if not isinstance(fault, dict) or "operation" not in fault:
            raise invalid_input("Each fault needs an 'operation' (an operationId or '*').")
        if not ({"status", "delay", "malformed", "processing_status"} & set(fault)):
            raise invalid_input("Each fault needs one of 'status', 'delay', 'malformed' or 'processing_status'.")
        if "processing_status" in fault and (
            fault["processing_status"] not in REPORT_STATUSES or fault["operation"] != "createReport"
        ):
            raise invalid_input("A processing_status fault is CANCELLED or FATAL, on operation createReport.")
        if "status" in fault and fault["status"] not in (429, 500, 503):
            raise invalid_input("A fault status must be 429, 500 or 503.")
        if fault.get("processed") and fault.get("status") not in (500, 503):
            raise invalid_input("Only a 500 or 503 fault can come after the operation was processed.")
        return {**fault, "count": int(fault.get("count", 1))}

    def take_fault(self, operation):
        """Consume and :return: the first pending fault for ``operation`` (or None)."""
        with self.lock:
            for fault in self.config["faults"]:
                if fault["operation"] in ("*", operation) and fault["count"] > 0:
                    fault["count"] -= 1
                    if fault["count"] <= 0:
                        self.config["faults"].remove(fault)
                    return dict(fault)
        return None

    # ------------------------------------------------------------------ in-process API
    def add_purchase_orders(self, list_of_orders):
        """Add Amazon ``Order`` objects, replacing those with the same number.

        :return: ``{"added": n, "replaced": m}``
        :raise ApiError: 400 when the list or an order is malformed.
        """
        with self.lock:
            return orders.add_orders(self, list_of_orders)

    def add_remittances(self, list_of_remittances):
        """Add payments Amazon made: RemittanceHeader objects, each with its
        ``remittanceItems``, replacing those with the same uniquePaymentId.

        :return: ``{"added": n, "replaced": m}``
        :raise ApiError: 400 with every problem found when a remittance is malformed.
        """
        with self.lock:
            return remittances.add_remittances(self, list_of_remittances)

    def store_report_document(self, report_type, document):
        """Serve ``document`` for every later report of ``report_type`` (until reset); Amazon's
        rules on options and dates still apply.

        :return: ``{"reportType": report_type, "stored": True}``
        :raise ApiError: 400 for a report type the simulator makes no document for, or a
            document that is not a dict.
        """
        with self.lock:
            return reports.store_document(self, report_type, document)

    def submissions(self, operation_id=None):
        """:return: the recorded submissions of ``operation_id`` (all when None), in order."""
        with self.lock:
            return [copy.deepcopy(s) for s in self.submissions_log if operation_id in (None, s["operation"])]

    def purchase_order(self, number):
        """:return: ``{"purchaseOrderNumber", "order", "status", "acknowledgements"}``.

        :raise ApiError: 404 when the PO is unknown.
        """
        with self.lock:
            self.settle()
            return orders.control_view(self, number)

    def load_demo_data(self):
        """Load the demo purchase orders (relative to the simulated now)."""
        from .demo import build_orders

        return self.add_purchase_orders(build_orders(self.now()))

    # ------------------------------------------------------------------ transactions
    def record_submission(self, operation, body, errors, on_success=None):
        """Record a submission and open its transaction; :return: the transactionId.

        Invalid submissions (``errors``) end in Failure; valid ones follow the configured
        ``transaction_outcome`` after ``transaction_delay`` simulated seconds.
        """
        with self.lock:
            now = self.now()
            transaction_id = f"{now:%Y%m%d%H%M%S}-{uuid.uuid4()}"
            self.submissions_log.append(
                {
                    "operation": operation,
                    "transactionId": transaction_id,
                    "receivedAt": fmt_iso(now),
                    "body": copy.deepcopy(body),
                    "valid": not errors,
                    "errors": copy.deepcopy(errors),
                }
            )
            self.transactions[transaction_id] = {
                "transactionId": transaction_id,
                "status": "Processing",
                "errors": errors,
                "outcome": "failure" if errors else self.config["transaction_outcome"],
                "ready_at": now + timedelta(seconds=float(self.config["transaction_delay"] or 0)),
                "apply": None if errors else on_success,
            }
            self.settle()
            return transaction_id

    def record_rejected(self, operation, raw, errors):
        """Record a submission refused with a 400 (no transaction was opened)."""
        try:
            body = json.loads(raw)
        except ValueError:
            body = raw.decode("utf-8", "replace")
        with self.lock:
            self.submissions_log.append(
                {
                    "operation": operation,
                    "transactionId": None,
                    "receivedAt": fmt_iso(self.now()),
                    "body": body,
                    "valid": False,
                    "errors": copy.deepcopy(errors),
                }
            )

    def settle(self):
        """Move every due transaction to its outcome and apply the successful ones."""
        with self.lock:
            now = self.now()
            for trx in self.transactions.values():
                if trx["status"] != "Processing" or trx["outcome"] == "processing":
                    continue
                if trx["ready_at"] > now and not trx["errors"]:
                    continue
                if trx["outcome"] == "success":
                    trx["status"] = "Success"
                    if trx["apply"]:
                        trx["apply"]()
                else:
                    trx["status"] = "Failure"
                    trx["errors"] = trx["errors"] or [
                        {
                            "code": "ProcessingFailed",
                            "message": "Amazon could not process this transaction.",
                            "details": "Simulated failure (transaction_outcome=failure).",
                        }
                    ]
                trx["apply"] = None

    def get_transaction(self, transaction_id):
        """:return: the ``Transaction`` view; :raise ApiError: 404 when unknown."""
        with self.lock:
            self.settle()
            trx = self.transactions.get(transaction_id)
            if not trx:
                raise ApiError(
                    404, "NotFound", "The resource specified does not exist.", f"Unknown transactionId {transaction_id}"
                )
            view = {"transactionId": transaction_id, "status": trx["status"]}
            if trx["status"] == "Failure":
                view["errors"] = copy.deepcopy(trx["errors"])
            return view
