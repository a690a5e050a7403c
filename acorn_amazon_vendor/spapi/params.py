"""Query parameters: snake_case keyword arguments to Amazon's camelCase, values formatted."""

import re
from datetime import date, datetime, timedelta

from .timeutil import MAX_WINDOW, split_windows, to_amz

# operationId -> query parameters of the model (camelCase, as Amazon spells them).
QUERY_PARAMS = {
    "getPurchaseOrders": (
        "limit",
        "createdAfter",
        "createdBefore",
        "sortOrder",
        "nextToken",
        "includeDetails",
        "changedAfter",
        "changedBefore",
        "poItemState",
        "isPOChanged",
        "purchaseOrderState",
        "orderingVendorCode",
    ),
    "getPurchaseOrdersStatus": (
        "limit",
        "sortOrder",
        "nextToken",
        "createdAfter",
        "createdBefore",
        "updatedAfter",
        "updatedBefore",
        "purchaseOrderNumber",
        "purchaseOrderStatus",
        "itemConfirmationStatus",
        "itemReceiveStatus",
        "orderingVendorCode",
        "shipToPartyId",
    ),
    "GetShipmentDetails": (
        "limit",
        "sortOrder",
        "nextToken",
        "createdAfter",
        "createdBefore",
        "shipmentConfirmedBefore",
        "shipmentConfirmedAfter",
        "packageLabelCreatedBefore",
        "packageLabelCreatedAfter",
        "shippedBefore",
        "shippedAfter",
        "estimatedDeliveryBefore",
        "estimatedDeliveryAfter",
        "shipmentDeliveryBefore",
        "shipmentDeliveryAfter",
        "requestedPickUpBefore",
        "requestedPickUpAfter",
        "scheduledPickUpBefore",
        "scheduledPickUpAfter",
        "currentShipmentStatus",
        "vendorShipmentIdentifier",
        "buyerReferenceNumber",
        "buyerWarehouseCode",
        "sellerWarehouseCode",
    ),
    "GetShipmentLabels": (
        "limit",
        "sortOrder",
        "nextToken",
        "labelCreatedAfter",
        "labelCreatedBefore",
        "buyerReferenceNumber",
        "vendorShipmentIdentifier",
        "sellerWarehouseCode",
    ),
    "getReports": (
        "reportTypes",
        "processingStatuses",
        "marketplaceIds",
        "pageSize",
        "createdSince",
        "createdUntil",
        "nextToken",
    ),
    "getInvoiceHeaders": ("nextToken", "marketplaceId", "fromIssueDate", "toIssueDate", "invoicesModifiedAfter"),
    "getInvoice": ("marketplaceId", "nextTokenForLineItems"),
    "getRemittanceHeaders": ("marketplaceId", "startDate", "endDate", "nextToken"),
    "getRemittance": ("marketplaceId", "nextTokenForLineItems"),
}
# Date ranges not spelled ``...After``/``...Before``: (start, end, longest span Amazon accepts).
DATE_RANGES = {
    "getRemittanceHeaders": (("startDate", "endDate", timedelta(days=90)),),
}
_TIME_PARAM_RE = re.compile(r"(After|Before|Since|Until|Date)$")


def camel_to_snake(name):
    """``isPOChanged`` -> ``is_po_changed``; ``shipToPartyId`` -> ``ship_to_party_id``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def _format(name, value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime, date)) or (isinstance(value, str) and _TIME_PARAM_RE.search(name) and "T" in value):
        return to_amz(value)
    if isinstance(value, (list, tuple, set)):
        return ",".join(str(v) for v in value)
    return value


def build_params(operation, filters):
    """Translate keyword filters into Amazon's query parameters.

    Accepts snake_case (``created_after``) or Amazon's own spelling (``createdAfter``);
    datetimes become ``...Z`` strings, booleans "true"/"false", lists comma-separated.

    :param operation: operationId with a row in :data:`QUERY_PARAMS`
    :param filters: keyword arguments of the caller
    :return: dict of query parameters (None values dropped)
    :raise TypeError: unknown filter name (a typo would otherwise silently fetch everything)
    """
    allowed = QUERY_PARAMS[operation]
    by_name = {camel_to_snake(name): name for name in allowed}
    by_name.update({name: name for name in allowed})
    params = {}
    for key, value in filters.items():
        if key not in by_name:
            raise TypeError(
                f"{operation} has no filter {key!r}; known: {', '.join(sorted(camel_to_snake(n) for n in allowed))}"
            )
        if value is not None:
            params[by_name[key]] = _format(by_name[key], value)
    return params


def _ranges(operation, params):
    """The (start key, end key, longest span) of every date range present in ``params``."""
    for after_key in [key for key in params if key.endswith("After")]:
        before_key = after_key[: -len("After")] + "Before"
        if before_key in QUERY_PARAMS[operation]:  # a lone "modified after" filter has no window
            yield after_key, before_key, MAX_WINDOW
    for start_key, end_key, span in DATE_RANGES.get(operation, ()):
        if start_key in params:
            yield start_key, end_key, span


def windowed(operation, params):
    """Split ``params`` into one params dict per window its date ranges allow.

    Amazon limits every ``...After``/``...Before`` pair of the vendor APIs to 7 days, whatever
    the pair (created, changed, updated, shipped, ...), and the ranges of :data:`DATE_RANGES`
    to their own span (``startDate``/``endDate`` of remittances: 90 days). Each long range is
    split (its end defaults to now); two long ranges give every combination of their windows.
    Windows follow ``sortOrder`` (newest first for DESC). Params without a long span come
    back unchanged, and so do ranges that end before they start (Amazon answers 400).

    :param operation: operationId with a row in :data:`QUERY_PARAMS`
    :param params: query parameters as :func:`build_params` returns them
    :return: list of params dicts
    """
    variants = [params]
    descending = str(params.get("sortOrder", "")).upper() == "DESC"
    for start_key, end_key, span in list(_ranges(operation, params)):
        windows = split_windows(params[start_key], params.get(end_key), span)
        if len(windows) <= 1:
            continue
        if descending:
            windows.reverse()
        variants = [
            dict(variant, **{start_key: to_amz(start), end_key: to_amz(end)})
            for variant in variants
            for start, end in windows
        ]
    return variants
