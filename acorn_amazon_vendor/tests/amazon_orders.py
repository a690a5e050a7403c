"""Amazon purchase orders as Amazon sends them, for tests and benchmarks.

Plain Python with no Odoo import: the benchmark loads this file outside Odoo's test mode.
"""

from datetime import datetime, timedelta, timezone


def amz_time(value):
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def make_po(number, items, vendor="ACME1", fc="ABE8", when=None, state="New", bill_to=None, **details):
    """An Amazon ``Order`` as Amazon sends it (valid against Amazon's schema).

    :param items: list of dicts with ``ref`` (vendorProductIdentifier) and optional ``asin``,
        ``amount``, ``unit`` (Cases/Eaches), ``size``, ``cost``, ``cost_unit``, ``backorder``
    """
    when = when or datetime.now(timezone.utc) - timedelta(hours=1)
    order_details = {
        "purchaseOrderDate": amz_time(when),
        "purchaseOrderStateChangedDate": amz_time(when),
        "purchaseOrderType": "RegularOrder",
        "paymentMethod": "Invoice",
        "buyingParty": {"partyId": "AMZN-US"},
        "sellingParty": {"partyId": vendor},
        "shipToParty": {
            "partyId": fc,
            "address": {
                "name": f"Amazon.com Services LLC - {fc}",
                "addressLine1": "401 Independence Road",
                "city": "Florence",
                "stateOrRegion": "NJ",
                "postalCode": "08518",
                "countryCode": "US",
            },
        },
        "shipWindow": f"{amz_time(when + timedelta(days=2))}--{amz_time(when + timedelta(days=5))}",
        "items": [
            {
                "itemSequenceNumber": str(index),
                "amazonProductIdentifier": item.get("asin", f"B0TEST{index:04d}"),
                "vendorProductIdentifier": item["ref"],
                "orderedQuantity": {
                    "amount": item.get("amount", 10),
                    "unitOfMeasure": item.get("unit", "Eaches"),
                    "unitSize": item.get("size", 1),
                },
                "isBackOrderAllowed": item.get("backorder", False),
                "netCost": dict(
                    {"amount": item.get("cost", "10.00"), "currencyCode": "USD"},
                    **({"unitOfMeasure": item["cost_unit"]} if item.get("cost_unit") else {}),
                ),
            }
            for index, item in enumerate(items, 1)
        ],
    }
    if bill_to:
        order_details["billToParty"] = {"partyId": bill_to}
    order_details.update(details)
    return {"purchaseOrderNumber": number, "purchaseOrderState": state, "orderDetails": order_details}
