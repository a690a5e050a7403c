from datetime import datetime, timedelta, timezone

from odoo.tests import HttpCase, new_test_user, tagged

from .amazon_orders import amz_time
from .common import SIM_CLIENT_ID, SIM_CLIENT_SECRET, SIM_REFRESH_TOKEN, SimulatorMixin, make_po
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
