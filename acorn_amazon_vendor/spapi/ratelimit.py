"""Client-side token buckets using Amazon's documented rate and burst per operation.

Waiting before sending is cheaper than collecting a 429 (which also counts against the
selling partner's quota), so every SP-API call first takes a token from its bucket.
"""

import threading
import time

# operationId -> (requests per second, burst), from each model's usage-plan table.
RATE_LIMITS = {
    "getPurchaseOrders": (10.0, 10),
    "getPurchaseOrder": (10.0, 10),
    "submitAcknowledgement": (10.0, 10),
    "getPurchaseOrdersStatus": (10.0, 10),
    "SubmitShipmentConfirmations": (10.0, 10),
    "SubmitShipments": (10.0, 10),
    "GetShipmentDetails": (10.0, 10),
    "GetShipmentLabels": (10.0, 10),
    "submitInvoices": (10.0, 10),
    "getTransaction": (10.0, 20),
    "createReport": (0.0167, 15),
    "getReport": (2.0, 15),
    "getReportDocument": (0.0167, 15),
    "getReports": (0.0222, 10),
    "createRestrictedDataToken": (1.0, 10),
    # The Invoices API 2026-06-25 model documents no usage plan: a conservative default.
    "getInvoiceHeaders": (0.5, 10),
    "getInvoice": (0.5, 10),
    # The Finance Remittance API 2026-03-17 documents none either; Amazon's JavaScript SDK has
    # no entry for it and so falls back to 1 request/s, burst 1: the same here.
    "getRemittanceHeaders": (1.0, 1),
    "getRemittance": (1.0, 1),
}
DEFAULT_RATE_LIMIT = (0.5, 10)


class TokenBucket:
    """A thread-safe token bucket that hands out reservations.

    :meth:`reserve` takes a token now, possibly going into debt, and returns how long the
    caller must wait; the caller sleeps outside the lock so other threads are not blocked.
    """

    def __init__(self, rate, burst, clock=time.monotonic):
        self.rate = float(rate)
        self.burst = float(burst)
        self.clock = clock
        self._tokens = float(burst)
        self._stamp = clock()
        self._lock = threading.Lock()

    def reserve(self):
        """Take one token.

        :return: seconds to wait before the request may be sent (0.0 when a token was free)
        """
        with self._lock:
            now = self.clock()
            self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            self._tokens -= 1.0
            if self._tokens >= 0:
                return 0.0
            return -self._tokens / self.rate


class RateLimiter:
    """Buckets keyed by (endpoint, client id, operation), shared by every client of a process.

    :param clock: monotonic clock (injectable for tests)
    :param limits: operation -> (rate, burst) table
    """

    def __init__(self, clock=time.monotonic, limits=None):
        self.clock = clock
        self.limits = dict(RATE_LIMITS if limits is None else limits)
        self._buckets = {}
        self._lock = threading.Lock()

    def bucket(self, endpoint, client_id, operation):
        """Return (creating it on first use) the bucket of one operation for one app."""
        key = (endpoint, client_id, operation)
        with self._lock:
            if key not in self._buckets:
                rate, burst = self.limits.get(operation, DEFAULT_RATE_LIMIT)
                self._buckets[key] = TokenBucket(rate, burst, clock=self.clock)
            return self._buckets[key]

    def acquire(self, endpoint, client_id, operation, sleep=time.sleep):
        """Wait (through ``sleep``) until a request of ``operation`` may be sent.

        :return: the seconds waited
        """
        delay = self.bucket(endpoint, client_id, operation).reserve()
        if delay > 0:
            sleep(delay)
        return delay


# Process-wide: Odoo's threaded workers share one budget per app and endpoint.
DEFAULT_LIMITER = RateLimiter()
