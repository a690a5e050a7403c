"""Acknowledging an Amazon purchase order: defaults per account rule, Amazon's rules, the body."""

from decimal import Decimal

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from ..spapi.timeutil import to_amz
from .notification import notification
from .sale_order import ACK_CHANGE_WINDOW


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _amazon_vendor_set_acknowledgement_defaults(self, lines=None):
        """Fill the acknowledgement of ``lines`` (default: all) from the account's rule."""
        for order in self:
            todo = (lines or order.order_line) & order.order_line
            todo = todo.filtered("amazon_vendor_item_sequence")
            free = order._amazon_vendor_free_quantities(todo.product_id)
            ship, delivery = order._amazon_vendor_default_schedule()
            for line in todo:
                line.write(
                    dict(
                        line._amazon_vendor_default_acknowledgement(order.amazon_vendor_account_id, free),
                        amazon_vendor_ack_ship_date=ship,
                        amazon_vendor_ack_delivery_date=delivery,
                    )
                )

    def _amazon_vendor_free_quantities(self, products):
        """Free quantity per product in the order's warehouse, read once for all lines."""
        if not products or self.amazon_vendor_account_id.ack_rule != "accept_available":
            return {}
        located = products.with_context(warehouse_id=self.warehouse_id.id)
        return {product.id: product.free_qty for product in located}

    def _amazon_vendor_default_schedule(self):
        now = fields.Datetime.now()
        ship = max(self.amazon_vendor_ship_window_start or now, now)
        return ship, self.amazon_vendor_delivery_window_start or False

    def action_amazon_vendor_acknowledge(self):
        """Send the acknowledgement of each order to Amazon (submitAcknowledgement)."""
        if not self:
            return True
        # Every order is checked before any is sent: an error raised after a submission would
        # roll back Odoo's record of what Amazon already received.
        for order in self:
            order._amazon_vendor_check_acknowledgement()
        transactions = self.env["amazon.vendor.transaction"]
        for order in self:
            transactions |= order._amazon_vendor_send_acknowledgement()
        failed = transactions.filtered(lambda t: t.state == "error")
        if failed:
            return notification(_("Acknowledgement not sent"), "\n".join(failed.mapped("error_message")), "danger")
        return notification(
            _("Acknowledgement sent to Amazon"),
            _("Amazon is processing it; its verdict appears on the order within minutes."),
        )

    def _amazon_vendor_send_acknowledgement(self):
        self.ensure_one()
        self._amazon_vendor_check_acknowledgement()
        payload = {"acknowledgements": [self._amazon_vendor_prepare_acknowledgement_vals()]}
        transaction = self.env["amazon.vendor.transaction"]._amazon_vendor_submit(
            self.amazon_vendor_account_id,
            self,
            "submitAcknowledgement",
            payload,
        )
        self.amazon_vendor_ack_state = "sent" if transaction.state != "error" else "error"
        return transaction

    def _amazon_vendor_check_acknowledgement(self):
        """Amazon's rules, checked before anything is sent (a breach costs a chargeback)."""
        if not self.amazon_vendor_account_id:
            raise UserError(_("%(order)s is not an Amazon purchase order.", order=self.name))
        pending = self.env["amazon.vendor.transaction"].search_count(
            [
                ("res_model", "=", "sale.order"),
                ("res_id", "=", self.id),
                ("operation", "=", "submitAcknowledgement"),
                ("state", "in", ("submitted", "processing")),
            ]
        )
        if pending:
            raise UserError(
                _(
                    "The acknowledgement of %(po)s is still being processed by Amazon; wait for its verdict.",
                    po=self.amazon_vendor_po_number,
                )
            )
        first = self.amazon_vendor_acknowledged_at
        if first and fields.Datetime.now() > first + ACK_CHANGE_WINDOW:
            raise UserError(
                _(
                    "Amazon accepts changes to an acknowledgement for 48 hours only; %(po)s was first "
                    "acknowledged on %(date)s.",
                    po=self.amazon_vendor_po_number,
                    date=first,
                )
            )
        if self.amazon_vendor_po_state == "Closed":
            raise UserError(
                _(
                    "Amazon closed purchase order %(po)s: it can no longer be acknowledged.",
                    po=self.amazon_vendor_po_number,
                )
            )
        problems = [
            problem for line in self._amazon_vendor_ack_lines() for problem in line._amazon_vendor_ack_problems()
        ]
        missing = {item.get("itemSequenceNumber") for item in self._amazon_vendor_raw_items()} - set(
            self._amazon_vendor_ack_lines().mapped("amazon_vendor_item_sequence")
        )
        problems += [_("Item %(seq)s of the Amazon PO has no order line.", seq=seq) for seq in sorted(missing)]
        if problems:
            raise UserError(
                _(
                    "The acknowledgement of %(po)s breaks Amazon's rules:\n%(problems)s",
                    po=self.amazon_vendor_po_number,
                    problems="\n".join(problems),
                )
            )

    def _amazon_vendor_ack_lines(self):
        return self.order_line.filtered(
            lambda line: line.amazon_vendor_item_sequence and line.amazon_vendor_ordered_amount
        )

    def _amazon_vendor_raw_items(self):
        items = ((self.amazon_vendor_raw_po or {}).get("orderDetails") or {}).get("items") or []
        # Items Amazon cancelled (quantity 0) have nothing left to acknowledge.
        return [item for item in items if (item.get("orderedQuantity") or {}).get("amount")]

    def _amazon_vendor_prepare_acknowledgement_vals(self):
        """One ``OrderAcknowledgement``: identifiers, quantities and cost echoed exactly as received."""
        self.ensure_one()
        lines = {line.amazon_vendor_item_sequence: line for line in self._amazon_vendor_ack_lines()}
        items = []
        for raw in self._amazon_vendor_raw_items():
            line = lines[raw.get("itemSequenceNumber")]
            item = {
                key: raw[key]
                for key in (
                    "itemSequenceNumber",
                    "amazonProductIdentifier",
                    "vendorProductIdentifier",
                    "orderedQuantity",
                    "netCost",
                    "listPrice",
                )
                if raw.get(key) is not None
            }
            item["itemAcknowledgements"] = line._amazon_vendor_prepare_item_acknowledgements(raw["orderedQuantity"])
            items.append(item)
        return {
            "purchaseOrderNumber": self.amazon_vendor_po_number,
            "sellingParty": {"partyId": self.amazon_vendor_code},
            "acknowledgementDate": to_amz(fields.Datetime.now()),
            "items": items,
        }


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    def _amazon_vendor_default_acknowledgement(self, account, free_quantities):
        """Accepted / backordered / rejected quantities per the account's rule, in Amazon's unit."""
        self.ensure_one()
        ordered = self.amazon_vendor_ordered_amount
        vals = {
            "amazon_vendor_ack_accepted": 0,
            "amazon_vendor_ack_backordered": 0,
            "amazon_vendor_ack_rejected": 0,
            "amazon_vendor_ack_rejection_reason": False,
        }
        if not ordered:
            return vals
        if self.display_type:
            # Unmapped products are rejected: acknowledging what cannot be identified invites a chargeback.
            return dict(
                vals, amazon_vendor_ack_rejected=ordered, amazon_vendor_ack_rejection_reason="InvalidProductIdentifier"
            )
        if account.ack_rule != "accept_available":
            return dict(vals, amazon_vendor_ack_accepted=ordered)
        unit = self.amazon_vendor_unit_size if self.amazon_vendor_ordered_uom == "Cases" else 1
        per_amazon_unit = self.product_uom_qty / ordered if ordered else unit
        available = int(max(free_quantities.get(self.product_id.id, 0.0), 0.0) // (per_amazon_unit or 1))
        accepted = min(ordered, available)
        rest = ordered - accepted
        if self.amazon_vendor_backorder_allowed:
            return dict(vals, amazon_vendor_ack_accepted=accepted, amazon_vendor_ack_backordered=rest)
        return dict(
            vals,
            amazon_vendor_ack_accepted=accepted,
            amazon_vendor_ack_rejected=rest,
            amazon_vendor_ack_rejection_reason="TemporarilyUnavailable" if rest else False,
        )

    def _amazon_vendor_ack_problems(self):
        self.ensure_one()
        seq, ordered = self.amazon_vendor_item_sequence, self.amazon_vendor_ordered_amount
        accepted, backordered = self.amazon_vendor_ack_accepted, self.amazon_vendor_ack_backordered
        rejected = self.amazon_vendor_ack_rejected
        problems = []
        if min(accepted, backordered, rejected) < 0:
            problems.append(_("Item %(seq)s: quantities cannot be negative.", seq=seq))
        total = accepted + backordered + rejected
        if total > ordered:
            problems.append(
                _(
                    "Item %(seq)s: %(total)s acknowledged but Amazon ordered %(ordered)s.",
                    seq=seq,
                    total=total,
                    ordered=ordered,
                )
            )
        elif total < ordered:
            problems.append(
                _(
                    "Item %(seq)s: accept, backorder or reject the %(rest)s remaining of %(ordered)s.",
                    seq=seq,
                    rest=ordered - total,
                    ordered=ordered,
                )
            )
        if backordered and not self.amazon_vendor_backorder_allowed:
            problems.append(_("Item %(seq)s: Amazon does not allow backorders on this item.", seq=seq))
        if rejected and not self.amazon_vendor_ack_rejection_reason:
            problems.append(_("Item %(seq)s: give the reason for the rejected quantity.", seq=seq))
        if not self.amazon_vendor_net_cost:
            problems.append(
                _("Item %(seq)s: Amazon sent no net cost; it must be echoed in the acknowledgement.", seq=seq)
            )
        elif not self.display_type and self._amazon_vendor_price_differs():
            problems.append(
                _(
                    "Item %(seq)s: the price %(price)s differs from Amazon's net cost %(cost)s; the "
                    "acknowledgement must confirm Amazon's cost.",
                    seq=seq,
                    price=self.price_unit,
                    cost=self.amazon_vendor_net_cost,
                )
            )
        return problems

    def _amazon_vendor_price_differs(self):
        if self.amazon_vendor_cost_uom:
            return False  # weight-priced: Odoo's price is per product unit, compared at import
        return bool(float_compare(self.price_unit, float(Decimal(self.amazon_vendor_net_cost)), precision_digits=4))

    def _amazon_vendor_prepare_item_acknowledgements(self, ordered_quantity):
        """One entry per code with a quantity: a partial line is Accepted plus Backordered (plus Rejected)."""
        unit = {key: ordered_quantity[key] for key in ("unitOfMeasure", "unitSize") if key in ordered_quantity}
        entries = []
        for code, amount in (
            ("Accepted", self.amazon_vendor_ack_accepted),
            ("Backordered", self.amazon_vendor_ack_backordered),
            ("Rejected", self.amazon_vendor_ack_rejected),
        ):
            if not amount:
                continue
            entry = {"acknowledgementCode": code, "acknowledgedQuantity": dict(unit, amount=amount)}
            if code != "Rejected":
                if self.amazon_vendor_ack_ship_date:
                    entry["scheduledShipDate"] = to_amz(self.amazon_vendor_ack_ship_date)
                if self.amazon_vendor_ack_delivery_date:
                    entry["scheduledDeliveryDate"] = to_amz(self.amazon_vendor_ack_delivery_date)
            else:
                entry["rejectionReason"] = self.amazon_vendor_ack_rejection_reason
            entries.append(entry)
        return entries
