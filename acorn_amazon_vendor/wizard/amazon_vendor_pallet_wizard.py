from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.concurrency import check_group


class AmazonVendorPalletWizard(models.TransientModel):
    """Load cartons of an Amazon delivery on a pallet (a new one, or one already built)."""

    _name = "amazon.vendor.pallet.wizard"
    _description = "Put Cartons on a Pallet"

    picking_id = fields.Many2one("stock.picking", required=True, readonly=True)
    available_carton_ids = fields.Many2many("stock.quant.package", compute="_compute_available_carton_ids")
    carton_ids = fields.Many2many(
        "stock.quant.package",
        string="Cartons",
        domain="[('id', 'in', available_carton_ids)]",
        help="The cartons to load; by default every carton of the delivery not yet on a pallet.",
    )
    pallet_id = fields.Many2one(
        "stock.quant.package",
        string="Existing Pallet",
        domain="[('id', 'in', pallet_ids)]",
        help="Add the cartons to a pallet of this delivery; leave empty to start a new pallet.",
    )
    pallet_ids = fields.Many2many("stock.quant.package", compute="_compute_available_carton_ids")
    package_type_id = fields.Many2one(
        "stock.package.type",
        string="Pallet Type",
        domain="[('amazon_vendor_container_type', '=', 'pallet')]",
        help="Its tare weight and dimensions go into the shipment notice.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        picking = self.env["stock.picking"].browse(
            values.get("picking_id") or self.env.context.get("default_picking_id")
        )
        if picking and "carton_ids" in fields_list:
            loose = picking._amazon_vendor_cartons().filtered(lambda carton: not carton.amazon_vendor_pallet_id)
            values["carton_ids"] = [fields.Command.set(loose.ids)]
        if "package_type_id" in fields_list:
            kind = self.env["stock.package.type"].search([("amazon_vendor_container_type", "=", "pallet")], limit=1)
            values["package_type_id"] = kind.id
        return values

    @api.depends("picking_id")
    def _compute_available_carton_ids(self):
        for wizard in self:
            wizard.available_carton_ids = wizard.picking_id._amazon_vendor_cartons()
            wizard.pallet_ids = wizard.picking_id._amazon_vendor_pallets()

    def action_confirm(self):
        """Load the chosen cartons on the pallet; a new pallet gets its SSCC at once."""
        check_group(self.env, "stock.group_stock_user")
        self.ensure_one()
        if not self.carton_ids:
            raise UserError(_("Choose the cartons to put on the pallet."))
        if self.picking_id.state == "done":
            raise UserError(_("The delivery is validated: its pallets can no longer change."))
        pallet = self.pallet_id or self.env["stock.quant.package"].create(
            {"package_type_id": self.package_type_id.id, "package_use": "disposable"}
        )
        self.carton_ids.write({"amazon_vendor_pallet_id": pallet.id})
        company = self.picking_id.company_id
        if company.amazon_vendor_gs1_prefix:
            pallet._amazon_vendor_assign_ssccs(company)
        self.picking_id.message_post(
            body=_(
                "%(count)s carton(s) put on pallet %(pallet)s.",
                count=len(self.carton_ids),
                pallet=pallet.name,
            )
        )
        return {"type": "ir.actions.act_window_close"}
