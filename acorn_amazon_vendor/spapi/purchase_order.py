"""Lenient reading of Amazon's purchase order (vendorOrders ``Order``) into plain values.

Amazon's own examples omit fields the model calls required and spell enums in several cases;
an import must not fail on that. Problems that do matter (no items, a negative quantity, an
unreadable date) are collected in ``problems`` for the user instead of raising.
"""

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .parsing import normalize_enum
from .timeutil import parse_datetime

PO_STATES = ("New", "Acknowledged", "Closed")
PO_TYPES = ("RegularOrder", "ConsignedOrder", "NewProductIntroduction", "RushOrder")
PAYMENT_METHODS = ("Invoice", "Consignment", "CreditCard", "Prepaid")
QUANTITY_UNITS = ("Cases", "Eaches")
WEIGHT_UNITS = ("POUNDS", "OUNCES", "GRAMS", "KILOGRAMS")


@dataclass
class PurchaseOrderItem:
    """One item of a PO, as ordered."""

    sequence: str
    vendor_product_id: str | None
    asin: str | None
    amount: int
    unit: str
    unit_size: int
    backorder_allowed: bool
    net_cost: Decimal | None
    net_cost_raw: str | None
    currency: str | None
    cost_unit: str | None
    list_price_raw: str | None

    @property
    def eaches(self):
        """Ordered quantity in eaches (cases multiplied by their size)."""
        return self.amount * (self.unit_size if self.unit == "Cases" else 1)

    @property
    def cancelled(self):
        """Amazon cancels an item by setting its quantity to zero."""
        return self.amount == 0


@dataclass
class PurchaseOrder:
    """A purchase order in plain values; naive UTC datetimes, as Odoo stores them."""

    number: str
    state: str | None
    raw: dict
    po_type: str | None = None
    date: object = None
    changed_date: object = None
    state_changed_date: object = None
    ship_window: tuple = (None, None)
    delivery_window: tuple = (None, None)
    deal_code: str | None = None
    payment_method: str | None = None
    import_details: dict | None = None
    selling_party: str | None = None
    ship_to: dict = field(default_factory=dict)
    bill_to: dict = field(default_factory=dict)
    buying_party: dict = field(default_factory=dict)
    items: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    @property
    def currency(self):
        return next((item.currency for item in self.items if item.currency), None)

    @property
    def fingerprint(self):
        """Stable hash of the PO as Amazon sent it: an unchanged PO is skipped on re-import."""
        return hashlib.sha256(json.dumps(self.raw, sort_keys=True).encode()).hexdigest()


def read_purchase_order(order):
    """Read an Amazon ``Order`` dict.

    :param order: the order as getPurchaseOrders / getPurchaseOrder return it
    :return: :class:`PurchaseOrder` (its ``problems`` list what a user must fix)
    :raise ValueError: when there is no purchaseOrderNumber at all
    """
    number = (order or {}).get("purchaseOrderNumber") if isinstance(order, dict) else None
    if not number:
        raise ValueError("A purchase order without purchaseOrderNumber cannot be imported.")
    details = order.get("orderDetails") or {}
    po = PurchaseOrder(
        number=str(number).strip(), raw=order, state=normalize_enum(order.get("purchaseOrderState"), PO_STATES)
    )
    po.po_type = normalize_enum(details.get("purchaseOrderType"), PO_TYPES)
    po.payment_method = normalize_enum(details.get("paymentMethod"), PAYMENT_METHODS)
    po.deal_code = details.get("dealCode")
    po.import_details = details.get("importDetails")
    po.date = _date(po, details, "purchaseOrderDate")
    po.changed_date = _date(po, details, "purchaseOrderChangedDate")
    po.state_changed_date = _date(po, details, "purchaseOrderStateChangedDate")
    po.ship_window = _window(po, details, "shipWindow")
    po.delivery_window = _window(po, details, "deliveryWindow")
    po.selling_party = (details.get("sellingParty") or {}).get("partyId")
    po.ship_to = details.get("shipToParty") or {}
    po.bill_to = details.get("billToParty") or {}
    po.buying_party = details.get("buyingParty") or {}
    if not po.selling_party:
        po.problems.append("Amazon sent no vendor code (sellingParty).")
    if not po.ship_to.get("partyId"):
        po.problems.append("Amazon sent no fulfilment centre (shipToParty).")
    items = details.get("items") or []
    if not items:
        po.problems.append("Amazon sent no items.")
    po.items = [item for item in (_item(po, raw, index) for index, raw in enumerate(items, 1)) if item]
    return po


def _date(po, details, key):
    value = details.get(key)
    if not value:
        return None
    try:
        return parse_datetime(value).replace(tzinfo=None)
    except (TypeError, ValueError):
        po.problems.append(f"Unreadable {key}: {value!r}.")
        return None


def _window(po, details, key):
    value = details.get(key)
    if not value:
        return None, None
    start, sep, end = str(value).partition("--")
    try:
        return (parse_datetime(start).replace(tzinfo=None), parse_datetime(end).replace(tzinfo=None) if sep else None)
    except ValueError:
        po.problems.append(f"Unreadable {key}: {value!r}.")
        return None, None


def _item(po, raw, index):
    if not isinstance(raw, dict):
        po.problems.append(f"Item {index} is not an object.")
        return None
    sequence = str(raw.get("itemSequenceNumber") or index)
    quantity = raw.get("orderedQuantity") or {}
    try:
        amount = int(quantity.get("amount") or 0)
        unit_size = int(quantity.get("unitSize") or 1)
    except (TypeError, ValueError):
        po.problems.append(f"Item {sequence}: unreadable quantity {quantity!r}.")
        return None
    if amount < 0 or unit_size < 1:
        po.problems.append(f"Item {sequence}: impossible quantity {amount} × {unit_size}.")
        return None
    cost = raw.get("netCost") or {}
    net_cost = None
    if cost.get("amount") not in (None, ""):
        try:
            net_cost = Decimal(str(cost["amount"]))
        except InvalidOperation:
            po.problems.append(f"Item {sequence}: unreadable net cost {cost['amount']!r}.")
    return PurchaseOrderItem(
        sequence=sequence,
        vendor_product_id=raw.get("vendorProductIdentifier"),
        asin=raw.get("amazonProductIdentifier"),
        amount=amount,
        unit=normalize_enum(quantity.get("unitOfMeasure") or "Eaches", QUANTITY_UNITS),
        unit_size=unit_size,
        backorder_allowed=bool(raw.get("isBackOrderAllowed")),
        net_cost=net_cost,
        net_cost_raw=None if cost.get("amount") is None else str(cost["amount"]),
        currency=(cost.get("currencyCode") or "").upper() or None,
        cost_unit=normalize_enum(cost.get("unitOfMeasure"), WEIGHT_UNITS),
        list_price_raw=(raw.get("listPrice") or {}).get("amount"),
    )
