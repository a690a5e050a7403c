from urllib.parse import parse_qs, urlsplit

import requests

from odoo.tests import HttpCase, new_test_user, tagged

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

    def test_an_answer_is_used_once(self):
        callback = self._consent()
        self.authenticate("admin", "admin")
        self.url_open(f"{callback.path}?{callback.query}")
        token = self.account.sudo().lwa_refresh_token

        replay = self.url_open(f"{callback.path}?{callback.query}")

        self.assertIn("used already", replay.text)
        self.assertEqual(self.account.sudo().lwa_refresh_token, token)

    def test_another_vendor_account_cannot_replace_the_connected_one(self):
        self.account.selling_partner_id = "A1OTHERVENDOR"
        callback = self._consent()

        self.authenticate("admin", "admin")
        response = self.url_open(f"{callback.path}?{callback.query}")

        self.assertIn("connected to the Vendor Central account A1OTHERVENDOR", response.text)
        self.assertFalse(self.account.sudo().lwa_refresh_token)
        self.assertEqual(self.account.selling_partner_id, "A1OTHERVENDOR")

    def test_a_malformed_selling_partner_is_refused(self):
        callback = self._consent()
        query = parse_qs(callback.query)

        self.authenticate("admin", "admin")
        response = self.url_open(
            f"{callback.path}?state={query['state'][0]}&spapi_oauth_code={query['spapi_oauth_code'][0]}"
            "&selling_partner_id=%3Cscript%3E"
        )

        self.assertIn("no valid selling partner id", response.text)
        self.assertFalse(self.account.sudo().lwa_refresh_token)

    def test_only_system_administrators_complete_an_authorization(self):
        manager = new_test_user(
            self.env,
            login="amazon_oauth_manager",
            password="amazon_oauth_manager",
            groups="acorn_amazon_vendor.group_amazon_vendor_manager",
        )
        callback = self._consent()

        self.authenticate("amazon_oauth_manager", "amazon_oauth_manager")
        response = self.url_open(f"{callback.path}?{callback.query}")

        self.assertIn("reserved", response.text)
        self.assertFalse(self.account.sudo().lwa_refresh_token)
        self.assertTrue(manager)
