import logging

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..spapi.timeutil import parse_datetime
from .account_move import PAYMENT_STATUSES

_logger = logging.getLogger(__name__)


class AmazonVendorInvoiceNumber(models.Model):
    """An invoice number once sent to Amazon: Amazon never accepts it again for the same vendor
    code, so neither does the database, even after the invoice is gone."""

    _name = "amazon.vendor.invoice.number"
    _description = "Invoice Number Sent to Amazon"
    _order = "id desc"

    name = fields.Char(string="Invoice Number", required=True, readonly=True)
    vendor_code = fields.Char(required=True, readonly=True, help="The vendor code paid (remitToParty).")
    account_id = fields.Many2one("amazon.vendor.account", required=True, readonly=True, ondelete="cascade")
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True, ondelete="set null", index=True)
    # Amazon's view (Invoices API), also of invoices Odoo did not send (Vendor Central, an earlier system).
    amazon_identifier = fields.Char(readonly=True)
    amazon_status = fields.Selection(PAYMENT_STATUSES, readonly=True)
    amazon_type = fields.Char(string="Amazon Invoice Type", readonly=True)
    amount = fields.Float(readonly=True, digits=(16, 2))
    paid_amount = fields.Float(readonly=True, digits=(16, 2))
    currency_code = fields.Char(string="Currency", readonly=True)
    issue_date = fields.Datetime(readonly=True)
    due_date = fields.Datetime(readonly=True)
    po_numbers = fields.Char(string="Purchase Orders", readonly=True)
    quick_pay_discount = fields.Float(readonly=True, digits=(16, 2), help="Amazon's settlement: QuickPayDiscount.")
    quantity_variance_amount = fields.Float(
        string="Quantity Variance", readonly=True, digits=(16, 2), help="Amazon's settlement: QuantityVarianceAmount."
    )
    price_variance_amount = fields.Float(
        string="Price Variance", readonly=True, digits=(16, 2), help="Amazon's settlement: PriceVariance."
    )
    payment_ids_text = fields.Char(
        string="Amazon Payments", readonly=True, help="Amazon's unique payment ids that paid it."
    )
    amazon_updated_at = fields.Datetime(string="Updated by Amazon", readonly=True)
    sent_by_odoo = fields.Boolean(compute="_compute_sent_by_odoo", store=True)

    @api.depends("move_id")
    def _compute_sent_by_odoo(self):
        for claim in self:
            claim.sent_by_odoo = bool(claim.move_id)

    _sql_constraints = [
        (
            "number_uniq",
            "unique(vendor_code, name)",
            "This invoice number was already sent to Amazon for this vendor code.",
        ),
    ]

    @api.model
    def _amazon_vendor_claim(self, move, invoice):
        """Claim ``invoice``'s number for ``move``; a move sending its own number again may.

        :raise UserError: another document had the number
        """
        code = invoice["remitToParty"]["partyId"]
        claims = self.sudo()
        held = claims.search([("vendor_code", "=", code), ("name", "=", invoice["id"])], limit=1)
        if held and held.move_id == move:
            return held
        if not held:
            try:
                with self.env.cr.savepoint():
                    return claims.create(
                        {
                            "name": invoice["id"],
                            "vendor_code": code,
                            "account_id": move.amazon_vendor_account_id.id,
                            "move_id": move.id,
                        }
                    )
            except psycopg2.errors.UniqueViolation:
                _logger.info("Invoice number %s of %s was claimed by another document meanwhile", invoice["id"], code)
        raise UserError(
            _(
                "Invoice number %(number)s was already sent to Amazon for vendor code %(code)s: Amazon never "
                "accepts a number twice. Give this invoice a new number.",
                number=invoice["id"],
                code=code,
            )
        )

    @api.model
    def _amazon_vendor_apply_header(self, account, header):
        """Keep Amazon's ``InvoiceHeader``: on the number Odoo sent, or on a new record for an
        invoice Amazon holds that Odoo never sent, so that it is not lost from sight.

        :return: the ``amazon.vendor.invoice.number``
        """
        payee = (header.get("payee") or {}).get("partnerId") or header["invoiceIdentifier"].rpartition("~")[2]
        claims = self.sudo()
        claim = claims.search([("vendor_code", "=", payee), ("name", "=", header["invoiceNumber"])], limit=1)
        amount = header.get("invoiceAmount") or {}
        settled = {}
        for breakdown in header.get("invoiceSettlementBreakdowns") or []:
            value = (breakdown.get("breakdownAmount") or {}).get("currencyAmount") or 0.0
            settled[breakdown.get("breakdownType")] = settled.get(breakdown.get("breakdownType"), 0.0) + value

        def related(name):
            return [
                value
                for identifier in header.get("relatedIdentifiers") or []
                if identifier.get("relatedIdentifierName") == name
                for value in identifier.get("relatedIdentifierValue") or []
            ]

        pos = related("PURCHASE_ORDER_IDS")
        payments = related("UNIQUE_PAYMENT_IDS")
        status = header.get("invoiceStatus")
        vals = {
            "amazon_identifier": header["invoiceIdentifier"],
            "amazon_status": status if status in dict(PAYMENT_STATUSES) else False,
            "amazon_type": header.get("invoiceType"),
            "amount": amount.get("currencyAmount") or 0.0,
            "paid_amount": settled.get("AmountPaid", 0.0),
            "quick_pay_discount": settled.get("QuickPayDiscount", 0.0),
            "quantity_variance_amount": settled.get("QuantityVarianceAmount", 0.0),
            "price_variance_amount": settled.get("PriceVariance", 0.0),
            "payment_ids_text": ",".join(payments) or False,
            "currency_code": amount.get("currencyCode"),
            "issue_date": _odoo_datetime(header.get("issueDate")),
            "due_date": _odoo_datetime(header.get("dueDate")),
            "po_numbers": ", ".join(pos) or False,
            "amazon_updated_at": _odoo_datetime(header.get("lastUpdatedDate")),
        }
        if claim:
            claim.write(vals)
        else:
            claim = claims.create(dict(vals, name=header["invoiceNumber"], vendor_code=payee, account_id=account.id))
        if claim.move_id and claim.amazon_status:
            claim.move_id.amazon_vendor_payment_status = claim.amazon_status
        return claim


def _odoo_datetime(value):
    return parse_datetime(value).replace(tzinfo=None) if value else False
