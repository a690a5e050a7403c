"""Vendor shipments (vendorShipments.json): confirmations (ASN), shipments, details, labels."""

import base64
import copy
import uuid
from datetime import timedelta

from . import validation
from .common import check_enum, check_span, fmt_iso, paginate, parse_iso, parse_limit

# A tiny but well-formed one-page PDF, served base64-encoded as every label.
LABEL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 288 432]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
# The carrier Amazon assigns to every Collect transport request.
CARRIER = {"name": "Simulated Amazon Freight Partner", "code": "SAFP"}
# Amazon schedules a pickup a day ahead at the earliest.
PICKUP_NOTICE = timedelta(days=1)
TRUCK_MODES = ("TruckLoad", "LessThanTruckLoad")


def _po_numbers_of_confirmation(conf):
    numbers = []
    containers = [conf.get("shippedItems") or []]
    containers += [c.get("items") or [] for c in (conf.get("cartons") or []) + (conf.get("pallets") or [])]
    for items in containers:
        for item in items:
            number = (item.get("itemDetails") or {}).get("purchaseOrderNumber")
            if number and number not in numbers:
                numbers.append(number)
    return numbers


def _unknown_pos(sim, numbers, where):
    return [
        validation.error(f"{where}: purchase order {n} does not exist.", "Unknown purchaseOrderNumber.")
        for n in numbers
        if n not in sim.orders
    ]


def _confirmation_as_shipment(conf):
    """GetShipmentDetails lists confirmations as Shipment objects."""
    by_po = {}
    for item in conf["shippedItems"]:
        number = (item.get("itemDetails") or {}).get("purchaseOrderNumber") or ""
        by_po.setdefault(number, []).append(
            {
                "itemSequenceNumber": item["itemSequenceNumber"],
                **{k: item[k] for k in ("vendorProductIdentifier",) if item.get(k)},
                **(
                    {"buyerProductIdentifier": item["amazonProductIdentifier"]}
                    if item.get("amazonProductIdentifier")
                    else {}
                ),
                "shippedQuantity": copy.deepcopy(item["shippedQuantity"]),
            }
        )
    shipment = {
        "vendorShipmentIdentifier": conf["shipmentIdentifier"],
        "transactionType": "New",
        "transactionDate": conf["shipmentConfirmationDate"],
        "currentShipmentStatus": "Shipped",
        "currentshipmentStatusDate": conf.get("shippedDate") or conf["shipmentConfirmationDate"],
        "shipmentConfirmDate": conf["shipmentConfirmationDate"],
        "sellingParty": conf["sellingParty"],
        "shipFromParty": conf["shipFromParty"],
        "shipToParty": conf["shipToParty"],
        "purchaseOrders": [{"purchaseOrderNumber": n, "items": items} for n, items in by_po.items() if n],
    }
    if conf.get("amazonReferenceNumber"):
        shipment["buyerReferenceNumber"] = conf["amazonReferenceNumber"]
    details = {k: conf[k] for k in ("shippedDate", "estimatedDeliveryDate") if conf.get(k)}
    if details:
        shipment["transportationDetails"] = details
    return copy.deepcopy(shipment)


def _transport_request(sim, ident):
    """The Collect transport request (SubmitShipments New) stored under ``ident``, or None."""
    shipment = sim.shipments.get(ident)
    if shipment and ident not in sim.confirmations and shipment.get("shipmentFreightTerm") != "Prepaid":
        return shipment
    return None


def _reference_errors(sim, conf, where):
    """Amazon's ARN rules: an ASN of Collect freight carries the ARN Amazon gave its transport."""
    arn, ident = conf.get("amazonReferenceNumber"), conf["shipmentIdentifier"]
    request = _transport_request(sim, ident)
    expected = (request or {}).get("buyerReferenceNumber")
    if expected and not arn:
        return [
            validation.error(
                f"{where}: amazonReferenceNumber is mandatory for Collect shipment {ident}.",
                f"Send the Amazon Reference Number {expected} of its transport request.",
            )
        ]
    if expected and arn != expected:
        return [validation.error(f"{where}: amazonReferenceNumber {arn} is not the one of shipment {ident}.")]
    if arn and not any(s.get("buyerReferenceNumber") == arn for s in sim.shipments.values()):
        return [validation.error(f"{where}: amazonReferenceNumber {arn} does not exist.")]
    return []


def _shipped_request(request, shipment):
    """A transport request once its ASN arrived: Amazon's references kept, the ASN's facts added."""
    merged = copy.deepcopy(request)
    transport = {**(request.get("transportationDetails") or {}), **(shipment.get("transportationDetails") or {})}
    merged.update({k: v for k, v in shipment.items() if k not in ("buyerReferenceNumber", "transactionDate")})
    merged["transportationDetails"] = transport
    merged["shipmentStatusDetails"] = [
        *(request.get("shipmentStatusDetails") or []),
        {"shipmentStatus": "Shipped", "shipmentStatusDate": shipment["currentshipmentStatusDate"]},
    ]
    return merged


