from datetime import timedelta

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
    amazon_vendor_on_hand = fields.Float(
        string="At Amazon", compute="_compute_amazon_vendor_figures", help="Amazon's sellable units on hand."
    )
    amazon_vendor_open_po_units = fields.Float(string="On Amazon's Open POs", compute="_compute_amazon_vendor_figures")
    amazon_vendor_sell_through = fields.Float(
        string="Amazon Sell-Through",
        compute="_compute_amazon_vendor_figures",
        help="Amazon's sell-through rate of the last inventory report: units sold / units it had.",
    )
    amazon_vendor_weekly_sales = fields.Float(
        string="Amazon Sells / Week",
        compute="_compute_amazon_vendor_figures",
        help="Units Amazon shipped to customers.",
    )
    amazon_vendor_forecast_4w = fields.Float(
        string="Amazon Forecast, 4 Weeks",
        compute="_compute_amazon_vendor_figures",
        help="Amazon's forecast of the next four weeks, at the account's percentile.",
    )
    amazon_vendor_weeks_of_cover = fields.Float(
        string="Weeks of Cover at Amazon",
        compute="_compute_amazon_vendor_figures",
        help="Amazon's units on hand and on order, in weeks of its forecast.",
    )

    def _compute_amazon_vendor_figures(self):
        variants = self.product_variant_ids
        figures = self.env["amazon.vendor.report.line"]._amazon_vendor_latest_figures(variants)
        today = fields.Date.context_today(self)
        forecast = dict(
            self.env["amazon.vendor.forecast"]
            .sudo()
            ._read_group(
                [
                    ("product_id", "in", variants.ids),
                    ("week_end", ">=", today),
                    ("week_start", "<", today + timedelta(days=28)),
                ],
                ["product_id"],
                ["demand_units:sum"],
            )
        )
        for template in self:
            on_hand = open_po = weekly = demand = sell_through = 0.0
            for variant in template.product_variant_ids:
                values = figures.get(variant.id, (0.0,) * 4)
                on_hand, weekly, open_po = on_hand + values[0], weekly + values[1], open_po + values[2]
                sell_through = max(sell_through, values[3])
                demand += forecast.get(variant, 0.0)
            template.amazon_vendor_on_hand = on_hand
            template.amazon_vendor_open_po_units = open_po
            template.amazon_vendor_weekly_sales = weekly
            template.amazon_vendor_sell_through = sell_through
            template.amazon_vendor_forecast_4w = demand
            template.amazon_vendor_weeks_of_cover = (on_hand + open_po) / (demand / 4) if demand else 0.0
