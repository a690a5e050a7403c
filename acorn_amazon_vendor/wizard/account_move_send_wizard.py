from odoo import models

from ..models.account_move_send import AMAZON


class AccountMoveSendWizard(models.TransientModel):
    _inherit = "account.move.send.wizard"

    def _compute_sending_method_checkboxes(self):
        # Offered for Amazon invoices only: everyone else's Send screen stays as it was.
        result = super()._compute_sending_method_checkboxes()
        for wizard in self:
            if not wizard.move_id.amazon_vendor_account_id and AMAZON in (wizard.sending_method_checkboxes or {}):
                checkboxes = dict(wizard.sending_method_checkboxes)
                checkboxes.pop(AMAZON)
                wizard.sending_method_checkboxes = checkboxes
        return result
