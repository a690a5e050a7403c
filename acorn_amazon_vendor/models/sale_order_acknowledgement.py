"""Acknowledging an Amazon purchase order: defaults per account rule, Amazon's rules, the body."""

import json
import logging
from decimal import Decimal

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from ..spapi.timeutil import to_amz
from .concurrency import USER_GROUP, check_group
from .notification import notification
from .sale_order import ACK_CHANGE_WINDOW

_logger = logging.getLogger(__name__)

ACK = "submitAcknowledgement"


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
        """Send the acknowledgement of each order to Amazon (submitAcknowledgement).

        From the screens (context ``amazon_vendor_preview``) it first shows what will be sent;
        the preview's Send button calls it again without the flag.
        """
        check_group(self.env, USER_GROUP)
        if not self:
            return True
        self.check_access("write")
        if self.env.context.get("amazon_vendor_preview"):
            return self.env["amazon.vendor.ack.wizard"]._amazon_vendor_open(self)
        # Every order is checked before any is sent: one mistake sends nothing.
        for order in self:
            order._amazon_vendor_check_acknowledgement()
        transactions, busy = self.env["amazon.vendor.transaction"], []
        for order in self:
            try:
                transactions |= order._amazon_vendor_send_acknowledgement()
            except UserError as error:
                # Another user is sending this one; the others are sent (and committed) already.
                busy.append(str(error))
        failed = transactions.filtered(lambda t: t.state == "error")
        if failed or busy:
            message = "\n".join(failed.mapped("error_message") + busy)
            return notification(_("Acknowledgement not sent"), message, "danger")
        if transactions.filtered(lambda t: t.state == "unknown"):
            return notification(
                _("Acknowledgement on its way"),
                _(
                    "Amazon's answer was lost. ACORN asks Amazon whether it arrived before sending anything again; "
                    "the verdict appears on the order."
                ),
                "warning",
            )
        if transactions.filtered(lambda t: t.state == "draft"):
            return notification(
                _("Acknowledgement on its way"),
                _("Amazon is busy right now: ACORN sends it again within minutes; the verdict appears on the order."),
                "warning",
            )
        return notification(
            _("Acknowledgement sent to Amazon"),
            _("Amazon is processing it; its verdict appears on the order within minutes."),
        )

    def _amazon_vendor_send_acknowledgement(self):
        """Lock the order, check it, then submit its acknowledgement: one sender at a time.

        :return: the ``amazon.vendor.transaction``
        :raise UserError: the order breaks Amazon's rules, or someone else is sending it
        """
        self.ensure_one()
        Transaction = self.env["amazon.vendor.transaction"]
        Transaction._amazon_vendor_lock_document(self)
        self._amazon_vendor_check_acknowledgement()
        payload = {"acknowledgements": [self._amazon_vendor_prepare_acknowledgement_vals()]}
        # Written before the send commits: a concurrent sender holding an older snapshot fails
        # to lock the order instead of missing this submission.
        self.amazon_vendor_ack_state = "sent"
        transaction = Transaction._amazon_vendor_submit(self.amazon_vendor_account_id, self, ACK, payload)
        if transaction.state == "error":
            self.amazon_vendor_ack_state = "error"
        return transaction

    def _amazon_vendor_queue_acknowledgement(self):
        """Queue the acknowledgement for the scheduled action (on confirmation): never raises."""
        self.ensure_one()
        problems = self._amazon_vendor_acknowledgement_problems()
        if problems:
            self.message_post(
                body=_(
                    "The acknowledgement was not sent on confirmation: %(problems)s",
                    problems=" ".join(problems),
                )
            )
            return self.env["amazon.vendor.transaction"]
        payload = {"acknowledgements": [self._amazon_vendor_prepare_acknowledgement_vals()]}
        self.amazon_vendor_ack_state = "sent"
        return self.env["amazon.vendor.transaction"]._amazon_vendor_queue(
            self.amazon_vendor_account_id, self, ACK, payload
        )

    def _amazon_vendor_check_acknowledgement(self):
        """Amazon's rules, checked before anything is sent (a breach costs a chargeback).

        :raise UserError: naming every rule the acknowledgement breaks
        """
        problems = self._amazon_vendor_acknowledgement_problems()
        if problems:
            raise UserError("\n".join(problems))

    def _amazon_vendor_acknowledgement_problems(self):
        """:return: sentences saying why the acknowledgement cannot be sent (empty when it can)"""
        self.ensure_one()
        po = self.amazon_vendor_po_number
        if not self.amazon_vendor_account_id:
            return [_("%(order)s is not an Amazon purchase order.", order=self.name)]
        if self.env["amazon.vendor.transaction"]._amazon_vendor_pending(self, ACK):
            return [_("The acknowledgement of %(po)s is still on its way to Amazon; wait for its verdict.", po=po)]
        first = self.amazon_vendor_acknowledged_at
        if first and fields.Datetime.now() > first + ACK_CHANGE_WINDOW:
            return [
                _(
                    "Amazon accepts changes to an acknowledgement for 48 hours only; %(po)s was first "
                    "acknowledged on %(date)s.",
                    po=po,
                    date=first,
                )
            ]
        if self.amazon_vendor_po_state == "Closed":
            return [_("Amazon closed purchase order %(po)s: it can no longer be acknowledged.", po=po)]
        problems = [
            problem for line in self._amazon_vendor_ack_lines() for problem in line._amazon_vendor_ack_problems()
        ]
        missing = {item.get("itemSequenceNumber") for item in self._amazon_vendor_raw_items()} - set(
            self._amazon_vendor_ack_lines().mapped("amazon_vendor_item_sequence")
        )
        problems += [_("Item %(seq)s of the Amazon PO has no order line.", seq=seq) for seq in sorted(missing)]
        currencies = set(self._amazon_vendor_ack_lines().mapped("amazon_vendor_cost_currency")) - {False}
        if currencies and currencies != {self.currency_id.name}:
            problems.append(
                _(
                    "The order is in %(currency)s but Amazon's costs are in %(amazon)s: fix the currency first.",
                    currency=self.currency_id.name,
                    amazon=", ".join(sorted(currencies)),
                )
            )
        if problems:
            problems.insert(0, _("The acknowledgement of %(po)s breaks Amazon's rules:", po=po))
        return problems

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

    # ------------------------------------------------------------------ once Amazon accepted

    def _amazon_vendor_confirm_acknowledged(self, transaction):
        """Bring the order to what Amazon accepted: rejected quantities come off the lines, and a
        quotation is confirmed (or cancelled when Amazon took nothing).

        A failure is told on the order, never raised: Amazon's verdict stands regardless.
        """
        self.ensure_one()
        acknowledged = {
            str(item.get("itemSequenceNumber")): item
            for ack in json.loads(transaction.payload or "{}").get("acknowledgements") or []
            for item in ack.get("items") or []
        }
        try:
            with self.env.cr.savepoint():
                for line in self.order_line.filtered(lambda line: not line.display_type):
                    item = acknowledged.get(line.amazon_vendor_item_sequence)
                    if item:
                        line._amazon_vendor_keep_acknowledged(item)
                kept = self.order_line.filtered(lambda line: not line.display_type and line.product_uom_qty)
                if self.state in ("draft", "sent"):
                    if kept:
                        self.action_confirm()
                    else:
                        self._action_cancel()
        except Exception as error:  # noqa: BLE001 - the order is told, Amazon's verdict is kept
            _logger.warning("Amazon order %s could not follow its acknowledgement", self.id, exc_info=True)
            message = _(
                "Amazon accepted the acknowledgement, but the order could not be updated to match it: %(error)s",
                error=error,
            )
            self.message_post(body=message)
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("Confirm Amazon PO %(po)s by hand", po=self.amazon_vendor_po_number),
                note=message,
                user_id=self.amazon_vendor_account_id.user_id.id or self.env.uid,
            )


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

    def _amazon_vendor_keep_acknowledged(self, item):
        """Lower the line to the accepted and backordered quantity of an acknowledged ``item``."""
        self.ensure_one()
        kept = sum(
            entry["acknowledgedQuantity"]["amount"]
            for entry in item.get("itemAcknowledgements") or []
            if entry.get("acknowledgementCode") in ("Accepted", "Backordered")
        )
        if kept >= self.amazon_vendor_ordered_amount:
            return
        quantity = max(self._amazon_vendor_product_quantity(kept), self.qty_delivered)
        if float_compare(quantity, self.product_uom_qty, precision_rounding=self.product_uom.rounding) < 0:
            self.product_uom_qty = quantity
