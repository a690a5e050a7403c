import logging
from collections import Counter
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..spapi.timeutil import parse_datetime
from .concurrency import USER_GROUP, check_group, commit
from .notification import notification

_logger = logging.getLogger(__name__)

# Amazon reads remittances at most a year back; a first run looks back one 90-day window.
FIRST_LOOK_BACK = timedelta(days=89)
MAX_LOOK_BACK = timedelta(days=364)
# A payment may be listed a little after its date: each run reads the last days again.
OVERLAP = timedelta(days=3)

# key: (field, default name, account type, reconcilable)
REMITTANCE_ACCOUNTS = {
    "claim": ("remittance_claim_account_id", "Amazon claims in dispute", "asset_current", True),
    "provision": ("remittance_provision_account_id", "Amazon provisions for receivables", "asset_current", True),
    "suspense": ("remittance_suspense_account_id", "Amazon remittance suspense", "asset_current", True),
    "chargeback": ("remittance_chargeback_account_id", "Amazon chargebacks", "expense", False),
    "coop": ("remittance_coop_account_id", "Amazon co-op and allowances", "expense", False),
    "price_protection": ("remittance_price_protection_account_id", "Amazon price protection", "expense", False),
    "return": ("remittance_return_account_id", "Amazon returns deducted", "expense", False),
    "writeoff": ("remittance_writeoff_account_id", "Amazon deductions written off", "expense", False),
    "discount": ("remittance_discount_account_id", "Amazon terms discounts", "expense", False),
}


