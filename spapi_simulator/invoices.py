"""Vendor invoices: submitInvoices (vendorInvoices.json) and Amazon's view of them through the
Invoices API 2026-06-25 (getInvoiceHeaders, getInvoice)."""

import copy
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from . import remittances, validation
from .common import ApiError, fmt_iso, invalid_input, not_found, paginate, parse_iso, require_marketplace
from .orders import to_units

HEADER_PAGE = 100
LINE_PAGE = 600
MAX_ISSUE_SPAN_DAYS = 90
STATUSES = ("IN_PROGRESS", "REJECTED", "PARTIALLY_PAID", "PARTIALLY_DEDUCTED", "PAID", "DEDUCTED")


def identifier(invoice):
    """Amazon's AP-Inventory invoice identifier: ``InvoiceNumber~PayeeCode``."""
    return f"{invoice['id']}~{invoice['remitToParty']['partyId']}"


def _po_numbers(invoice):
    numbers = [i.get("purchaseOrderNumber") for i in invoice.get("items") or []]
    return sorted({n for n in numbers if n})


def submit_invoices(sim, req):
    """POST /vendor/payments/v1/invoices"""
    invoices = validation.require_list(req.body, "invoices")
    errors = sim.validator.validate("invoices", "SubmitInvoicesRequest", req.body)
    for i, invoice in enumerate(invoices):
        errors += validation.structure_invoice(invoice, f"invoices[{i}]")
    if not errors:
        seen = set()
        for i, invoice in enumerate(invoices):
            where, key = f"invoices[{i}]", identifier(invoice)
            if key in sim.invoices or key in seen:
                errors.append(
                    validation.error(
                        f"{where}: invoice {invoice['id']} was already submitted for remitToParty "
                        f"{invoice['remitToParty']['partyId']}.",
                        "Invoice numbers must be unique.",
                    )
                )
            seen.add(key)
            errors += [
                validation.error(f"{where}: purchase order {n} does not exist.", "Unknown purchaseOrderNumber.")
                for n in _po_numbers(invoice)
                if n not in sim.orders
            ]

    def apply():
        for invoice in invoices:
            store(sim, invoice)

    transaction_id = sim.record_submission("submitInvoices", req.body, errors, apply)
    return 202, {"payload": {"transactionId": transaction_id}}


def store(sim, invoice, status=None, issue_date=None):
    """Keep an invoice as Amazon's accounts-payable sees it."""
    now = fmt_iso(sim.now())
    sim.invoices[identifier(invoice)] = {
        "invoice": copy.deepcopy(invoice),
        "status": status,
        "issueDate": fmt_iso(parse_iso(issue_date or invoice["date"], "issueDate")),
        "creationDate": now,
        "lastUpdatedDate": now,
    }


def add_invoices(sim, entries):
    """Control API: add invoices as if submitted and accepted; :return: ``{"added": n}``."""
    if not isinstance(entries, list):
        raise invalid_input('The body must be a list of {"invoice": <Invoice>, ...} objects.')
    for i, entry in enumerate(entries):
        invoice = entry.get("invoice") if isinstance(entry, dict) else None
        errors = validation.structure_invoice(invoice, f"[{i}].invoice")
        if not errors and entry.get("invoiceStatus") not in (None, *STATUSES):
            errors.append(validation.error(f"[{i}].invoiceStatus must be one of {', '.join(STATUSES)}."))
        if errors:
            raise ApiError(400, "InvalidInput", errors[0]["message"], errors[0]["details"])
    for entry in entries:
        store(sim, entry["invoice"], entry.get("invoiceStatus"), entry.get("issueDate"))
    return {"added": len(entries)}


