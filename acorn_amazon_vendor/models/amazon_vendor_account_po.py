"""Purchase order import and Amazon's PO status, per vendor account."""

import logging
from datetime import timedelta

from odoo import _, api, fields, models, modules
from odoo.exceptions import UserError

from .. import spapi
from .notification import notification
from .purchase_order_batch import PurchaseOrderBatch

_logger = logging.getLogger(__name__)

BATCH_SIZE = 50
FIRST_IMPORT_LOOKBACK = timedelta(days=7)


class AmazonVendorAccount(models.Model):
    _inherit = "amazon.vendor.account"

    po_import_interval = fields.Integer(
        string="Import Every (minutes)",
        default=60,
        help="How often the scheduled action fetches new and changed purchase orders. Amazon expects "
        "at least hourly pick-up.",
    )
    po_cursor_overlap = fields.Integer(
        string="Look-back Overlap (minutes)",
        default=30,
        help="Each import looks this far behind the previous one, so a PO that Amazon timestamps late is "
        "never missed; orders seen twice are recognised, never duplicated.",
    )
    po_created_cursor = fields.Datetime(string="New POs Fetched Until", copy=False)
    po_changed_cursor = fields.Datetime(string="Changed POs Fetched Until", copy=False)
    po_status_cursor = fields.Datetime(string="PO Status Fetched Until", copy=False)
    po_last_import_at = fields.Datetime(string="Last Import", copy=False, readonly=True)
    po_last_import_result = fields.Char(string="Last Import Result", copy=False, readonly=True)
    po_retry_numbers = fields.Char(
        string="POs to Fetch Again",
        copy=False,
        help="Purchase orders whose import failed; the next import fetches them again.",
    )
    ack_rule = fields.Selection(
        [
            ("accept_all", "Accept everything ordered"),
            ("accept_available", "Accept what is available, backorder the rest where Amazon allows"),
        ],
        string="Acknowledgement Rule",
        default="accept_all",
        required=True,
        help="Default quantities of a new acknowledgement; products that cannot be identified are always "
        "rejected. The quantities stay editable before sending.",
    )
    ack_on_confirm = fields.Boolean(
        string="Acknowledge on Confirmation",
        help="Send the acknowledgement to Amazon as soon as the sale order is confirmed.",
    )
    product_mapping_ids = fields.One2many("amazon.vendor.product", "account_id", string="Product Mappings")
    purchase_order_count = fields.Integer(compute="_compute_purchase_order_count")

    def _compute_purchase_order_count(self):
        groups = self.env["sale.order"]._read_group(
            [("amazon_vendor_account_id", "in", self.ids)],
            ["amazon_vendor_account_id"],
            ["__count"],
        )
        counts = {account.id: count for account, count in groups}
        for account in self:
            account.purchase_order_count = counts.get(account.id, 0)

    # ------------------------------------------------------------------ actions

    def action_import_purchase_orders(self):
        """Import now: fetch new and changed POs and process them before returning."""
        results = [account._amazon_vendor_sync_as_system()._amazon_vendor_import_purchase_orders() for account in self]
        message = " ".join(result["message"] for result in results)
        failed = any(result["error"] for result in results)
        return notification(_("Amazon purchase orders"), message, "warning" if failed else "success")

    def action_view_purchase_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("acorn_amazon_vendor.sale_order_amazon_vendor_action")
        action["domain"] = [("amazon_vendor_account_id", "=", self.id)]
        return action

    def action_sync_po_status(self):
        for account in self:
            account._amazon_vendor_sync_as_system()._amazon_vendor_sync_po_status()
        return True

    def _amazon_vendor_sync_as_system(self):
        """The account as the scheduled actions see it, for a user allowed to read it.

        Synchronising creates partners, pricelists and moves the account's cursors, which an
        Amazon vendor user may not do by hand; the sync does it for them, as the cron would.
        """
        self.check_access("read")
        return self.sudo()

    # ------------------------------------------------------------------ crons

    @api.model
    def _cron_import_purchase_orders(self):
        """Import POs of every active account whose interval has passed."""
        now = fields.Datetime.now()
        due = self.search([]).filtered(
            lambda a: (
                not a.po_last_import_at
                or a.po_last_import_at + timedelta(minutes=max(a.po_import_interval, 1) - 1) <= now
            )
        )
        for done, account in enumerate(due, 1):
            account._amazon_vendor_run_isolated(account._amazon_vendor_import_purchase_orders)
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(due) - done)

    @api.model
    def _cron_sync_po_status(self):
        for account in self.search([]):
            account._amazon_vendor_run_isolated(account._amazon_vendor_sync_po_status)

    def _amazon_vendor_run_isolated(self, method):
        """Run one account's part of a cron so that its misconfiguration never stops the others."""
        try:
            with self.env.cr.savepoint():
                return method()
        except UserError as error:
            _logger.warning("Amazon vendor account %s skipped: %s", self.name, error)
            self.message_post(body=_("Scheduled synchronisation skipped: %(error)s", error=error))
            return False

    # ------------------------------------------------------------------ import

    def _amazon_vendor_import_purchase_orders(self):
        """Fetch POs created and changed since the cursors (less the overlap) and process them.

        Cursors only move once every fetched PO was processed; POs that failed are fetched again
        by number next time. A crash at any point therefore loses nothing.

        :return: dict with counts, a ``message`` for the user and ``error`` (str or False)
        """
        self.ensure_one()
        started = fields.Datetime.now()
        overlap = timedelta(minutes=max(self.po_cursor_overlap, 0))
        client = self._get_spapi_client(record=self)
        orders = {}
        try:
            for cursor, key in ((self.po_created_cursor, "created"), (self.po_changed_cursor, "changed")):
                since = (cursor or started - FIRST_IMPORT_LOOKBACK) - overlap
                filters = {f"{key}_after": since, f"{key}_before": started, "limit": self._amazon_vendor_po_page_size()}
                for order in client.iter_purchase_orders(**filters):
                    orders[order.get("purchaseOrderNumber")] = order
            for number in (self.po_retry_numbers or "").split():
                if number not in orders:
                    orders.update(self._amazon_vendor_fetch_again(client, number))
        except spapi.SpApiError as error:
            message = self._amazon_vendor_explain_error(error)
            self.message_post(body=_("Purchase order import stopped: %(error)s", error=message))
            self.write({"po_last_import_at": started, "po_last_import_result": message})
            return {"message": message, "error": message}
        result = self._amazon_vendor_process_purchase_orders(list(orders.values()))
        self.write(
            {
                "po_created_cursor": started,
                "po_changed_cursor": started,
                "po_last_import_at": started,
                "po_last_import_result": result["message"],
                "po_retry_numbers": " ".join(result["failed"]) or False,
            }
        )
        return result

    def _amazon_vendor_fetch_again(self, client, number):
        """A PO whose import failed last time; one Amazon no longer knows is given up, saying so."""
        try:
            return {number: client.get_purchase_order(number)}
        except spapi.RequestError as error:
            self.message_post(
                body=_(
                    "Purchase order %(number)s could not be fetched again and is given up: %(error)s",
                    number=number,
                    error=self._amazon_vendor_explain_error(error),
                )
            )
            return {}

    def _amazon_vendor_po_page_size(self):
        """POs per getPurchaseOrders page (Amazon's maximum)."""
        return 100

    def _amazon_vendor_process_purchase_orders(self, raw_orders, force=False):
        """Create or update the sale orders of Amazon PO dicts, each isolated from the others.

        :param raw_orders: Amazon ``Order`` dicts
        :param force: process even when the PO is unchanged since the last import (Retry)
        :return: dict of counts (created, updated, unchanged, failed numbers) and a message
        """
        self.ensure_one()
        counts = {"created": 0, "updated": 0, "unchanged": 0, "failed": [], "error": False}
        for start in range(0, len(raw_orders), BATCH_SIZE):
            chunk = raw_orders[start : start + BATCH_SIZE]
            pos = []
            for raw in chunk:
                try:
                    pos.append(spapi.read_purchase_order(raw))
                except ValueError as error:
                    self.message_post(body=_("A purchase order could not be read: %(error)s", error=error))
            batch = PurchaseOrderBatch(self, pos)
            created = self._amazon_vendor_create_orders(batch, [po for po in pos if po.number not in batch.existing])
            if created is None:
                # The batch create rolled back, with any partner or pricelist it created on the
                # way: look everything up again and take the POs one by one.
                batch, created = PurchaseOrderBatch(self, pos), set()
            counts["created"] += len(created)
            for po in pos:
                if po.number in created:
                    continue
                outcome = self._amazon_vendor_process_one(batch, po, force)
                if outcome == "failed":
                    counts["failed"].append(po.number)
                else:
                    counts[outcome] += 1
            self._amazon_vendor_commit_batch(start + len(chunk), len(raw_orders))
        counts["message"] = _(
            "%(account)s: %(created)s new, %(updated)s updated, %(unchanged)s unchanged purchase orders%(failed)s.",
            account=self.name,
            created=counts["created"],
            updated=counts["updated"],
            unchanged=counts["unchanged"],
            failed=_("; failed: %(numbers)s", numbers=", ".join(counts["failed"])) if counts["failed"] else "",
        )
        _logger.info("Amazon PO import %s", counts["message"])
        return counts

    def _amazon_vendor_create_orders(self, batch, pos):
        """Create the orders of new POs in one batched create (Odoo computes them together).

        :return: the PO numbers created, or None when anything failed and nothing was kept
        """
        if not pos or len({po.number for po in pos}) != len(pos):
            return set() if not pos else None
        SaleOrder = self.env["sale.order"]
        try:
            with self.env.cr.savepoint():
                orders = SaleOrder.create([SaleOrder._amazon_vendor_prepare_order_vals(batch, po) for po in pos])
                orders._amazon_vendor_after_create()
        except Exception:  # noqa: BLE001 - the POs are retried one by one, each isolated
            _logger.info("Batch import of %s Amazon POs failed; importing them one by one", len(pos), exc_info=True)
            return None
        batch.existing.update((order.amazon_vendor_po_number, order) for order in orders)
        return set(batch.existing) & {po.number for po in pos}

    def _amazon_vendor_process_one(self, batch, po, force):
        """Create or update one order in its own savepoint. :return: the count to increase."""
        try:
            with self.env.cr.savepoint():
                return self._amazon_vendor_upsert_order(batch, po, force)
        except Exception as error:  # noqa: BLE001 - one bad PO must never stop the others
            _logger.warning("Amazon PO %s could not be imported", po.number, exc_info=True)
            batch.existing.pop(po.number, None)
            self.message_post(
                body=_(
                    "Purchase order %(number)s could not be imported and will be fetched again: %(error)s",
                    number=po.number,
                    error=error,
                )
            )
            return "failed"

    def _amazon_vendor_upsert_order(self, batch, po, force):
        SaleOrder = self.env["sale.order"]
        order = batch.existing.get(po.number)
        if order and not force and order.amazon_vendor_fingerprint == po.fingerprint:
            return "unchanged"
        if not order:
            order = SaleOrder.create(SaleOrder._amazon_vendor_prepare_order_vals(batch, po))
            batch.existing[po.number] = order
            order._amazon_vendor_after_create()
            return "created"
        applied, flagged = order._amazon_vendor_apply_po(batch, po)
        # Quantities the user set stay, unless Amazon's change made them add up wrong.
        stale = order.order_line.filtered(
            lambda line: (
                line.amazon_vendor_item_sequence
                and line.amazon_vendor_ack_accepted
                + line.amazon_vendor_ack_backordered
                + line.amazon_vendor_ack_rejected
                != line.amazon_vendor_ordered_amount
            )
        )
        order._amazon_vendor_set_acknowledgement_defaults(stale)
        order._amazon_vendor_post_changes(applied, flagged)
        order._amazon_vendor_notify_issues()
        return "updated"

    def _amazon_vendor_commit_batch(self, done, total):
        self.env["ir.cron"]._notify_progress(done=done, remaining=total - done)
        if not modules.module.current_test:
            # Commit each batch: a crash or timeout later in the run keeps what was imported,
            # and the unchanged cursors make the next run fetch the rest again.
            self.env.cr.commit()

    # ------------------------------------------------------------------ Amazon's status

    def _amazon_vendor_sync_po_status(self, orders=None):
        """Store Amazon's acknowledgement and receiving status on the order lines.

        :param orders: sale orders to refresh (by PO number); default: everything updated since
            the account's status cursor
        """
        self.ensure_one()
        started = fields.Datetime.now()
        client = self._get_spapi_client(record=self)
        try:
            if orders:
                statuses = [
                    status
                    for order in orders
                    for status in client.iter_purchase_orders_status(
                        purchase_order_number=order.amazon_vendor_po_number
                    )
                ]
            else:
                since = (self.po_status_cursor or started - FIRST_IMPORT_LOOKBACK) - timedelta(
                    minutes=max(self.po_cursor_overlap, 0)
                )
                statuses = list(client.iter_purchase_orders_status(updated_after=since, updated_before=started))
        except spapi.SpApiError as error:
            message = self._amazon_vendor_explain_error(error)
            if orders:
                raise UserError(message)
            self.message_post(body=_("Amazon's purchase order status could not be fetched: %(error)s", error=message))
            return False
        self.env["sale.order"]._amazon_vendor_apply_statuses(self, statuses)
        if not orders:
            self.po_status_cursor = started
        return True
