from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    amazon_vendor_party_id = fields.Char(
        string="Amazon Party ID",
        index="btree_not_null",
        copy=False,
        help="Amazon's partyId for this partner: a fulfilment centre code (e.g. ABE8) or the "
        "billToParty of purchase orders (e.g. AMZN-US-BILL).",
    )
