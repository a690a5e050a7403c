from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .concurrency import USER_GROUP, check_group

CLAIM_TYPES = [
    ("shortage", "Shortage Claim"),
    ("price", "Price Claim"),
    ("chargeback", "Chargeback"),
    ("coop", "Co-op and Allowances"),
    ("price_protection", "Price Protection"),
    ("return", "Returns"),
    ("provision", "Provision"),
    ("other", "Other"),
]
# The deadline of a dispute runs from the invoice's due date for claims on an invoice, from
# the deduction for the rest (what vendors report; Amazon publishes none).
FROM_DUE_DATE = ("shortage", "price")
CLEARING_TYPES = ("shortage", "price", "provision")


class AmazonVendorClaim(models.Model):
    """One Amazon claim or deduction, however many slices and reversals it comes in."""

    _name = "amazon.vendor.claim"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Amazon Deduction"
    _order = "deadline asc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Claim Number",
        required=True,
        readonly=True,
        index=True,
        help="Amazon's claim or deduction number, without its slice or reversal suffix.",
    )
    claim_type = fields.Selection(CLAIM_TYPES, string="Type", required=True, tracking=True)
    account_id = fields.Many2one("amazon.vendor.account", required=True, readonly=True, ondelete="restrict")
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    vendor_code = fields.Char(readonly=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    description = fields.Char(readonly=True)
    line_ids = fields.One2many("amazon.vendor.remittance.line", "claim_id", string="Remittance Lines", readonly=True)
    amount = fields.Monetary(
        string="Deducted", compute="_compute_amounts", store=True, help="What Amazon deducted so far, all slices."
    )
    recovered_amount = fields.Monetary(
        string="Recovered", compute="_compute_amounts", store=True, help="What Amazon gave back in reversals."
    )
    open_amount = fields.Monetary(compute="_compute_amounts", store=True, string="Open")
    pending_amount = fields.Monetary(
        string="Still to Deduct",
        readonly=True,
        help="What Amazon's payables list still shows to deduct (the payables ready for deduction file).",
    )
    announced_date = fields.Date(readonly=True, help="The date of the deduction in Amazon's payables list.")
    claim_date = fields.Date(string="Deduction Date", compute="_compute_amounts", store=True)
    state = fields.Selection(
        [
            ("open", "Open"),
            ("disputed", "Disputed"),
            ("won", "Won"),
            ("lost", "Lost"),
            ("written_off", "Written Off"),
        ],
        default="open",
        required=True,
        tracking=True,
    )
    deadline = fields.Date(
        string="Dispute Deadline",
        compute="_compute_deadline",
        store=True,
        readonly=False,
        tracking=True,
        help="The last day to dispute the deduction in Vendor Central.",
    )
    dispute_count = fields.Integer(string="Disputes", readonly=True)
    dispute_reference = fields.Char(string="Dispute ID", tracking=True, help="Vendor Central's dispute number.")
    invoice_id = fields.Many2one("account.move", readonly=True, index="btree_not_null")
    sale_order_id = fields.Many2one("sale.order", string="Purchase Order", compute="_compute_sale_order_id", store=True)
    picking_ids = fields.Many2many("stock.picking", string="Deliveries", compute="_compute_evidence")
    asn_numbers = fields.Char(string="ASN", compute="_compute_evidence")
    ssccs = fields.Text(string="SSCCs", compute="_compute_evidence")
    fc_code = fields.Char(string="Fulfilment Centre", related="sale_order_id.amazon_vendor_fc_code")
    writeoff_move_id = fields.Many2one("account.move", string="Write-off Entry", readonly=True, copy=False)
    evidence_attachment_id = fields.Many2one("ir.attachment", string="Evidence File", readonly=True, copy=False)

    _sql_constraints = [
        ("claim_uniq", "unique(account_id, name, claim_type)", "This Amazon deduction is already in Odoo."),
    ]

    @api.depends(
        "line_ids.amount_paid", "line_ids.kind", "line_ids.invoice_date", "line_ids.payment_date", "announced_date"
    )
    def _compute_amounts(self):
        for claim in self:
            lines = claim.line_ids
            gross = {line: line.gross for line in lines}
            claim.amount = -sum(amount for line, amount in gross.items() if line.kind != "reversal")
            claim.recovered_amount = sum(amount for line, amount in gross.items() if line.kind == "reversal")
            claim.open_amount = claim.amount - claim.recovered_amount
            # The deduction's own date (a chargeback's date), else the payment that took it.
            dates = [line.invoice_date or line.payment_date for line in lines] + [claim.announced_date]
            dates = [date for date in dates if date]
            claim.claim_date = min(dates) if dates else False

    @api.depends("claim_type", "claim_date", "invoice_id.invoice_date_due", "account_id")
    def _compute_deadline(self):
        for claim in self:
            days = claim.account_id._amazon_vendor_dispute_days(claim.claim_type)
            start = claim.claim_date
            if claim.claim_type in FROM_DUE_DATE and claim.invoice_id.invoice_date_due:
                start = claim.invoice_id.invoice_date_due
            claim.deadline = start + timedelta(days=days) if start and days else False

    @api.depends("invoice_id")
    def _compute_sale_order_id(self):
        for claim in self:
            claim.sale_order_id = claim.invoice_id.invoice_line_ids.sale_line_ids.order_id[:1]

    @api.depends("sale_order_id")
    def _compute_evidence(self):
        for claim in self:
            pickings = claim.sale_order_id.picking_ids.filtered(
                lambda p: p.state == "done" and p.picking_type_code == "outgoing"
            )
            packages = pickings.move_line_ids.result_package_id
            packages |= packages.amazon_vendor_pallet_id
            claim.picking_ids = pickings
            claim.asn_numbers = ", ".join(filter(None, pickings.mapped("amazon_vendor_shipment_identifier"))) or False
            claim.ssccs = "\n".join(filter(None, packages.mapped("amazon_vendor_sscc"))) or False

    # ------------------------------------------------------------------ creation

    @api.model
    def _amazon_vendor_type_of(self, family):
        return family if family in dict(CLAIM_TYPES) else "other"

    @api.model
    def _amazon_vendor_prepare_vals(self, line, claim_type):
        remittance = line.remittance_id
        return {
            "name": line.claim_number,
            "claim_type": claim_type,
            "account_id": remittance.account_id.id,
            "vendor_code": remittance.vendor_code,
            "currency_id": remittance.invoice_currency_id.id,
            "description": line.description,
            "invoice_id": line.invoice_id.id if claim_type in FROM_DUE_DATE else False,
        }

    def _amazon_vendor_after_payment(self):
        """After a payment touched the claims: a claim fully given back is won, and a claim still
        open gets an activity before its dispute deadline."""
        for claim in self:
            if (
                claim.state in ("open", "disputed")
                and claim.amount > 0
                and claim.currency_id.is_zero(claim.open_amount)
            ):
                claim.state = "won"
                claim.activity_ids.action_feedback(feedback=_("Amazon gave the deduction back."))
            elif claim.state == "open" and claim.deadline and claim.claim_type != "provision":
                claim._amazon_vendor_schedule_deadline()

    def _amazon_vendor_schedule_deadline(self):
        self.ensure_one()
        activity_type = self.env.ref("acorn_amazon_vendor.mail_activity_type_dispute")
        if self.activity_ids.filtered(lambda a: a.activity_type_id == activity_type):
            return
        remind = self.deadline - timedelta(days=self.account_id.dispute_reminder_days)
        self.with_context(mail_activity_quick_update=True).activity_schedule(
            activity_type_id=activity_type.id,
            date_deadline=max(remind, fields.Date.context_today(self)),
            summary=_("Dispute by %(date)s", date=self.deadline),
            user_id=(self.account_id.user_id or self.env.user).id,
        )

    # ------------------------------------------------------------------ disputes

    def action_dispute(self):
        """Record a dispute filed in Vendor Central (Amazon allows two per deduction)."""
        check_group(self.env, USER_GROUP)
        for claim in self:
            if claim.state not in ("open", "disputed", "lost"):
                raise UserError(_("Deduction %(name)s is settled: it cannot be disputed.", name=claim.name))
            limit = claim.account_id.max_disputes
            if claim.dispute_count >= limit:
                raise UserError(
                    _("Amazon accepts at most %(limit)s disputes of deduction %(name)s.", limit=limit, name=claim.name)
                )
            claim.write({"state": "disputed", "dispute_count": claim.dispute_count + 1})
        return True

    def action_mark_won(self):
        check_group(self.env, USER_GROUP)
        self.write({"state": "won"})
        self.activity_ids.action_feedback(feedback=_("Dispute won."))
        return True

    def action_mark_lost(self):
        """The dispute is lost: what is still open leaves the clearing account for good."""
        return self._amazon_vendor_close("lost")

    def action_write_off(self):
        """Give up the deduction without (further) dispute: what is still open is written off."""
        return self._amazon_vendor_close("written_off")

    def action_reopen(self):
        check_group(self.env, USER_GROUP)
        for claim in self.filtered("writeoff_move_id"):
            claim.writeoff_move_id._reverse_moves(cancel=True)
            claim.writeoff_move_id = False
        self.write({"state": "open"})
        return True

    def _amazon_vendor_close(self, state):
        check_group(self.env, USER_GROUP)
        for claim in self:
            if claim.claim_type in CLEARING_TYPES and claim.open_amount > 0 and not claim.writeoff_move_id:
                claim.sudo()._amazon_vendor_post_writeoff()
            claim.state = state
            claim.activity_ids.action_feedback(
                feedback=dict(self._fields["state"]._description_selection(self.env))[state]
            )
        return True

    def _amazon_vendor_post_writeoff(self):
        """Move the open amount from the clearing account to the write-off account."""
        self.ensure_one()
        accounts = self.account_id._amazon_vendor_remittance_accounts()
        clearing = self.line_ids.move_line_id.filtered(lambda aml: aml.account_id.reconcile and not aml.reconciled)
        if not clearing:
            return
        residual = sum(clearing.mapped("amount_residual_currency"))
        balance = sum(clearing.mapped("amount_residual"))
        partner = clearing[:1].partner_id
        move = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": accounts["journal"].id,
                "company_id": self.company_id.id,
                "date": fields.Date.context_today(self),
                "ref": _("Amazon deduction %(name)s written off", name=self.name),
                "line_ids": [
                    fields.Command.create(
                        {
                            "account_id": clearing[:1].account_id.id,
                            "partner_id": partner.id,
                            "currency_id": self.currency_id.id,
                            "amount_currency": -residual,
                            "balance": -balance,
                            "name": self.name,
                        }
                    ),
                    fields.Command.create(
                        {
                            "account_id": accounts["writeoff"].id,
                            "partner_id": partner.id,
                            "currency_id": self.currency_id.id,
                            "amount_currency": residual,
                            "balance": balance,
                            "name": self.name,
                        }
                    ),
                ],
            }
        )
        move.action_post()
        (clearing | move.line_ids.filtered(lambda aml: aml.account_id == clearing[:1].account_id)).reconcile()
        self.writeoff_move_id = move

    # ------------------------------------------------------------------ views

    def action_open_invoice(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.invoice_id.id,
            "view_mode": "form",
        }
