from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AmazonVendorProduct(models.Model):
    """Maps Amazon's identifiers of an item to an Odoo product, per account.

    Needed where the vendorProductIdentifier Amazon sends is neither the product's internal
    reference nor its barcode, or to state the case size of an ASIN.
    """

    _name = "amazon.vendor.product"
    _description = "Amazon Vendor Product Mapping"
    _order = "account_id, product_id"
    _check_company_auto = True

    account_id = fields.Many2one("amazon.vendor.account", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    product_id = fields.Many2one("product.product", required=True, ondelete="cascade", check_company=True)
    asin = fields.Char(string="ASIN", index=True, help="Amazon Standard Identification Number.")
    vendor_product_id = fields.Char(
        string="Vendor Product ID",
        index=True,
        help="The identifier Amazon prints on its purchase orders for this item (SKU, EAN, UPC, ISBN).",
    )
    case_size = fields.Integer(
        help="Units of the product in one case ordered by Amazon; leave 0 to use the unitSize Amazon sends.",
    )

    _sql_constraints = [
        ("asin_uniq", "unique(account_id, asin)", "This ASIN is already mapped on the account."),
        (
            "vendor_product_uniq",
            "unique(account_id, vendor_product_id)",
            "This vendor product identifier is already mapped on the account.",
        ),
        ("case_size_positive", "CHECK(case_size >= 0)", "The case size cannot be negative."),
    ]

    @api.constrains("asin", "vendor_product_id")
    def _check_identifier(self):
        for mapping in self:
            if not (mapping.asin or mapping.vendor_product_id):
                raise ValidationError(
                    self.env._(
                        "Give the ASIN or the vendor product identifier of %(product)s.",
                        product=mapping.product_id.display_name,
                    )
                )
