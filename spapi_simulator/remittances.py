"""What Amazon paid the vendor: the Finance Remittance API 2026-03-17 (getRemittanceHeaders,
getRemittance) and the control API that tells the simulator about payments.

Amazon decides payments on its own, so they come only through the control API; a payment line
whose invoiceNumber is a stored invoice shows up in that invoice's UNIQUE_PAYMENT_IDS.
"""

import copy
from datetime import timedelta

from .common import ApiError, fmt_iso, invalid_input, not_found, paginate, parse_iso, require_marketplace
from .validation import check_date, check_enum, check_required, error

MAX_SPAN_DAYS = 90
DEFAULT_SPAN_DAYS = 30
STATUSES = ("IN_PROGRESS", "SUCCESSFUL", "FAILED")
REQUIRED = ("uniquePaymentId", "paymentDate", "paymentAmount", "remittanceStatus")
HEADER_AMOUNTS = ("paymentAmount", "paymentAmountInInvoiceCurrency")
ITEM_AMOUNTS = ("withholdingAmount", "totalAmount", "netAmountPaid")
# The model lists these as the possible breakdownType values of each breakdown list.
BREAKDOWNS = {
    "totalAmountBreakdown": ("InvoiceAmount", "TaxAmount"),
    "netAmountPaidBreakdown": ("AmountPaid", "TermsDiscountTaken"),
}


def year_before(moment):
    """The same moment one calendar year earlier (29 February becomes the 28th)."""
    try:
        return moment.replace(year=moment.year - 1)
    except ValueError:
        return moment.replace(year=moment.year - 1, day=28)


# ------------------------------------------------------------------ checks of the control body
def _number(obj, field, where, integer=False):
    value = obj.get(field)
    kinds = int if integer else (int, float)
    if value is None or (isinstance(value, kinds) and not isinstance(value, bool)):
        return []
    return [error(f"{where}.{field} must be {'an integer' if integer else 'a number'}.", repr(value))]


def _currency(value, where):
    errors = check_required(value, ["currencyCode"], where)
    if errors:
        return errors
    amount = value.get("currencyAmount")
    if not isinstance(amount, (int, float)) or isinstance(amount, bool):
        return [error(f"{where}.currencyAmount must be a number (negative for a deduction).", repr(amount))]
    return []


def _identifiers(obj, key, allowed, where):
    entries, where = obj.get(key), f"{where}.{key}"
    if entries is None:
        return []
    if not isinstance(entries, list):
        return [error(f"{where} must be a list.")]
    errors = []
    for i, entry in enumerate(entries):
        at = f"{where}[{i}]"
        found = check_required(entry, ["relatedIdentifierName", "relatedIdentifierValue"], at)
        if not found:
            found = check_enum(entry, "relatedIdentifierName", allowed, at)
            if not isinstance(entry["relatedIdentifierValue"], list):
                found.append(error(f"{at}.relatedIdentifierValue must be a list of strings."))
        errors += found
    return errors


def _breakdowns(entries, allowed, where):
    if entries is None:
        return []
    if not isinstance(entries, list):
        return [error(f"{where} must be a list.")]
    errors = []
    for i, entry in enumerate(entries):
        at = f"{where}[{i}]"
        found = check_required(entry, ["breakdownType", "breakdownAmount"], at)
        errors += found or check_enum(entry, "breakdownType", allowed, at) + _currency(
            entry["breakdownAmount"], f"{at}.breakdownAmount"
        )
    return errors


def _check_item(item, where):
    if not isinstance(item, dict):
        return [error(f"{where} must be an object.")]
    errors = [e for key in ITEM_AMOUNTS if item.get(key) is not None for e in _currency(item[key], f"{where}.{key}")]
    if item.get("invoiceIssueDate") is not None:
        errors += check_date(item["invoiceIssueDate"], f"{where}.invoiceIssueDate")
    for key, allowed in BREAKDOWNS.items():
        errors += _breakdowns(item.get(key), allowed, f"{where}.{key}")
    return errors + _identifiers(item, "relatedItemIdentifiers", ("VENDOR_CODE",), where)


def check_remittance(entry, where):
    """Structural checks of one RemittanceHeader with its ``remittanceItems``.

    :return: a list of Amazon-style errors
    """
    errors = check_required(entry, list(REQUIRED), where)
    if errors:
        return errors
    if not isinstance(entry["uniquePaymentId"], str):
        errors.append(error(f"{where}.uniquePaymentId must be a string.", repr(entry["uniquePaymentId"])))
    errors += check_date(entry["paymentDate"], f"{where}.paymentDate")
    errors += check_enum(entry, "remittanceStatus", STATUSES, where)
    for key in HEADER_AMOUNTS:
        if entry.get(key) is not None:
            errors += _currency(entry[key], f"{where}.{key}")
    errors += _number(entry, "exchangeRate", where) + _number(entry, "lineItemCount", where, integer=True)
    errors += _identifiers(entry, "relatedIdentifiers", ("VENDOR_CODE", "PAYEE_CODE"), where)
    items = entry.get("remittanceItems", [])
    if not isinstance(items, list):
        return errors + [error(f"{where}.remittanceItems must be a list.")]
    for i, item in enumerate(items):
        errors += _check_item(item, f"{where}.remittanceItems[{i}]")
    return errors


