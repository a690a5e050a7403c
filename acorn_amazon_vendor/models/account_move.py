import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .concurrency import check_group
from .notification import notification

_logger = logging.getLogger(__name__)

SUBMIT_INVOICES = "submitInvoices"
INVOICE_STATES = [
    ("to_send", "To Send"),
    ("sending", "Sending"),
    ("processing", "Processing"),
    ("done", "Accepted"),
    ("error", "Error"),
    ("unknown", "Answer Lost"),
]
# The invoice's state follows its submission's.
STATE_OF_SUBMISSION = {
    "draft": "sending",
    "sending": "sending",
    "submitted": "processing",
    "processing": "processing",
    "unknown": "unknown",
    "done": "done",
    "error": "error",
}
# Amazon holds the invoice, or may: it must not change under Amazon's feet.
LOCKED_STATES = ("sending", "processing", "unknown", "done")
# Amazon's status of an invoice in its accounts payable (Invoices API 2026-06-25).
PAYMENT_STATUSES = [
    ("IN_PROGRESS", "In Progress"),
    ("REJECTED", "Rejected"),
    ("PARTIALLY_PAID", "Partially Paid"),
    ("PARTIALLY_DEDUCTED", "Partially Deducted"),
    ("PAID", "Paid"),
    ("DEDUCTED", "Deducted"),
]
CREDIT_KINDS = [
    ("return", "Return"),
    ("price", "Price Adjustment"),
    ("quantity", "Quantity Adjustment"),
    ("coop", "Co-op"),
]


