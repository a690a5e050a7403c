from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools.deduction import classify, invoice_of_claim
from .concurrency import commit

LINE_KINDS = [
    ("invoice", "Invoice"),
    ("credit_note", "Credit Note"),
    ("deduction", "Deduction"),
    ("provision", "Provision"),
    ("reversal", "Reversal"),
    ("unknown", "Unknown"),
]
FAMILIES = [
    ("shortage", "Shortage Claim"),
    ("price", "Price Claim"),
    ("chargeback", "Chargeback"),
    ("coop", "Co-op and Allowances"),
    ("price_protection", "Price Protection"),
    ("return", "Returns"),
    ("provision", "Provision"),
    ("other", "Other"),
]
VOID_STATUSES = ("void", "voided", "failed", "cancelled", "canceled")


class AmazonVendorRemittance(models.Model):
    """One Amazon payment: what Amazon paid, line by line, and the journal entry that books it."""

    _name = "amazon.vendor.remittance"
    _inherit = ["mail.thread"]
    _description = "Amazon Payment (Remittance)"
    _order = "payment_date desc, id desc"
    _rec_name = "payment_number"
    _check_company_auto = True

    payment_number = fields.Char(required=True, readonly=True, index=True, tracking=True)
    unique_payment_id = fields.Char(string="Unique Payment ID", readonly=True, index="btree_not_null")
    account_id = fields.Many2one("amazon.vendor.account", required=True, readonly=True, ondelete="restrict")
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    vendor_code = fields.Char(readonly=True, default="", help="The vendor code Amazon paid.")
    partner_id = fields.Many2one("res.partner", string="Amazon", readonly=True)
    payment_date = fields.Date(readonly=True)
    currency_id = fields.Many2one("res.currency", string="Payment Currency", required=True, readonly=True)
    amount = fields.Monetary(readonly=True, help="What Amazon paid, in the payment currency.")
    invoice_currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    amount_invoice_currency = fields.Monetary(
        string="Amount in Invoice Currency", currency_field="invoice_currency_id", readonly=True
    )
    exchange_rate = fields.Float(digits=(16, 6), readonly=True)
    payment_type = fields.Char(readonly=True)
    payment_status = fields.Char(readonly=True)
    void_reason = fields.Char(string="Voided Reason", readonly=True)
    source = fields.Selection([("file", "Remittance File"), ("api", "SP-API")], readonly=True, default="file")
    filename = fields.Char(readonly=True)
    hidden_lines = fields.Boolean(
        readonly=True,
        help="Amazon said some lines of this payment are not displayed (ordering codes not set up in Vendor "
        "Central): what the listed lines do not explain is booked to the suspense account.",
    )
    state = fields.Selection(
        [
            ("draft", "To Post"),
            ("posted", "Posted"),
            ("error", "Error"),
            ("cancelled", "Voided"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    problems = fields.Text(readonly=True, help="Why the payment is not posted, or what needs a look.")
    move_id = fields.Many2one("account.move", string="Journal Entry", readonly=True, copy=False, index="btree_not_null")
    line_ids = fields.One2many("amazon.vendor.remittance.line", "remittance_id", readonly=True)
    amazon_invoice_ids = fields.Many2many(
        "amazon.vendor.invoice.number",
        string="Amazon's Invoices",
        compute="_compute_amazon_invoice_ids",
        help="The invoices Amazon's Invoices API says this payment settled, with Amazon's settlement breakdown.",
    )
    line_count = fields.Integer(compute="_compute_totals", store=True)
    lines_total = fields.Monetary(compute="_compute_totals", store=True, currency_field="invoice_currency_id")
    difference = fields.Monetary(
        compute="_compute_totals",
        store=True,
        currency_field="invoice_currency_id",
        help="What Amazon paid minus what its lines add up to (hidden lines); booked to suspense.",
    )
    deducted_amount = fields.Monetary(compute="_compute_totals", store=True, currency_field="invoice_currency_id")
    suspense_amount = fields.Monetary(
        compute="_compute_totals",
        store=True,
        currency_field="invoice_currency_id",
        help="What went to the suspense account: unknown lines, overpaid invoices, hidden lines.",
    )

    _sql_constraints = [
        (
            "payment_uniq",
            "unique(company_id, vendor_code, payment_number)",
            "This Amazon payment is already in Odoo.",
        ),
    ]

    @api.depends("line_ids.amount_paid", "line_ids.kind", "line_ids.suspense_amount", "amount_invoice_currency")
    def _compute_totals(self):
        for remittance in self:
            lines = remittance.line_ids
            remittance.line_count = len(lines)
            remittance.lines_total = sum(lines.mapped("amount_paid"))
            remittance.difference = remittance.invoice_currency_id.round(
                remittance.amount_invoice_currency - remittance.lines_total
            )
            remittance.deducted_amount = -sum(
                lines.filtered(lambda line: line.kind in ("deduction", "provision")).mapped("amount_paid")
            )
            remittance.suspense_amount = sum(lines.mapped("suspense_amount")) + remittance.difference

    def _compute_amazon_invoice_ids(self):
        Numbers = self.env["amazon.vendor.invoice.number"]
        for remittance in self:
            if not remittance.unique_payment_id:
                remittance.amazon_invoice_ids = Numbers
                continue
            # Joined by Amazon's unique payment id; the ilike narrows, the split makes it exact.
            found = Numbers.search(
                [
                    ("account_id", "=", remittance.account_id.id),
                    ("payment_ids_text", "ilike", remittance.unique_payment_id),
                ]
            )
            payment_id = remittance.unique_payment_id
            remittance.amazon_invoice_ids = found.filtered(
                lambda n, payment_id=payment_id: payment_id in (n.payment_ids_text or "").split(",")
            )

    # ------------------------------------------------------------------ actions

    def action_post(self):
        """Post the journal entry of each payment not posted yet, each on its own."""
        for remittance in self.filtered(lambda r: r.state in ("draft", "error")):
            remittance._amazon_vendor_post_isolated()
        return True

    def action_rebuild(self):
        """Reverse the posted entry and build it again (an invoice arrived, an account changed):
        a posted entry is never edited in place."""
        for remittance in self.filtered(lambda r: r.state == "posted"):
            remittance._amazon_vendor_unpost()
            remittance._amazon_vendor_post_isolated()
        return True

    def action_open_move(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }

    def action_open_claims(self):
        claims = self.line_ids.claim_id
        return {
            "type": "ir.actions.act_window",
            "name": _("Deductions"),
            "res_model": "amazon.vendor.claim",
            "view_mode": "list,form",
            "domain": [("id", "in", claims.ids)],
        }

    # ------------------------------------------------------------------ posting

    @api.model
    def _cron_post_remittances(self):
        """Post the payments imported for the background, each on its own, with progress."""
        remittances = self.search([("state", "=", "draft")], order="id")
        for done, remittance in enumerate(remittances, 1):
            remittance._amazon_vendor_post_isolated()
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(remittances) - done)
            commit(self.env, "a posted Amazon payment is final before the next one")

    def _amazon_vendor_post_isolated(self):
        """Post one payment; a failure is written on it, never raised to the batch."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                self._amazon_vendor_post()
        except UserError as error:
            self.write({"state": "error", "problems": str(error.args[0])})
            self.message_post(body=_("Not posted: %(reason)s", reason=error.args[0]))

    def _amazon_vendor_unpost(self):
        self.ensure_one()
        move = self.move_id
        if move.state == "posted":
            move._reverse_moves(
                [{"ref": _("Rebuild of Amazon payment %(number)s", number=self.payment_number)}], cancel=True
            )
        self.line_ids.write({"move_line_id": False})
        self.write({"move_id": False, "state": "draft"})

    def _amazon_vendor_post(self):
        """Classify and match the lines, then post one entry equal to Amazon's payment to the
        cent and reconcile each invoice with its own line.

        :raise UserError: nothing to post, or no journal and accounts to post to
        """
        self.ensure_one()
        if (self.payment_status or "").strip().lower() in VOID_STATUSES:
            self.write({"state": "cancelled", "problems": self.void_reason or False})
            return
        self.line_ids._amazon_vendor_classify()
        self.line_ids._amazon_vendor_link_claims()
        builder = self.env["amazon.vendor.remittance.line"]._amazon_vendor_entry_builder(self)
        move = self.env["account.move"].sudo().create(builder.move_vals())
        move.action_post()
        builder.link(move)
        self.env["account.move.line"].sudo()._reconcile_plan(builder.reconcile_plan())
        self.write({"state": "posted", "move_id": move.id, "problems": builder.problems() or False})
        self.line_ids.claim_id._amazon_vendor_after_payment()

    # ------------------------------------------------------------------ import

    @api.model
    def _amazon_vendor_create_from(self, account, payment, lines, source, filename=None, hidden=False):
        """Store one payment and its lines unless it is already there (re-importing changes nothing).

        :param payment: dict with payment_number, payment_date, amount, currency codes, ...
        :param lines: list of line dicts (invoice_number, description, amounts, ...)
        :return: (remittance, created)
        """
        vendor_code = payment.get("vendor_code") or account._amazon_vendor_remittance_vendor_code(lines)
        existing = self.search(
            [
                ("company_id", "=", account.company_id.id),
                ("payment_number", "=", payment["payment_number"]),
                ("vendor_code", "in", list({vendor_code, ""})),
            ],
            limit=1,
        )
        if existing:
            return existing, False
        vals = self._amazon_vendor_prepare_vals(account, payment, lines, vendor_code)
        vals.update(source=source, filename=filename, hidden_lines=bool(hidden))
        return self.create(vals), True

    @api.model
    def _amazon_vendor_prepare_vals(self, account, payment, lines, vendor_code):
        Currency = self.env["res.currency"].with_context(active_test=False)
        company_currency = account.company_id.currency_id
        line_currency = next((line.get("currency") for line in lines if line.get("currency")), None)
        invoice_currency = Currency.search([("name", "=", payment.get("invoice_currency") or line_currency)], limit=1)
        invoice_currency = invoice_currency or company_currency
        currency = Currency.search([("name", "=", payment.get("payment_currency"))], limit=1) or invoice_currency
        lines_total = sum(line.get("amount_paid") or 0.0 for line in lines)
        amount_invoice = payment.get("amount_invoice_currency")
        if amount_invoice is None:
            amount_invoice = (
                payment["amount"] if currency == invoice_currency and payment.get("amount") else lines_total
            )
        amount = payment.get("amount")
        if amount is None:
            amount = amount_invoice
        code = account.vendor_code_ids.filtered(lambda c: c.name == vendor_code)[:1] or account.vendor_code_ids[:1]
        return {
            "account_id": account.id,
            "vendor_code": vendor_code or "",
            "partner_id": code.partner_id.commercial_partner_id.id,
            "payment_number": payment["payment_number"],
            "unique_payment_id": payment.get("unique_payment_id"),
            "payment_date": payment.get("payment_date")
            or max((line["invoice_date"] for line in lines if line.get("invoice_date")), default=fields.Date.today()),
            "currency_id": currency.id,
            "amount": amount,
            "invoice_currency_id": invoice_currency.id,
            "amount_invoice_currency": amount_invoice,
            "exchange_rate": payment.get("exchange_rate") or 0.0,
            "payment_type": payment.get("payment_type"),
            "payment_status": payment.get("payment_status"),
            "void_reason": payment.get("void_reason"),
            "line_ids": [
                fields.Command.create(
                    {
                        "sequence": index,
                        "invoice_number": (line.get("invoice_number") or "").strip(),
                        "invoice_date": line.get("invoice_date"),
                        "description": line.get("description"),
                        "invoice_amount": line.get("invoice_amount") or 0.0,
                        "withholding": line.get("withholding") or 0.0,
                        "discount": line.get("discount") or 0.0,
                        "amount_paid": line.get("amount_paid") or 0.0,
                        "remaining": line.get("remaining") or 0.0,
                    }
                )
                for index, line in enumerate(lines)
            ],
        }


class AmazonVendorRemittanceLine(models.Model):
    _name = "amazon.vendor.remittance.line"
    _description = "Amazon Payment Line"
    _order = "remittance_id, sequence, id"

    remittance_id = fields.Many2one("amazon.vendor.remittance", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="remittance_id.company_id", store=True)
    sequence = fields.Integer()
    payment_date = fields.Date(related="remittance_id.payment_date", store=True)
    currency_id = fields.Many2one(related="remittance_id.invoice_currency_id")
    invoice_number = fields.Char(required=True, index=True)
    invoice_date = fields.Date()
    description = fields.Char()
    invoice_amount = fields.Monetary()
    withholding = fields.Monetary()
    discount = fields.Monetary(string="Terms Discount Taken")
    amount_paid = fields.Monetary(help="What the line adds to the payment (deductions negative).")
    remaining = fields.Monetary()
    kind = fields.Selection(LINE_KINDS, readonly=True)
    family = fields.Selection(FAMILIES, string="Deduction Type", readonly=True)
    claim_number = fields.Char(string="Claim", readonly=True)
    invoice_id = fields.Many2one("account.move", string="Odoo Document", readonly=True, index="btree_not_null")
    claim_id = fields.Many2one("amazon.vendor.claim", string="Deduction", readonly=True, index="btree_not_null")
    move_line_id = fields.Many2one("account.move.line", string="Journal Item", readonly=True)
    account_id = fields.Many2one(related="move_line_id.account_id", string="Booked To")
    reconciled = fields.Boolean(related="move_line_id.reconciled")
    suspense_amount = fields.Monetary(
        readonly=True, help="The part of the line booked to the suspense account (unknown, or more than owed)."
    )
    note = fields.Char(readonly=True)

    @property
    def gross(self):
        """The line's amount before the terms discount and withholding Amazon took."""
        return self.amount_paid + self.discount + self.withholding

    def _amazon_vendor_classify(self):
        """Match each line with the Odoo invoice or credit note of its number, then classify it."""
        if not self:
            return
        remittance = self.remittance_id
        # One read for the lines' own numbers and the invoices their claims hit.
        claimed = {invoice_of_claim(classify(line.invoice_number, line.description, line.amount_paid)) for line in self}
        documents = self._amazon_vendor_documents(remittance, set(self.mapped("invoice_number")) | claimed - {None})
        for line in self:
            document = documents.get(line.invoice_number)
            found = classify(line.invoice_number, line.description, line.amount_paid, document and document.move_type)
            claim_invoice = invoice_of_claim(found)
            line.write(
                {
                    "note": False,
                    "suspense_amount": 0.0,
                    "kind": found.kind,
                    "family": found.family or (found.kind in ("deduction", "reversal") and "other") or False,
                    "claim_number": found.claim if found.family else False,
                    "invoice_id": (document or documents.get(claim_invoice) or self.env["account.move"]).id,
                }
            )

    @api.model
    def _amazon_vendor_documents(self, remittance, numbers):
        """:return: {number: posted customer invoice or credit note} for Amazon's invoice numbers:
        the numbers Odoo sent to Amazon first, then Odoo's own numbers"""
        numbers = {number for number in numbers if number}
        if not numbers:
            return {}
        sent = (
            self.env["amazon.vendor.invoice.number"]
            .sudo()
            .search(
                [("name", "in", list(numbers)), ("account_id", "=", remittance.account_id.id), ("move_id", "!=", False)]
            )
        )
        documents = {claim.name: claim.move_id for claim in sent if claim.move_id.state == "posted"}
        rest = numbers - set(documents)
        if rest:
            moves = (
                self.env["account.move"]
                .sudo()
                .search(
                    [
                        ("name", "in", list(rest)),
                        ("company_id", "=", remittance.company_id.id),
                        ("move_type", "in", ("out_invoice", "out_refund")),
                        ("state", "=", "posted"),
                    ]
                )
            )
            documents.update({move.name: move for move in moves})
        return documents

    def _amazon_vendor_link_claims(self):
        """Add each deduction, provision and reversal to its claim, one claim per Amazon number."""
        lines = self.filtered(lambda line: line.kind in ("deduction", "provision", "reversal") and line.claim_number)
        if not lines:
            return
        remittance = lines.remittance_id
        Claim = self.env["amazon.vendor.claim"].sudo()
        claims = {
            (claim.name, claim.claim_type): claim
            for claim in Claim.search(
                [("account_id", "=", remittance.account_id.id), ("name", "in", list(set(lines.mapped("claim_number"))))]
            )
        }
        for line in lines:
            claim_type = Claim._amazon_vendor_type_of(line.family)
            key = (line.claim_number, claim_type)
            if key not in claims:
                claims[key] = Claim.create(Claim._amazon_vendor_prepare_vals(line, claim_type))
            line.claim_id = claims[key]
