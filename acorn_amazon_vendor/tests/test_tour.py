from odoo.tests import HttpCase, tagged

from .common import SIM_CLIENT_ID, SIM_CLIENT_SECRET, SIM_REFRESH_TOKEN, SimulatorMixin


@tagged("post_install", "-at_install")
class TestAccountTour(SimulatorMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_simulator()
        cls.env["amazon.vendor.account"].create({
            "name": "Tour Vendor Account",
            "environment": "simulator",
            "endpoint_url": cls.sim_url,
            "lwa_client_id": SIM_CLIENT_ID,
            "lwa_client_secret": SIM_CLIENT_SECRET,
            "lwa_refresh_token": SIM_REFRESH_TOKEN,
        })

    def test_test_connection_tour(self):
        self.sim_reset()
        self.start_tour("/odoo/amazon-vendor-accounts", "acorn_amazon_vendor_test_connection", login="admin")
