from odoo import api, fields, models

from ..models.concurrency import check_group


class AmazonVendorAsnWizard(models.TransientModel):
    """What the shipment notice of a delivery will tell Amazon, shown before it is sent."""

    _name = "amazon.vendor.asn.wizard"
    _description = "Shipment Notice to Send to Amazon"

    picking_ids = fields.Many2many("stock.picking", string="Deliveries", required=True, readonly=True)
    replace = fields.Boolean(readonly=True, help="Send a replacement of the ASN Amazon accepted.")
    # Filled when the wizard opens (a button, so a writable transaction): building the preview
    # asks Amazon for its current POs and may number the bill of lading, which a screen read may not.
    preview = fields.Html(sanitize=False, readonly=True)
    can_send = fields.Boolean(readonly=True)

    @api.model
    def _amazon_vendor_open(self, pickings, replace=False):
        wizard = self.create({"picking_ids": [fields.Command.set(pickings.ids)], "replace": replace})
        wizard._amazon_vendor_build_preview()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Replace the ASN") if replace else self.env._("Send the ASN to Amazon"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def _amazon_vendor_build_preview(self):
        for wizard in self:
            kind = "Replace" if wizard.replace else "Original"
            entries = []
            for picking in wizard.picking_ids.sudo():
                problems = picking._amazon_vendor_submission_problems(kind)
                entries.append(
                    {
                        "picking": picking,
                        "problems": problems,
                        "asn": picking._amazon_vendor_prepare_asn_vals(kind),
                    }
                )
            wizard.can_send = bool(entries) and not any(entry["problems"] for entry in entries)
            wizard.preview = self.env["ir.qweb"]._render("acorn_amazon_vendor.asn_wizard_preview", {"entries": entries})

    def action_send(self):
        """Send what was shown."""
        check_group(self.env, "stock.group_stock_user")
        self.ensure_one()
        pickings = self.picking_ids.with_context(amazon_vendor_preview=False)
        if self.replace:
            return pickings.action_amazon_vendor_replace_asn()
        return pickings.action_amazon_vendor_submit_asn()
