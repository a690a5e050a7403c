from datetime import timedelta
from unittest.mock import patch

from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import AmazonVendorCommon, make_po

# Not the simulator's demo catalogue: these tests must pass in a database with demo data too.
COFFEE, TEA, GRINDER, NUTS = "4006381333900", "4006381333917", "TEST-GRN-01", "4006381333924"


class AmazonVendorPoCommon(AmazonVendorCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Product = cls.env["product.product"]
        cls.coffee = Product.create({"name": "Coffee 1 kg", "barcode": COFFEE, "is_storable": True})
        cls.tea = Product.create({"name": "Green Tea", "barcode": TEA, "is_storable": True})
        cls.grinder = Product.create({"name": "Burr Grinder", "default_code": GRINDER, "is_storable": True})
        cls.nuts = Product.create(
            {
                "name": "Hazelnuts (lb)",
                "barcode": NUTS,
                "is_storable": True,
                "uom_id": cls.env.ref("uom.product_uom_lb").id,
                "uom_po_id": cls.env.ref("uom.product_uom_lb").id,
            }
        )
        cls.west = cls.env["stock.warehouse"].create({"name": "West", "code": "WEST"})
        cls.account.vendor_code_ids = [
            (0, 0, {"name": "ACME2", "warehouse_id": cls.west.id, "partner_id": cls.amazon_partner.id})
        ]

    def load_pos(self, *orders):
        return self.sim_post("/_simulator/purchase-orders", list(orders))

    def import_pos(self):
        self.account.action_import_purchase_orders()
        return self.env["sale.order"].search([("amazon_vendor_account_id", "=", self.account.id)])

    def order(self, number):
        return self.env["sale.order"].search(
            [("amazon_vendor_account_id", "=", self.account.id), ("amazon_vendor_po_number", "=", number)]
        )


@tagged("post_install", "-at_install")
class TestPurchaseOrderImport(AmazonVendorPoCommon):
    def test_import_creates_sale_orders_and_reimport_changes_nothing(self):
        self.load_pos(
            make_po(
                "2IMP0001",
                [
                    {"ref": COFFEE, "amount": 5, "unit": "Cases", "size": 6, "cost": "11.40"},
                    {"ref": GRINDER, "amount": 2, "cost": "38.50"},
                ],
                bill_to="AMZN-US-BILL",
            ),
            make_po("2IMP0002", [{"ref": TEA, "amount": 3}], vendor="ACME2", fc="PHX6"),
        )

        orders = self.import_pos()

        self.assertEqual(sorted(orders.mapped("amazon_vendor_po_number")), ["2IMP0001", "2IMP0002"])
        first = self.order("2IMP0001")
        self.assertRecordValues(
            first,
            [
                {
                    "client_order_ref": "2IMP0001",
                    "amazon_vendor_code": "ACME1",
                    "amazon_vendor_fc_code": "ABE8",
                    "amazon_vendor_status": "to_acknowledge",
                    "warehouse_id": self.warehouse.id,
                    "state": "draft",
                    "amazon_vendor_issues": False,
                }
            ],
        )
        self.assertEqual(first.partner_id.amazon_vendor_party_id, "AMZN-US-BILL", "billToParty is the customer")
        self.assertEqual(first.partner_shipping_id.amazon_vendor_party_id, "ABE8")
        self.assertEqual(first.currency_id.name, "USD")
        self.assertTrue(first.amazon_vendor_ship_window_start)
        coffee_line = first.order_line.filtered(lambda line: line.product_id == self.coffee)
        self.assertRecordValues(
            coffee_line,
            [
                {
                    "product_uom_qty": 30.0,
                    "price_unit": 11.40,
                    "amazon_vendor_ordered_amount": 5,
                    "amazon_vendor_unit_size": 6,
                    "amazon_vendor_item_sequence": "1",
                }
            ],
        )
        second = self.order("2IMP0002")
        self.assertEqual(second.warehouse_id, self.west, "ACME2 ships from its own warehouse")
        self.assertEqual(second.partner_id, self.amazon_partner, "without billToParty the vendor code's entity")
        fc_partners = self.env["res.partner"].search_count([("amazon_vendor_party_id", "=", "ABE8")])

        again = self.import_pos()

        self.assertEqual(again, orders)
        self.assertEqual(len(first.order_line), 2)
        self.assertEqual(self.env["res.partner"].search_count([("amazon_vendor_party_id", "=", "ABE8")]), fc_partners)
        self.assertTrue(self.account.po_created_cursor)

    def test_delivery_is_planned_in_amazons_ship_window(self):
        self.load_pos(make_po("2WIN0001", [{"ref": TEA}]))
        order = self.import_pos()

        order.action_confirm()

        self.assertEqual(order.picking_ids.scheduled_date, order.amazon_vendor_ship_window_start)
        self.assertEqual(order.picking_ids.partner_id.amazon_vendor_party_id, "ABE8", "shipped to the FC")

    def test_import_from_the_purchase_order_list(self):
        self.load_pos(make_po("2LST0001", [{"ref": TEA}]))

        action = self.env["sale.order"].with_user(self.salesman).action_amazon_vendor_import()

        self.assertTrue(self.order("2LST0001"))
        self.assertIn("1 new", action["params"]["message"])
        self.assertIn("1 new", self.account.po_last_import_result)

    def test_database_refuses_a_second_order_for_the_same_po(self):
        self.load_pos(make_po("2IMP0003", [{"ref": TEA}]))
        order = self.import_pos()
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            order.copy({"amazon_vendor_account_id": self.account.id, "amazon_vendor_po_number": "2IMP0003"})

    def test_changed_po_and_cancelled_line_are_applied(self):
        po = make_po("2CHG0001", [{"ref": COFFEE, "amount": 4, "unit": "Cases", "size": 6}, {"ref": TEA, "amount": 10}])
        self.load_pos(po)
        order = self.import_pos()
        po["orderDetails"]["items"][0]["orderedQuantity"]["amount"] = 2
        po["orderDetails"]["items"][1]["orderedQuantity"]["amount"] = 0
        po["orderDetails"]["items"][0]["netCost"]["amount"] = "9.50"
        self.load_pos(po)

        self.import_pos()

        coffee, tea = order.order_line.sorted("amazon_vendor_item_sequence")
        self.assertRecordValues(coffee, [{"product_uom_qty": 12.0, "price_unit": 9.50}])
        self.assertEqual(tea.product_uom_qty, 0.0)
        self.assertTrue(order.amazon_vendor_po_changed_date)
        message = " ".join(order.message_ids.mapped("body"))
        self.assertIn("Amazon changed purchase order 2CHG0001", message)
        self.assertIn("Item 2 cancelled by Amazon", message)

    def test_change_contradicting_a_delivery_is_flagged_not_applied(self):
        po = make_po("2CHG0002", [{"ref": GRINDER, "amount": 5}])
        self.load_pos(po)
        order = self.import_pos()
        order.action_confirm()
        order.order_line.qty_delivered = 4
        po["orderDetails"]["items"][0]["orderedQuantity"]["amount"] = 2
        self.load_pos(po)

        self.import_pos()

        self.assertEqual(order.order_line.product_uom_qty, 5.0, "never below what was delivered")
        activity = order.activity_ids.filtered(lambda a: "changed PO" in (a.summary or ""))
        self.assertTrue(activity)
        self.assertIn("4", activity.note)

    def test_closed_po_closes_its_order(self):
        po = make_po("2CLS0001", [{"ref": TEA}])
        self.load_pos(po)
        order = self.import_pos()
        po["purchaseOrderState"] = "Closed"
        self.load_pos(po)

        self.import_pos()

        self.assertRecordValues(order, [{"state": "cancel", "amazon_vendor_status": "closed"}])

    def test_weight_priced_items(self):
        self.grinder.weight = 2.0  # kg
        self.load_pos(
            make_po(
                "2WGT0001",
                [
                    {"ref": NUTS, "amount": 40, "cost": "6.75", "cost_unit": "POUNDS"},
                    {"ref": GRINDER, "amount": 3, "cost": "2.00", "cost_unit": "KILOGRAMS"},
                ],
            )
        )

        order = self.import_pos()

        nuts, grinder = order.order_line.sorted("amazon_vendor_item_sequence")
        self.assertRecordValues(
            nuts, [{"product_uom_qty": 40.0, "price_unit": 6.75, "product_uom": self.env.ref("uom.product_uom_lb").id}]
        )
        self.assertRecordValues(grinder, [{"product_uom_qty": 3.0, "price_unit": 4.0}])

    def test_unknown_sku_needs_attention_until_mapped(self):
        self.load_pos(
            make_po("2UNK0001", [{"ref": "999-UNKNOWN", "asin": "B0UNKNOWN1", "amount": 2}, {"ref": TEA, "amount": 1}])
        )

        order = self.import_pos()

        self.assertEqual(order.amazon_vendor_status, "needs_attention")
        self.assertIn("999-UNKNOWN", order.amazon_vendor_issues)
        note = order.order_line.filtered("display_type")
        self.assertEqual(note.amazon_vendor_ack_rejection_reason, "InvalidProductIdentifier")
        activity = order.activity_ids.filtered(lambda a: "needs attention" in (a.summary or ""))
        self.assertEqual(activity.user_id, self.account.user_id)

        self.env["amazon.vendor.product"].create(
            {
                "account_id": self.account.id,
                "product_id": self.grinder.id,
                "asin": "B0UNKNOWN1",
            }
        )
        order.action_amazon_vendor_retry_import()

        self.assertFalse(order.amazon_vendor_issues)
        self.assertFalse(activity.exists(), "the reminder is done once the PO is complete")
        self.assertEqual(order.amazon_vendor_status, "to_acknowledge")
        self.assertEqual(order.order_line.product_id, self.grinder | self.tea)
        self.assertFalse(order.order_line.filtered("display_type"))

    def test_unknown_vendor_code_needs_attention(self):
        self.load_pos(make_po("2UNK0002", [{"ref": TEA}], vendor="NOPE9"))
        order = self.import_pos()
        self.assertIn("Vendor code NOPE9 is not configured", order.amazon_vendor_issues)

    def test_a_po_that_raises_is_isolated_and_fetched_again(self):
        self.load_pos(*[make_po(f"2BAT000{n}", [{"ref": TEA}]) for n in range(1, 4)])
        SaleOrder = type(self.env["sale.order"])
        original = SaleOrder._amazon_vendor_prepare_order_vals

        def broken(model, batch, po):
            if po.number == "2BAT0002":
                raise RuntimeError("disk on fire")
            return original(model, batch, po)

        with patch.object(SaleOrder, "_amazon_vendor_prepare_order_vals", broken):
            orders = self.import_pos()
        self.assertEqual(sorted(orders.mapped("amazon_vendor_po_number")), ["2BAT0001", "2BAT0003"])
        self.assertEqual(self.account.po_retry_numbers, "2BAT0002")
        self.assertIn("disk on fire", " ".join(self.account.message_ids.mapped("body")))

        orders = self.import_pos()

        self.assertEqual(len(orders), 3)
        self.assertFalse(self.account.po_retry_numbers)

    def test_a_po_amazon_no_longer_knows_is_given_up(self):
        self.account.po_retry_numbers = "2GONE001"
        self.load_pos(make_po("2GONE002", [{"ref": TEA}]))

        orders = self.import_pos()

        self.assertEqual(orders.mapped("amazon_vendor_po_number"), ["2GONE002"])
        self.assertFalse(self.account.po_retry_numbers)
        self.assertIn("2GONE001 could not be fetched again", " ".join(self.account.message_ids.mapped("body")))

    def test_pagination_with_throttling(self):
        self.load_pos(*[make_po(f"2PAG{n:04d}", [{"ref": TEA}]) for n in range(25)])
        self.sim_post("/_simulator/config", {"faults": [{"operation": "getPurchaseOrders", "status": 429, "count": 2}]})
        page_size = patch.object(type(self.account), "_amazon_vendor_po_page_size", lambda account: 10)

        with page_size:
            orders = self.import_pos()

        self.assertEqual(len(orders), 25)
        pages = self.audit_logs(operation="getPurchaseOrders").filtered(lambda log: log.status_code == 200)
        self.assertGreaterEqual(len(pages), 4, "three pages of new POs and the changed-PO query")

    def test_user_edits_of_the_acknowledgement_survive_an_unrelated_change(self):
        po = make_po("2CHG0003", [{"ref": TEA, "amount": 10}, {"ref": GRINDER, "amount": 4}])
        self.load_pos(po)
        order = self.import_pos()
        tea, grinder = order.order_line.sorted("amazon_vendor_item_sequence")
        tea.write(
            {
                "amazon_vendor_ack_accepted": 6,
                "amazon_vendor_ack_rejected": 4,
                "amazon_vendor_ack_rejection_reason": "TemporarilyUnavailable",
            }
        )
        po["orderDetails"]["items"][1]["orderedQuantity"]["amount"] = 7
        self.load_pos(po)

        self.import_pos()

        self.assertRecordValues(tea, [{"amazon_vendor_ack_accepted": 6, "amazon_vendor_ack_rejected": 4}])
        self.assertRecordValues(grinder, [{"amazon_vendor_ordered_amount": 7, "amazon_vendor_ack_accepted": 7}])

    def test_cron_skips_an_account_without_credentials(self):
        broken = self.env["amazon.vendor.account"].create({"name": "No credentials", "environment": "simulator"})
        self.load_pos(make_po("2CRN0001", [{"ref": TEA}]))

        self.env["amazon.vendor.account"]._cron_import_purchase_orders()

        self.assertTrue(self.order("2CRN0001"))
        self.assertIn("no complete LWA credentials", " ".join(broken.message_ids.mapped("body")))

    def test_import_failure_keeps_cursors(self):
        self.sim_post(
            "/_simulator/config", {"faults": [{"operation": "getPurchaseOrders", "status": 503, "count": 50}]}
        )

        self.account.action_import_purchase_orders()

        self.assertFalse(self.account.po_created_cursor, "nothing was fetched: the next run starts over")
        self.assertIn("could not be reached", " ".join(self.account.message_ids.mapped("body")))

    def test_a_po_in_an_inactive_currency_is_flagged_not_activated(self):
        currency = self.env["res.currency"].with_context(active_test=False).search([("active", "=", False)], limit=1)
        po = make_po("2CUR0001", [{"ref": TEA}])
        po["orderDetails"]["items"][0]["netCost"]["currencyCode"] = currency.name
        self.load_pos(po)

        order = self.import_pos()

        self.assertFalse(currency.active, "activating a currency is the accountant's decision")
        self.assertEqual(order.amazon_vendor_status, "needs_attention")
        self.assertIn(f"Currency {currency.name} is not active", order.amazon_vendor_issues)
        with self.assertRaisesRegex(UserError, f"Amazon's costs are in {currency.name}"):
            order.action_amazon_vendor_acknowledge()

    def test_one_partner_per_fulfilment_centre_and_company(self):
        self.load_pos(make_po("2FCP0001", [{"ref": TEA}], fc="ZZZ8"))
        fc = self.import_pos().partner_shipping_id
        self.assertEqual(fc.amazon_vendor_party_id, "ZZZ8")

        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.env.cr.savepoint():
            fc.copy({"amazon_vendor_party_id": "ZZZ8"})

    def test_two_companies_are_kept_apart(self):
        other_company = self.env["res.company"].create(
            {"name": "ACME Europe", "currency_id": self.env.ref("base.USD").id}
        )
        other = self.env["amazon.vendor.account"].create(
            {
                "name": "ACME other",
                "company_id": other_company.id,
                "environment": "simulator",
                "endpoint_url": self.sim_url,
                "lwa_client_id": "acorn-sim-client",
                "lwa_client_secret": "acorn-sim-secret",
                "lwa_refresh_token": "acorn-sim-refresh",
                "vendor_code_ids": [(0, 0, {"name": "ACME1"})],
            }
        )
        self.load_pos(make_po("2CMP0001", [{"ref": TEA}]))

        mine = self.import_pos()
        other.action_import_purchase_orders()

        theirs = self.env["sale.order"].search([("amazon_vendor_account_id", "=", other.id)])
        self.assertEqual(mine.company_id, self.company)
        self.assertEqual(theirs.company_id, other_company)
        self.assertNotEqual(mine.partner_shipping_id, theirs.partner_shipping_id)

    def test_import_wizard_by_number_and_by_dates(self):
        self.load_pos(make_po("2WIZ0001", [{"ref": TEA}]), make_po("2WIZ0002", [{"ref": TEA}]))
        Wizard = self.env["amazon.vendor.po.import.wizard"].with_context(active_id=self.account.id)

        Wizard.create({"mode": "numbers", "po_numbers": "2WIZ0001"}).action_import()
        self.assertTrue(self.order("2WIZ0001"))
        self.assertFalse(self.order("2WIZ0002"))

        Wizard.create({"mode": "dates", "date_from": fields.Datetime.now() - timedelta(days=1)}).action_import()
        self.assertTrue(self.order("2WIZ0002"))

        with self.assertRaisesRegex(UserError, "NotFound|does not exist"):
            Wizard.create({"mode": "numbers", "po_numbers": "2NOPE999"}).action_import()
