from datetime import datetime, timedelta, timezone

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from .amazon_orders import amz_time
from .common import (
    SIM_CLIENT_ID,
    SIM_CLIENT_SECRET,
    SIM_REFRESH_TOKEN,
    AmazonVendorCommon,
    SimulatorMixin,
    make_po,
)
from .remittance_common import AmazonVendorRemittanceCommon, remittance_csv


@tagged("post_install", "-at_install")
class TestAccountTour(SimulatorMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_simulator()
        cls.env["amazon.vendor.account"].create(
            {
                "name": "Tour Vendor Account",
                "environment": "simulator",
                "endpoint_url": cls.sim_url,
                "lwa_client_id": SIM_CLIENT_ID,
                "lwa_client_secret": SIM_CLIENT_SECRET,
                "lwa_refresh_token": SIM_REFRESH_TOKEN,
            }
        )

    def test_test_connection_tour(self):
        self.sim_reset()
        self.start_tour("/odoo/amazon-vendor-accounts", "acorn_amazon_vendor_test_connection", login="admin")


@tagged("post_install", "-at_install")
class TestPurchaseOrderTour(SimulatorMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_simulator()
        cls.env["product.product"].create({"name": "Tour Coffee", "barcode": "0860123459990", "is_storable": True})
        cls.account = cls.env["amazon.vendor.account"].create(
            {
                "name": "Tour PO Account",
                "environment": "simulator",
                "endpoint_url": cls.sim_url,
                "lwa_client_id": SIM_CLIENT_ID,
                "lwa_client_secret": SIM_CLIENT_SECRET,
                "lwa_refresh_token": SIM_REFRESH_TOKEN,
                "vendor_code_ids": [(0, 0, {"name": "ACME1"})],
            }
        )

    def test_acknowledge_purchase_order_tour(self):
        self.sim_reset()
        late = datetime.now(timezone.utc) - timedelta(hours=30)
        self.sim_post(
            "/_simulator/purchase-orders",
            [
                make_po("2TOUR001", [{"ref": "0860123459990", "amount": 3, "unit": "Cases", "size": 6}]),
                make_po("2TOUR002", [{"ref": "0860123459990", "amount": 1}], when=late),
            ],
        )
        self.account.action_import_purchase_orders()

        self.start_tour("/odoo/amazon-vendor-purchase-orders", "acorn_amazon_vendor_acknowledge_po", login="admin")

        [submission] = self.sim_get("/_simulator/submissions", operation="submitAcknowledgement")
        self.assertEqual(submission["body"]["acknowledgements"][0]["purchaseOrderNumber"], "2TOUR001")


class ShippingTourCase(SimulatorMixin, HttpCase):
    """An Amazon account, a GS1 prefix, a pallet type and a product in stock."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_simulator()
        cls.env.ref("base.group_user").implied_ids += cls.env.ref("stock.group_tracking_lot")
        cls.env.company.amazon_vendor_gs1_prefix = "0614141"
        warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        cls.product = cls.env["product.product"].create(
            {"name": "Tour Kettle", "barcode": "0860123459983", "is_storable": True, "weight": 1.2}
        )
        cls.env["stock.quant"]._update_available_quantity(cls.product, warehouse.lot_stock_id, 50)
        cls.env["stock.package.type"].create(
            {"name": "Tour pallet", "amazon_vendor_container_type": "pallet", "base_weight": 20}
        )
        cls.account = cls.env["amazon.vendor.account"].create(
            {
                "name": "Tour Shipping Account",
                "environment": "simulator",
                "endpoint_url": cls.sim_url,
                "lwa_client_id": SIM_CLIENT_ID,
                "lwa_client_secret": SIM_CLIENT_SECRET,
                "lwa_refresh_token": SIM_REFRESH_TOKEN,
                "vendor_code_ids": [(0, 0, {"name": "ACME1", "warehouse_id": warehouse.id})],
            }
        )

    def _follow(self):
        Transaction = self.env["amazon.vendor.transaction"]
        Transaction.search([("state", "=", "submitted")]).write({"next_check_at": datetime(2000, 1, 1)})
        Transaction._cron_check_transactions()


@tagged("post_install", "-at_install")
class TestShippingTour(ShippingTourCase):
    """A warehouse user outside the Amazon groups packs, palletises, validates, prints and sends."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        new_test_user(cls.env, login="tour_warehouse", password="tour_warehouse", groups="stock.group_stock_user")

    def test_pack_validate_print_and_send_the_asn(self):
        self.sim_reset()
        when = datetime.now(timezone.utc) - timedelta(minutes=5)
        window = f"{amz_time(when + timedelta(days=3))}--{amz_time(when + timedelta(days=6))}"
        self.sim_post(
            "/_simulator/purchase-orders",
            [make_po("2TOURSHP", [{"ref": "0860123459983", "amount": 4}], when=when, deliveryWindow=window)],
        )
        self.account.action_import_purchase_orders()
        order = self.env["sale.order"].search([("amazon_vendor_po_number", "=", "2TOURSHP")])
        order.action_amazon_vendor_acknowledge()
        self._follow()
        picking = order.picking_ids
        picking.action_assign()

        self.start_tour(
            f"/odoo/action-stock.action_picking_tree_all/{picking.id}",
            "acorn_amazon_vendor_ship_asn",
            login="tour_warehouse",
        )

        [submission] = self.sim_get("/_simulator/submissions", operation="SubmitShipmentConfirmations")
        self.assertTrue(submission["valid"], submission["errors"])
        [asn] = submission["body"]["shipmentConfirmations"]
        self.assertEqual(len(asn["cartons"]), 1)
        self.assertEqual(len(asn["pallets"]), 1)
        # The browser's last requests hold the test cursor; Amazon's verdict is fetched after them.
        self._wait_remaining_requests()
        self._follow()
        self.start_tour(
            f"/odoo/action-stock.action_picking_tree_all/{picking.id}",
            "acorn_amazon_vendor_asn_accepted",
            login="tour_warehouse",
        )


@tagged("post_install", "-at_install")
class TestInvoiceTour(ShippingTourCase):
    """An accountant sends the invoice of a shipped Amazon order from Odoo's Send screen."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.partner_id.write({"street": "1 Roastery Lane", "country_id": cls.env.ref("base.us").id})
        cls.product.taxes_id = False
        new_test_user(
            cls.env,
            login="tour_accountant",
            password="tour_accountant",
            groups="account.group_account_invoice,acorn_amazon_vendor.group_amazon_vendor_user",
        )

    def test_send_the_invoice_and_see_amazons_verdict(self):
        self.sim_reset()
        when = datetime.now(timezone.utc) - timedelta(minutes=5)
        window = f"{amz_time(when + timedelta(days=3))}--{amz_time(when + timedelta(days=6))}"
        self.sim_post(
            "/_simulator/purchase-orders",
            [make_po("2TOURINV", [{"ref": "0860123459983", "amount": 4}], when=when, deliveryWindow=window)],
        )
        self.account.action_import_purchase_orders()
        order = self.env["sale.order"].search([("amazon_vendor_po_number", "=", "2TOURINV")])
        order.action_amazon_vendor_acknowledge()
        self._follow()
        picking = order.picking_ids
        picking.action_assign()
        picking.move_ids.picked = True
        carton = picking.action_put_in_pack()
        pallet_type = self.env["stock.package.type"].search([("amazon_vendor_container_type", "=", "pallet")], limit=1)
        self.env["amazon.vendor.pallet.wizard"].with_context(default_picking_id=picking.id).create(
            {"carton_ids": [(6, 0, carton.ids)], "package_type_id": pallet_type.id}
        ).action_confirm()
        picking.write({"amazon_vendor_carrier_scac": "ABCD", "amazon_vendor_pro_number": "PRO42"})
        picking.button_validate()
        picking.with_user(self.env.ref("base.user_admin")).action_amazon_vendor_submit_asn()
        self._follow()
        self.assertEqual(picking.amazon_vendor_asn_state, "done")
        invoice = order._create_invoices()
        invoice.action_post()

        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{invoice.id}",
            "acorn_amazon_vendor_send_invoice",
            login="tour_accountant",
        )

        [submission] = self.sim_get("/_simulator/submissions", operation="submitInvoices")
        self.assertTrue(submission["valid"], submission["errors"])
        self._wait_remaining_requests()
        self._follow()
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{invoice.id}",
            "acorn_amazon_vendor_invoice_accepted",
            login="tour_accountant",
        )


@tagged("post_install", "-at_install")
class TestRemittanceTour(AmazonVendorRemittanceCommon, HttpCase):
    """An accountant imports Vendor Central's remittance file and finds Amazon's invoices paid."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tour_accountant = new_test_user(
            cls.env,
            login="tour_remittance",
            email="tour.remittance@example.com",
            groups="base.group_user,account.group_account_invoice,acorn_amazon_vendor.group_amazon_vendor_user",
        )

    def test_import_a_remittance_file_and_open_a_paid_invoice(self):
        first, second = self.amazon_invoice(1000.0), self.amazon_invoice(500.0)
        content = remittance_csv(
            [
                (
                    "30901",
                    "03/02/2026",
                    self.currency.name,
                    [
                        (first.name, "Invoice", 1000.0, 0.0),
                        (second.name, "Invoice", 500.0, 0.0),
                        (f"{second.name}SC", "Shortage Claim for Invoice", -75.0, 0.0),
                    ],
                    None,
                    None,
                )
            ]
        )
        # The browser cannot read a file of this machine: the tour fetches it from here and uploads it.
        self.env["ir.attachment"].create(
            {
                "name": "Payments_remittance_tour.csv",
                "raw": content,
                "res_model": "res.partner",
                "res_id": self.tour_accountant.partner_id.id,
            }
        )

        self.start_tour("/odoo", "acorn_amazon_vendor_import_remittance", login="tour_remittance")

        self._wait_remaining_requests()
        remittance = self.remittance("30901")
        self.assertRecordValues(
            remittance,
            [
                {
                    "state": "posted",
                    "amount": 1425.0,
                    "deducted_amount": 75.0,
                    "difference": 0.0,
                    "filename": "Payments_remittance_tour.csv",
                }
            ],
        )
        self.assertEqual(remittance.line_ids.mapped("kind"), ["invoice", "invoice", "deduction"])
        self.assertEqual(remittance.move_id.state, "posted")
        # Amazon paid both invoices in full; the shortage is a claim of its own, open until disputed.
        self.assertEqual((first | second).mapped("payment_state"), ["paid", "paid"])
        self.assertRecordValues(
            self.claim(second.name),
            [{"claim_type": "shortage", "amount": 75.0, "open_amount": 75.0, "invoice_id": second.id}],
        )


@tagged("post_install", "-at_install")
class TestPerformanceTour(AmazonVendorCommon, HttpCase):
    """A manager reads March's figures on the dashboard, follows "Shipped Late" to the two late
    POs and comes back; the graphs are a test of their own. The history is TestVendorPerformance's:
    10 POs of 10 units, one accepted for 8, two shipped after their window, one received 3 short;
    plus one open shortage deduction of 75."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The demo data has an account of its own: the tour picks this one by its name.
        cls.account.name = "Tour Performance Account"
        cls.product = cls.env["product.product"].create({"name": "Tour Grinder", "is_storable": True})
        cls.env["stock.quant"]._update_available_quantity(cls.product, cls.warehouse.lot_stock_id, 100)
        po_date = fields.Datetime.to_datetime("2026-03-02 10:00:00")
        cls.orders = cls.env["sale.order"]
        for index in range(10):
            order = cls.env["sale.order"].create(
                {
                    "partner_id": cls.amazon_partner.id,
                    "warehouse_id": cls.warehouse.id,
                    # As the importer sets it: the only column of the plain order list with Amazon's number.
                    "client_order_ref": f"2PERF{index:03d}",
                    "amazon_vendor_account_id": cls.account.id,
                    "amazon_vendor_po_number": f"2PERF{index:03d}",
                    "amazon_vendor_code": "ACME1",
                    "amazon_vendor_po_date": po_date,
                    "amazon_vendor_ship_window_end": fields.Datetime.to_datetime("2026-03-06 23:59:59"),
                    "amazon_vendor_acknowledged_at": po_date + timedelta(hours=30 if index == 0 else 2),
                    "amazon_vendor_ack_state": "accepted",
                    "order_line": [
                        Command.create(
                            {
                                "product_id": cls.product.id,
                                "product_uom_qty": 10,
                                "amazon_vendor_ordered_amount": 10,
                                "amazon_vendor_ack_accepted": 8 if index == 1 else 10,
                            }
                        )
                    ],
                }
            )
            order.action_confirm()
            picking = order.picking_ids
            picking.move_ids.quantity = 10
            picking.with_context(skip_backorder=True).button_validate()
            picking.date_done = "2026-03-08 09:00:00" if index in (2, 3) else "2026-03-05 09:00:00"
            order.order_line.amazon_vendor_received_units = 7 if index == 4 else 10
            cls.orders |= order
        cls._shortage_deduction(75.0)
        cls.tour_manager = new_test_user(
            cls.env,
            login="tour_performance",
            email="tour.performance@example.com",
            lang="en_US",
            groups="base.group_user,stock.group_stock_user,acorn_amazon_vendor.group_amazon_vendor_user",
        )

    @classmethod
    def _shortage_deduction(cls, amount):
        """An open shortage claim, as a remittance leaves it: one deducted line."""
        currency = cls.env.company.currency_id
        claim = cls.env["amazon.vendor.claim"].create(
            {"name": "PERFSC1", "claim_type": "shortage", "account_id": cls.account.id, "currency_id": currency.id}
        )
        cls.env["amazon.vendor.remittance"].create(
            {
                "payment_number": "30950",
                "account_id": cls.account.id,
                "currency_id": currency.id,
                "invoice_currency_id": currency.id,
                "payment_date": "2026-03-20",
                "line_ids": [
                    Command.create(
                        {
                            "invoice_number": "PERFSC1",
                            "description": "Shortage Claim",
                            "amount_paid": -amount,
                            "kind": "deduction",
                            "claim_id": claim.id,
                        }
                    )
                ],
            }
        )

    def _snapshot(self):
        self.env.invalidate_all()
        return {
            "orders": self.orders.read(["state", "amazon_vendor_ack_state", "write_date"]),
            "pickings": self.orders.picking_ids.read(["state", "date_done", "write_date"]),
        }

    def test_read_the_figures_and_follow_the_late_orders(self):
        before = self._snapshot()

        self.start_tour("/odoo", "acorn_amazon_vendor_performance_dashboard", login="tour_performance")

        self._wait_remaining_requests()
        # Reading the dashboard changes nothing; its one record is the period the manager chose.
        self.assertEqual(self._snapshot(), before)
        dashboard = self.env["amazon.vendor.performance"].search([("create_uid", "=", self.tour_manager.id)])
        self.assertRecordValues(
            dashboard,
            [
                {
                    "account_id": self.account.id,
                    "date_from": fields.Date.to_date("2026-03-01"),
                    "date_to": fields.Date.to_date("2026-03-31"),
                    "po_count": 10,
                    "fill_rate": 0.98,
                    "late_count": 2,
                    "on_time_rate": 0.8,
                    "asn_accuracy": 0.97,
                    "open_deduction_amount": 75.0,
                }
            ],
        )

    def test_open_the_graphs_of_the_period(self):
        self.start_tour(
            "/odoo/action-acorn_amazon_vendor.amazon_vendor_performance_action",
            "acorn_amazon_vendor_performance_graphs",
            login="tour_performance",
        )
        self._wait_remaining_requests()
