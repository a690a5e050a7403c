"""Token buckets per operation, with the rates and bursts Amazon documents."""

import threading
import time

# operationId -> (requests per second, burst), from the official models' descriptions.
DEFAULT_LIMITS = {
    "getPurchaseOrders": (10, 10),
    "getPurchaseOrder": (10, 10),
    "submitAcknowledgement": (10, 10),
    "getPurchaseOrdersStatus": (10, 10),
    "SubmitShipmentConfirmations": (10, 10),
    "SubmitShipments": (10, 10),
    "GetShipmentDetails": (10, 10),
    "GetShipmentLabels": (10, 10),
    "submitInvoices": (10, 10),
    "getTransaction": (10, 20),
    "getReports": (0.0222, 10),
    "createReport": (0.0167, 15),
    "getReport": (2, 15),
    "cancelReport": (0.0222, 10),
    "getReportDocument": (0.0167, 15),
    "createRestrictedDataToken": (1, 10),
    # The Invoices API 2026-06-25 model states no rate: 0.5/10 is our assumption.
    "getInvoiceHeaders": (0.5, 10),
    "getInvoice": (0.5, 10),
    # Neither does the Finance Remittance API 2026-03-17: 1/1, what Amazon's JavaScript SDK
    # falls back to for it.
    "getRemittanceHeaders": (1, 1),
    "getRemittance": (1, 1),
}


class RateLimiter:
    """Per-operation token buckets, refilled on the real (monotonic) clock."""

    def __init__(self):
        self._lock = threading.Lock()
        self._buckets = {}

    def reset(self):
        with self._lock:
            self._buckets.clear()

    @staticmethod
    def limits(operation, overrides):
        """:return: ``(rate, burst)`` for ``operation``, config overrides first."""
        override = (overrides or {}).get(operation)
        rate, burst = DEFAULT_LIMITS.get(operation, (10, 10))
        if override:
            rate = float(override.get("rate", rate))
            burst = float(override.get("burst", burst))
        return rate, burst

    def take(self, operation, overrides=None):
        """Consume one token; :return: True when allowed, False when throttled."""
        rate, burst = self.limits(operation, overrides)
        now = time.monotonic()
        with self._lock:
            tokens, last, known = self._buckets.get(operation, (burst, now, (rate, burst)))
            if known != (rate, burst):
                tokens = burst
            tokens = min(burst, tokens + (now - last) * rate)
            allowed = tokens >= 1
            if allowed:
                tokens -= 1
            self._buckets[operation] = (tokens, now, (rate, burst))
            return allowed
