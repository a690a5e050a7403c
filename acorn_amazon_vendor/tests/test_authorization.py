from urllib.parse import parse_qs, urlsplit

import requests

from odoo.tests import HttpCase, tagged

from .common import SIM_CLIENT_ID, SIM_CLIENT_SECRET, SimulatorMixin


@tagged("post_install", "-at_install")
class TestWebsiteAuthorization(SimulatorMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_simulator()
        cls.account = cls.env["amazon.vendor.account"].create(
            {
                "name": "ACME authorized on Amazon",
                "environment": "simulator",
                "endpoint_url": cls.sim_url,
                "application_id": "amzn1.sp.solution.acorn-test",
                "lwa_client_id": SIM_CLIENT_ID,
                "lwa_client_secret": SIM_CLIENT_SECRET,
            }
        )

    def setUp(self):
        super().setUp()
        self.sim_reset()

    def _consent(self):
        url = self.account.with_user(self.env.ref("base.user_admin")).action_authorize()["url"]
        self.assertTrue(url.startswith(self.sim_url + "/apps/authorize/consent"), url)
        answer = requests.get(url, allow_redirects=False, timeout=10)
        self.assertEqual(answer.status_code, 302)
        return urlsplit(answer.headers["Location"])

    def test_consent_stores_the_refresh_token(self):
        callback = self._consent()
        self.assertEqual(callback.path, "/acorn_amazon_vendor/oauth/callback")

        self.authenticate("admin", "admin")
        response = self.url_open(f"{callback.path}?{callback.query}")

        self.assertEqual(response.status_code, 200)
        self.assertTrue(self.account.sudo().lwa_refresh_token)
        self.assertTrue(self.account.selling_partner_id)
        self.assertEqual(self.account.connection_state, "connected")

    def test_forged_state_is_refused(self):
        callback = self._consent()
        query = parse_qs(callback.query)

        self.authenticate("admin", "admin")
        response = self.url_open(
            f"{callback.path}?state=forged.{query['state'][0]}&spapi_oauth_code={query['spapi_oauth_code'][0]}",
        )

        self.assertIn("does not come from this Odoo", response.text)
        self.assertFalse(self.account.sudo().lwa_refresh_token)
