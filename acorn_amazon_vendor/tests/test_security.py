from odoo.exceptions import AccessError
from odoo.modules.neutralize import get_neutralization_queries
from odoo.tests import new_test_user, tagged

from .common import AmazonVendorCommon


@tagged("post_install", "-at_install")
class TestSecurity(AmazonVendorCommon):
    def test_credentials_are_readable_by_system_administrators_only(self):
        account = self.account.with_user(self.manager)
        self.assertEqual(account.name, "ACME US")
        for field in ("lwa_client_id", "lwa_client_secret", "lwa_refresh_token", "lwa_access_token"):
            with self.assertRaises(AccessError):
                account.read([field])
        self.assertNotIn("lwa_client_secret", account.fields_get())
        self.assertEqual(self.account.with_user(self.env.ref("base.user_admin")).lwa_client_secret, "acorn-sim-secret")

    def test_manager_can_test_connection_without_reading_credentials(self):
        self.account.with_user(self.manager).action_test_connection()
        self.assertEqual(self.account.connection_state, "connected")

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
        self.assertFalse(account.lwa_client_secret or account.lwa_refresh_token or account.lwa_access_token)
