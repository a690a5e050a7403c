"""Amazon purchase order → sale order: values for a new order, and changes to an existing one."""

import json

from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.tools import float_compare

from .sale_order_line import amazon_to_product_quantity


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # ------------------------------------------------------------------ new orders

    @api.model
    def _amazon_vendor_prepare_order_vals(self, batch, po):
        """Values of the sale order for an Amazon PO (header and lines).

        :param batch: the :class:`PurchaseOrderBatch` holding the lookups of the import
        :param po: the :class:`spapi.PurchaseOrder`
        """
        issues = list(po.problems)
        vals = self._amazon_vendor_prepare_header_vals(batch, po, issues)
        lines = [self.env["sale.order.line"]._amazon_vendor_prepare_line_vals(batch, item, issues) for item in po.items]
        vals.update(
            {
                "partner_id": vals["partner_invoice_id"],
                "user_id": batch.account.user_id.id,
                "company_id": batch.company.id,
                "amazon_vendor_account_id": batch.account.id,
                "amazon_vendor_po_number": po.number,
                "client_order_ref": po.number,
                "origin": _("Amazon PO %(number)s", number=po.number),
                "date_order": po.date or fields.Datetime.now(),
                "order_line": [Command.create(line) for line in lines],
                "amazon_vendor_issues": "\n".join(issues) or False,
            }
        )
        return vals

    @api.model
    def _amazon_vendor_prepare_header_vals(self, batch, po, issues):
        """Header values that a changed PO may update too (windows, FC, state, raw PO)."""
        code = batch.vendor_codes.get(po.selling_party)
        if po.selling_party and not code:
            issues.append(
                _(
                    "Vendor code %(code)s is not configured on the account %(account)s.",
                    code=po.selling_party,
                    account=batch.account.name,
                )
            )
        bill_to = (
            batch.partner_for_party(po.bill_to, _("Amazon"))
            if po.bill_to.get("partyId")
            else (code.partner_id if code and code.partner_id else batch.partner_for_party({}, _("Amazon")))
        )
        fc = batch.partner_for_party(po.ship_to, _("Amazon FC %(code)s", code=po.ship_to.get("partyId") or "?"))
        pricelist = batch.pricelist_for(po.currency)
        if not pricelist:
            issues.append(
                _(
                    "Currency %(currency)s is not active in Odoo: activate it (Accounting > Configuration > "
                    "Currencies), then press Retry Import.",
                    currency=po.currency,
                )
            )
        vals = {
            "partner_invoice_id": bill_to.id,
            "partner_shipping_id": fc.id,
            "warehouse_id": batch.warehouse_for(po.selling_party).id,
            "amazon_vendor_code": po.selling_party,
            "amazon_vendor_fc_code": po.ship_to.get("partyId"),
            "amazon_vendor_po_state": po.state if po.state in ("New", "Acknowledged", "Closed") else False,
            "amazon_vendor_po_type": po.po_type
            if po.po_type in dict(self._fields["amazon_vendor_po_type"].selection)
            else False,
            "amazon_vendor_po_date": po.date,
            "amazon_vendor_po_changed_date": po.changed_date,
            "amazon_vendor_po_state_changed_date": po.state_changed_date,
            "amazon_vendor_ship_window_start": po.ship_window[0],
            "amazon_vendor_ship_window_end": po.ship_window[1],
            "amazon_vendor_delivery_window_start": po.delivery_window[0],
            "amazon_vendor_delivery_window_end": po.delivery_window[1],
            # Deliveries are planned on the commitment date: the warehouse must ship in Amazon's
            # ship window (a delivery window only comes with prepaid freight).
            "commitment_date": po.ship_window[0] or po.delivery_window[0],
            "amazon_vendor_deal_code": po.deal_code,
            "amazon_vendor_payment_method": po.payment_method,
            "amazon_vendor_import_details": json.dumps(po.import_details, indent=2) if po.import_details else False,
            "amazon_vendor_raw_po": po.raw,
            "amazon_vendor_fingerprint": po.fingerprint,
            "amazon_vendor_imported_at": fields.Datetime.now(),
        }
        if pricelist:
            vals["pricelist_id"] = pricelist.id
        return vals

    # ------------------------------------------------------------------ changes

    def _amazon_vendor_apply_po(self, batch, po):
        """Bring this order in line with a newer version of its Amazon PO.

        Safe changes apply; what would contradict work already done (delivered or invoiced
        quantities, a shipped FC) is flagged with an activity, never silently dropped.

        :return: (applied changes, flagged changes) as lists of sentences
        """
        self.ensure_one()
        issues = list(po.problems)
        header = self._amazon_vendor_prepare_header_vals(batch, po, issues)
        applied, flagged = [], []
        self._amazon_vendor_apply_header(header, applied, flagged)
        lines_by_seq = {
            line.amazon_vendor_item_sequence: line for line in self.order_line if line.amazon_vendor_item_sequence
        }
        commands = []
        for item in po.items:
            line = lines_by_seq.get(item.sequence)
            new_vals = self.env["sale.order.line"]._amazon_vendor_prepare_line_vals(batch, item, issues)
            if not line:
                commands.append(Command.create(new_vals))
                applied.append(_("Item %(seq)s added.", seq=item.sequence))
            elif line.display_type and "product_id" in new_vals:
                commands += [Command.delete(line.id), Command.create(new_vals)]
                applied.append(
                    _(
                        "Item %(seq)s is now mapped to %(product)s.",
                        seq=item.sequence,
                        product=self.env["product.product"].browse(new_vals["product_id"]).display_name,
                    )
                )
            elif not line.display_type:
                line._amazon_vendor_apply_item(new_vals, applied, flagged)
        header["amazon_vendor_issues"] = "\n".join(issues) or False
        if commands:
            header["order_line"] = commands
        if self.amazon_vendor_ack_state in ("sent", "accepted") and (applied or flagged) and po.changed_date:
            header["amazon_vendor_changed_since_ack"] = True
        self.write(header)
        self._amazon_vendor_apply_po_state(po, flagged)
        return applied, flagged

    def _amazon_vendor_apply_header(self, header, applied, flagged):
        if header["partner_shipping_id"] != self.partner_shipping_id.id:
            if any(picking.state == "done" for picking in self.picking_ids):
                flagged.append(
                    _(
                        "Amazon moved the order to FC %(fc)s, but goods already left for %(old)s.",
                        fc=header["amazon_vendor_fc_code"],
                        old=self.amazon_vendor_fc_code,
                    )
                )
                del header["partner_shipping_id"]
            else:
                applied.append(
                    _(
                        "Fulfilment centre %(old)s → %(new)s.",
                        old=self.amazon_vendor_fc_code,
                        new=header["amazon_vendor_fc_code"],
                    )
                )
        for field_name in (
            "amazon_vendor_ship_window_start",
            "amazon_vendor_ship_window_end",
            "amazon_vendor_delivery_window_start",
            "amazon_vendor_delivery_window_end",
        ):
            if header[field_name] != self[field_name]:
                applied.append(
                    _(
                        "%(field)s: %(old)s → %(new)s.",
                        field=self._fields[field_name].string,
                        old=self[field_name] or "-",
                        new=header[field_name] or "-",
                    )
                )
        if self.state != "draft":
            # Confirmed orders keep their pricelist, warehouse and customer: moves already exist.
            for field_name in ("pricelist_id", "warehouse_id", "partner_invoice_id"):
                header.pop(field_name, None)

    def _amazon_vendor_apply_po_state(self, po, flagged):
        if po.state != "Closed":
            return
        if self.state in ("draft", "sent"):
            self._action_cancel()
        elif self.state == "sale" and not self.locked:
            self.action_lock()

    def _amazon_vendor_post_changes(self, applied, flagged):
        """Tell the user in the chatter what Amazon changed, with an activity for what needs a decision."""
        if not (applied or flagged):
            return
        number = self.amazon_vendor_po_number
        lines = [_("Amazon changed purchase order %(number)s.", number=number)]
        if applied:
            lines.append(_("Applied: %(changes)s", changes=" ".join(applied)))
        if flagged:
            lines.append(_("Needs your decision: %(changes)s", changes=" ".join(flagged)))
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("Amazon changed PO %(number)s", number=self.amazon_vendor_po_number),
                note=" ".join(flagged),
                user_id=self.amazon_vendor_account_id.user_id.id or self.env.uid,
            )
        self.message_post(body=Markup("<br/>").join(lines))


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.model
    def _amazon_vendor_prepare_line_vals(self, batch, item, issues):
        """Values of the order line for one Amazon item; a note line when no product matches."""
        vals = {
            "amazon_vendor_item_sequence": item.sequence,
            "amazon_vendor_product_ref": item.vendor_product_id,
            "amazon_vendor_asin": item.asin,
            "amazon_vendor_ordered_amount": item.amount,
            "amazon_vendor_ordered_uom": item.unit,
            "amazon_vendor_unit_size": item.unit_size,
            "amazon_vendor_net_cost": item.net_cost_raw,
            "amazon_vendor_cost_currency": item.currency,
            "amazon_vendor_cost_uom": item.cost_unit,
            "amazon_vendor_list_price": item.list_price_raw,
            "amazon_vendor_backorder_allowed": item.backorder_allowed,
        }
        product, case_size = batch.product_for(item)
        if not product:
            issue = _(
                "Item %(seq)s: no product has the reference, barcode or mapping %(ref)s (ASIN %(asin)s).",
                seq=item.sequence,
                ref=item.vendor_product_id or "-",
                asin=item.asin or "-",
            )
            issues.append(issue)
            return dict(
                vals,
                display_type="line_note",
                customer_lead=0,
                amazon_vendor_issue=issue,
                name=_(
                    "Amazon item %(seq)s: %(ref)s / ASIN %(asin)s, %(amount)s %(unit)s: no matching product",
                    seq=item.sequence,
                    ref=item.vendor_product_id or "-",
                    asin=item.asin or "-",
                    amount=item.amount,
                    unit=item.unit,
                ),
            )
        if item.unit == "Cases" and item.unit_size <= 1 and case_size:
            vals["amazon_vendor_unit_size"] = case_size
        quantity, price = self._amazon_vendor_quantity_and_price(batch, item, product, vals, issues)
        vals.update(product_id=product.id, product_uom=product.uom_id.id, product_uom_qty=quantity, price_unit=price)
        return vals

    @api.model
    def _amazon_vendor_quantity_and_price(self, batch, item, product, vals, issues):
        """Amazon counts cases or eaches and prices per each or per weight unit; Odoo wants the
        product's unit of measure for both."""
        weight_uom = batch.weight_uom(item.cost_unit)
        quantity = amazon_to_product_quantity(
            item.amount, item.unit, vals["amazon_vendor_unit_size"], weight_uom, product.uom_id
        )
        cost = float(item.net_cost or 0.0)
        if item.net_cost is None:
            issues.append(_("Item %(seq)s: Amazon sent no net cost.", seq=item.sequence))
        if not weight_uom:
            return quantity, cost
        if product.uom_id.category_id == weight_uom.category_id:
            # Sold by weight: the ordered amount counts weight units of the price.
            return quantity, weight_uom._compute_price(cost, product.uom_id)
        if not product.weight:
            issues.append(
                _(
                    "Item %(seq)s is priced per %(unit)s: set the weight of %(product)s.",
                    seq=item.sequence,
                    unit=item.cost_unit,
                    product=product.display_name,
                )
            )
            return quantity, cost
        product_weight_uom = product.product_tmpl_id._get_weight_uom_id_from_ir_config_parameter()
        return quantity, cost * product_weight_uom._compute_quantity(product.weight, weight_uom)

    def _amazon_vendor_apply_item(self, new_vals, applied, flagged):
        self.ensure_one()
        seq = self.amazon_vendor_item_sequence
        amazon_vals = {key: value for key, value in new_vals.items() if key.startswith("amazon_vendor_")}
        quantity, price = new_vals.get("product_uom_qty"), new_vals.get("price_unit")
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        if quantity is not None and float_compare(quantity, self.product_uom_qty, precision_digits=digits):
            if quantity < self.qty_delivered:
                flagged.append(
                    _(
                        "Item %(seq)s: Amazon now orders %(new)s but %(done)s were already delivered.",
                        seq=seq,
                        new=quantity,
                        done=self.qty_delivered,
                    )
                )
            else:
                amazon_vals["product_uom_qty"] = quantity
                applied.append(
                    _("Item %(seq)s cancelled by Amazon.", seq=seq)
                    if not quantity
                    else _("Item %(seq)s quantity %(old)s → %(new)s.", seq=seq, old=self.product_uom_qty, new=quantity)
                )
        if price is not None and float_compare(price, self.price_unit, precision_digits=6):
            if self.qty_invoiced:
                flagged.append(
                    _(
                        "Item %(seq)s: Amazon changed the cost to %(new)s after invoicing at %(old)s.",
                        seq=seq,
                        new=price,
                        old=self.price_unit,
                    )
                )
            else:
                amazon_vals["price_unit"] = price
                applied.append(_("Item %(seq)s cost %(old)s → %(new)s.", seq=seq, old=self.price_unit, new=price))
        self.write(amazon_vals)
