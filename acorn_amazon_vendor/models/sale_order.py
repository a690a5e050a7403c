import json
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .concurrency import USER_GROUP, check_group

ACK_DEADLINE = timedelta(hours=24)
# Amazon accepts a new acknowledgement of the same PO for 48 hours after the first one.
ACK_CHANGE_WINDOW = timedelta(hours=48)
STATUSES = [
    ("needs_attention", "Needs Attention"),
    ("to_acknowledge", "To Acknowledge"),
    ("acknowledged", "Acknowledged"),
    ("in_delivery", "In Delivery"),
    ("closed", "Closed"),
]


class SaleOrder(models.Model):
    _inherit = "sale.order"

    amazon_vendor_account_id = fields.Many2one(
        "amazon.vendor.account",
        string="Amazon Account",
        index="btree_not_null",
        copy=False,
        readonly=True,
    )
    amazon_vendor_po_number = fields.Char(string="Amazon PO", index="btree_not_null", copy=False, readonly=True)
    amazon_vendor_code = fields.Char(
        string="Vendor Code", copy=False, readonly=True, help="The vendor code (sellingParty) Amazon ordered from."
    )
    amazon_vendor_fc_code = fields.Char(string="Fulfilment Centre", copy=False, readonly=True)
    amazon_vendor_po_state = fields.Selection(
        [("New", "New"), ("Acknowledged", "Acknowledged"), ("Closed", "Closed")],
        string="Amazon PO State",
        copy=False,
        readonly=True,
    )
    amazon_vendor_po_type = fields.Selection(
        [
            ("RegularOrder", "Regular"),
            ("ConsignedOrder", "Consigned"),
            ("NewProductIntroduction", "New Product Introduction"),
            ("RushOrder", "Rush"),
        ],
        string="PO Type",
        copy=False,
        readonly=True,
    )
    amazon_vendor_po_date = fields.Datetime(string="PO Date", copy=False, readonly=True)
    amazon_vendor_po_changed_date = fields.Datetime(string="Changed by Amazon", copy=False, readonly=True)
    amazon_vendor_po_state_changed_date = fields.Datetime(string="State Changed", copy=False, readonly=True)
    amazon_vendor_ship_window_start = fields.Datetime(string="Ship Window Start", copy=False, readonly=True)
    amazon_vendor_ship_window_end = fields.Datetime(string="Ship Window End", copy=False, readonly=True)
    amazon_vendor_delivery_window_start = fields.Datetime(string="Delivery Window Start", copy=False, readonly=True)
    amazon_vendor_delivery_window_end = fields.Datetime(string="Delivery Window End", copy=False, readonly=True)
    amazon_vendor_deal_code = fields.Char(string="Deal Code", copy=False, readonly=True)
    amazon_vendor_payment_method = fields.Char(string="Payment Method", copy=False, readonly=True)
    amazon_vendor_import_details = fields.Text(string="Import Details", copy=False, readonly=True)
    amazon_vendor_raw_po = fields.Json(string="Amazon PO (JSON)", copy=False, readonly=True)
    amazon_vendor_raw_po_text = fields.Text(string="Amazon PO as Received", compute="_compute_raw_po_text")
    amazon_vendor_fingerprint = fields.Char(copy=False, readonly=True)
    amazon_vendor_imported_at = fields.Datetime(string="Last Imported", copy=False, readonly=True)
    amazon_vendor_issues = fields.Text(
        string="Needs Attention",
        copy=False,
        readonly=True,
        help="What stops this purchase order from being complete; fix it, then press Retry.",
    )
    amazon_vendor_status = fields.Selection(
        STATUSES,
        string="Amazon Status",
        compute="_compute_amazon_vendor_status",
        store=True,
        group_expand="_group_expand_amazon_vendor_status",
        copy=False,
    )
    amazon_vendor_ack_state = fields.Selection(
        [("none", "Not Sent"), ("sent", "Sent"), ("accepted", "Accepted by Amazon"), ("error", "Rejected by Amazon")],
        string="Acknowledgement",
        default="none",
        copy=False,
        readonly=True,
    )
    amazon_vendor_ack_deadline = fields.Datetime(
        string="Acknowledge Before",
        compute="_compute_ack_deadline",
        store=True,
        help="Amazon expects an acknowledgement within 24 hours of the purchase order.",
    )
    amazon_vendor_ack_overdue = fields.Boolean(
        string="Acknowledgement Overdue",
        compute="_compute_ack_overdue",
        search="_search_ack_overdue",
    )
    amazon_vendor_can_reacknowledge = fields.Boolean(compute="_compute_can_reacknowledge")
    amazon_vendor_acknowledged_at = fields.Datetime(string="First Acknowledged", copy=False, readonly=True)
    amazon_vendor_changed_since_ack = fields.Boolean(string="Changed Since Acknowledgement", copy=False, readonly=True)
    amazon_vendor_status_synced_at = fields.Datetime(string="Amazon Status Synced", copy=False, readonly=True)
    amazon_vendor_transaction_count = fields.Integer(compute="_compute_amazon_vendor_counts")
    amazon_vendor_audit_log_count = fields.Integer(compute="_compute_amazon_vendor_counts")

    _sql_constraints = [
        (
            "amazon_vendor_po_uniq",
            "unique(amazon_vendor_account_id, amazon_vendor_po_number)",
            "This Amazon purchase order is already imported for this account.",
        ),
    ]

    @api.depends("amazon_vendor_raw_po")
    def _compute_raw_po_text(self):
        for order in self:
            raw = order.amazon_vendor_raw_po
            order.amazon_vendor_raw_po_text = json.dumps(raw, indent=2, sort_keys=True) if raw else False

    @api.depends("amazon_vendor_po_date")
    def _compute_ack_deadline(self):
        for order in self:
            date = order.amazon_vendor_po_date
            order.amazon_vendor_ack_deadline = date + ACK_DEADLINE if date else False

    def _compute_can_reacknowledge(self):
        now = fields.Datetime.now()
        for order in self:
            first = order.amazon_vendor_acknowledged_at
            order.amazon_vendor_can_reacknowledge = bool(
                order.amazon_vendor_ack_state == "accepted"
                and first
                and now <= first + ACK_CHANGE_WINDOW
                and order.amazon_vendor_status != "closed"
            )

    def _compute_ack_overdue(self):
        now = fields.Datetime.now()
        for order in self:
            order.amazon_vendor_ack_overdue = bool(
                order.amazon_vendor_ack_deadline
                and order.amazon_vendor_ack_deadline < now
                and order.amazon_vendor_ack_state in ("none", "error")
                and order.amazon_vendor_status != "closed"
            )

    def _search_ack_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on the acknowledgement deadline."))
        domain = [
            ("amazon_vendor_ack_deadline", "<", fields.Datetime.now()),
            ("amazon_vendor_ack_state", "in", ("none", "error")),
            ("amazon_vendor_status", "!=", "closed"),
        ]
        return domain if (operator == "=") == value else ["!", "&", "&", *domain]

    @api.depends(
        "amazon_vendor_account_id",
        "amazon_vendor_issues",
        "amazon_vendor_po_state",
        "state",
        "amazon_vendor_ack_state",
        "picking_ids.state",
    )
    def _compute_amazon_vendor_status(self):
        for order in self:
            if not order.amazon_vendor_account_id:
                order.amazon_vendor_status = False
            elif order.amazon_vendor_po_state == "Closed" or order.state == "cancel":
                order.amazon_vendor_status = "closed"
            elif order.amazon_vendor_issues:
                order.amazon_vendor_status = "needs_attention"
            elif any(picking.state == "done" for picking in order.picking_ids):
                order.amazon_vendor_status = "in_delivery"
            elif order.amazon_vendor_ack_state == "accepted" or order.amazon_vendor_po_state == "Acknowledged":
                order.amazon_vendor_status = "acknowledged"
            else:
                order.amazon_vendor_status = "to_acknowledge"

    @api.model
    def _group_expand_amazon_vendor_status(self, statuses, domain):
        return [key for key, _label in STATUSES]

    @api.depends_context("uid")
    def _compute_amazon_vendor_counts(self):
        # Users outside the Amazon groups never see these buttons, nor may they read what they count.
        amazon_user = self.env.user.has_group(USER_GROUP)
        for order in self:
            if not (amazon_user and order.amazon_vendor_account_id):
                order.amazon_vendor_transaction_count = order.amazon_vendor_audit_log_count = 0
                continue
            # Smart buttons of one form: a count per order is cheap and keeps the domains in one place.
            order.amazon_vendor_transaction_count = self.env["amazon.vendor.transaction"].search_count(
                order._amazon_vendor_transaction_domain()
            )
            order.amazon_vendor_audit_log_count = self.env["amazon.vendor.audit.log"].search_count(
                order._amazon_vendor_audit_log_domain()
            )

    def _amazon_vendor_transaction_domain(self):
        return [("res_model", "=", "sale.order"), ("res_id", "in", self.ids)]

    def _amazon_vendor_audit_log_domain(self):
        """Exchanges about the orders themselves and about their submissions."""
        transactions = self.env["amazon.vendor.transaction"].search(self._amazon_vendor_transaction_domain())
        return [
            "|",
            "&", ("res_model", "=", "sale.order"), ("res_id", "in", self.ids),
            "&", ("res_model", "=", "amazon.vendor.transaction"), ("res_id", "in", transactions.ids),
        ]  # fmt: skip

    # ------------------------------------------------------------------ actions

    def action_confirm(self):
        result = super().action_confirm()
        # Whoever confirms (a salesman outside the Amazon groups too) queues the acknowledgement;
        # the scheduled action sends it, so confirming never commits half-way nor waits for Amazon.
        auto = self.sudo().filtered(
            lambda o: (
                o.amazon_vendor_account_id.ack_on_confirm
                and o.amazon_vendor_ack_state in ("none", "error")
                and not o.amazon_vendor_issues
            )
        )
        for order in auto:
            order._amazon_vendor_queue_acknowledgement()
        return result

    @api.model
    def action_amazon_vendor_import(self):
        """Import now, for every Amazon vendor account of the user's companies."""
        check_group(self.env, USER_GROUP)
        accounts = self.env["amazon.vendor.account"].search([("company_id", "in", self.env.companies.ids)])
        if not accounts:
            raise UserError(_("No Amazon vendor account is set up yet: add one in Amazon Vendor > Accounts."))
        return accounts.action_import_purchase_orders()

    def action_amazon_vendor_view_transactions(self):
        check_group(self.env, USER_GROUP)
        return self._amazon_vendor_related_action(
            "acorn_amazon_vendor.amazon_vendor_transaction_action", self._amazon_vendor_transaction_domain()
        )

    def action_amazon_vendor_view_audit_logs(self):
        check_group(self.env, USER_GROUP)
        return self._amazon_vendor_related_action(
            "acorn_amazon_vendor.amazon_vendor_audit_log_action", self._amazon_vendor_audit_log_domain()
        )

    def _amazon_vendor_related_action(self, xmlid, domain):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = domain
        action["context"] = {}
        return action

    def action_amazon_vendor_retry_import(self):
        """Process the stored Amazon PO again, e.g. after a product mapping was fixed."""
        check_group(self.env, USER_GROUP)
        self.check_access("write")
        for order in self.filtered("amazon_vendor_raw_po"):
            order.amazon_vendor_account_id._amazon_vendor_sync_as_system()._amazon_vendor_process_purchase_orders(
                [order.amazon_vendor_raw_po],
                force=True,
            )
        return True

    def action_amazon_vendor_refresh_status(self):
        """Pull Amazon's acknowledgement and receiving status of these orders now."""
        check_group(self.env, USER_GROUP)
        self.check_access("read")
        for account, orders in self.grouped("amazon_vendor_account_id").items():
            if account:
                account._amazon_vendor_sync_as_system()._amazon_vendor_sync_po_status(orders.sudo())
        return True

    def _amazon_vendor_is_collect(self):
        """Amazon arranges the freight (Collect): the PO gives a ship window and no delivery window."""
        self.ensure_one()
        return bool(self.amazon_vendor_ship_window_start and not self.amazon_vendor_delivery_window_start)

    # ------------------------------------------------------------------ submissions

    def _amazon_vendor_transaction_done(self, transaction):
        if transaction.operation != "submitAcknowledgement":
            return
        self._amazon_vendor_acknowledgement_accepted(transaction)

    def _amazon_vendor_acknowledgement_accepted(self, transaction):
        """Amazon holds the acknowledgement: record it and, if the account says so, confirm the order."""
        now = fields.Datetime.now()
        self.write(
            {
                "amazon_vendor_ack_state": "accepted",
                "amazon_vendor_acknowledged_at": self.amazon_vendor_acknowledged_at or now,
                "amazon_vendor_changed_since_ack": False,
                "amazon_vendor_po_state": "Acknowledged"
                if self.amazon_vendor_po_state == "New"
                else self.amazon_vendor_po_state,
            }
        )
        self.activity_feedback(
            ["acorn_amazon_vendor.mail_activity_type_acknowledge"], feedback=_("Amazon accepted the acknowledgement.")
        )
        if self.amazon_vendor_account_id.ack_confirms_order:
            self._amazon_vendor_confirm_acknowledged(transaction)

    def _amazon_vendor_transaction_failed(self, transaction):
        if transaction.operation == "submitAcknowledgement":
            self.amazon_vendor_ack_state = "error"

    # ------------------------------------------------------------------ import follow-up

    def _amazon_vendor_after_create(self):
        """A new Amazon PO: default acknowledgement, the 24-hour reminder, and what needs fixing."""
        self._amazon_vendor_set_acknowledgement_defaults()
        to_remind = self.filtered(lambda o: o.amazon_vendor_po_state == "New" and o.amazon_vendor_ack_deadline)
        activity_type = self.env.ref("acorn_amazon_vendor.mail_activity_type_acknowledge")
        # One create for the whole batch: activity_schedule() per order costs ~9 queries each.
        self.env["mail.activity"].create([{
            "res_model_id": self.env["ir.model"]._get_id("sale.order"),
            "res_id": order.id,
            "activity_type_id": activity_type.id,
            "date_deadline": fields.Date.to_date(order.amazon_vendor_ack_deadline - timedelta(hours=4)),
            "summary": _(
                "Acknowledge Amazon PO %(number)s before %(deadline)s UTC",
                number=order.amazon_vendor_po_number,
                deadline=fields.Datetime.to_string(order.amazon_vendor_ack_deadline),
            ),
            "user_id": order.amazon_vendor_account_id.user_id.id or self.env.uid,
            "automated": True,  # as activity_schedule() marks it, so activity_feedback() finds it
        } for order in to_remind])  # fmt: skip
        self._amazon_vendor_notify_issues()

    def _amazon_vendor_notify_issues(self):
        """One activity per order that needs attention (not one per import run), done once fixed."""
        todo = self.env.ref("mail.mail_activity_data_todo")
        for order in self:
            summary = _("Amazon PO %(number)s needs attention", number=order.amazon_vendor_po_number)
            existing = order.activity_ids.filtered_domain(
                [("activity_type_id", "=", todo.id), ("summary", "=", summary)]
            )
            if not order.amazon_vendor_issues:
                existing.action_feedback(feedback=_("Fixed: the purchase order imported completely."))
                continue
            if existing:
                continue
            order.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=summary,
                note=order.amazon_vendor_issues,
                user_id=order.amazon_vendor_account_id.user_id.id or self.env.uid,
            )

    @api.model
    def _amazon_vendor_apply_statuses(self, account, statuses):
        """Store getPurchaseOrdersStatus results (``OrderStatus`` dicts) on the order lines."""
        numbers = [status.get("purchaseOrderNumber") for status in statuses]
        orders = self.search(
            [("amazon_vendor_account_id", "=", account.id), ("amazon_vendor_po_number", "in", numbers)]
        )
        by_number = {order.amazon_vendor_po_number: order for order in orders}
        now = fields.Datetime.now()
        for status in statuses:
            order = by_number.get(status.get("purchaseOrderNumber"))
            if not order:
                continue
            lines = {line.amazon_vendor_item_sequence: line for line in order.order_line}
            for item in status.get("itemStatus") or []:
                line = lines.get(str(item.get("itemSequenceNumber")))
                if line:
                    line.write(line._amazon_vendor_prepare_status_vals(item))
            order.amazon_vendor_status_synced_at = now
            if (
                status.get("purchaseOrderStatus") or ""
            ).upper() == "CLOSED" and order.amazon_vendor_po_state != "Closed":
                order.amazon_vendor_po_state = "Closed"
