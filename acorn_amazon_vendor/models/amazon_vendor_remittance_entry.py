"""The journal entry of one Amazon payment, built line by line from its remittance."""

from odoo import _, fields, models
from odoo.exceptions import UserError

# Families booked to a reconcilable clearing account, where reversals clear what was taken.
CLEARING_FAMILIES = {"shortage": "claim", "price": "claim", "provision": "provision"}
EXPENSE_FAMILIES = {
    "chargeback": "chargeback",
    "coop": "coop",
    "price_protection": "price_protection",
    "return": "return",
    "other": "suspense",
}


class RemittanceEntry:
    """Collects the journal items of one payment, then links and reconciles them once posted.

    Every amount goes to exactly one item, so the entry always equals Amazon's payment to the
    cent; what Odoo cannot place goes to the suspense account with a note, nothing is forced.
    """

    def __init__(self, remittance):
        self.remittance = remittance
        self.env = remittance.env
        self.company = remittance.company_id
        self.accounts = remittance.account_id._amazon_vendor_remittance_accounts()
        self.items = []  # [(vals, remittance line or None, aml to reconcile with)]
        self.notes = []
        self.epd_lines = set()
        self.rate = self._rate()

    # ------------------------------------------------------------------ amounts

    def _rate(self):
        """Company currency per invoice-currency unit: Amazon's own rate when Amazon paid in
        the company's currency (the bank line is then exact), else Odoo's rate of the day."""
        remittance, company_currency = self.remittance, self.company.currency_id
        currency = remittance.invoice_currency_id
        if currency == company_currency:
            return 1.0
        if remittance.currency_id == company_currency and remittance.amount_invoice_currency:
            return remittance.amount / remittance.amount_invoice_currency
        if remittance.currency_id == company_currency and remittance.exchange_rate:
            return remittance.exchange_rate
        return currency._get_conversion_rate(currency, company_currency, self.company, remittance.payment_date)

    def _balance(self, amount_currency):
        return self.company.currency_id.round(amount_currency * self.rate)

    def add(self, account, amount_currency, label, line=None, partner=None, reconcile_with=None, **extra):
        """Add a journal item of ``amount_currency`` (invoice currency, debit positive)."""
        currency = self.remittance.invoice_currency_id
        if currency.is_zero(amount_currency):
            return
        vals = {
            "account_id": account.id,
            "name": label,
            "partner_id": (partner or self.remittance.partner_id).id,
            "currency_id": currency.id,
            "amount_currency": amount_currency,
            "balance": self._balance(amount_currency),
            **extra,
        }
        self.items.append((vals, line, reconcile_with))

    # ------------------------------------------------------------------ lines

    def add_line(self, line):
        """Book one remittance line: its gross to where its kind goes, the terms discount and
        the withholding beside it."""
        gross = line.gross
        if line.kind in ("invoice", "credit_note") and line.invoice_id:
            gross = self._add_document(line, gross)
        elif line.kind in ("deduction", "provision", "reversal"):
            self._add_deduction(line, gross)
            gross = 0.0
        if not line.currency_id.is_zero(gross):
            note = line.note or _("Not recognised: no Odoo invoice and no known deduction pattern.")
            self.add(self.accounts["suspense"], -gross, f"{line.invoice_number} - {note}", line)
            line.write({"suspense_amount": gross, "note": note})
        if line.discount and line.id not in self.epd_lines:
            self.add(
                self.accounts["discount"], line.discount, _("%(number)s - Terms discount", number=line.invoice_number)
            )
        if line.withholding:
            self.add(
                self.accounts["suspense"], line.withholding, _("%(number)s - Withholding", number=line.invoice_number)
            )

    def _add_document(self, line, gross):
        """Credit the invoice's receivable with what Amazon settled on it, at most what it still
        owes. :return: what is left for the suspense account"""
        document = line.invoice_id
        if document.currency_id != line.currency_id:
            line.note = _("Odoo's document is in %(currency)s.", currency=document.currency_id.name)
            return gross
        receivables = document.line_ids.filtered(
            lambda aml: aml.account_id.account_type == "asset_receivable" and not aml.reconciled
        )
        residual = sum(receivables.mapped("amount_residual_currency"))
        applied = min(gross, residual) if gross > 0 else max(gross, residual)
        if gross * residual <= 0:
            applied = 0.0
        if applied:
            self.add(
                receivables[:1].account_id,
                -applied,
                _("%(number)s - Paid by Amazon", number=line.invoice_number),
                line,
                partner=document.commercial_partner_id,
                reconcile_with=receivables,
            )
            self._add_early_discount(line, document, receivables, applied, residual)
        left = gross - applied
        if not line.currency_id.is_zero(left):
            line.note = _("More than the invoice still owes in Odoo.") if applied else _("Already settled in Odoo.")
        return left

    def _add_early_discount(self, line, document, receivables, applied, residual):
        """The terms discount, tax-correct through Odoo's own early-payment-discount lines when
        the invoice's payment terms carry the discount Amazon took."""
        term = document.invoice_payment_term_id
        if not (line.discount and term.early_discount and line.currency_id.is_zero(applied - residual)):
            return
        expected = sum(receivables.mapped(lambda aml: aml.amount_residual_currency - aml.discount_amount_currency))
        if not line.currency_id.is_zero(expected - line.discount):
            return
        values = self.env["account.move"]._get_invoice_counterpart_amls_for_early_payment_discount(
            [
                {"aml": aml, "amount_currency": -aml.amount_residual_currency, "balance": -aml.amount_residual}
                for aml in receivables
            ],
            0.0,
        )
        for key in ("base_lines", "tax_lines", "term_lines"):
            for vals in values[key]:
                self.items.append(({**vals, "name": vals.get("name") or line.invoice_number}, None, None))
        self.epd_lines.add(line.id)

    def _add_deduction(self, line, gross):
        family = line.family or "other"
        partner, reconcile_with = None, None
        if family in CLEARING_FAMILIES:
            account = self.accounts[CLEARING_FAMILIES[family]]
        else:
            account = self.accounts[EXPENSE_FAMILIES.get(family, "suspense")]
            bill = self._amazon_bill(line) if family in ("coop", "chargeback", "price_protection") else None
            if bill:
                reconcile_with = bill.line_ids.filtered(
                    lambda aml: aml.account_id.account_type == "liability_payable" and not aml.reconciled
                )
                account, partner = reconcile_with[:1].account_id, bill.commercial_partner_id
        label = f"{line.invoice_number} - {dict(line._fields['family']._description_selection(line.env))[family]}"
        self.add(account, -gross, label, line, partner=partner, reconcile_with=reconcile_with)

    def _amazon_bill(self, line):
        """:return: Amazon's own open bill of a co-op agreement or chargeback, if Odoo has it"""
        return (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company.id),
                    ("move_type", "=", "in_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "not in", ("paid", "reversed")),
                    "|",
                    ("ref", "=", line.invoice_number),
                    ("name", "=", line.invoice_number),
                ],
                limit=1,
            )
        )

    def add_difference(self):
        difference = self.remittance.difference
        if not self.remittance.invoice_currency_id.is_zero(difference):
            self.add(self.accounts["suspense"], -difference, _("Not itemised by Amazon (hidden lines)"))
            self.notes.append(
                _(
                    "Amazon's lines add up to %(lines)s, its payment is %(amount)s: the difference is in suspense.",
                    lines=self.remittance.lines_total,
                    amount=self.remittance.amount_invoice_currency,
                )
            )

    def add_bank(self):
        """Debit the journal's outstanding receipts with the net payment; a rounding left by
        two rates goes to the exchange difference account."""
        remittance, company_currency = self.remittance, self.company.currency_id
        others = company_currency.round(sum(vals["balance"] for vals, _line, _rec in self.items))
        if remittance.currency_id == company_currency:
            balance = remittance.amount
            residue = company_currency.round(-others - balance)
            if not company_currency.is_zero(residue):
                account = (
                    self.company.income_currency_exchange_account_id
                    if residue < 0
                    else self.company.expense_currency_exchange_account_id
                )
                self.items.append(
                    (
                        {
                            "account_id": account.id,
                            "name": _("Rounding between Amazon's and Odoo's rates"),
                            "currency_id": company_currency.id,
                            "amount_currency": residue,
                            "balance": residue,
                        },
                        None,
                        None,
                    )
                )
        else:
            balance = -others
        vals = {
            "account_id": self.accounts["outstanding"].id,
            "name": _("Amazon payment %(number)s", number=remittance.payment_number),
            "partner_id": remittance.partner_id.id,
            "currency_id": remittance.currency_id.id,
            "amount_currency": remittance.amount,
            "balance": balance,
        }
        self.items.insert(0, (vals, None, None))

    # ------------------------------------------------------------------ results

    def move_vals(self):
        for line in self.remittance.line_ids:
            self.add_line(line)
        self.add_difference()
        self.add_bank()
        return {
            "move_type": "entry",
            "journal_id": self.accounts["journal"].id,
            "company_id": self.company.id,
            "date": self.remittance.payment_date,
            "ref": _("Amazon payment %(number)s", number=self.remittance.payment_number),
            "line_ids": [fields.Command.create(vals) for vals, _line, _rec in self.items],
        }

    def link(self, move):
        """Write on each remittance line the journal item that booked it."""
        amls = move.line_ids.sorted("id")
        if len(amls) < len(self.items):
            raise UserError(_("Odoo merged journal items of the Amazon payment; it cannot be reconciled line by line."))
        self.amls = amls
        for (_vals, line, _rec), aml in zip(self.items, amls, strict=False):
            if line and not line.move_line_id:
                line.move_line_id = aml

    def reconcile_plan(self):
        """:return: one recordset per invoice, Amazon bill and claim, for ``_reconcile_plan``"""
        plan = []
        for (_vals, _line, reconcile_with), aml in zip(self.items, self.amls, strict=False):
            if reconcile_with:
                plan.append(aml | reconcile_with)
        lines = self.remittance.line_ids
        for claim in lines.claim_id:
            open_lines = claim.line_ids.move_line_id.filtered(
                lambda aml: aml.account_id.reconcile and not aml.reconciled and aml.parent_state == "posted"
            )
            if open_lines.filtered(lambda aml: aml.balance > 0) and open_lines.filtered(lambda aml: aml.balance < 0):
                plan.append(open_lines)
        return plan

    def problems(self):
        notes = list(self.notes)
        for line in self.remittance.line_ids.filtered(lambda line: line.suspense_amount):
            notes.append(f"{line.invoice_number}: {line.note}")
        return "\n".join(notes)


class AmazonVendorRemittanceLine(models.Model):
    _inherit = "amazon.vendor.remittance.line"

    def _amazon_vendor_entry_builder(self, remittance):
        """:return: the :class:`RemittanceEntry` of ``remittance`` (hook for other bookings)"""
        return RemittanceEntry(remittance)