class AccountMove(models.Model):
    _inherit = "account.move"

    amazon_vendor_account_id = fields.Many2one(
        "amazon.vendor.account",
        string="Amazon Account",
        compute="_compute_amazon_vendor_account_id",
        store=True,
        recursive=True,
        index="btree_not_null",
        help="The Vendor Central account of the Amazon purchase orders this invoice bills.",
    )
    amazon_vendor_transaction_id = fields.Many2one(
        "amazon.vendor.transaction",
        string="Amazon Submission",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    amazon_vendor_invoice_state = fields.Selection(
        INVOICE_STATES,
        string="Amazon Invoice",
        compute="_compute_amazon_vendor_invoice_state",
        store=True,
        copy=False,
        help="Where the invoice stands with Amazon: to send; sending (recorded, on its way); processing "
        "(Amazon took it and is checking it); accepted; error (Amazon refused it, or it could not go); answer "
        "lost (ACORN asks Amazon whether it arrived before anything is sent again).",
    )
    amazon_vendor_invoice_problems = fields.Text(
        string="Why It Cannot Go",
        compute="_compute_amazon_vendor_invoice_problems",
        help="What Amazon would refuse or hold payment for, checked before the invoice is sent.",
    )
    amazon_vendor_invoice_warnings = fields.Text(
        string="Amazon Warnings",
        compute="_compute_amazon_vendor_invoice_problems",
    )
    amazon_vendor_payment_status = fields.Selection(
        PAYMENT_STATUSES,
        string="Amazon Payment Status",
        readonly=True,
        copy=False,
        help="Amazon's status of the invoice in its accounts payable, from the Invoices API.",
    )
    amazon_vendor_credit_kind = fields.Selection(
        CREDIT_KINDS,
        string="Amazon Credit Kind",
        copy=False,
        help="What the credit note to Amazon is for: returned goods, a price or quantity adjustment, or co-op funding.",
    )
    amazon_vendor_returns_reference = fields.Char(
        string="Amazon Return Reference",
        copy=False,
        help="Amazon's returns reference number (RAN) of the returned goods.",
    )
    amazon_vendor_goods_return_date = fields.Date(string="Goods Returned On", copy=False)
    amazon_vendor_coop_reference = fields.Char(
        string="Co-op Reference",
        copy=False,
        help="Amazon's co-op agreement or debit note number this credit note settles.",
    )

    @api.depends(
        "move_type",
        "invoice_line_ids.sale_line_ids.order_id.amazon_vendor_account_id",
        "reversed_entry_id.amazon_vendor_account_id",
    )
    def _compute_amazon_vendor_account_id(self):
        for move in self:
            if move.move_type not in ("out_invoice", "out_refund"):
                move.amazon_vendor_account_id = False
                continue
            accounts = move.invoice_line_ids.sale_line_ids.order_id.amazon_vendor_account_id
            move.amazon_vendor_account_id = accounts[:1] or move.reversed_entry_id.amazon_vendor_account_id

    @api.depends("state", "amazon_vendor_account_id", "amazon_vendor_transaction_id.state")
    def _compute_amazon_vendor_invoice_state(self):
        for move in self:
            if not move.amazon_vendor_account_id:
                move.amazon_vendor_invoice_state = False
            elif move.amazon_vendor_transaction_id:
                move.amazon_vendor_invoice_state = STATE_OF_SUBMISSION.get(move.amazon_vendor_transaction_id.state)
            elif move.state == "posted":
                move.amazon_vendor_invoice_state = "to_send"
            else:
                move.amazon_vendor_invoice_state = False

    @api.depends_context("lang")
    @api.depends("amazon_vendor_invoice_state")
    def _compute_amazon_vendor_invoice_problems(self):
        for move in self:
            if move.amazon_vendor_invoice_state in ("to_send", "error"):
                problems, warnings = move._amazon_vendor_invoice_problems()
            else:
                problems, warnings = [], []
            move.amazon_vendor_invoice_problems = "\n".join(problems) or False
            move.amazon_vendor_invoice_warnings = "\n".join(warnings) or False

    # ------------------------------------------------------------------ actions

    def action_amazon_vendor_submit_invoice(self):
        """Send these invoices and credit notes to Amazon (submitInvoices), each exactly once.

        :return: a notification saying what went and why the others did not
        :raise UserError: when none of them is an Amazon invoice
        """
        check_group(self.env, "account.group_account_invoice")
        self.check_access("write")
        moves = self.filtered("amazon_vendor_account_id")
        if not moves:
            raise UserError(_("None of these is an invoice of Amazon purchase orders."))
        sent, refused = self.env["account.move"], []
        for move in moves:
            try:
                transaction = move.sudo()._amazon_vendor_send_invoice()
            except UserError as error:
                refused.append(_("%(move)s: %(error)s", move=move.display_name, error=error))
                continue
            if transaction and transaction.state != "error":
                sent |= move
            elif transaction:
                refused.append(_("%(move)s: %(error)s", move=move.display_name, error=transaction.error_message))
        if refused:
            return notification(_("Not sent to Amazon"), "\n".join(refused), "danger")
        return notification(
            _("Sent to Amazon"),
            _("%(count)s invoice(s) on their way; Amazon's verdict appears on each.", count=len(sent)),
        )

    def action_amazon_vendor_view_submissions(self):
        check_group(self.env, "acorn_amazon_vendor.group_amazon_vendor_user")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("acorn_amazon_vendor.amazon_vendor_transaction_action")
        action["domain"] = [("res_model", "=", self._name), ("res_id", "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------ sending

    def _amazon_vendor_send_invoice(self):
        """Check, claim the number, record and send one invoice; committed before it leaves.

        :return: the ``amazon.vendor.transaction``, or an empty one when the invoice cannot go
        :raise UserError: the invoice cannot go (its problems), or someone else sends it now
        """
        self.ensure_one()
        Transaction = self.env["amazon.vendor.transaction"]
        Transaction._amazon_vendor_lock_document(self)
        transaction = self._amazon_vendor_record_submission()
        transaction._amazon_vendor_send()
        return transaction

    def _amazon_vendor_record_submission(self):
        """Claim the invoice number with Amazon and record the submission (not sent yet).

        :raise UserError: naming what stops the invoice
        """
        if self.amazon_vendor_invoice_state in LOCKED_STATES:
            raise UserError(_("Amazon has this invoice already, or it is on its way; wait for Amazon's verdict."))
        problems, _warnings = self._amazon_vendor_invoice_problems()
        if problems:
            raise UserError(_("It cannot go to Amazon:\n%(problems)s", problems="\n".join(problems)))
        invoice = self._amazon_vendor_prepare_invoice_vals()
        self.env["amazon.vendor.invoice.number"]._amazon_vendor_claim(self, invoice)
        items, _charges, _allowances, _others = self._amazon_vendor_lines()
        for number, line in enumerate(items, start=1):
            line.amazon_vendor_item_number = number
        transaction = self.env["amazon.vendor.transaction"]._amazon_vendor_create_submission(
            self.amazon_vendor_account_id, self, SUBMIT_INVOICES, {"invoices": [invoice]}
        )
        self.amazon_vendor_transaction_id = transaction
        return transaction

    def _amazon_vendor_queue_invoice(self):
        """Queue the invoice for the submission cron (from inside another flow: posting)."""
        transaction = self._amazon_vendor_record_submission()
        transaction.next_check_at = fields.Datetime.now()
        self.env.ref("acorn_amazon_vendor.ir_cron_check_transactions")._trigger()
        return transaction

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        automatic = posted.filtered(
            lambda m: m.amazon_vendor_account_id and m.sudo().amazon_vendor_account_id.invoice_sending == "auto"
        )
        for move in automatic.sudo():
            try:
                with self.env.cr.savepoint():
                    move._amazon_vendor_queue_invoice()
            except UserError as error:
                move._amazon_vendor_tell_not_sent(str(error))
        return posted

    def _amazon_vendor_tell_not_sent(self, reason):
        """Chatter and an activity for the invoice's responsible: it did not go to Amazon."""
        self.message_post(body=_("Not sent to Amazon automatically. %(reason)s", reason=reason))
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=_("Amazon invoice not sent"),
            note=reason,
            user_id=(self.invoice_user_id or self.env.user).id,
        )

    def button_draft(self):
        locked = self.filtered(lambda m: m.amazon_vendor_invoice_state in LOCKED_STATES)
        if locked:
            raise UserError(
                _(
                    "Amazon has %(moves)s, or it is on its way: it cannot be changed any more. Correct it with a "
                    "credit note, or wait for Amazon's verdict.",
                    moves=", ".join(locked.mapped("display_name")),
                )
            )
        return super().button_draft()

    def _amazon_vendor_transaction_done(self, transaction):
        """Amazon accepted the invoice: its own view (matching, payment) is read from now on."""
        if transaction.operation == SUBMIT_INVOICES and not self.amazon_vendor_payment_status:
            self.amazon_vendor_payment_status = "IN_PROGRESS"

    def _amazon_vendor_apply_amazon_lines(self, items):
        """Keep Amazon's matching of each line (getInvoice's ``invoiceItems``) on the invoice lines."""
        lines = {
            line.amazon_vendor_item_number: line for line in self.invoice_line_ids if line.amazon_vendor_item_number
        }
        for item in items:
            line = lines.get(_int(item.get("lineItemId")))
            if not line:
                continue
            matching = (item.get("lineItemContext") or {}).get("matchingContext") or {}
            reasons = [
                f"{reason.get('varianceType')}: {', '.join(reason.get('defectTypes') or [])}".rstrip(": ")
                for reason in matching.get("varianceReasons") or []
            ]
            line.write(
                {
                    "amazon_vendor_matched_qty": matching.get("matchedQuantity") or 0,
                    "amazon_vendor_matched_amount": _amount(matching.get("matchedAmount")),
                    "amazon_vendor_paid_qty": matching.get("paidQuantity") or 0,
                    "amazon_vendor_paid_amount": _amount(matching.get("paidAmount")),
                    "amazon_vendor_quantity_variance": matching.get("quantityVariance") or 0,
                    "amazon_vendor_price_variance": _amount(matching.get("priceVariance")),
                    "amazon_vendor_variance_reasons": "; ".join(reasons) or False,
                }
            )


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _amount(money):
    return float((money or {}).get("currencyAmount") or 0.0)
