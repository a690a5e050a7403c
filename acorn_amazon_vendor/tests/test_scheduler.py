"""The scheduled actions as Odoo's scheduler runs them: one account at a time, progress in
accounts, an account imported by someone else is left alone, and old cursors catch up.

What only shows with real commits (a killed worker, two processes at once) is proven by the
system tests under ``tests/system``; these run the crons through ``ir.cron`` itself.
"""

from datetime import datetime, timedelta, timezone
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged
from odoo.tools import SQL

from ..models.concurrency import IMPORT_LOCK
from .common import SIM_CLIENT_ID, SIM_CLIENT_SECRET, SIM_REFRESH_TOKEN, make_po
from .test_purchase_order_import import TEA, AmazonVendorPoCommon

LATER = timedelta(days=365)


@tagged("post_install", "-at_install")
class TestScheduler(AmazonVendorPoCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cron = cls.env.ref("acorn_amazon_vendor.ir_cron_import_purchase_orders")
        cls.status_cron = cls.env.ref("acorn_amazon_vendor.ir_cron_sync_po_status")
        cls.second = cls.env["amazon.vendor.account"].create(
            {
                "name": "ACME US second vendor group",
                "environment": "simulator",
                "endpoint_url": cls.sim_url,
                "lwa_client_id": SIM_CLIENT_ID,
                "lwa_client_secret": SIM_CLIENT_SECRET,
                "lwa_refresh_token": SIM_REFRESH_TOKEN,
                "vendor_code_ids": [(0, 0, {"name": "ACME1", "warehouse_id": cls.warehouse.id})],
            }
        )
        # Accounts of the database itself (demo data) are not this test's business.
        others = cls.env["amazon.vendor.account"].search([("id", "not in", (cls.account | cls.second).ids)])
        others.po_next_import_at = fields.Datetime.now() + LATER

    def run_cron(self, cron):
        """Run the scheduled action the way Odoo does (server action, cron user, progress)."""
        cron.method_direct_trigger()
        return self.env["ir.cron.progress"].search([("cron_id", "=", cron.id)], order="id desc", limit=1)

    def orders_of(self, account):
        return self.env["sale.order"].search([("amazon_vendor_account_id", "=", account.id)])

    def test_every_due_account_is_imported_and_reported_in_accounts(self):
        self.load_pos(make_po("2SCH0001", [{"ref": TEA}]), make_po("2SCH0002", [{"ref": TEA}]))
        before = fields.Datetime.now()

        progress = self.run_cron(self.cron)

        for account in self.account | self.second:
            self.assertEqual(len(self.orders_of(account)), 2, account.name)
            self.assertGreaterEqual(account.po_created_cursor, before)
            self.assertGreaterEqual(account.po_next_import_at, before + timedelta(minutes=59))
        self.assertRecordValues(progress, [{"done": 2, "remaining": 0}])
        calls = len(self.audit_logs())

        progress = self.run_cron(self.cron)
        self.assertRecordValues(progress, [{"done": 0, "remaining": 0}])
        self.assertEqual(len(self.audit_logs()), calls, "nothing is due before the account's interval")

    def test_account_interval_sets_the_next_import(self):
        self.second.po_import_interval = 15
        self.account.po_next_import_at = fields.Datetime.now() + LATER
        before = fields.Datetime.now()

        self.run_cron(self.cron)

        self.assertLessEqual(self.second.po_next_import_at, before + timedelta(minutes=15, seconds=5))
        self.assertFalse(self.account.po_last_import_at, "an account not due is left alone")

    def test_hourly_means_hourly_despite_the_scheduler_waking_late(self):
        """Due at 11:00:02, the run of 11:00:00 takes it, not the one of 11:15."""
        self.account.po_next_import_at = fields.Datetime.now() + timedelta(seconds=30)
        self.second.po_next_import_at = fields.Datetime.now() + timedelta(minutes=5)

        self.run_cron(self.cron)

        self.assertTrue(self.account.po_last_import_at)
        self.assertFalse(self.second.po_last_import_at)

    def test_import_now_leaves_the_schedule_alone(self):
        planned = fields.Datetime.now() + timedelta(minutes=40)
        self.account.po_next_import_at = planned

        self.account.with_user(self.salesman).action_import_purchase_orders()

        self.assertEqual(self.account.po_next_import_at, planned)
        self.assertTrue(self.account.po_last_import_at)

    def test_one_broken_account_stops_nothing_and_says_so_once(self):
        self.second.lwa_refresh_token = False
        self.load_pos(make_po("2SCH0003", [{"ref": TEA}]))

        self.run_cron(self.cron)
        self.second.po_next_import_at = False
        self.run_cron(self.cron)

        self.assertEqual(len(self.orders_of(self.account)), 1)
        failures = self.second.message_ids.filtered(lambda message: "no complete LWA credentials" in message.body)
        self.assertEqual(len(failures), 1, "a failure that repeats is said once")
        self.assertFalse(self.second.po_next_import_at, "a failed account is tried again at the next run")

    def test_an_account_being_imported_elsewhere_is_left_alone(self):
        self.load_pos(make_po("2SCH0004", [{"ref": TEA}]))
        with self.env.registry.cursor() as other:
            # Another worker (the scheduler, or a user's Import Now) holds the account.
            other.execute(SQL("SELECT pg_advisory_lock(%s, %s)", IMPORT_LOCK, self.account.id))
            try:
                answer = self.account.with_user(self.salesman).action_import_purchase_orders()
                self.run_cron(self.cron)
            finally:
                other.execute(SQL("SELECT pg_advisory_unlock(%s, %s)", IMPORT_LOCK, self.account.id))

        self.assertEqual(answer["params"]["type"], "warning")
        self.assertIn("is being imported right now", answer["params"]["message"])
        self.assertFalse(self.orders_of(self.account))
        self.assertFalse(self.account.po_next_import_at, "skipped, so still due")
        self.assertEqual(len(self.orders_of(self.second)), 1, "the other account is imported")

        self.run_cron(self.cron)
        self.assertEqual(len(self.orders_of(self.account)), 1)

    def test_weeks_old_cursors_catch_up_in_one_run(self):
        """After an outage or a holiday every date window stays within Amazon's 7 days."""
        now = datetime.now(timezone.utc)
        self.load_pos(
            make_po("2OLD0001", [{"ref": TEA}], when=now - timedelta(days=20)),
            make_po("2OLD0002", [{"ref": TEA}], when=now - timedelta(days=2)),
        )
        weeks_ago = fields.Datetime.now() - timedelta(days=30)
        (self.account | self.second).write(
            {"po_created_cursor": weeks_ago, "po_changed_cursor": weeks_ago, "po_status_cursor": weeks_ago}
        )

        self.run_cron(self.cron)
        self.run_cron(self.status_cron)

        self.assertEqual(
            sorted(self.orders_of(self.account).mapped("amazon_vendor_po_number")), ["2OLD0001", "2OLD0002"]
        )
        self.assertGreater(self.account.po_status_cursor, weeks_ago + timedelta(days=29))
        calls = self.audit_logs(operation="getPurchaseOrdersStatus")
        self.assertEqual(set(calls.mapped("status_code")), {200})
        self.assertGreaterEqual(len(calls), 5, "30 days in windows of at most 7")

    def test_a_failed_po_leaves_no_dead_partner_in_its_batch(self):
        """A PO that fails after creating a new fulfilment centre must not poison the next POs."""
        self.load_pos(*[make_po(f"2NEW000{n}", [{"ref": TEA}], fc="ZZZ9") for n in (1, 2)])
        SaleOrder = type(self.env["sale.order"])
        original = SaleOrder._amazon_vendor_prepare_order_vals

        def fail_after_creating_the_partner(model, batch, po):
            vals = original(model, batch, po)
            if po.number == "2NEW0001":
                raise RuntimeError("printer on fire")
            return vals

        with patch.object(SaleOrder, "_amazon_vendor_prepare_order_vals", fail_after_creating_the_partner):
            self.account.action_import_purchase_orders()

        imported = self.orders_of(self.account)
        self.assertEqual(imported.mapped("amazon_vendor_po_number"), ["2NEW0002"])
        self.assertTrue(imported.partner_shipping_id.exists())
        self.assertEqual(self.account.po_retry_numbers, "2NEW0001")
