"""Demo data: a fixed catalogue and a dozen realistic purchase orders relative to "now".

The Odoo demo data creates matching products: keep ``PRODUCTS`` stable.
"""

from datetime import timedelta

from .common import fmt_iso

# price_unit: None = priced per each; "POUNDS" = netCost is per pound (weight-priced item).
PRODUCTS = [
    {
        "sku": "ACN-COF-1KG",
        "ean": "0860123450010",
        "asin": "B0ACRN0001",
        "name": "Acorn Roast Coffee Beans 1 kg",
        "cost": 11.40,
        "list_price": 21.99,
        "uom": "Cases",
        "unit_size": 6,
        "price_unit": None,
    },
    {
        "sku": "ACN-TEA-GRN",
        "ean": "0860123450027",
        "asin": "B0ACRN0002",
        "name": "Acorn Green Tea 50 bags",
        "cost": 3.15,
        "list_price": 6.49,
        "uom": "Cases",
        "unit_size": 12,
        "price_unit": None,
    },
    {
        "sku": "ACN-MUG-350",
        "ean": "0860123450034",
        "asin": "B0ACRN0003",
        "name": "Acorn Stoneware Mug 350 ml",
        "cost": 4.80,
        "list_price": 12.99,
        "uom": "Cases",
        "unit_size": 6,
        "price_unit": None,
    },
    {
        "sku": "ACN-GRN-BUR",
        "ean": "0860123450041",
        "asin": "B0ACRN0004",
        "name": "Acorn Burr Coffee Grinder",
        "cost": 38.50,
        "list_price": 79.00,
        "uom": "Eaches",
        "unit_size": 1,
        "price_unit": None,
    },
    {
        "sku": "ACN-KTL-GSN",
        "ean": "0860123450058",
        "asin": "B0ACRN0005",
        "name": "Acorn Gooseneck Kettle 1 l",
        "cost": 24.90,
        "list_price": 54.95,
        "uom": "Eaches",
        "unit_size": 1,
        "price_unit": None,
    },
    {
        "sku": "ACN-FLT-100",
        "ean": "0860123450065",
        "asin": "B0ACRN0006",
        "name": "Acorn Paper Filters #4 (100)",
        "cost": 1.95,
        "list_price": 4.49,
        "uom": "Cases",
        "unit_size": 12,
        "price_unit": None,
    },
    {
        "sku": "ACN-NUT-BULK",
        "ean": "0860123450072",
        "asin": "B0ACRN0007",
        "name": "Acorn Roasted Hazelnuts (bulk, per lb)",
        "cost": 6.75,
        "list_price": 12.50,
        "uom": "Eaches",
        "unit_size": 1,
        "price_unit": "POUNDS",
    },
    {
        "sku": "ACN-SYR-VAN",
        "ean": "0860123450089",
        "asin": "B0ACRN0008",
        "name": "Acorn Vanilla Syrup 750 ml",
        "cost": 5.20,
        "list_price": 9.99,
        "uom": "Cases",
        "unit_size": 6,
        "price_unit": None,
    },
]

FULFILMENT_CENTERS = {
    "ABE8": {
        "name": "Amazon.com Services LLC - ABE8",
        "addressLine1": "401 Independence Road",
        "city": "Florence",
        "stateOrRegion": "NJ",
        "postalCode": "08518",
        "countryCode": "US",
    },
    "PHX6": {
        "name": "Amazon.com Services LLC - PHX6",
        "addressLine1": "4750 W Mohave St",
        "city": "Phoenix",
        "stateOrRegion": "AZ",
        "postalCode": "85043",
        "countryCode": "US",
    },
    "MDW2": {
        "name": "Amazon.com Services LLC - MDW2",
        "addressLine1": "250 Emerald Dr",
        "city": "Joliet",
        "stateOrRegion": "IL",
        "postalCode": "60433",
        "countryCode": "US",
    },
    "LEX1": {
        "name": "Amazon.com Services LLC - LEX1",
        "addressLine1": "1850 Mercer Rd",
        "city": "Lexington",
        "stateOrRegion": "KY",
        "postalCode": "40511",
        "countryCode": "US",
    },
}
BILL_TO = {
    "partyId": "AMZN-US-BILL",
    "address": {
        "name": "Amazon.com Services LLC",
        "addressLine1": "PO Box 80387",
        "city": "Seattle",
        "stateOrRegion": "WA",
        "postalCode": "98108",
        "countryCode": "US",
    },
    "taxInfo": {"taxRegistrationType": "VAT", "taxRegistrationNumber": "US-91-1646860"},
}
BUYING_PARTY = {
    "partyId": "AMZN-US",
    "address": {
        "name": "Amazon.com Services LLC",
        "addressLine1": "410 Terry Ave N",
        "city": "Seattle",
        "stateOrRegion": "WA",
        "postalCode": "98109",
        "countryCode": "US",
    },
}
VENDORS = {"ACME1": "Acme Coffee Co. (US East)", "ACME2": "Acme Coffee Co. (US West)"}

