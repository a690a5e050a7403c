from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    invoice_sending_method = fields.Selection(
        selection_add=[("amazon_vendor", "by Amazon Vendor Central")],
        ondelete={"amazon_vendor": "set null"},
    )
    amazon_vendor_party_id = fields.Char(
        string="Amazon Party ID",
        index="btree_not_null",
        copy=False,
        help="Amazon's partyId for this partner: a fulfilment centre code (e.g. ABE8) or the "
        "billToParty of purchase orders (e.g. AMZN-US-BILL).",
    )

    # One partner per Amazon party and company, enforced by the database: two imports running
    # at once cannot both create fulfilment centre ABE8 (an exclusion constraint, because a
    # unique constraint can take neither the expression nor the condition).
    _sql_constraints = [
        (
            "amazon_vendor_party_uniq",
            "EXCLUDE USING btree (COALESCE(company_id, 0) WITH =, amazon_vendor_party_id WITH =) "
            "WHERE (amazon_vendor_party_id IS NOT NULL)",
            "Another contact of this company already has this Amazon party ID.",
        ),
    ]
