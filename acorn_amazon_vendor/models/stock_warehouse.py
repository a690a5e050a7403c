from odoo import fields, models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    amazon_vendor_ship_from_id = fields.Char(
        string="Amazon Ship-From ID",
        help="The ID of this warehouse in Vendor Central, sent as the ship-from party of shipment notices. "
        "Left empty, the warehouse's short name is sent.",
    )
