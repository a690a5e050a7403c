"""Purchase order import and Amazon's PO status, per vendor account."""

import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

from .. import spapi
from .concurrency import IMPORT_LOCK, USER_GROUP, advisory_lock, can_commit, check_group, commit
from .notification import notification
from .purchase_order_batch import PurchaseOrderBatch

_logger = logging.getLogger(__name__)

BATCH_SIZE = 50
FIRST_IMPORT_LOOKBACK = timedelta(days=7)
# The scheduled action wakes every 15 minutes, a few seconds late: an account due within this
# margin is imported now rather than a quarter of an hour later.
SCHEDULE_MARGIN = timedelta(minutes=1)


class AmazonVendorAccount(models.Model):
    _inherit = "amazon.vendor.account"

    po_import_interval = fields.Integer(
        string="Import Every (minutes)",
        default=60,
        help="How often the scheduled import fetches new and changed purchase orders of this account "
        "(the scheduled action looks for due accounts every 15 minutes). Amazon expects at least "
        "hourly pick-up. Import Now does not move the schedule.",
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
    po_next_import_at = fields.Datetime(
        string="Next Scheduled Import",
        copy=False,
        readonly=True,
        help="When the scheduled import fetches this account's purchase orders next.",
    )
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
    ack_confirms_order = fields.Boolean(
        string="Confirm on Acceptance",
        default=True,
        help="Once Amazon accepts an acknowledgement, confirm the sale order for the accepted and "
        "backordered quantities; rejected quantities come off its lines.",
    )
    asn_approval = fields.Selection(
        [
            ("auto", "Sent automatically after validation"),
            ("manager", "Approved by a stock manager"),
        ],
        string="Shipment Notices",
        default="auto",
        required=True,
        help="How the ASN of a validated delivery goes to Amazon: a few minutes after validation (the warehouse "
        "can hold it meanwhile), or once a stock manager approved what will be sent.",
    )
    asn_label_format = fields.Selection(
        [("pdf", "PDF (4x6 in)"), ("zpl", "ZPL (Zebra printers)")],
        string="Carton Labels",
        default="pdf",
        required=True,
        help="The format of the GS1 labels printed from Amazon deliveries.",
    )
    asn_label_print = fields.Boolean(
        string="Print Labels at Validation",
        help="Print the labels of every carton and pallet when an Amazon delivery is validated.",
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
        """Import now: fetch new and changed POs and process them before returning.

        The schedule is left alone; an account the scheduled import (or another user) is
        importing at this moment is not imported twice: the answer says so.
        """
        check_group(self.env, USER_GROUP)
        results = [account._amazon_vendor_sync_as_system()._amazon_vendor_import_locked() for account in self]
        message = "\n".join(result["message"] for result in results)
        failed = any(result["error"] or result.get("busy") for result in results)
        return notification(_("Amazon purchase orders"), message, "warning" if failed else "success")

    def action_view_purchase_orders(self):
        check_group(self.env, USER_GROUP)
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("acorn_amazon_vendor.sale_order_amazon_vendor_action")
        action["domain"] = [("amazon_vendor_account_id", "=", self.id)]
        return action

    def action_sync_po_status(self):
        """Pull Amazon's acknowledgement and receiving status of the account's orders now."""
        check_group(self.env, USER_GROUP)
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
        """Import the POs of every active account whose next scheduled import is due.

        Each account runs in its own transaction: what one imported is committed before the
        next starts, and one account's failure never stops or undoes the others. Progress is
        reported in accounts.
        """
        due_before = fields.Datetime.now() + SCHEDULE_MARGIN
        due = self.search(["|", ("po_next_import_at", "=", False), ("po_next_import_at", "<=", due_before)])
        for done, account in enumerate(due, 1):
            account._amazon_vendor_run_isolated(account._amazon_vendor_scheduled_import, _("Scheduled import"))
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(due) - done)
            commit(self.env, "an account's import and the cron's progress are final")

    @api.model
    def _cron_sync_po_status(self):
        """Pull Amazon's PO status of every active account, each in its own transaction."""
        accounts = self.search([("active", "=", True)])
        for done, account in enumerate(accounts, 1):
            account._amazon_vendor_run_isolated(account._amazon_vendor_sync_po_status, _("Status synchronisation"))
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(accounts) - done)
            commit(self.env, "an account's status is final")

    def _amazon_vendor_scheduled_import(self):
        """The scheduled import of one account; its next run is planned once it went through,
        one interval after this one started (hourly means hourly, however long an import takes)."""
        started = fields.Datetime.now()
        result = self._amazon_vendor_import_locked()
        if not result.get("busy"):
            self.po_next_import_at = started + timedelta(minutes=max(self.po_import_interval, 1))
        return result

    def _amazon_vendor_import_locked(self):
        """Import this account's POs unless someone imports it right now.

        The session-level advisory lock outlives the commits between batches, and PostgreSQL
        drops it with the connection of a worker that was killed.

        :return: the import's result dict; ``busy`` is True when it was not imported
        """
        self.ensure_one()
        with advisory_lock(self.env.cr, IMPORT_LOCK, self.id) as acquired:
            if acquired:
                return self._amazon_vendor_import_purchase_orders()
        _logger.info("Amazon vendor account %s is being imported elsewhere: skipped", self.id)
        message = _(
            "%(account)s is being imported right now (by the scheduled import or another user); its purchase "
            "orders appear in a moment.",
            account=self.name,
        )
        return {"message": message, "error": False, "busy": True}

    def _amazon_vendor_run_isolated(self, method, label):
        """Run one account's part of a cron so that its failure never stops or undoes the others.

        Outside tests the account's work is committed (or rolled back) as a whole; inside tests,
        which cannot commit, a savepoint stands in for its transaction.

        :param label: what was run, for the message on the account
        """
        try:
            if can_commit():
                result = method()
                commit(self.env, "one account's work is final before the next account starts")
                return result
            with self.env.cr.savepoint():
                return method()
        except Exception as error:  # noqa: BLE001 - a broken account must not stop the others
            if can_commit():
                self.env.cr.rollback()
            _logger.warning("Amazon vendor account %s: %s failed", self.id, label, exc_info=True)
            self._amazon_vendor_report_failure(label, error)
            return False

    def _amazon_vendor_report_failure(self, label, error):
        """Say on the account why a scheduled run failed, once for a failure that repeats."""
        message = _("%(what)s failed: %(error)s", what=label, error=error)
        last = self.message_ids[:1]
        if not last or html2plaintext(last.body or "").strip() != message:
            self.message_post(body=message)

    # ------------------------------------------------------------------ import

    def _amazon_vendor_import_purchase_orders(self):
        """Fetch POs created and changed since the cursors (less the overlap) and process them.

        Cursors only move once every fetched PO was processed; POs that failed are fetched again
        by number next time. Batches are committed as they go: a crash at any point loses
        nothing, and the next run finds what was imported (never twice: one order per PO).

        :return: dict with counts, a ``message`` for the user and ``error`` (str or False)
        """
        self.ensure_one()
        started = fields.Datetime.now()
        overlap = timedelta(minutes=max(self.po_cursor_overlap, 0))
        client = self._get_spapi_client(record=self)
        orders = {}
        try:
            for cursor, key in ((self.po_created_cursor, "created"), (self.po_changed_cursor, "changed")):
                since = cursor - overlap if cursor else started - FIRST_IMPORT_LOOKBACK
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
            # A crash or timeout later in the run keeps what was imported; the unchanged
            # cursors make the next run fetch the rest again.
            commit(self.env, "an import batch is final")
        values = {
            "account": self.name,
            "created": counts["created"],
            "updated": counts["updated"],
            "unchanged": counts["unchanged"],
        }
        if counts["failed"]:
            counts["message"] = _(
                "%(account)s: %(created)s new, %(updated)s updated, %(unchanged)s unchanged purchase orders; "
                "failed: %(numbers)s.",
                numbers=", ".join(counts["failed"]),
                **values,
            )
        else:
            counts["message"] = _(
                "%(account)s: %(created)s new, %(updated)s updated, %(unchanged)s unchanged purchase orders.",
                **values,
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
        checkpoint = batch.checkpoint()
        try:
            with self.env.cr.savepoint():
                return self._amazon_vendor_upsert_order(batch, po, force)
        except Exception as error:  # noqa: BLE001 - one bad PO must never stop the others
            _logger.warning("Amazon PO %s could not be imported", po.number, exc_info=True)
            # Partners and pricelists it created were rolled back: the next POs must not use them.
            batch.restore(checkpoint)
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
                cursor, overlap = self.po_status_cursor, timedelta(minutes=max(self.po_cursor_overlap, 0))
                since = cursor - overlap if cursor else started - FIRST_IMPORT_LOOKBACK
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
