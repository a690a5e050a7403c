"""ACORN's client of Amazon's Selling Partner API (Vendor Central, 1P).

Plain Python (never imports Odoo): imported as ``odoo.addons.acorn_amazon_vendor.spapi`` in
Odoo and as ``spapi`` by the plain pytest suite, hence relative imports only.
"""

from .auth import (
    AccessToken,
    MemoryTokenStore,
    TokenStore,
    consent_url,
    exchange_authorization_code,
)
from .client import SpApiClient
from .exceptions import (
    AuthError,
    InvalidBodyError,
    OutcomeUnknownError,
    ReportFailedError,
    ReportTimeoutError,
    RequestError,
    SpApiError,
    ThrottledError,
    TransientError,
)
from .exchange import Exchange
from .periods import (
    MARKETPLACE_TIME_ZONES,
    last_complete_period,
    marketplace_time_zone,
    report_period_bounds,
)
from .purchase_order import PurchaseOrder, PurchaseOrderItem, read_purchase_order
from .redact import redact
from .regions import DEFAULT_MARKETPLACE, LWA_TOKEN_URL, MARKETPLACES, REGIONS, api_endpoint, marketplace_id

__all__ = [
    "SpApiClient",
    "AccessToken",
    "TokenStore",
    "MemoryTokenStore",
    "exchange_authorization_code",
    "consent_url",
    "SpApiError",
    "AuthError",
    "ThrottledError",
    "TransientError",
    "RequestError",
    "InvalidBodyError",
    "OutcomeUnknownError",
    "ReportFailedError",
    "ReportTimeoutError",
    "Exchange",
    "redact",
    "REGIONS",
    "MARKETPLACES",
    "DEFAULT_MARKETPLACE",
    "marketplace_id",
    "api_endpoint",
    "LWA_TOKEN_URL",
    "MARKETPLACE_TIME_ZONES",
    "marketplace_time_zone",
    "report_period_bounds",
    "last_complete_period",
    "PurchaseOrder",
    "PurchaseOrderItem",
    "read_purchase_order",
]
