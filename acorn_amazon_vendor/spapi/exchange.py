"""One HTTP attempt as seen by the ``exchange_hook`` (Odoo stores them as log records)."""

import logging
from dataclasses import asdict, dataclass, field

_logger = logging.getLogger(__name__)

# Response headers worth keeping: enough to trace a call with Amazon support.
KEPT_RESPONSE_HEADERS = (
    "x-amzn-RequestId",
    "x-amzn-RateLimit-Limit",
    "Retry-After",
    "Content-Type",
    "Content-Encoding",
    "x-amz-apigw-id",
    "x-amzn-trace-id",
)


@dataclass
class Exchange:
    """A redacted record of one HTTP attempt, LWA included.

    Secrets and personal data are already masked; the dataclass is JSON-able through
    :meth:`as_dict`.
    """

    operation: str
    method: str
    url: str
    path: str
    params: dict = field(default_factory=dict)
    request_headers: dict = field(default_factory=dict)
    request_body: object = None
    status: int = None
    response_headers: dict = field(default_factory=dict)
    response_body: object = None
    duration_ms: int = 0
    request_id: str = None
    attempt: int = 1
    error: str = None

    def as_dict(self):
        """Plain dict of all fields."""
        return asdict(self)


def kept_headers(headers):
    """The subset of response ``headers`` an Exchange records."""
    if not headers:
        return {}
    return {name: headers[name] for name in KEPT_RESPONSE_HEADERS if name in headers}


def call_hook(hook, exchange):
    """Call ``hook(exchange)``; a failing hook is logged, never breaks the API call."""
    if hook is None:
        return
    try:
        hook(exchange)
    except Exception:  # noqa: BLE001 - a logging hook must not break business calls
        _logger.exception("SP-API exchange hook failed for %s (request id %s)", exchange.operation, exchange.request_id)
