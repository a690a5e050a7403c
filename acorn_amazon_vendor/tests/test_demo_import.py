from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .test_purchase_order_import import AmazonVendorPoCommon


@tagged("post_install", "-at_install")
class TestDemoPurchaseOrders(AmazonVendorPoCommon):
    """The simulator's demo book (several vendor codes and FCs, cases and eaches, a changed PO,
    a cancelled line, a closed PO, a weight-priced item) imported in one go."""

    def test_demo_book_imports_as_correct_sale_orders(self):
        self.sim_post("/_simulator/demo")
        raw_orders = list(
            self.account._get_spapi_client().iter_purchase_orders(
                created_after=fields.Datetime.now() - timedelta(days=7)
            )
        )
        refs = {item["vendorProductIdentifier"] for order in raw_orders for item in order["orderDetails"]["items"]}
        weight_priced = {
            item["vendorProductIdentifier"]
            for order in raw_orders
            for item in order["orderDetails"]["items"]
            if (item.get("netCost") or {}).get("unitOfMeasure")
        }
        lb = self.env.ref("uom.product_uom_lb")
        self.env["product.product"].create(
            [
                {
                    "name": f"Demo {ref}",
                    "barcode": ref,
                    "is_storable": True,
                    **({"uom_id": lb.id, "uom_po_id": lb.id} if ref in weight_priced else {}),
                }
                for ref in refs
                if not self.env["product.product"].search_count([("barcode", "=", ref)])
            ]
        )

        orders = self.import_pos()

        self.assertEqual(len(orders), len(raw_orders))
        self.assertEqual(orders.filtered("amazon_vendor_issues"), self.env["sale.order"])
        by_number = {order.amazon_vendor_po_number: order for order in orders}
        for raw in raw_orders:
            order = by_number[raw["purchaseOrderNumber"]]
            items = raw["orderDetails"]["items"]
            self.assertEqual(len(order.order_line), len(items))
            self.assertEqual(order.amazon_vendor_fc_code, raw["orderDetails"]["shipToParty"]["partyId"])
            for item, line in zip(items, order.order_line.sorted(lambda line: int(line.amazon_vendor_item_sequence))):
                quantity = item["orderedQuantity"]
                size = quantity.get("unitSize", 1) if quantity.get("unitOfMeasure") == "Cases" else 1
                self.assertEqual(line.product_uom_qty, quantity["amount"] * size, raw["purchaseOrderNumber"])
                self.assertAlmostEqual(line.price_unit, float(item["netCost"]["amount"]))
        self.assertEqual(by_number["2K7QX4AH"].amazon_vendor_status, "closed")
        self.assertEqual(by_number["2K7QX4AD"].warehouse_id, self.west, "ACME2 ships from its warehouse")
        self.assertTrue(by_number["2K7QX4AF"].amazon_vendor_po_changed_date)
        self.assertIn(0.0, by_number["2K7QX4AG"].order_line.mapped("product_uom_qty"), "the cancelled line")
        self.assertEqual(len({order.partner_shipping_id for order in orders}), 4, "one partner per FC")
