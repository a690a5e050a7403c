"""Query parameters: snake_case keyword arguments to Amazon's camelCase, values formatted."""

import re
from datetime import date, datetime

from .timeutil import split_windows, to_amz

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


def windowed(operation, params):
    """Split ``params`` into one params dict per ≤7-day window of its date filters.

    Amazon limits every ``...After``/``...Before`` pair of the vendor APIs to 7 days, whatever
    the pair (created, changed, updated, shipped, ...). Each long pair is split (``...Before``
    defaults to now); two long pairs give every combination of their windows. Windows follow
    ``sortOrder`` (newest first for DESC). Params without a long span come back unchanged.

    :param operation: operationId with a row in :data:`QUERY_PARAMS`
    :param params: query parameters as :func:`build_params` returns them
    :return: list of params dicts
    """
    variants = [params]
    descending = str(params.get("sortOrder", "")).upper() == "DESC"
    for after_key in [key for key in params if key.endswith("After")]:
        before_key = after_key[: -len("After")] + "Before"
        if before_key not in QUERY_PARAMS[operation]:
            continue  # a lone "modified after" filter has no window to respect
        windows = split_windows(params[after_key], params.get(before_key))
        if len(windows) <= 1:
            continue
        if descending:
            windows.reverse()
        variants = [
            dict(variant, **{after_key: to_amz(start), before_key: to_amz(end)})
            for variant in variants
            for start, end in windows
        ]
    return variants
