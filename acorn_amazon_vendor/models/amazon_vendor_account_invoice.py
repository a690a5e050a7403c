from odoo import fields, models

from ..spapi import DEFAULT_MARKETPLACE, marketplace_id


class AmazonVendorAccount(models.Model):
    _inherit = "amazon.vendor.account"

    invoice_sending = fields.Selection(
        [
            ("send_screen", "From Odoo's Send screen"),
            ("auto", "Automatically when posted"),
        ],
        string="Invoices",
        default="send_screen",
        required=True,
        help="How invoices of Amazon orders go to Amazon: when an accountant sends them from the invoice's Send "
        "screen (by Amazon Vendor Central), or as soon as they are posted.",
    )
    invoice_cost_check = fields.Selection(
        [
            ("block", "Block the invoice"),
            ("warn", "Warn only"),
        ],
        string="Cost Differences",
        default="block",
        required=True,
        help="An invoiced net cost that differs from the acknowledged cost makes Amazon hold the payment: block "
        "such invoices, or only warn.",
    )

    def _amazon_vendor_marketplace_id(self, vendor_code=None):
        """:return: the marketplaceId of ``vendor_code`` (or of the account's region) for the
        Invoices API"""
        self.ensure_one()
        code = self.vendor_code_ids.filtered(lambda c: c.name == vendor_code)[:1] if vendor_code else None
        marketplace = (code.marketplace if code else False) or DEFAULT_MARKETPLACE.get(self.region or "na", "US")
        return marketplace_id(marketplace)
