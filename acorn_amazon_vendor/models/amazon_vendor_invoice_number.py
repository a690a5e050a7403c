import logging

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import UserError

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
