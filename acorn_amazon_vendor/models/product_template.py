from odoo import fields, models

ADJUSTMENT_TYPES = [
    # Charges Amazon pays on top of the items (chargeDetails).
    ("Freight", "Charge: Freight"),
    ("Packing", "Charge: Packing"),
    ("Duty", "Charge: Duty"),
    ("Service", "Charge: Service"),
    ("SmallOrder", "Charge: Small Order"),
    ("InsurancePlacementCost", "Charge: Insurance Placement"),
    ("InsuranceFee", "Charge: Insurance Fee"),
    ("SpecialHandlingService", "Charge: Special Handling"),
    ("CollectionAndRecyclingService", "Charge: Collection and Recycling"),
    ("EnvironmentalProtectionService", "Charge: Environmental Protection"),
    ("TaxCollectedAtSource", "Charge: Tax Collected at Source"),
    # Allowances that reduce what Amazon pays (allowanceDetails).
    ("Discount", "Allowance: Discount"),
    ("DiscountIncentive", "Allowance: Discount Incentive"),
    ("Defective", "Allowance: Defective"),
    ("Promotional", "Allowance: Promotional"),
    ("UnsaleableMerchandise", "Allowance: Unsaleable Merchandise"),
    ("Special", "Allowance: Special"),
]


class ProductTemplate(models.Model):
    _inherit = "product.template"

    amazon_vendor_adjustment_type = fields.Selection(
        ADJUSTMENT_TYPES,
        string="Amazon Charge or Allowance",
        help="Invoice lines of this product go to Amazon as this charge or allowance of the invoice, not as an "
        "item of a purchase order (e.g. a freight charge, a defective allowance).",
    )