def _amazon_assigns(sim, stored):
    """What Amazon adds to a Collect transport request it accepted: the ARN, a carrier, a pickup."""
    if stored.get("shipmentFreightTerm") == "Prepaid":
        return stored
    now = sim.now()
    stored.setdefault("buyerReferenceNumber", f"{uuid.uuid4().int % 10**10:010d}")
    pickup = dict(stored.get("collectFreightPickupDetails") or {})
    earliest = now + PICKUP_NOTICE
    requested = parse_iso(pickup["requestedPickUp"]) if pickup.get("requestedPickUp") else earliest
    pickup.setdefault("scheduledPickUp", fmt_iso(max(requested, earliest)))
    pickup.setdefault("carrierAssignmentDate", fmt_iso(now))
    stored["collectFreightPickupDetails"] = pickup
    transport = dict(stored.get("transportationDetails") or {})
    pallets = any(c.get("containerType") == "pallet" for c in stored.get("containers") or [])
    transport.setdefault("shipMode", "LessThanTruckLoad" if pallets else "SmallParcel")
    transport.setdefault("transportationMode", "Road")
    transport.setdefault("carrierDetails", {**CARRIER, "shipmentReferenceNumber": f"{uuid.uuid4().int % 10**9:09d}"})
    stored["transportationDetails"] = transport
    stored["currentShipmentStatus"] = "CarrierAssigned"
    stored["currentshipmentStatusDate"] = fmt_iso(now)
    stored["shipmentStatusDetails"] = [
        {"shipmentStatus": "Created", "shipmentStatusDate": fmt_iso(now)},
        {"shipmentStatus": "CarrierAssigned", "shipmentStatusDate": fmt_iso(now)},
    ]
    return stored


def submit_shipment_confirmations(sim, req):
    """POST /vendor/shipping/v1/shipmentConfirmations"""
    confirmations = validation.require_list(req.body, "shipmentConfirmations")
    errors = sim.validator.validate("shipments", "SubmitShipmentConfirmationsRequest", req.body)
    for i, conf in enumerate(confirmations):
        errors += validation.structure_confirmation(conf, f"shipmentConfirmations[{i}]")
    if not errors:
        seen = set()
        for i, conf in enumerate(confirmations):
            where, ident = f"shipmentConfirmations[{i}]", conf["shipmentIdentifier"]
            reused = ident in seen or (ident in sim.confirmations and conf["shipmentConfirmationType"] == "Original")
            if reused:
                errors.append(
                    validation.error(
                        f"{where}: shipmentIdentifier {ident} has already been used.",
                        "Use a new shipmentIdentifier, or shipmentConfirmationType Replace.",
                    )
                )
            seen.add(ident)
            errors += _unknown_pos(sim, _po_numbers_of_confirmation(conf), where)
            errors += _reference_errors(sim, conf, where)

    def apply():
        for conf in confirmations:
            ident = conf["shipmentIdentifier"]
            request = _transport_request(sim, ident)
            sim.confirmations[ident] = copy.deepcopy(conf)
            shipment = _confirmation_as_shipment(conf)
            if request:
                shipment = _shipped_request(request, shipment)
            else:
                shipment["shipmentCreateDate"] = fmt_iso(sim.now())
                shipment["packageLabelCreateDate"] = fmt_iso(sim.now())
            sim.shipments[ident] = shipment

    transaction_id = sim.record_submission("SubmitShipmentConfirmations", req.body, errors, apply)
    return 202, {"payload": {"transactionId": transaction_id}}


def submit_shipments(sim, req):
    """POST /vendor/shipping/v1/shipments"""
    shipments = validation.require_list(req.body, "shipments")
    errors = sim.validator.validate("shipments", "SubmitShipments", req.body)
    for i, shipment in enumerate(shipments):
        errors += validation.structure_shipment(shipment, f"shipments[{i}]")
    if not errors:
        for i, shipment in enumerate(shipments):
            where, ident = f"shipments[{i}]", shipment["vendorShipmentIdentifier"]
            if shipment["transactionType"] == "New" and ident in sim.shipments:
                errors.append(validation.error(f"{where}: vendorShipmentIdentifier {ident} has already been used."))
            if shipment["transactionType"] == "Cancel" and ident not in sim.shipments:
                errors.append(validation.error(f"{where}: shipment {ident} does not exist."))
            elif shipment["transactionType"] == "Cancel" and ident in sim.confirmations:
                errors.append(validation.error(f"{where}: shipment {ident} has shipped and cannot be cancelled."))
            numbers = [po.get("purchaseOrderNumber") for po in shipment.get("purchaseOrders") or []]
            errors += _unknown_pos(sim, [n for n in numbers if n], where)

    def apply():
        for shipment in shipments:
            ident = shipment["vendorShipmentIdentifier"]
            if shipment["transactionType"] == "Cancel":
                sim.shipments.pop(ident, None)
                continue
            stored = copy.deepcopy(shipment)
            stored.setdefault("shipmentCreateDate", fmt_iso(sim.now()))
            stored.setdefault("currentShipmentStatus", "Created")
            stored.setdefault("packageLabelCreateDate", fmt_iso(sim.now()))
            sim.shipments[ident] = _amazon_assigns(sim, stored)

    transaction_id = sim.record_submission("SubmitShipments", req.body, errors, apply)
    return 202, {"payload": {"transactionId": transaction_id}}