# ------------------------------------------------------------------ control API
def add_remittances(sim, entries):
    """Add or replace payments (see :meth:`Simulator.add_remittances`).

    :return: ``{"added": n, "replaced": m}``
    :raise ApiError: 400 InvalidInput with every problem found; nothing is stored then.
    """
    if not isinstance(entries, list):
        raise invalid_input('The body must be a JSON list of RemittanceHeader objects with "remittanceItems".')
    errors = [e for i, entry in enumerate(entries) for e in check_remittance(entry, f"[{i}]")]
    if errors:
        exc = ApiError(400, "InvalidInput", errors[0]["message"], errors[0]["details"])
        exc.errors = errors[:20]
        raise exc
    added = replaced = 0
    touched = set()
    for entry in copy.deepcopy(entries):
        items = entry.pop("remittanceItems", None) or []
        entry["paymentDate"] = fmt_iso(parse_iso(entry["paymentDate"]))
        entry.setdefault("lineItemCount", len(items))
        old = sim.remittances.get(entry["uniquePaymentId"])
        replaced, added = replaced + bool(old), added + (not old)
        touched |= {item.get("invoiceNumber") for item in (old["items"] if old else []) + items}
        sim.remittances[entry["uniquePaymentId"]] = {"header": entry, "items": items}
    _index(sim)
    _touch_invoices(sim, touched - {None})
    return {"added": added, "replaced": replaced}


def _payees(header):
    codes = set()
    for related in header.get("relatedIdentifiers") or []:
        if related["relatedIdentifierName"] == "PAYEE_CODE":
            codes.update(related["relatedIdentifierValue"])
    return codes


def _index(sim):
    """Rebuild invoiceNumber -> {uniquePaymentId: payee codes (empty: any payee)}."""
    index = {}
    for payment_id, stored in sim.remittances.items():
        payees = _payees(stored["header"])
        for item in stored["items"]:
            if item.get("invoiceNumber"):
                index.setdefault(item["invoiceNumber"], {})[payment_id] = payees
    sim.remittance_index = index


def _touch_invoices(sim, numbers):
    """A payment changes what the Invoices API says of an invoice: it counts as a change."""
    now = fmt_iso(sim.now())
    for stored in sim.invoices.values():
        if stored["invoice"]["id"] in numbers:
            stored["lastUpdatedDate"] = now


def payment_ids(sim, invoice):
    """The uniquePaymentIds of the payments with a line for ``invoice`` (a vendor Invoice):
    same invoice number, and the invoice's payee when the payment names payees.

    :return: sorted list of ids
    """
    payee = invoice["remitToParty"]["partyId"]
    paid = sim.remittance_index.get(invoice["id"], {})
    return sorted(payment_id for payment_id, payees in paid.items() if not payees or payee in payees)


# ------------------------------------------------------------------ operations
def _payment_range(sim, query):
    """[startDate, endDate] of a getRemittanceHeaders request, with Amazon's defaults and limits."""
    now = sim.now()
    default_start = now - timedelta(days=DEFAULT_SPAN_DAYS)
    start = parse_iso(query["startDate"], "startDate") if query.get("startDate") else default_start
    end = parse_iso(query["endDate"], "endDate") if query.get("endDate") else now
    shown = f"startDate={fmt_iso(start)}, endDate={fmt_iso(end)}"
    if start < year_before(now):
        raise invalid_input("startDate must not be more than one year ago.", f"{shown}, now={fmt_iso(now)}")
    if start > end:
        raise invalid_input("startDate must not be after endDate.", shown)
    if (end - start).total_seconds() > MAX_SPAN_DAYS * 86400:
        raise invalid_input("The range between startDate and endDate must not exceed 90 days.", shown)
    return start, end


def get_remittance_headers(sim, req):
    """GET /finances/remittances/2026-03-17/remittances"""
    require_marketplace(req.query)
    start, end = _payment_range(sim, req.query)
    found = [s["header"] for s in sim.remittances.values() if start <= parse_iso(s["header"]["paymentDate"]) <= end]
    found.sort(key=lambda h: (h["paymentDate"], h["uniquePaymentId"]))
    page, token = paginate(found, req.query, sim.config["remittance_page_size"], ignore=())
    body = {"remittances": copy.deepcopy(page), "numOfRecords": len(found)}
    if token:
        body["nextToken"] = token
    return 200, body


def get_remittance(sim, req):
    """GET /finances/remittances/2026-03-17/remittances/{uniquePaymentId}"""
    require_marketplace(req.query)
    payment_id = req.params["uniquePaymentId"]
    stored = sim.remittances.get(payment_id)
    if not stored:
        raise not_found(details=f"Remittance {payment_id} was not found.")
    size = sim.config["remittance_item_page_size"]
    page, token = paginate(stored["items"], req.query, size, "nextTokenForLineItems", ignore=())
    body = {"remittanceHeader": copy.deepcopy(stored["header"]), "remittanceItems": copy.deepcopy(page)}
    if token:
        body["nextTokenForLineItems"] = token
    return 200, body
