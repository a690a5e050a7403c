"""Lenient reading of Amazon purchase orders (spapi.read_purchase_order)."""

from datetime import datetime
from decimal import Decimal

import pytest
from spapi import read_purchase_order


def order(**details):
    base = {
        "purchaseOrderDate": "2026-11-20T15:51:00Z",
        "sellingParty": {"partyId": "ACME1"},
        "shipToParty": {"partyId": "ABE8"},
        "items": [
            {
                "itemSequenceNumber": "1",
                "vendorProductIdentifier": "0860123450010",
                "orderedQuantity": {"amount": 5, "unitOfMeasure": "Cases", "unitSize": 6},
                "netCost": {"amount": "11.40", "currencyCode": "usd"},
                "isBackOrderAllowed": True,
            }
        ],
    }
    base.update(details)
    return {"purchaseOrderNumber": "2K7QX4AB", "purchaseOrderState": "new", "orderDetails": base}


def test_reads_values_as_odoo_stores_them():
    po = read_purchase_order(order(shipWindow="2026-11-21T07:00:00Z--2026-11-27T07:00:00Z"))

    assert po.number == "2K7QX4AB"
    assert po.state == "New", "enum case is normalised"
    assert po.date == datetime(2026, 11, 20, 15, 51)
    assert po.ship_window == (datetime(2026, 11, 21, 7), datetime(2026, 11, 27, 7))
    assert po.currency == "USD"
    [item] = po.items
    assert (item.amount, item.unit, item.unit_size, item.eaches) == (5, "Cases", 6, 30)
    assert item.net_cost == Decimal("11.40") and item.net_cost_raw == "11.40"
    assert po.problems == []


def test_missing_optional_fields_are_tolerated():
    raw = order()
    del raw["orderDetails"]["items"][0]["netCost"]
    del raw["orderDetails"]["items"][0]["orderedQuantity"]["unitOfMeasure"]

    po = read_purchase_order(raw)

    assert po.items[0].unit == "Eaches"
    assert po.items[0].net_cost is None
    assert po.problems == []


def test_problems_are_collected_not_raised():
    raw = order(items=[{"itemSequenceNumber": "1", "orderedQuantity": {"amount": -2}}], shipWindow="soon")
    del raw["orderDetails"]["sellingParty"]

    po = read_purchase_order(raw)

    assert any("sellingParty" in problem for problem in po.problems)
    assert any("shipWindow" in problem for problem in po.problems)
    assert any("impossible quantity" in problem for problem in po.problems)


def test_cancelled_item_has_zero_quantity():
    raw = order()
    raw["orderDetails"]["items"][0]["orderedQuantity"]["amount"] = 0
    assert read_purchase_order(raw).items[0].cancelled


def test_fingerprint_changes_with_the_po():
    first, second = order(), order()
    second["orderDetails"]["items"][0]["orderedQuantity"]["amount"] = 4
    assert read_purchase_order(first).fingerprint == read_purchase_order(order()).fingerprint
    assert read_purchase_order(first).fingerprint != read_purchase_order(second).fingerprint


def test_no_number_is_refused():
    with pytest.raises(ValueError):
        read_purchase_order({"orderDetails": {}})
