from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .. import spapi
from ..models.notification import CLOSE, notification


class AmazonVendorPoImportWizard(models.TransientModel):
    _name = "amazon.vendor.po.import.wizard"
    _description = "Import Amazon Purchase Orders"

    account_id = fields.Many2one(
        "amazon.vendor.account", required=True, default=lambda self: self.env.context.get("active_id")
    )
    mode = fields.Selection(
        [("numbers", "By PO number"), ("dates", "By creation date")], required=True, default="numbers"
    )
    po_numbers = fields.Char(string="PO Numbers", help="One or more PO numbers, separated by spaces or commas.")
    date_from = fields.Datetime(string="Created From")
    date_to = fields.Datetime(string="Created To", default=fields.Datetime.now)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.mode == "dates" and wizard.date_from and wizard.date_to and wizard.date_from > wizard.date_to:
                raise ValidationError(_("The start of the range is after its end."))

    def action_import(self):
        """Fetch the requested POs from Amazon and import them like the scheduled import does."""
        self.ensure_one()
        client = self.account_id._get_spapi_client(record=self.account_id)
        try:
            raw_orders = self._fetch(client)
        except spapi.SpApiError as error:
            raise UserError(self.account_id._amazon_vendor_explain_error(error))
        account = self.account_id._amazon_vendor_sync_as_system()
        result = account._amazon_vendor_process_purchase_orders(raw_orders, force=True)
        level = "warning" if result["failed"] else "success"
        return notification(_("Amazon purchase orders"), result["message"], level, next_action=CLOSE)

    def _fetch(self, client):
        if self.mode == "numbers":
            numbers = (self.po_numbers or "").replace(",", " ").split()
            if not numbers:
                raise UserError(_("Enter at least one PO number."))
            return [client.get_purchase_order(number) for number in numbers]
        if not self.date_from:
            raise UserError(_("Enter the start of the date range."))
        return list(
            client.iter_purchase_orders(
                created_after=self.date_from, created_before=self.date_to or fields.Datetime.now()
            )
        )