def _money(value, currency):
    try:
        amount = float(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        amount = 0.0
    return {"currencyCode": currency, "currencyAmount": amount}


def _received_units(sim, number, item):
    record = sim.orders.get(number)
    if not record:
        return 0
    # Invoice lines are numbered by the vendor: match on product identifiers first.
    for key in ("vendorProductIdentifier", "amazonProductIdentifier", "itemSequenceNumber"):
        if item.get(key) is None:
            continue
        po_item = next((i for i in record["order"]["orderDetails"]["items"] if str(i.get(key)) == str(item[key])), None)
        if po_item:
            receipts = record["receipts"].get(po_item["itemSequenceNumber"], [])
            return sum(r["units"] for r in receipts)
    return 0


def _ordered_cost(sim, number, item):
    """The PO's net cost of the invoiced item, or None."""
    record = sim.orders.get(number)
    if not record:
        return None
    for key in ("vendorProductIdentifier", "amazonProductIdentifier"):
        if item.get(key) is None:
            continue
        po_item = next((i for i in record["order"]["orderDetails"]["items"] if str(i.get(key)) == str(item[key])), None)
        if po_item and po_item.get("netCost"):
            return _money(po_item["netCost"].get("amount", 0), currency=None)["currencyAmount"]
    return None


def _line(sim, item, currency):
    quantity = to_units(item["invoicedQuantity"])
    unit_cost = _money(item["netCost"].get("amount", 0), currency)
    matched = min(quantity, _received_units(sim, item.get("purchaseOrderNumber"), item))
    ordered_cost = _ordered_cost(sim, item.get("purchaseOrderNumber"), item)
    price_variance = round((unit_cost["currencyAmount"] - ordered_cost) * quantity, 2) if ordered_cost else 0.0
    # Amazon pays what it matched, at the cost it ordered at.
    paid_cost = min(unit_cost["currencyAmount"], ordered_cost) if ordered_cost else unit_cost["currencyAmount"]
    reasons = []
    if quantity > matched:
        reasons.append({"varianceType": "PQV", "defectTypes": ["SHORTAGES_IN_TRANSIT"]})
    if price_variance:
        reasons.append({"varianceType": "PPV", "defectTypes": ["PRODUCT_COST_NOT_REGISTERED"]})
    identifiers = [
        {"itemIdentifierName": name, "itemIdentifierValue": item[key]}
        for key, name in (("amazonProductIdentifier", "ASIN"), ("vendorProductIdentifier", "EAN"))
        if item.get(key)
    ]
    line = {
        "lineItemId": str(item["itemSequenceNumber"]),
        "unitCost": unit_cost,
        "quantity": quantity,
        "totalAmount": _money(round(unit_cost["currencyAmount"] * quantity, 2), currency),
        "lineItemContext": {
            "lineItemType": "GOODS",
            "itemIdentifiers": identifiers,
            "matchingContext": {
                "matchedQuantity": matched,
                "matchedAmount": _money(round(matched * unit_cost["currencyAmount"], 2), currency),
                "quantityVariance": quantity - matched,
                "priceVariance": _money(price_variance, currency),
                "paidQuantity": matched,
                "paidAmount": _money(round(matched * paid_cost, 2), currency),
                **({"varianceReasons": reasons} if reasons else {}),
            },
        },
    }
    if item.get("purchaseOrderNumber"):
        line["relatedItemIdentifiers"] = [
            {"relatedIdentifierName": "PURCHASE_ORDER_IDS", "relatedIdentifierValue": [item["purchaseOrderNumber"]]}
        ]
    return line


def _lines(sim, invoice):
    currency = invoice["invoiceTotal"].get("currencyCode", "USD")
    return [_line(sim, item, currency) for item in invoice.get("items") or []]


def _status(stored, lines):
    """Paid once Amazon received what is invoiced (the match), partly paid in between."""
    if stored["status"]:
        return stored["status"]
    if stored["invoice"]["invoiceType"] == "CreditNote":
        return "DEDUCTED"
    contexts = [line["lineItemContext"]["matchingContext"] for line in lines]
    if not any(c["matchedQuantity"] for c in contexts):
        return "IN_PROGRESS"
    return "PAID" if all(c["quantityVariance"] <= 0 for c in contexts) else "PARTIALLY_PAID"


def _settlement(status, total, lines):
    if status == "PARTIALLY_PAID":
        paid = sum(line["lineItemContext"]["matchingContext"]["matchedAmount"]["currencyAmount"] for line in lines)
    elif status == "PAID":
        paid = total["currencyAmount"]
    else:
        return None
    return [
        {
            "breakdownType": "AmountPaid",
            "breakdowns": [],
            "breakdownAmount": _money(round(paid, 2), total["currencyCode"]),
        }
    ]


def header(sim, stored, lines=None):
    """The ``InvoiceHeader`` of one stored invoice."""
    invoice = stored["invoice"]
    lines = _lines(sim, invoice) if lines is None else lines
    total = _money(invoice["invoiceTotal"].get("amount"), invoice["invoiceTotal"]["currencyCode"])
    status = _status(stored, lines)
    payee = invoice["remitToParty"]["partyId"]
    head = {
        "invoiceNumber": invoice["id"],
        "invoiceIdentifier": identifier(invoice),
        "invoiceStatus": status,
        "invoiceType": "AP_INVENTORY" if invoice["invoiceType"] == "Invoice" else "OTHER",
        "payee": {"partnerId": payee, "partnerType": "VENDOR", "partnerEntities": [payee]},
        "payer": {"partnerId": "AMAZON", "partnerType": "AMAZON", "partnerName": "Amazon", "partnerEntities": []},
        "issueDate": stored["issueDate"],
        "dueDate": fmt_iso(parse_iso(stored["issueDate"]) + timedelta(days=30)),
        "paymentTerms": "NET30",
        "invoiceAmount": total,
        "invoiceAmountBreakdowns": [{"breakdownType": "Total", "breakdownAmount": total, "breakdowns": []}],
        "creationDate": stored["creationDate"],
        "lastUpdatedDate": stored["lastUpdatedDate"],
    }
    settlement = _settlement(status, total, lines)
    if settlement:
        head["invoiceSettlementBreakdowns"] = settlement
    related = {"PURCHASE_ORDER_IDS": _po_numbers(invoice), "UNIQUE_PAYMENT_IDS": remittances.payment_ids(sim, invoice)}
    related = [{"relatedIdentifierName": k, "relatedIdentifierValue": v} for k, v in related.items() if v]
    if related:
        head["relatedIdentifiers"] = related
    return head


def get_invoice_headers(sim, req):
    """GET /finances/invoices/2026-06-25/invoices"""
    query = req.query
    require_marketplace(query)
    start, end = query.get("fromIssueDate"), query.get("toIssueDate")
    if bool(start) != bool(end):
        raise invalid_input("Provide both fromIssueDate and toIssueDate, or neither.")
    now = sim.now()
    end = parse_iso(end, "toIssueDate") if end else now
    start = parse_iso(start, "fromIssueDate") if start else now - timedelta(days=90)
    if end < start or (end - start).total_seconds() > MAX_ISSUE_SPAN_DAYS * 86400:
        raise invalid_input("The range between fromIssueDate and toIssueDate must not exceed 90 days.")
    modified = query.get("invoicesModifiedAfter")
    modified = parse_iso(modified, "invoicesModifiedAfter") if modified else None
    found = [
        s
        for s in sim.invoices.values()
        if start <= parse_iso(s["issueDate"]) <= end
        and (modified is None or parse_iso(s["lastUpdatedDate"]) > modified)
    ]
    found.sort(key=lambda s: (s["issueDate"], identifier(s["invoice"])))
    page, token = paginate(found, query, HEADER_PAGE, ignore=())
    body = {"invoices": [header(sim, s) for s in page], "numOfRecords": len(page)}
    if token:
        body["nextToken"] = token
    return 200, body


def get_invoice(sim, req):
    """GET /finances/invoices/2026-06-25/invoices/{invoiceIdentifier}"""
    require_marketplace(req.query)
    stored = sim.invoices.get(req.params["invoiceIdentifier"])
    if not stored:
        raise not_found(details=f"Invoice {req.params['invoiceIdentifier']} was not found.")
    lines = _lines(sim, stored["invoice"])
    page, token = paginate(lines, req.query, LINE_PAGE, "nextTokenForLineItems", ignore=())
    body = {"invoiceHeader": header(sim, stored, lines), "invoiceItems": page}
    if token:
        body["nextTokenForLineItems"] = token
    return 200, body