DATE_FILTERS = {  # query prefix -> Shipment field
    "created": "shipmentCreateDate",
    "shipmentConfirmed": "shipmentConfirmDate",
    "packageLabelCreated": "packageLabelCreateDate",
}
NESTED_DATE_FILTERS = {
    "shipped": "shippedDate",
    "estimatedDelivery": "estimatedDeliveryDate",
    "shipmentDelivery": "shipmentDeliveryDate",
}
VALUE_FILTERS = {
    "currentShipmentStatus": lambda s: s.get("currentShipmentStatus"),
    "vendorShipmentIdentifier": lambda s: s.get("vendorShipmentIdentifier"),
    "buyerReferenceNumber": lambda s: s.get("buyerReferenceNumber"),
    "buyerWarehouseCode": lambda s: s["shipToParty"].get("partyId"),
    "sellerWarehouseCode": lambda s: s["shipFromParty"].get("partyId"),
}


def _date_of(shipment, prefix):
    if prefix in DATE_FILTERS:
        value = shipment.get(DATE_FILTERS[prefix])
    else:
        value = (shipment.get("transportationDetails") or {}).get(NESTED_DATE_FILTERS[prefix])
    return parse_iso(value) if value else None


def _matches(shipment, query, windows):
    for prefix, (after, before) in windows.items():
        moment = _date_of(shipment, prefix)
        if moment is None or (after and moment < after) or (before and moment > before):
            return False
    return all(getter(shipment) == query[name] for name, getter in VALUE_FILTERS.items() if name in query)


def _filtered(sim, query, date_prefixes):
    now, windows = sim.now(), {}
    for prefix in date_prefixes:
        after_name, before_name = f"{prefix}After", f"{prefix}Before"
        after = parse_iso(query[after_name], after_name) if after_name in query else None
        before = parse_iso(query[before_name], before_name) if before_name in query else None
        check_span(after, before, after_name, before_name, now)
        if after or before:
            windows[prefix] = (after, before)
    order = check_enum(query, "sortOrder", ("ASC", "DESC")) or "ASC"
    found = [s for s in sim.shipments.values() if _matches(s, query, windows)]
    found.sort(key=lambda s: (s.get("shipmentCreateDate", ""), s["vendorShipmentIdentifier"]), reverse=order == "DESC")
    return found


def get_shipment_details(sim, req):
    """GET /vendor/shipping/v1/shipments"""
    limit = parse_limit(req.query, default=50, maximum=50)
    found = _filtered(sim, req.query, [*DATE_FILTERS, *NESTED_DATE_FILTERS])
    page, token = paginate(copy.deepcopy(found), req.query, limit)
    payload = {"shipments": page}
    if token:
        payload["pagination"] = {"nextToken": token}
    return 200, {"payload": payload}


def _label(shipment):
    ident = shipment["vendorShipmentIdentifier"]
    tracking = "1Z" + "".join(c for c in ident.upper() if c.isalnum())[-14:].rjust(14, "0")
    mode = (shipment.get("transportationDetails") or {}).get("shipMode")
    info = {
        "vendorDetails": {"sellingParty": shipment["sellingParty"], "vendorShipmentIdentifier": ident},
        "shipToParty": shipment["shipToParty"],
        "shipFromParty": shipment["shipFromParty"],
        "warehouseId": shipment["shipToParty"].get("partyId"),
        "masterTrackingId": tracking,
        "totalLabelCount": 1,
        "shipMode": "LTL" if mode in TRUCK_MODES else "SmallParcel",
    }
    if shipment.get("buyerReferenceNumber"):
        info["buyerReferenceNumber"] = shipment["buyerReferenceNumber"]
    return {
        "labelCreateDateTime": shipment.get("packageLabelCreateDate") or shipment.get("shipmentCreateDate"),
        "shipmentInformation": copy.deepcopy(info),
        "labelData": [
            {
                "labelSequenceNumber": 1,
                "labelFormat": "PDF",
                "carrierCode": "UPSN",
                "trackingId": tracking,
                "label": base64.b64encode(LABEL_PDF).decode(),
            }
        ],
    }


def get_shipment_labels(sim, req):
    """GET /vendor/shipping/v1/transportLabels"""
    query = dict(req.query)
    limit = parse_limit(query, default=50, maximum=50)
    renamed = {k.replace("labelCreated", "packageLabelCreated"): v for k, v in query.items()}
    found = _filtered(
        sim,
        {
            k: v
            for k, v in renamed.items()
            if k
            in (
                "packageLabelCreatedAfter",
                "packageLabelCreatedBefore",
                "buyerReferenceNumber",
                "vendorShipmentIdentifier",
                "sellerWarehouseCode",
                "sortOrder",
            )
        },
        ["packageLabelCreated"],
    )
    labels = [_label(s) for s in found]
    page, token = paginate(labels, query, limit)
    payload = {"transportLabels": page}
    if token:
        payload["pagination"] = {"nextToken": token}
    return 200, {"payload": payload}
