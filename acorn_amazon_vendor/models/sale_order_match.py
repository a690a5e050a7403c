from markupsafe import Markup, escape

from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _amazon_vendor_flag_discrepancies(self, lines, activity_type=None):
        """One activity per order and kind of discrepancy, for the account's responsible, with the
        evidence Amazon's shortage claims are disputed with: the accepted ASNs, their SSCCs, bill of
        lading, carrier and the delivery documents (proof of delivery) attached to the deliveries.

        The activities appear in the responsible's to-do list; no e-mail per activity (a nightly
        run may raise hundreds).

        :param lines: ``amazon.vendor.match.report`` lines of this order with a discrepancy
        :return: the activities created (an open one is not repeated)
        """
        self.ensure_one()
        activity_type = activity_type or self.env.ref("acorn_amazon_vendor.mail_activity_type_discrepancy")
        open_summaries = set(
            self.activity_ids.filtered(lambda a: a.activity_type_id == activity_type).mapped("summary")
        )
        created = self.env["mail.activity"]
        user = self.amazon_vendor_account_id.user_id or self.user_id
        for summary, note in self._amazon_vendor_discrepancy_kinds(lines):
            if summary in open_summaries:
                continue  # its note is not even built
            created |= self.with_context(mail_activity_quick_update=True).activity_schedule(
                activity_type_id=activity_type.id,
                summary=summary,
                note=note(),
                **({"user_id": user.id} if user else {}),
            )
        return created

    def _amazon_vendor_discrepancy_kinds(self, lines):
        """:return: [(summary, note builder)] of the kinds of discrepancy ``lines`` show"""
        po = self.amazon_vendor_po_number
        _ = self.env._
        kinds = []
        short = lines.filtered("is_shortage")
        if short:
            kinds.append(
                (
                    _("PO %(po)s received short: a shortage claim is coming", po=po),
                    lambda: (
                        _list(
                            [
                                _(
                                    "Item %(seq)s: %(received)s received of %(shipped)s shipped",
                                    seq=line.item_sequence,
                                    received=int(line.received_qty),
                                    shipped=int(line.shipped_qty),
                                )
                                for line in short
                            ]
                        )
                        + self._amazon_vendor_shipping_evidence()
                    ),
                )
            )
        over = lines.filtered("is_over_invoiced")
        if over:
            kinds.append(
                (
                    _("PO %(po)s invoiced above what Amazon received", po=po),
                    lambda: _list(
                        [
                            _(
                                "Item %(seq)s: %(invoiced)s invoiced, %(received)s received",
                                seq=line.item_sequence,
                                invoiced=int(line.invoiced_qty),
                                received=int(line.received_qty),
                            )
                            for line in over
                        ]
                    ),
                )
            )
        cost = lines.filtered("is_cost_variance")
        if cost:
            kinds.append(
                (
                    _("PO %(po)s invoiced at a cost other than acknowledged", po=po),
                    lambda: _list(
                        [
                            _(
                                "Item %(seq)s: price variance %(amount)s",
                                seq=line.item_sequence,
                                amount=line.currency_id.format(line.price_variance),
                            )
                            for line in cost
                        ]
                    ),
                )
            )
        unmatched = lines.filtered("is_unmatched")
        if unmatched:
            kinds.append(
                (
                    _("PO %(po)s has invoices Amazon has not matched", po=po),
                    lambda: _list(
                        [
                            _(
                                "Item %(seq)s: %(matched)s matched of %(invoiced)s invoiced",
                                seq=line.item_sequence,
                                matched=int(line.matched_qty),
                                invoiced=int(line.invoiced_qty),
                            )
                            for line in unmatched
                        ]
                    ),
                )
            )
        return kinds

    def _amazon_vendor_shipping_evidence(self):
        """What was shipped, as Amazon was told and as the carrier took it."""
        pickings = self.picking_ids.filtered(lambda p: p.state == "done" and p.amazon_vendor_asn_state == "done")
        if not pickings:
            return Markup()
        rows = []
        for picking in pickings:
            packages = picking._amazon_vendor_cartons() | picking._amazon_vendor_pallets()
            documents = self.env["ir.attachment"].search_count(
                [("res_model", "=", "stock.picking"), ("res_id", "=", picking.id)]
            )
            rows.append(
                self.env._(
                    "%(picking)s: ASN %(asn)s, %(count)s SSCC(s), BOL %(bol)s, carrier %(scac)s PRO %(pro)s, "
                    "shipped %(date)s, %(documents)s document(s) attached",
                    picking=picking.name,
                    asn=picking.amazon_vendor_shipment_identifier or "-",
                    count=len(packages.filtered("amazon_vendor_sscc")),
                    bol=picking.amazon_vendor_bol_number or "-",
                    scac=picking.amazon_vendor_carrier_scac or "-",
                    pro=picking.amazon_vendor_pro_number or "-",
                    date=picking.date_done and picking.date_done.date(),
                    documents=documents,
                )
            )
        return Markup("<p>%s</p>") % self.env._("Evidence:") + _list(rows)


def _list(items):
    return Markup("<ul>%s</ul>") % Markup().join(Markup("<li>%s</li>") % escape(item) for item in items)
