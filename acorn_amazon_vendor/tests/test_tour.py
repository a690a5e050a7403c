from datetime import datetime, timedelta, timezone

from odoo.tests import HttpCase, tagged

from .common import SIM_CLIENT_ID, SIM_CLIENT_SECRET, SIM_REFRESH_TOKEN, SimulatorMixin, make_po


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
