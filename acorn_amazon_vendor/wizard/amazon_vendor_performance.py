from datetime import datetime, time, timedelta

from odoo import _, api, fields, models

from ..models.concurrency import USER_GROUP, check_group


class AmazonVendorPerformance(models.TransientModel):
    """How Amazon sees the vendor over a period: every figure opens the records behind it."""

    _name = "amazon.vendor.performance"
    _description = "Amazon Vendor Performance"

    account_id = fields.Many2one("amazon.vendor.account", required=True, default=lambda self: self._default_account())
    date_from = fields.Date(required=True, default=lambda self: fields.Date.context_today(self) - timedelta(days=90))
    date_to = fields.Date(required=True, default=fields.Date.context_today)
    currency_id = fields.Many2one(related="account_id.company_id.currency_id")
    po_count = fields.Integer(string="Purchase Orders", compute="_compute_figures")
    ordered_units = fields.Float(compute="_compute_figures")
    fill_rate = fields.Float(compute="_compute_figures", help="Units accepted / units ordered.")
    confirmation_rate = fields.Float(
        string="Confirmed within 24 h", compute="_compute_figures", help="POs acknowledged within 24 hours / POs."
    )
    late_count = fields.Integer(string="Shipped Late", compute="_compute_figures")
    on_time_rate = fields.Float(
        string="Shipped On Time", compute="_compute_figures", help="POs shipped within their ship window / POs shipped."
    )
    asn_accuracy = fields.Float(
        string="ASN Accuracy",
        compute="_compute_figures",
        help="Units Amazon received / units shipped, on POs received.",
    )
    short_count = fields.Integer(string="Received Short", compute="_compute_figures")
    receive_fill_rate = fields.Float(string="Amazon's Receive Fill Rate", compute="_compute_figures")
    lead_time_days = fields.Float(string="Amazon's Lead Time (days)", compute="_compute_figures")
    open_ack_count = fields.Integer(string="Acknowledgements Open", compute="_compute_figures")
    overdue_ack_count = fields.Integer(string="Acknowledgements Overdue", compute="_compute_figures")
    open_asn_count = fields.Integer(string="ASNs Not Accepted", compute="_compute_figures")
    unpaid_invoice_count = fields.Integer(string="Invoices Awaiting Payment", compute="_compute_figures")
    unpaid_invoice_amount = fields.Monetary(string="Awaiting Payment", compute="_compute_figures")
    open_deduction_amount = fields.Monetary(string="Open Deductions", compute="_compute_figures")
    api_calls = fields.Integer(string="Calls to Amazon", compute="_compute_figures")
    api_failures = fields.Integer(string="Failed Calls", compute="_compute_figures")
    api_throttles = fields.Integer(string="Throttled Calls", compute="_compute_figures")

    @api.depends("account_id", "date_from", "date_to")
    def _compute_display_name(self):
        for dashboard in self:
            dashboard.display_name = _(
                "%(account)s: %(start)s to %(end)s",
                account=dashboard.account_id.display_name or _("Vendor Performance"),
                start=dashboard.date_from or "",
                end=dashboard.date_to or "",
            )

    @api.model
    def _default_account(self):
        if self.env.context.get("active_model") == "amazon.vendor.account":
            return self.env.context.get("active_id")
        return self.env["amazon.vendor.account"].search([], limit=1).id

    # ------------------------------------------------------------------ figures

    def _domain(self, date_field="po_date"):
        self.ensure_one()
        return [
            ("account_id", "=", self.account_id.id),
            (date_field, ">=", self.date_from),
            (date_field, "<=", self.date_to),
        ]

    def _moment_domain(self, field):
        start = datetime.combine(self.date_from, time.min)
        end = datetime.combine(self.date_to, time.max)
        return [(field, ">=", start), (field, "<=", end)]

    @api.depends("account_id", "date_from", "date_to")
    def _compute_figures(self):
        for dashboard in self:
            dashboard.update(dashboard._figures() if dashboard.account_id and dashboard.date_from else {})

    def _figures(self):
        Report = self.env["amazon.vendor.performance.report"]
        [[po, ordered, accepted, shipped_units, received_units, confirmed, shipped, on_time, received]] = (
            Report._read_group(
                self._domain(),
                [],
                [
                    "po_count:sum", "ordered_units:sum", "accepted_units:sum", "shipped_units:sum",
                    "received_units:sum", "confirmed_in_time:sum", "shipped:sum", "shipped_on_time:sum",
                    "received:sum",
                ],
            )
        )  # fmt: skip
        received_lines = Report.search_fetch(
            self._domain() + [("received", "=", 1)], ["shipped_units", "received_units"]
        )
        shipped_received = sum(received_lines.mapped("shipped_units"))
        inventory = self.env["amazon.vendor.report.line"]._read_group(
            [
                ("account_id", "=", self.account_id.id),
                ("report_type", "=", "GET_VENDOR_INVENTORY_REPORT"),
                ("start_date", ">=", self.date_from),
                ("start_date", "<=", self.date_to),
            ],
            [],
            ["receive_fill_rate:avg", "vendor_lead_time_days:avg"],
        )[0]
        invoices = self._unpaid_invoices()
        logs = self._logs()
        return {
            "po_count": po or 0,
            "ordered_units": ordered or 0.0,
            "fill_rate": (accepted or 0.0) / ordered if ordered else 0.0,
            "confirmation_rate": (confirmed or 0) / po if po else 0.0,
            "late_count": (shipped or 0) - (on_time or 0),
            "on_time_rate": (on_time or 0) / shipped if shipped else 0.0,
            "asn_accuracy": sum(received_lines.mapped("received_units")) / shipped_received
            if shipped_received
            else 0.0,
            "short_count": len(received_lines.filtered(lambda r: r.received_units < r.shipped_units)),
            "receive_fill_rate": inventory[0] or 0.0,
            "lead_time_days": inventory[1] or 0.0,
            "open_ack_count": Report.search_count(self._domain() + [("ack_open", "=", 1)]),
            "overdue_ack_count": self.env["sale.order"].search_count(self._overdue_ack_domain()),
            "open_asn_count": self.env["stock.picking"].search_count(self._open_asn_domain()),
            "unpaid_invoice_count": len(invoices),
            "unpaid_invoice_amount": sum(invoices.mapped("amount_residual_signed")),
            "open_deduction_amount": sum(
                self.env["amazon.vendor.claim"]
                .search([("account_id", "=", self.account_id.id), ("state", "in", ("open", "disputed"))])
                .mapped("open_amount")
            ),
            "api_calls": len(logs),
            "api_failures": len(logs.filtered("is_error")),
            "api_throttles": len(logs.filtered(lambda log: log.status_code == 429)),
        }

    def _overdue_ack_domain(self):
        return [
            ("amazon_vendor_account_id", "=", self.account_id.id),
            ("amazon_vendor_ack_overdue", "=", True),
        ] + self._moment_domain("amazon_vendor_po_date")

    def _open_asn_domain(self):
        return [
            ("sale_id.amazon_vendor_account_id", "=", self.account_id.id),
            ("state", "=", "done"),
            ("amazon_vendor_asn_state", "not in", ("done", False)),
        ] + self._moment_domain("date_done")

    def _unpaid_invoices(self):
        return self.env["account.move"].search(
            [
                ("amazon_vendor_account_id", "=", self.account_id.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial", "in_payment")),
            ]
        )

    def _logs(self):
        return self.env["amazon.vendor.audit.log"].search_fetch(
            [("account_id", "=", self.account_id.id)] + self._moment_domain("exchanged_at"), ["is_error", "status_code"]
        )

    # ------------------------------------------------------------------ one click to the records

    def _open(self, name, model, domain, views="list,form"):
        check_group(self.env, USER_GROUP)
        # Amazon's orders in the Amazon list, where their PO numbers show.
        special = {("sale.order", "list"): "acorn_amazon_vendor.sale_order_view_list_amazon_vendor"}
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": views,
            "views": [
                (self.env.ref(special[model, view]).id if (model, view) in special else False, view)
                for view in views.split(",")
            ],
            "domain": domain,
        }

    def _orders(self, extra=()):
        ids = self.env["amazon.vendor.performance.report"].search(self._domain() + list(extra)).order_id.ids
        return [("id", "in", ids)]

    def action_open_orders(self):
        return self._open(_("Purchase Orders"), "sale.order", self._orders())

    def action_open_late(self):
        return self._open(
            _("Shipped Late"), "sale.order", self._orders([("shipped", "=", 1), ("shipped_on_time", "=", 0)])
        )

    def action_open_unconfirmed(self):
        return self._open(_("Not Confirmed within 24 h"), "sale.order", self._orders([("confirmed_in_time", "=", 0)]))

    def action_open_short(self):
        lines = self.env["amazon.vendor.performance.report"].search(self._domain() + [("received", "=", 1)])
        short = lines.filtered(lambda r: r.received_units < r.shipped_units).order_id
        return self._open(_("Received Short"), "sale.order", [("id", "in", short.ids)])

    def action_open_open_acks(self):
        return self._open(_("Acknowledgements Open"), "sale.order", self._orders([("ack_open", "=", 1)]))

    def action_open_asns(self):
        return self._open(_("ASNs Not Accepted"), "stock.picking", self._open_asn_domain())

    def action_open_invoices(self):
        return self._open(_("Invoices Awaiting Payment"), "account.move", [("id", "in", self._unpaid_invoices().ids)])

    def action_open_deductions(self):
        return self._open(
            _("Open Deductions"),
            "amazon.vendor.claim",
            [("account_id", "=", self.account_id.id), ("state", "in", ("open", "disputed"))],
        )

    def action_open_exchanges(self):
        return self._open(_("Calls to Amazon"), "amazon.vendor.audit.log", [("id", "in", self._logs().ids)])

    def action_open_graph(self):
        return self._open(
            _("Performance by Week"), "amazon.vendor.performance.report", self._domain(), "graph,pivot,list"
        )
