"""Retail Procurement Orders (vendorOrders.json): the PO book, its status and acknowledgements."""

import copy

from . import validation
from .common import (
    ApiError,
    check_enum,
    check_span,
    fmt_iso,
    invalid_input,
    not_found,
    paginate,
    parse_bool,
    parse_iso,
    parse_limit,
)

PO_STATES = ("New", "Acknowledged", "Closed")


# ---------------------------------------------------------------- quantities
def to_units(quantity, reference=None):
    """Number of eaches in an ``ItemQuantity``; missing unit data defaults to ``reference``'s."""
    reference = reference or {}
    unit = quantity.get("unitOfMeasure") or reference.get("unitOfMeasure") or "Eaches"
    size = quantity.get("unitSize")
    if size is None:
        size = reference.get("unitSize", 1) if unit == reference.get("unitOfMeasure") else 1
    return int(quantity.get("amount") or 0) * (int(size or 1) if unit == "Cases" else 1)


def from_units(units, reference):
    """An ``ItemQuantity`` in the ordered unit when it divides evenly, else in Eaches."""
    if reference.get("unitOfMeasure") == "Cases":
        size = int(reference.get("unitSize") or 1)
        if units % size == 0:
            return {"amount": units // size, "unitOfMeasure": "Cases", "unitSize": size}
    return {"amount": units, "unitOfMeasure": "Eaches", "unitSize": 1}


# ---------------------------------------------------------------- the book
def _check_order(sim, order, index):
    if not isinstance(order, dict) or not order.get("purchaseOrderNumber"):
        raise invalid_input(f"Order [{index}] needs a purchaseOrderNumber.")
    details = order.get("orderDetails")
    if (
        not isinstance(details, dict)
        or not details.get("purchaseOrderDate")
        or not isinstance(details.get("items"), list)
    ):
        raise invalid_input(
            f"Order {order['purchaseOrderNumber']} needs orderDetails with purchaseOrderDate and items."
        )
    parse_iso(details["purchaseOrderDate"], "purchaseOrderDate")
    if order.get("purchaseOrderState", "New") not in PO_STATES:
        raise invalid_input(f"Order {order['purchaseOrderNumber']}: bad purchaseOrderState.")
    errors = sim.validator.validate("orders", "Order", order)
    if errors:
        raise ApiError(400, "InvalidInput", errors[0]["message"], errors[0]["details"])


def add_orders(sim, orders):
    """Add or replace POs (see :meth:`Simulator.add_purchase_orders`)."""
    if not isinstance(orders, list):
        raise invalid_input("The body must be a JSON list of Amazon Order objects.")
    orders = copy.deepcopy(orders)
    for index, order in enumerate(orders):
        order.setdefault("purchaseOrderState", "New")
        details = order.get("orderDetails") or {}
        if isinstance(details, dict) and details.get("purchaseOrderDate"):
            details.setdefault("purchaseOrderStateChangedDate", details["purchaseOrderDate"])
        _check_order(sim, order, index)
    added = replaced = 0
    now = sim.now()
    for order in orders:
        number = order["purchaseOrderNumber"]
        old = sim.orders.get(number)
        details = order["orderDetails"]
        if old:
            details["purchaseOrderChangedDate"] = fmt_iso(now)
            old["order"] = order
            old["updated"] = now
            _track_ordered(old, now)
            replaced += 1
        else:
            created = parse_iso(details["purchaseOrderDate"])
            changed = details.get("purchaseOrderChangedDate")
            record = {
                "order": order,
                "acks": [],
                "item_acks": {},
                "receipts": {},
                "history": {},
                "updated": parse_iso(changed) if changed else created,
            }
            _track_ordered(record, created)
            sim.orders[number] = record
            added += 1
    return {"added": added, "replaced": replaced}


def _track_ordered(record, when):
    for item in record["order"]["orderDetails"]["items"]:
        history = record["history"].setdefault(item["itemSequenceNumber"], [])
        if not history or history[-1]["orderedQuantity"] != item["orderedQuantity"]:
            history.append({"updatedDate": fmt_iso(when), "orderedQuantity": copy.deepcopy(item["orderedQuantity"])})


def visible(sim, record):
    """Amazon only shows a PO once its purchaseOrderDate has passed."""
    return parse_iso(record["order"]["orderDetails"]["purchaseOrderDate"]) <= sim.now()


def get_record(sim, number):
    record = sim.orders.get(number)
    if not record or not visible(sim, record):
        raise not_found(details=f"Purchase order {number} was not found.")
    return record


# ---------------------------------------------------------------- status
def _item_status(record, item):
    seq = item["itemSequenceNumber"]
    ordered = item["orderedQuantity"]
    ack = record["item_acks"].get(seq)
    received = record["receipts"].get(seq, [])
    received_units = sum(r["units"] for r in received)
    status = {
        "itemSequenceNumber": seq,
        "orderedQuantity": {
            "orderedQuantity": copy.deepcopy(ordered),
            "orderedQuantityDetails": copy.deepcopy(record["history"][seq]),
        },
        "acknowledgementStatus": _ack_status(ack, ordered),
        "receivingStatus": {
            "receiveStatus": _receive_status(ack, ordered, received_units),
            "receivedQuantity": from_units(received_units, ordered),
        },
    }
    if received:
        status["receivingStatus"]["lastReceiveDate"] = max(r["date"] for r in received)
    for src, dst in (
        ("amazonProductIdentifier", "buyerProductIdentifier"),
        ("vendorProductIdentifier", "vendorProductIdentifier"),
        ("netCost", "netCost"),
        ("listPrice", "listPrice"),
    ):
        if item.get(src) is not None:
            status[dst] = copy.deepcopy(item[src])
    return status


def _ack_status(ack, ordered):
    if not ack:
        return {
            "confirmationStatus": "UNCONFIRMED",
            "acceptedQuantity": from_units(0, ordered),
            "rejectedQuantity": from_units(0, ordered),
        }
    accepted, rejected = ack["accepted"], ack["rejected"]
    if accepted and not rejected:
        code = "ACCEPTED"
    elif accepted:
        code = "PARTIALLY_ACCEPTED"
    else:
        code = "REJECTED"
    return {
        "confirmationStatus": code,
        "acceptedQuantity": from_units(accepted, ordered),
        "rejectedQuantity": from_units(rejected, ordered),
        "acknowledgementStatusDetails": copy.deepcopy(ack["details"]),
    }


def _receive_status(ack, ordered, received_units):
    expected = ack["accepted"] if ack else to_units(ordered)
    if received_units <= 0:
        return "NOT_RECEIVED"
    return "RECEIVED" if received_units >= expected else "PARTIALLY_RECEIVED"


def order_status(record):
    """The ``OrderStatus`` of one PO, as getPurchaseOrdersStatus returns it."""
    order = record["order"]
    details = order["orderDetails"]
    return {
        "purchaseOrderNumber": order["purchaseOrderNumber"],
        "purchaseOrderStatus": "CLOSED" if order["purchaseOrderState"] == "Closed" else "OPEN",
        "purchaseOrderDate": details["purchaseOrderDate"],
        "lastUpdatedDate": fmt_iso(record["updated"]),
        "sellingParty": copy.deepcopy(details.get("sellingParty", {"partyId": ""})),
        "shipToParty": copy.deepcopy(details.get("shipToParty", {"partyId": ""})),
        "itemStatus": [_item_status(record, item) for item in details["items"]],
    }


def control_view(sim, number):
    record = sim.orders.get(number)
    if not record:
        raise not_found(details=f"Purchase order {number} is not in the simulator.")
    return {
        "purchaseOrderNumber": number,
        "order": copy.deepcopy(record["order"]),
        "status": order_status(record),
        "acknowledgements": copy.deepcopy(record["acks"]),
    }


# ---------------------------------------------------------------- operations
def _window(query, after_name, before_name, now):
    after = parse_iso(query[after_name], after_name) if after_name in query else None
    before = parse_iso(query[before_name], before_name) if before_name in query else None
    check_span(after, before, after_name, before_name, now)
    return after, before


def _in_window(moment, after, before):
    if moment is None:
        return after is None and before is None
    return (after is None or moment >= after) and (before is None or moment <= before)


def _sorted_records(sim, query):
    order = check_enum(query, "sortOrder", ("ASC", "DESC")) or "ASC"
    records = [r for r in sim.orders.values() if visible(sim, r)]
    records.sort(
        key=lambda r: (parse_iso(r["order"]["orderDetails"]["purchaseOrderDate"]), r["order"]["purchaseOrderNumber"]),
        reverse=order == "DESC",
    )
    return records


def get_purchase_orders(sim, req):
    """GET /vendor/orders/v1/purchaseOrders"""
    query, now = req.query, sim.now()
    limit = parse_limit(query)
    created = _window(query, "createdAfter", "createdBefore", now)
    changed = _window(query, "changedAfter", "changedBefore", now)
    include_details = parse_bool(query, "includeDetails", True)
    is_changed = parse_bool(query, "isPOChanged", False)
    item_state = check_enum(query, "poItemState", ("Cancelled",))
    state = check_enum(query, "purchaseOrderState", PO_STATES)
    vendor = query.get("orderingVendorCode")
    selected = []
    for record in _sorted_records(sim, query):
        order, details = record["order"], record["order"]["orderDetails"]
        changed_at = details.get("purchaseOrderChangedDate")
        changed_at = parse_iso(changed_at) if changed_at else None
        if (
            not _in_window(parse_iso(details["purchaseOrderDate"]), *created)
            or ((changed[0] or changed[1]) and not _in_window(changed_at, *changed))
            or (is_changed and changed_at is None)
            or (state and order["purchaseOrderState"] != state)
            or (vendor and details.get("sellingParty", {}).get("partyId") != vendor)
            or (item_state and not any(i["orderedQuantity"].get("amount") == 0 for i in details["items"]))
        ):
            continue
        selected.append(order)
    page, token = paginate(selected, query, limit)
    if not include_details:
        page = [
            {"purchaseOrderNumber": o["purchaseOrderNumber"], "purchaseOrderState": o["purchaseOrderState"]}
            for o in page
        ]
    payload = {"orders": copy.deepcopy(page)}
    if token:
        payload["pagination"] = {"nextToken": token}
    return 200, {"payload": payload}


def get_purchase_order(sim, req):
    """GET /vendor/orders/v1/purchaseOrders/{purchaseOrderNumber}"""
    record = get_record(sim, req.params["purchaseOrderNumber"])
    return 200, {"payload": copy.deepcopy(record["order"])}


def get_purchase_orders_status(sim, req):
    """GET /vendor/orders/v1/purchaseOrdersStatus"""
    query, now = req.query, sim.now()
    limit = parse_limit(query)
    created = _window(query, "createdAfter", "createdBefore", now)
    updated = _window(query, "updatedAfter", "updatedBefore", now)
    po_status = check_enum(query, "purchaseOrderStatus", ("OPEN", "CLOSED"))
    confirmation = check_enum(
        query, "itemConfirmationStatus", ("ACCEPTED", "PARTIALLY_ACCEPTED", "REJECTED", "UNCONFIRMED")
    )
    receive = check_enum(query, "itemReceiveStatus", ("NOT_RECEIVED", "PARTIALLY_RECEIVED", "RECEIVED"))
    selected = []
    for record in _sorted_records(sim, query):
        status = order_status(record)
        items = status["itemStatus"]
        if (
            not _in_window(parse_iso(status["purchaseOrderDate"]), *created)
            or not _in_window(record["updated"], *updated)
            or query.get("purchaseOrderNumber") not in (None, status["purchaseOrderNumber"])
            or (po_status and status["purchaseOrderStatus"] != po_status)
            or query.get("orderingVendorCode") not in (None, status["sellingParty"]["partyId"])
            or query.get("shipToPartyId") not in (None, status["shipToParty"]["partyId"])
            or (
                confirmation
                and not any(i["acknowledgementStatus"]["confirmationStatus"] == confirmation for i in items)
            )
            or (receive and not any(i["receivingStatus"]["receiveStatus"] == receive for i in items))
        ):
            continue
        selected.append(status)
    page, token = paginate(selected, query, limit)
    payload = {"ordersStatus": page}
    if token:
        payload["pagination"] = {"nextToken": token}
    return 200, {"payload": payload}


# ---------------------------------------------------------------- acknowledgements
def _find_item(po_items, ack_item):
    seq = ack_item.get("itemSequenceNumber")
    if seq is not None:
        return next((i for i in po_items if str(i["itemSequenceNumber"]) == str(seq)), None)
    for key in ("vendorProductIdentifier", "amazonProductIdentifier"):
        if ack_item.get(key):
            return next((i for i in po_items if i.get(key) == ack_item[key]), None)
    return None


def acknowledgement_rules(sim, ack, where):
    """Amazon's business rules for one acknowledgement; :return: errors."""
    number = ack["purchaseOrderNumber"]
    record = sim.orders.get(number)
    if not record or not visible(sim, record):
        return [validation.error(f"{where}: purchase order {number} does not exist.", "Unknown purchaseOrderNumber.")]
    details = record["order"]["orderDetails"]
    errors = []
    if record["order"]["purchaseOrderState"] == "Closed":
        errors.append(validation.error(f"{where}: purchase order {number} is closed."))
    expected_party = details.get("sellingParty", {}).get("partyId")
    if ack["sellingParty"].get("partyId") != expected_party:
        errors.append(
            validation.error(
                f"{where}: sellingParty {ack['sellingParty'].get('partyId')} does not match purchase order {number}.",
                f"Expected sellingParty.partyId {expected_party}.",
            )
        )
    totals = {}
    for i, ack_item in enumerate(ack["items"]):
        po_item = _find_item(details["items"], ack_item)
        label = f"{where}.items[{i}]"
        if po_item is None:
            errors.append(validation.error(f"{label}: item not found on purchase order {number}."))
            continue
        for key in ("vendorProductIdentifier", "amazonProductIdentifier"):
            if ack_item.get(key) and po_item.get(key) and ack_item[key] != po_item[key]:
                errors.append(
                    validation.error(
                        f"{label}: {key} {ack_item[key]} does not match item "
                        f"{po_item['itemSequenceNumber']} of purchase order {number}.",
                        f"Expected {po_item[key]}.",
                    )
                )
        units = sum(
            to_units(line["acknowledgedQuantity"], po_item["orderedQuantity"])
            for line in ack_item["itemAcknowledgements"]
        )
        totals[po_item["itemSequenceNumber"]] = totals.get(po_item["itemSequenceNumber"], 0) + units
    for po_item in details["items"]:
        ordered = to_units(po_item["orderedQuantity"])
        acknowledged = totals.get(po_item["itemSequenceNumber"], 0)
        if acknowledged > ordered:
            errors.append(
                validation.error(
                    f"{where}: item {po_item['itemSequenceNumber']} of purchase order {number} is "
                    f"acknowledged for {acknowledged} units but only {ordered} were ordered.",
                    "The acknowledged quantity must not exceed the ordered quantity.",
                )
            )
    return errors


def apply_acknowledgement(sim, ack):
    """Make a successful acknowledgement visible on the PO and its status."""
    record = sim.orders[ack["purchaseOrderNumber"]]
    now = sim.now()
    order, details = record["order"], record["order"]["orderDetails"]
    for ack_item in ack["items"]:
        po_item = _find_item(details["items"], ack_item)
        reference = po_item["orderedQuantity"]
        accepted = rejected = 0
        for line in ack_item["itemAcknowledgements"]:
            units = to_units(line["acknowledgedQuantity"], reference)
            if line["acknowledgementCode"] == "Rejected":
                rejected += units
            else:
                accepted += units
        entry = record["item_acks"].setdefault(
            po_item["itemSequenceNumber"], {"accepted": 0, "rejected": 0, "details": []}
        )
        entry.update(accepted=accepted, rejected=rejected)
        entry["details"].append(
            {
                "acknowledgementDate": ack["acknowledgementDate"],
                "acceptedQuantity": from_units(accepted, reference),
                "rejectedQuantity": from_units(rejected, reference),
            }
        )
    if order["purchaseOrderState"] == "New":
        order["purchaseOrderState"] = "Acknowledged"
        details["purchaseOrderStateChangedDate"] = fmt_iso(now)
    record["acks"].append(copy.deepcopy(ack))
    record["updated"] = now


def submit_acknowledgement(sim, req):
    """POST /vendor/orders/v1/acknowledgements"""
    acks = validation.require_list(req.body, "acknowledgements")
    errors = sim.validator.validate("orders", "SubmitAcknowledgementRequest", req.body)
    for i, ack in enumerate(acks):
        errors += validation.structure_acknowledgement(ack, f"acknowledgements[{i}]")
    if not errors:
        for i, ack in enumerate(acks):
            errors += acknowledgement_rules(sim, ack, f"acknowledgements[{i}]")

    def apply():
        for ack in acks:
            apply_acknowledgement(sim, ack)

    transaction_id = sim.record_submission("submitAcknowledgement", req.body, errors, apply)
    return 202, {"payload": {"transactionId": transaction_id}}


def add_receipts(sim, number, body):
    """Record Amazon receiving goods for a PO (control API)."""
    record = sim.orders.get(number)
    if not record:
        raise not_found(details=f"Purchase order {number} is not in the simulator.")
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        raise invalid_input('The body must be {"items": [...]}.')
    now, items = sim.now(), record["order"]["orderDetails"]["items"]
    for entry in body["items"]:
        po_item = _find_item(items, entry) if isinstance(entry, dict) else None
        quantity = entry.get("receivedQuantity") if po_item else None
        if po_item is None or not isinstance(quantity, (int, dict)):
            raise invalid_input(f"Receipt {entry!r} names no item of {number} or has no receivedQuantity.")
        if isinstance(quantity, int):
            quantity = {"amount": quantity, "unitOfMeasure": "Eaches", "unitSize": 1}
        date = fmt_iso(parse_iso(entry.get("receiveDate") or fmt_iso(now), "receiveDate"))
        record["receipts"].setdefault(po_item["itemSequenceNumber"], []).append(
            {"units": to_units(quantity, po_item["orderedQuantity"]), "date": date}
        )
    record["updated"] = now
    return control_view(sim, number)
