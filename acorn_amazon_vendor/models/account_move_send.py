from odoo import _, api, models
from odoo.exceptions import UserError

from .account_move import LOCKED_STATES

AMAZON = "amazon_vendor"


class AccountMoveSend(models.AbstractModel):
    """Odoo's Send screen sends Amazon invoices "by Amazon Vendor Central", the way Peppol does:
    for one invoice or a batch, checked first, nothing e-mailed to Amazon."""

    _inherit = "account.move.send"

    @api.model
    def _get_default_sending_method(self, move) -> set:
        if move.amazon_vendor_account_id and move.amazon_vendor_invoice_state not in LOCKED_STATES:
            return AMAZON
        return super()._get_default_sending_method(move)

    @api.model
    def _get_default_invoice_edi_format(self, move, **kwargs) -> str:
        # Amazon's European entities get a Factur-X PDF/A-3 too, from Odoo's own Factur-X
        # support, for vendors who must or want to upload it.
        edi_format = super()._get_default_invoice_edi_format(move, **kwargs)
        if not edi_format and move.amazon_vendor_account_id and move.sudo().amazon_vendor_account_id.region == "eu":
            return "facturx"
        return edi_format

    @api.model
    def _is_applicable_to_company(self, method, company):
        if method == AMAZON:
            return bool(
                self.env["amazon.vendor.account"].sudo().search_count([("company_id", "=", company.id)], limit=1)
            )
        return super()._is_applicable_to_company(method, company)

    @api.model
    def _is_applicable_to_move(self, method, move, **move_data):
        if method == AMAZON:
            return bool(
                move.amazon_vendor_account_id
                and move.state == "posted"
                and move.amazon_vendor_invoice_state not in LOCKED_STATES
            )
        return super()._is_applicable_to_move(method, move, **move_data)

    @api.model
    def _hook_invoice_document_before_pdf_report_render(self, invoice, invoice_data):
        # Amazon's rules first: an invoice Amazon would refuse is neither rendered nor sent.
        super()._hook_invoice_document_before_pdf_report_render(invoice, invoice_data)
        if AMAZON not in invoice_data["sending_methods"]:
            return
        if invoice_data.get("error") and invoice_data.get("error_but_continue"):
            # The e-invoice (Factur-X) is a courtesy copy: what it lacks is said on the invoice,
            # and Amazon, which reads the submission, still gets it.
            invoice.with_context(no_new_invoice=True).message_post(
                body=self._format_error_html(invoice_data.pop("error"))
            )
            invoice_data.pop("error_but_continue")
            invoice_data.pop("ubl_cii_xml_options", None)
        if invoice_data.get("error"):
            return
        if not self._is_applicable_to_move(AMAZON, invoice, **invoice_data):
            invoice_data["error"] = {
                "error_title": _("%(invoice)s cannot be sent to Amazon:", invoice=invoice.display_name),
                "errors": [_("It is not an invoice of Amazon purchase orders, or Amazon has it already.")],
            }
            return
        problems, _warnings = invoice._amazon_vendor_invoice_problems()
        if problems:
            invoice_data["error"] = {
                "error_title": _("%(invoice)s cannot be sent to Amazon:", invoice=invoice.display_name),
                "errors": problems,
            }

    @api.model
    def _call_web_service_after_invoice_pdf_render(self, invoices_data):
        result = super()._call_web_service_after_invoice_pdf_render(invoices_data)
        for invoice, invoice_data in invoices_data.items():
            if AMAZON not in invoice_data["sending_methods"] or invoice_data.get("error"):
                continue
            try:
                # Committed before it leaves, then Amazon's answer committed: exactly once.
                transaction = invoice._amazon_vendor_send_invoice()
            except UserError as error:
                invoice_data["error"] = {
                    "error_title": _("%(invoice)s was not sent to Amazon:", invoice=invoice.display_name),
                    "errors": [str(error)],
                }
                continue
            if transaction.state == "error":
                invoice_data["error"] = {
                    "error_title": _("Amazon refused %(invoice)s:", invoice=invoice.display_name),
                    "errors": (transaction.error_message or "").splitlines(),
                }
        return result
