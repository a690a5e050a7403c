import io
import json
import logging
import zipfile

from odoo import _, models

from .concurrency import USER_GROUP, check_group
from .stock_picking import LABEL_REPORTS

_logger = logging.getLogger(__name__)


class AmazonVendorClaim(models.Model):
    _inherit = "amazon.vendor.claim"

    def action_export_evidence(self):
        """Gather what a dispute needs in one ZIP file attached to the deduction: a summary, the
        documents attached to the invoice, PO and deliveries (BOL, proof of delivery), the ASN
        as Amazon received it and the carton and pallet labels. :return: its download"""
        check_group(self.env, USER_GROUP)
        self.ensure_one()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("summary.txt", self._amazon_vendor_evidence_summary())
            for name, data in self._amazon_vendor_evidence_files():
                archive.writestr(name, data)
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"{self.name}-evidence.zip",
                "raw": buffer.getvalue(),
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/zip",
            }
        )
        self.evidence_attachment_id = attachment
        # A note, not a mail: it must not depend on the user having an e-mail address.
        self.sudo().message_post(body=_("Evidence file gathered for the dispute."), attachment_ids=attachment.ids)
        return {"type": "ir.actions.act_url", "url": f"/web/content/{attachment.id}?download=true", "target": "self"}

    def _amazon_vendor_evidence_summary(self):
        labels = dict(self._fields["claim_type"]._description_selection(self.env))
        rows = [
            (_("Deduction"), self.name),
            (_("Type"), labels.get(self.claim_type)),
            (_("Vendor code"), self.vendor_code),
            (_("Deducted"), f"{self.amount:.2f} {self.currency_id.name}"),
            (_("Recovered"), f"{self.recovered_amount:.2f} {self.currency_id.name}"),
            (_("Dispute deadline"), self.deadline),
            (_("Invoice"), self.invoice_id.name),
            (_("Invoice date"), self.invoice_id.invoice_date),
            (_("Purchase order"), self.sale_order_id.amazon_vendor_po_number),
            (_("Fulfilment centre"), self.fc_code),
            (_("ASN"), self.asn_numbers),
        ]
        for picking in self.picking_ids:
            rows += [
                (_("Delivery"), picking.name),
                (_("Shipped on"), picking.date_done),
                (_("BOL"), picking.amazon_vendor_bol_number),
                (_("PRO"), picking.amazon_vendor_pro_number),
                (_("Ship to"), picking.partner_id.display_name),
            ]
        rows.append((_("SSCCs"), (self.ssccs or "").replace("\n", ", ")))
        for line in self.line_ids:
            rows.append(
                (
                    _("Payment %(number)s", number=line.remittance_id.payment_number),
                    f"{line.invoice_number} {line.amount_paid:.2f} ({line.payment_date})",
                )
            )
        return "\n".join(f"{label}: {value or ''}" for label, value in rows) + "\n"

    def _amazon_vendor_evidence_files(self):
        """:return: [(file name, bytes)] of the attachments, ASN payloads and labels"""
        records = [self.invoice_id, self.sale_order_id, *self.picking_ids]
        files = []
        for record in filter(None, records):
            attachments = self.env["ir.attachment"].search(
                [("res_model", "=", record._name), ("res_id", "=", record.id), ("type", "=", "binary")]
            )
            files += [
                (f"{record.display_name}/{attachment.name}".replace(" ", "_"), attachment.raw)
                for attachment in attachments
            ]
        transactions = (
            self.env["amazon.vendor.transaction"]
            .sudo()
            .search(
                [("res_model", "=", "stock.picking"), ("res_id", "in", self.picking_ids.ids), ("state", "=", "done")]
            )
        )
        for transaction in transactions:
            payload = json.dumps(json.loads(transaction.payload or "{}"), indent=2)
            files.append((f"asn/{transaction.transaction_id or transaction.id}.json", payload.encode()))
        for picking in self.picking_ids:
            packages = picking._amazon_vendor_cartons() | picking._amazon_vendor_pallets()
            if not packages:
                continue
            try:
                pdf, _format = self.env["ir.actions.report"].sudo()._render_qweb_pdf(LABEL_REPORTS["pdf"], packages.ids)
            except Exception:  # a dispute file without labels is better than no file
                _logger.exception("Labels of %s could not be rendered for the evidence file", picking.name)
                continue
            files.append((f"labels/{picking.name.replace('/', '-')}.pdf", pdf))
        return files
