from odoo import api, fields, models

from ..models.concurrency import USER_GROUP, check_group


class AmazonVendorAckWizard(models.TransientModel):
    """What an acknowledgement will tell Amazon, shown before it is sent."""

    _name = "amazon.vendor.ack.wizard"
    _description = "Acknowledgement to Send to Amazon"

    order_ids = fields.Many2many("sale.order", string="Purchase Orders", required=True, readonly=True)
    # Filled when the wizard opens, like the ASN preview: what was shown is what is sent.
    preview = fields.Html(sanitize=False, readonly=True)
    can_send = fields.Boolean(readonly=True)

    @api.model
    def _amazon_vendor_open(self, orders):
        """:return: the action showing the acknowledgement of ``orders`` before it is sent"""
        wizard = self.create({"order_ids": [fields.Command.set(orders.ids)]})
        wizard._amazon_vendor_build_preview()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send the Acknowledgement to Amazon"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def _amazon_vendor_build_preview(self):
        for wizard in self:
            orders = [
                {
                    "order": order,
                    "lines": order._amazon_vendor_ack_lines(),
                    "problems": order._amazon_vendor_acknowledgement_problems(),
                }
                for order in wizard.order_ids
            ]
            wizard.can_send = bool(orders) and not any(entry["problems"] for entry in orders)
            wizard.preview = self.env["ir.qweb"]._render(
                "acorn_amazon_vendor.ack_wizard_preview",
                {
                    "orders": orders,
                    "reasons": dict(
                        self.env["sale.order.line"]
                        ._fields["amazon_vendor_ack_rejection_reason"]
                        ._description_selection(self.env)
                    ),
                },
            )

    def action_send(self):
        """Send what was shown."""
        check_group(self.env, USER_GROUP)
        self.ensure_one()
        return self.order_ids.with_context(amazon_vendor_preview=False).action_amazon_vendor_acknowledge()