class AmazonVendorAccount(models.Model):
    _inherit = "amazon.vendor.account"

    remittance_journal_id = fields.Many2one(
        "account.journal",
        domain="[('type', '=', 'bank'), ('company_id', '=', company_id)]",
        help="The bank journal Amazon pays into; its outstanding receipts account takes each payment, to be "
        "matched with the bank statement line. Default: the company's first bank journal.",
    )
    remittance_claim_account_id = fields.Many2one(
        "account.account",
        string="Claims in Dispute",
        help="Reconcilable clearing account of shortage and price claims: their reversals clear them.",
    )
    remittance_provision_account_id = fields.Many2one("account.account", string="Provisions")
    remittance_suspense_account_id = fields.Many2one(
        "account.account",
        string="Suspense",
        help="Reconcilable account of what Odoo cannot place: unknown lines, overpayments, hidden lines.",
    )
    remittance_chargeback_account_id = fields.Many2one("account.account", string="Chargebacks")
    remittance_coop_account_id = fields.Many2one("account.account", string="Co-op and Allowances")
    remittance_price_protection_account_id = fields.Many2one("account.account", string="Price Protection")
    remittance_return_account_id = fields.Many2one("account.account", string="Returns")
    remittance_writeoff_account_id = fields.Many2one("account.account", string="Deductions Written Off")
    remittance_discount_account_id = fields.Many2one(
        "account.account",
        string="Terms Discounts",
        help="Where the terms discount Amazon takes goes, unless the invoice's payment terms carry it (then "
        "Odoo's early payment discount lines, tax included). Default: the company's cash discount loss account.",
    )
    shortage_dispute_days = fields.Integer(
        string="Days to Dispute Shortages",
        default=30,
        help="Days after the invoice's due date to dispute a shortage claim.",
    )
    price_dispute_days = fields.Integer(
        string="Days to Dispute Price Claims",
        default=30,
        help="Days after the invoice's due date to dispute a price claim.",
    )
    chargeback_dispute_days = fields.Integer(
        string="Days to Dispute Chargebacks", default=30, help="Days after the chargeback to dispute it."
    )
    other_dispute_days = fields.Integer(
        string="Days to Dispute Others",
        default=30,
        help="Days after the deduction to dispute co-op and other deductions.",
    )
    max_disputes = fields.Integer(default=2, help="How many times Amazon lets a deduction be disputed.")
    dispute_reminder_days = fields.Integer(
        string="Remind Before", default=7, help="Days before a dispute deadline the activity falls due."
    )
    remittance_cursor = fields.Datetime(
        string="Payments Read Since", copy=False, help="Amazon's payments from this moment on are read next time."
    )
    remittances_synced_at = fields.Datetime(string="Payments Synced", readonly=True, copy=False)

    claim_open_amount = fields.Monetary(
        string="Open Deductions", compute="_compute_claim_figures", currency_field="claim_currency_id"
    )
    claim_currency_id = fields.Many2one(related="company_id.currency_id", string="Claim Currency")
    claim_due_count = fields.Integer(string="Disputes Due This Week", compute="_compute_claim_figures")
    claim_recovery_rate = fields.Float(
        string="Recovery Rate", compute="_compute_claim_figures", help="Recovered / deducted, all deductions."
    )
    remittance_count = fields.Integer(string="Payments", compute="_compute_claim_figures")

    def _compute_claim_figures(self):
        Claim = self.env["amazon.vendor.claim"]
        today = fields.Date.context_today(self)
        totals = {
            account.id: (amount, recovered, open_amount)
            for account, amount, recovered, open_amount in Claim._read_group(
                [("account_id", "in", self.ids)],
                ["account_id"],
                ["amount:sum", "recovered_amount:sum", "open_amount:sum"],
            )
        }
        due = dict(
            Claim._read_group(
                [
                    ("account_id", "in", self.ids),
                    ("state", "in", ("open", "disputed")),
                    ("deadline", ">=", today),
                    ("deadline", "<=", today + timedelta(days=7)),
                ],
                ["account_id"],
                ["__count"],
            )
        )
        payments = dict(
            self.env["amazon.vendor.remittance"]._read_group(
                [("account_id", "in", self.ids)], ["account_id"], ["__count"]
            )
        )
        for account in self:
            amount, recovered, open_amount = totals.get(account.id, (0.0, 0.0, 0.0))
            account.claim_open_amount = open_amount
            account.claim_recovery_rate = recovered / amount if amount else 0.0
            account.claim_due_count = due.get(account, 0)
            account.remittance_count = payments.get(account, 0)

    def action_view_remittances(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("acorn_amazon_vendor.amazon_vendor_remittance_action")
        action["domain"] = [("account_id", "=", self.id)]
        return action

    def action_view_claims(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("acorn_amazon_vendor.amazon_vendor_claim_action")
        action["domain"] = [("account_id", "=", self.id)]
        return action

    def _amazon_vendor_dispute_days(self, claim_type):
        self.ensure_one()
        field = {
            "shortage": "shortage_dispute_days",
            "price": "price_dispute_days",
            "chargeback": "chargeback_dispute_days",
            "provision": None,
        }.get(claim_type, "other_dispute_days")
        return self[field] if field else 0

    # ------------------------------------------------------------------ accounts

    def _amazon_vendor_remittance_accounts(self):
        """The journal and accounts a payment is booked to; missing accounts are created once
        (and set on the account) so that a first import works before any configuration.

        :return: dict journal, outstanding, and one account per key of REMITTANCE_ACCOUNTS
        :raise UserError: no bank journal, or no outstanding receipts account
        """
        self.ensure_one()
        account = self.sudo()
        company = account.company_id
        journal = account.remittance_journal_id or self.env["account.journal"].sudo().search(
            [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
        )
        if not journal:
            raise UserError(
                _("Create a bank journal for %(company)s: Amazon's payments go to it.", company=company.name)
            )
        method = journal.inbound_payment_method_line_ids[:1]
        # As Odoo's own payments do: the method's account, else the chart's outstanding receipts.
        chart = self.env["account.chart.template"].with_context(allowed_company_ids=company.root_id.ids)
        outstanding = (
            method.payment_account_id
            or chart.ref("account_journal_payment_debit_account_id", raise_if_not_found=False)
            or company.transfer_account_id
        )
        if not outstanding:
            raise UserError(
                _(
                    "Journal %(journal)s has no outstanding receipts account: set one in its incoming payments.",
                    journal=journal.display_name,
                )
            )
        accounts = {"journal": journal, "outstanding": outstanding}
        for key, (field, name, account_type, reconcile) in REMITTANCE_ACCOUNTS.items():
            if not account[field]:
                default = company.account_journal_early_pay_discount_loss_account_id if key == "discount" else None
                account[field] = default or account._amazon_vendor_create_account(name, account_type, reconcile)
            accounts[key] = account[field]
        return accounts

    def _amazon_vendor_create_account(self, name, account_type, reconcile):
        company = self.company_id
        Account = self.env["account.account"].sudo().with_company(company)
        existing = Account.search([("name", "=", name), ("company_ids", "in", company.ids)], limit=1)
        if existing:
            return existing
        code = Account._search_new_account_code("AMZ100")
        _logger.info("Creating account %s %s for Amazon remittances of %s", code, name, company.name)
        return Account.create(
            {
                "name": name,
                "code": code,
                "account_type": account_type,
                "reconcile": reconcile,
                "company_ids": [fields.Command.set(company.ids)],
            }
        )

    def _amazon_vendor_remittance_vendor_code(self, lines):
        """:return: the vendor code of a remittance file's payment: the code Odoo sent most of
        its invoices under, else the account's only code, else \"\""""
        self.ensure_one()
        numbers = [line.get("invoice_number") for line in lines if line.get("invoice_number")]
        sent = (
            self.env["amazon.vendor.invoice.number"]
            .sudo()
            .search_read([("account_id", "=", self.id), ("name", "in", numbers)], ["vendor_code"])
        )
        counts = Counter(record["vendor_code"] for record in sent)
        if counts:
            return counts.most_common(1)[0][0]
        return self.vendor_code_ids.name if len(self.vendor_code_ids) == 1 else ""

    # ------------------------------------------------------------------ SP-API

    @api.model
    def _cron_fetch_remittances(self):
        """Read Amazon's new payments of every account and post them, each account on its own."""
        accounts = self.search([("active", "=", True)])
        for done, account in enumerate(accounts, 1):
            account._amazon_vendor_run_isolated(account._amazon_vendor_fetch_remittances, _("Amazon payments"))
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(accounts) - done)
            commit(self.env, "an account's payments are final")

    def action_fetch_remittances(self):
        """Read Amazon's payments of the account now and post the new ones."""
        check_group(self.env, USER_GROUP)
        created = self.env["amazon.vendor.remittance"]
        for account in self:
            created |= account._amazon_vendor_sync_as_system()._amazon_vendor_fetch_remittances()
        return notification(
            _("Amazon payments"),
            _("%(count)s new payment(s) from Amazon.", count=len(created)),
            next_action=created
            and {
                "type": "ir.actions.act_window",
                "res_model": "amazon.vendor.remittance",
                "view_mode": "list,form",
                "domain": [("id", "in", created.ids)],
            },
        )

    def _amazon_vendor_fetch_remittances(self):
        """getRemittanceHeaders since the cursor, then getRemittance of each successful payment
        Odoo does not hold yet; payments still in progress are read again next time.

        :return: the remittances created
        """
        self.ensure_one()
        now = fields.Datetime.now()
        start = (self.remittance_cursor - OVERLAP) if self.remittance_cursor else now - FIRST_LOOK_BACK
        start = max(start, now - MAX_LOOK_BACK)
        client = self._get_spapi_client()
        Remittance = self.env["amazon.vendor.remittance"]
        created, cursor = Remittance, now
        marketplaces = {self._amazon_vendor_marketplace_id(code.name) for code in self.vendor_code_ids} or {
            self._amazon_vendor_marketplace_id()
        }
        for marketplace in sorted(marketplaces):
            for header in client.iter_remittance_headers(marketplace_id=marketplace, start_date=start, end_date=now):
                status = header.get("remittanceStatus")
                if status == "IN_PROGRESS":
                    cursor = min(cursor, parse_datetime(header["paymentDate"]).replace(tzinfo=None))
                    continue
                if status != "SUCCESSFUL" or self._amazon_vendor_holds_payment(header):
                    continue
                detail = client.get_remittance(header["uniquePaymentId"], marketplace_id=marketplace)
                payment, lines = self._amazon_vendor_payment_from_api(detail)
                remittance, new = Remittance._amazon_vendor_create_from(self, payment, lines, "api")
                if new:
                    remittance._amazon_vendor_post_isolated()
                    created |= remittance
                    commit(self.env, "a posted Amazon payment is final before the next one")
        self.write({"remittance_cursor": cursor, "remittances_synced_at": now})
        _logger.info("Amazon payments of %s: %s new", self.name, len(created))
        return created

    def _amazon_vendor_holds_payment(self, header):
        domain = [("company_id", "=", self.company_id.id)]
        if header.get("paymentNumber"):
            domain += [
                "|",
                ("unique_payment_id", "=", header["uniquePaymentId"]),
                ("payment_number", "=", header["paymentNumber"]),
            ]
        else:
            domain += [("unique_payment_id", "=", header["uniquePaymentId"])]
        return bool(self.env["amazon.vendor.remittance"].search_count(domain, limit=1))

    @api.model
    def _amazon_vendor_payment_from_api(self, detail):
        """:return: (payment dict, line dicts) of a getRemittance answer, as a file gives them"""
        header = detail["remittanceHeader"]
        amount = header.get("paymentAmount") or {}
        in_invoice_currency = header.get("paymentAmountInInvoiceCurrency") or amount
        vendor_codes = [
            value
            for identifier in header.get("relatedIdentifiers") or []
            if identifier.get("relatedIdentifierName") == "VENDOR_CODE"
            for value in identifier.get("relatedIdentifierValue") or []
        ]
        payment = {
            "payment_number": header.get("paymentNumber") or header["uniquePaymentId"],
            "unique_payment_id": header["uniquePaymentId"],
            "payment_date": parse_datetime(header["paymentDate"]).date(),
            "payment_currency": amount.get("currencyCode"),
            "amount": amount.get("currencyAmount"),
            "invoice_currency": in_invoice_currency.get("currencyCode"),
            "amount_invoice_currency": in_invoice_currency.get("currencyAmount"),
            "exchange_rate": header.get("exchangeRate"),
            "payment_type": header.get("paymentMethod"),
            "payment_status": header.get("remittanceStatus"),
            "vendor_code": vendor_codes[0] if vendor_codes else None,
        }
        return payment, [self._amazon_vendor_line_from_api(item) for item in detail.get("remittanceItems") or []]

    @api.model
    def _amazon_vendor_line_from_api(self, item):
        def amount(key):
            return (item.get(key) or {}).get("currencyAmount") or 0.0

        breakdown = {
            entry.get("breakdownType"): (entry.get("breakdownAmount") or {}).get("currencyAmount") or 0.0
            for entry in item.get("netAmountPaidBreakdown") or []
        }
        issued = item.get("invoiceIssueDate")
        return {
            "invoice_number": item.get("invoiceNumber") or "",
            "invoice_date": parse_datetime(issued).date() if issued else None,
            "description": item.get("description"),
            "invoice_amount": amount("totalAmount"),
            "currency": (item.get("netAmountPaid") or item.get("totalAmount") or {}).get("currencyCode"),
            "withholding": amount("withholdingAmount"),
            "discount": breakdown.get("TermsDiscountTaken", 0.0),
            "amount_paid": amount("netAmountPaid"),
        }
