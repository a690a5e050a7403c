from odoo import fields, models

from ..spapi import MARKETPLACES


class AmazonVendorCode(models.Model):
    """A vendor code of the Vendor Central account (the PO's sellingParty), routed in Odoo."""

    _name = "amazon.vendor.code"
    _description = "Amazon Vendor Code"
    _order = "account_id, name"
    _check_company_auto = True

    account_id = fields.Many2one("amazon.vendor.account", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    name = fields.Char(string="Vendor Code", required=True, help="The vendor code Amazon orders from, e.g. ACME1.")
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        check_company=True,
        help="Warehouse that ships the purchase orders placed on this vendor code.",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Billed Amazon Entity",
        check_company=True,
        help="The Amazon customer invoiced for this vendor code, when the PO names no billToParty.",
    )
    marketplace = fields.Selection(
        [(code, site) for code, (_id, _region, site) in MARKETPLACES.items()],
        help="The Amazon store this vendor code sells into. Amazon's Invoices API is read per marketplace; "
        "empty means the largest of the account's region (Amazon.com, Amazon.de, Amazon.co.jp).",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("account_code_uniq", "unique(account_id, name)", "This vendor code is already configured on the account."),
    ]