# number, vendor, FC, days ago, lines [(product index, quantity)], extras
ORDERS = [
    ("2K7QX4AB", "ACME1", "ABE8", 1, [(0, 10), (1, 5), (5, 8)], {"dealCode": "SPRINGDEAL"}),
    ("2K7QX4AC", "ACME1", "PHX6", 1, [(3, 24), (4, 12)], {"backorder": True}),
    ("2K7QX4AD", "ACME2", "MDW2", 2, [(2, 4), (7, 6)], {}),
    ("2K7QX4AE", "ACME2", "LEX1", 2, [(6, 150), (0, 3)], {"type": "RushOrder"}),
    ("2K7QX4AF", "ACME1", "MDW2", 3, [(1, 20), (5, 10), (7, 2)], {"changed_hours_ago": 20}),
    ("2K7QX4AG", "ACME1", "LEX1", 3, [(0, 6), (2, 0), (4, 8)], {"cancelled_line": True}),
    ("2K7QX4AH", "ACME2", "ABE8", 4, [(3, 6)], {"state": "Closed"}),
    ("2K7QX4AJ", "ACME2", "PHX6", 4, [(6, 80), (7, 4)], {"dealCode": "PD-HAZELNUT", "backorder": True}),
    ("2K7QX4AK", "ACME1", "ABE8", 4, [(4, 30)], {"type": "NewProductIntroduction"}),
    ("2K7QX4AL", "ACME2", "MDW2", 5, [(0, 12), (1, 12), (2, 12), (3, 5)], {}),
    ("2K7QX4AM", "ACME1", "PHX6", 5, [(5, 24), (7, 8)], {"changed_hours_ago": 30, "backorder": True}),
    ("2K7QX4AN", "ACME2", "LEX1", 5, [(1, 3), (6, 40)], {}),
]


def _window(start, days):
    return f"{fmt_iso(start)}--{fmt_iso(start + timedelta(days=days))}"


def _item(sequence, product, quantity, backorder):
    item = {
        "itemSequenceNumber": str(sequence),
        "amazonProductIdentifier": product["asin"],
        "vendorProductIdentifier": product["ean"],
        "orderedQuantity": {"amount": quantity, "unitOfMeasure": product["uom"], "unitSize": product["unit_size"]},
        "isBackOrderAllowed": backorder,
        "netCost": {"currencyCode": "USD", "amount": f"{product['cost']:.2f}"},
        "listPrice": {"currencyCode": "USD", "amount": f"{product['list_price']:.2f}"},
    }
    if product["price_unit"]:
        item["netCost"]["unitOfMeasure"] = product["price_unit"]
        item["listPrice"]["unitOfMeasure"] = product["price_unit"]
    return item


def build_order(now, number, vendor, fc, days_ago, lines, extras):
    """One Amazon ``Order`` (vendorOrders model) placed ``days_ago`` before ``now``."""
    created = (now - timedelta(days=days_ago, hours=3)).replace(minute=15, second=0)
    state = extras.get("state", "New")
    details = {
        "purchaseOrderDate": fmt_iso(created),
        "purchaseOrderStateChangedDate": fmt_iso(created),
        "purchaseOrderType": extras.get("type", "RegularOrder"),
        "paymentMethod": "Invoice",
        "buyingParty": BUYING_PARTY,
        "sellingParty": {
            "partyId": vendor,
            "address": {
                "name": VENDORS[vendor],
                "addressLine1": "100 Roastery Way",
                "city": "Portland",
                "stateOrRegion": "OR",
                "postalCode": "97201",
                "countryCode": "US",
            },
        },
        "shipToParty": {"partyId": fc, "address": FULFILMENT_CENTERS[fc]},
        "billToParty": BILL_TO,
        "shipWindow": _window(created + timedelta(days=2), 5),
        "deliveryWindow": _window(created + timedelta(days=4), 7),
        "items": [_item(i + 1, PRODUCTS[p], qty, extras.get("backorder", False)) for i, (p, qty) in enumerate(lines)],
    }
    if extras.get("dealCode"):
        details["dealCode"] = extras["dealCode"]
    if extras.get("changed_hours_ago"):
        details["purchaseOrderChangedDate"] = fmt_iso(now - timedelta(hours=extras["changed_hours_ago"]))
    if state == "Closed":
        details["purchaseOrderStateChangedDate"] = fmt_iso(created + timedelta(days=1))
    return {"purchaseOrderNumber": number, "purchaseOrderState": state, "orderDetails": details}


def build_orders(now):
    """:return: the demo purchase orders, created 1 to 5 days before ``now``."""
    import copy

    return copy.deepcopy([build_order(now, *spec) for spec in ORDERS])
