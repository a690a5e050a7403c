from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import AmazonVendorCommon

LWA_OPERATION = "lwaToken"


@tagged("post_install", "-at_install")
class TestAccountConnection(AmazonVendorCommon):
    def test_test_connection_success(self):
        action = self.account.action_test_connection()

        self.assertEqual(action["params"]["type"], "success")
        self.assertRecordValues(self.account, [{"connection_state": "connected"}])
        self.assertIn("Amazon accepted the credentials", self.account.connection_message)
        call = self.audit_logs(operation="getPurchaseOrders")
        self.assertEqual(len(call), 1)
        self.assertEqual(call.status_code, 200)
        self.assertTrue(call.request_id, "Amazon's x-amzn-RequestId is kept")
        self.assertEqual(call.res_reference, self.account)

    def test_test_connection_bad_client_secret(self):
        self.account.lwa_client_secret = "not-the-secret"

        action = self.account.action_test_connection()

        self.assertEqual(action["params"]["type"], "danger")
        self.assertEqual(self.account.connection_state, "failed")
        self.assertIn("client ID or client secret", self.account.connection_message)
        self.assertFalse(self.audit_logs(operation="getPurchaseOrders"), "no SP-API call without a token")

    def test_test_connection_revoked_refresh_token(self):
        self.account.lwa_refresh_token = "Atzr|revoked-long-ago"

        self.account.action_test_connection()

        self.assertEqual(self.account.connection_state, "failed")
        self.assertIn("refresh token", self.account.connection_message)

    def test_test_connection_missing_role(self):
        self.sim_post("/_simulator/config", {"denied_operations": ["getPurchaseOrders"]})

        self.account.action_test_connection()

        self.assertEqual(self.account.connection_state, "failed")
        self.assertIn("Retail Procurement role", self.account.connection_message)

    def test_incomplete_credentials_are_explained(self):
        self.account.lwa_refresh_token = False

        with self.assertRaisesRegex(UserError, "no complete LWA credentials"):
            self.account._get_spapi_client()
        self.account.action_test_connection()
        self.assertEqual(self.account.connection_state, "failed")

    def stored_token(self):
        return self.env["amazon.vendor.access.token"].sudo().search([("account_id", "=", self.account.id)])

    def test_token_is_reused_across_clients_and_refreshed_before_expiry(self):
        self.account._get_spapi_client().get_purchase_orders(limit=1)
        # A second client, as another worker would build it, finds the token in the database.
        self.account._get_spapi_client().get_purchase_orders(limit=1)
        self.assertEqual(len(self.audit_logs(operation=LWA_OPERATION)), 1)
        self.assertEqual(len(self.audit_logs(operation="getPurchaseOrders")), 2)

        # Two minutes before expiry the token is refreshed rather than used.
        self.stored_token().expires_at = fields.Datetime.now() + timedelta(minutes=2)
        self.account._get_spapi_client().get_purchase_orders(limit=1)
        self.assertEqual(len(self.audit_logs(operation=LWA_OPERATION)), 2)
        self.assertGreater(self.stored_token().expires_at, fields.Datetime.now() + timedelta(minutes=30))

    def test_changing_credentials_drops_the_stored_token(self):
        self.account._get_spapi_client().get_access_token()
        self.assertTrue(self.stored_token().value)

        self.account.lwa_refresh_token = "Atzr|another-authorization"

        self.assertFalse(self.stored_token())
        self.assertEqual(self.account.connection_state, "not_tested")

    def test_a_token_amazon_revoked_is_replaced_once(self):
        client = self.account._get_spapi_client()
        client.get_access_token()
        self.sim_reset()  # Amazon forgets every token it issued

        client.get_purchase_orders(limit=1)

        self.assertEqual(self.audit_logs(operation="getPurchaseOrders").mapped("status_code"), [403, 200])
        self.assertEqual(len(self.audit_logs(operation=LWA_OPERATION)), 2)

    def test_throttling_storm_recovers_within_retry_bound(self):
        self.sim_post("/_simulator/config", {"faults": [{"operation": "getPurchaseOrders", "status": 429, "count": 3}]})

        self.account.action_test_connection()

        self.assertEqual(self.account.connection_state, "connected")
        statuses = self.audit_logs(operation="getPurchaseOrders").mapped("status_code")
        self.assertEqual(statuses, [429, 429, 429, 200])

    def test_throttling_storm_ends_in_clear_error(self):
        self.sim_post(
            "/_simulator/config", {"faults": [{"operation": "getPurchaseOrders", "status": 429, "count": 50}]}
        )

        self.account.action_test_connection()

        self.assertEqual(self.account.connection_state, "failed")
        self.assertIn("throttling", self.account.connection_message)
        attempts = self.audit_logs(operation="getPurchaseOrders")
        self.assertLessEqual(len(attempts), 5, "retries are bounded")

    def test_server_errors_are_retried(self):
        self.sim_post("/_simulator/config", {"faults": [{"operation": "getPurchaseOrders", "status": 503, "count": 2}]})

        self.account.action_test_connection()

        self.assertEqual(self.account.connection_state, "connected")

    def test_unreachable_endpoint(self):
        self.account.endpoint_url = "http://127.0.0.1:9"

        self.account.action_test_connection()

        self.assertEqual(self.account.connection_state, "failed")
        self.assertIn("could not be reached", self.account.connection_message)
