from odoo import fields, models


class AccountMoveLine(models.Model):
    """What Amazon made of each invoiced line: matched against its receipts, paid, and why not."""

    _inherit = "account.move.line"

    amazon_vendor_item_number = fields.Integer(
        string="Amazon Line",
        copy=False,
        readonly=True,
        help="The itemSequenceNumber this line was sent to Amazon under.",
    )
    amazon_vendor_matched_qty = fields.Float(
        string="Matched by Amazon", copy=False, readonly=True, help="Units Amazon matched to what it received."
    )
    amazon_vendor_matched_amount = fields.Monetary(string="Matched Amount", copy=False, readonly=True)
    amazon_vendor_paid_qty = fields.Float(string="Paid by Amazon", copy=False, readonly=True)
    amazon_vendor_paid_amount = fields.Monetary(string="Paid Amount", copy=False, readonly=True)
    amazon_vendor_quantity_variance = fields.Float(
        string="Quantity Variance", copy=False, readonly=True, help="Units invoiced that Amazon did not match."
    )
    amazon_vendor_price_variance = fields.Monetary(string="Price Variance", copy=False, readonly=True)
    amazon_vendor_variance_reasons = fields.Char(
        string="Variance Reasons",
        copy=False,
        readonly=True,
        help="Amazon's variance types and defects, e.g. PQV: SHORTAGES_IN_TRANSIT.",
    )
