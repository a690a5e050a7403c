from odoo.exceptions import AccessError
from odoo.modules.neutralize import get_neutralization_queries
from odoo.tests import new_test_user, tagged

from .common import AmazonVendorCommon


@tagged("post_install", "-at_install")
class TestSecurity(AmazonVendorCommon):
    def test_credentials_are_readable_by_system_administrators_only(self):
        account = self.account.with_user(self.manager)
        self.assertEqual(account.name, "ACME US")
        for field in ("lwa_client_id", "lwa_client_secret", "lwa_refresh_token", "oauth_nonce_hash"):
            with self.assertRaises(AccessError):
                account.read([field])
        with self.assertRaises(AccessError):
            self.env["amazon.vendor.access.token"].with_user(self.manager).search([])
        self.assertNotIn("lwa_client_secret", account.fields_get())
        self.assertEqual(self.account.with_user(self.env.ref("base.user_admin")).lwa_client_secret, "acorn-sim-secret")

    def test_manager_can_test_connection_without_reading_credentials(self):
        self.account.with_user(self.manager).action_test_connection()
        self.assertEqual(self.account.connection_state, "connected")

    def test_manager_without_settings_rights_edits_everything_but_secrets(self):
        self.account._get_spapi_client().get_access_token()
        account = self.account.with_user(self.manager)

        account.write({"region": "eu", "environment": "sandbox", "endpoint_url": "http://127.0.0.1:9"})
        account.write({"name": "ACME Europe", "po_import_interval": 30, "ack_confirms_order": False})

        self.assertRecordValues(self.account, [{"region": "eu", "environment": "sandbox", "name": "ACME Europe"}])
        self.assertFalse(self.env["amazon.vendor.access.token"].sudo().search([("account_id", "=", self.account.id)]))
        with self.assertRaises(AccessError):
            account.write({"lwa_client_secret": "stolen"})

    def test_actions_check_their_group_on_the_server(self):
        """Buttons are public over RPC: each refuses users outside its group."""
        reader = new_test_user(self.env, login="amazon_reader", groups="base.group_user")
        account = self.account.with_user(reader)
        for action in ("action_import_purchase_orders", "action_sync_po_status", "action_view_audit_logs"):
            with self.assertRaises(AccessError, msg=action):
                getattr(account, action)()
        user_account = self.account.with_user(self.salesman)
        for action in ("action_test_connection", "action_authorize"):
            with self.assertRaises(AccessError, msg=action):
                getattr(user_account, action)()
        with self.assertRaises(AccessError):
            self.account.with_user(self.manager).action_authorize()
        with self.assertRaises(AccessError):
            self.env["sale.order"].with_user(reader).action_amazon_vendor_import()

    def test_credentials_are_not_copied(self):
        copy = self.account.copy()
        self.assertFalse(copy.sudo().lwa_client_secret)
        self.assertFalse(copy.sudo().lwa_refresh_token)
        self.assertEqual(copy.connection_state, "not_tested")

    def test_user_cannot_change_accounts(self):
        with self.assertRaises(AccessError):
            self.account.with_user(self.salesman).write({"name": "Hijacked"})
        with self.assertRaises(AccessError):
            self.env["amazon.vendor.audit.log"].with_user(self.manager).create({"account_id": self.account.id})

    def test_accounts_are_isolated_between_companies(self):
        other_company = self.env["res.company"].create({"name": "ACME Europe"})
        other_account = self.env["amazon.vendor.account"].create(
            {
                "name": "ACME DE",
                "company_id": other_company.id,
                "region": "eu",
            }
        )
        self.account.action_test_connection()
        user_a = new_test_user(
            self.env,
            login="amazon_user_a",
            groups="acorn_amazon_vendor.group_amazon_vendor_manager",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )

        Account = self.env["amazon.vendor.account"].with_user(user_a)
        visible = Account.search([])
        self.assertIn(self.account, visible)
        self.assertNotIn(other_account, visible)
        with self.assertRaises(AccessError):
            other_account.with_user(user_a).read(["name"])
        other_log = self.env["amazon.vendor.audit.log"].create({"account_id": other_account.id, "operation": "x"})
        logs = self.env["amazon.vendor.audit.log"].with_user(user_a).search([])
        self.assertIn(self.account, logs.account_id)
        self.assertNotIn(other_log, logs)

    def test_neutralized_copy_has_no_credentials(self):
        self.account._get_spapi_client().get_access_token()
        for query in get_neutralization_queries(["acorn_amazon_vendor"]):
            self.env.cr.execute(query)
        self.env.invalidate_all()

        account = self.account.sudo()
        self.assertFalse(account.lwa_client_secret or account.lwa_refresh_token)
        self.assertFalse(self.env["amazon.vendor.access.token"].sudo().search([("account_id", "=", account.id)]))
