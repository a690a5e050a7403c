from odoo import fields, models


class StockPackageType(models.Model):
    _inherit = "stock.package.type"

    amazon_vendor_container_type = fields.Selection(
        [("carton", "Carton"), ("pallet", "Pallet")],
        string="Amazon Container",
        help="How packages of this type appear in Amazon shipment notices: cartons hold goods, pallets hold cartons.",
    )
