from odoo import fields, models

from ..spapi.timeutil import parse_datetime
from .purchase_order_batch import WEIGHT_UOM_XMLIDS

AMAZON_UOM = [("Cases", "Cases"), ("Eaches", "Eaches")]
REJECTION_REASONS = [
    ("TemporarilyUnavailable", "Temporarily unavailable"),
    ("InvalidProductIdentifier", "Invalid product identifier"),
    ("ObsoleteProduct", "Obsolete product"),
]


def amazon_to_product_quantity(amount, unit, unit_size, weight_uom, product_uom):
    """An amount in Amazon's ordered unit, in the product's unit of measure.

    Amazon counts cases or eaches; an item priced per weight unit (``weight_uom``) and sold
    by weight in Odoo counts weight units.
    """
    eaches = amount * (unit_size if unit == "Cases" else 1)
    if weight_uom and product_uom.category_id == weight_uom.category_id:
        return weight_uom._compute_quantity(eaches, product_uom)
    return eaches


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # What Amazon ordered, kept exactly as received: the acknowledgement must echo it.
    amazon_vendor_item_sequence = fields.Char(string="Amazon Item #", copy=False)
    amazon_vendor_product_ref = fields.Char(string="Vendor Product ID", copy=False)
    amazon_vendor_asin = fields.Char(string="ASIN", copy=False)
    amazon_vendor_ordered_amount = fields.Integer(string="Amazon Qty", copy=False)
    amazon_vendor_ordered_uom = fields.Selection(AMAZON_UOM, string="Amazon Unit", copy=False)
    amazon_vendor_unit_size = fields.Integer(string="Case Size", copy=False, default=1)
    amazon_vendor_net_cost = fields.Char(
        string="Amazon Net Cost", copy=False, help="Net cost per each or weight unit, as Amazon sent it."
    )
    amazon_vendor_cost_currency = fields.Char(copy=False)
    amazon_vendor_cost_uom = fields.Char(
        string="Priced Per", copy=False, help="POUNDS, OUNCES, GRAMS or KILOGRAMS for items sold by weight."
    )
    amazon_vendor_list_price = fields.Char(copy=False)
    amazon_vendor_backorder_allowed = fields.Boolean(string="Backorder Allowed", copy=False)
    amazon_vendor_issue = fields.Char(string="Import Issue", copy=False)

    # The acknowledgement to send, in Amazon's ordered unit (cases or eaches).
    amazon_vendor_ack_accepted = fields.Integer(string="Accept", copy=False)
    amazon_vendor_ack_backordered = fields.Integer(string="Backorder", copy=False)
    amazon_vendor_ack_rejected = fields.Integer(string="Reject", copy=False)
    amazon_vendor_ack_rejection_reason = fields.Selection(REJECTION_REASONS, string="Rejection Reason", copy=False)
    amazon_vendor_ack_ship_date = fields.Datetime(string="Scheduled Ship", copy=False)
    amazon_vendor_ack_delivery_date = fields.Datetime(string="Scheduled Delivery", copy=False)

    # Amazon's own view (getPurchaseOrdersStatus): the receipt leg of the four-way match.
    amazon_vendor_confirmation_status = fields.Char(string="Amazon Confirmation", copy=False, readonly=True)
    amazon_vendor_accepted_qty = fields.Integer(string="Accepted by Amazon", copy=False, readonly=True)
    amazon_vendor_rejected_qty = fields.Integer(string="Rejected by Amazon", copy=False, readonly=True)
    amazon_vendor_receive_status = fields.Char(string="Amazon Receiving", copy=False, readonly=True)
    amazon_vendor_received_qty = fields.Integer(string="Received by Amazon", copy=False, readonly=True)
    amazon_vendor_received_units = fields.Integer(
        string="Units Received by Amazon",
        copy=False,
        readonly=True,
        help="What Amazon received, in eaches (cases counted with their case size).",
    )
    amazon_vendor_last_receive_date = fields.Datetime(string="Last Received", copy=False, readonly=True)

    def _amazon_vendor_prepare_status_vals(self, item):
        """Values from one ``OrderItemStatus`` of getPurchaseOrdersStatus."""
        ack = item.get("acknowledgementStatus") or {}
        receiving = item.get("receivingStatus") or {}
        last_receive = receiving.get("lastReceiveDate")
        return {
            "amazon_vendor_confirmation_status": ack.get("confirmationStatus"),
            "amazon_vendor_accepted_qty": (ack.get("acceptedQuantity") or {}).get("amount") or 0,
            "amazon_vendor_rejected_qty": (ack.get("rejectedQuantity") or {}).get("amount") or 0,
            "amazon_vendor_receive_status": receiving.get("receiveStatus"),
            "amazon_vendor_received_qty": (receiving.get("receivedQuantity") or {}).get("amount") or 0,
            "amazon_vendor_received_units": _units(receiving.get("receivedQuantity")),
            "amazon_vendor_last_receive_date": parse_datetime(last_receive).replace(tzinfo=None)
            if last_receive
            else False,
        }

    def _amazon_vendor_product_quantity(self, amount):
        """``amount`` in Amazon's ordered unit of this line, in the line's unit of measure."""
        self.ensure_one()
        xmlid = WEIGHT_UOM_XMLIDS.get(self.amazon_vendor_cost_uom)
        return amazon_to_product_quantity(
            amount,
            self.amazon_vendor_ordered_uom,
            self.amazon_vendor_unit_size,
            self.env.ref(xmlid) if xmlid else None,
            self.product_uom,
        )

    def _amazon_vendor_cost_factor(self):
        """How much of the line's unit of measure Amazon's net cost prices: one each, or one
        weight unit for an item priced by weight. A price per unit of measure times this factor
        is Amazon's net cost."""
        self.ensure_one()
        xmlid = WEIGHT_UOM_XMLIDS.get(self.amazon_vendor_cost_uom)
        if not xmlid:
            size = (self.amazon_vendor_unit_size or 1) if self.amazon_vendor_ordered_uom == "Cases" else 1
            return self._amazon_vendor_product_quantity(1) / size
        weight_uom = self.env.ref(xmlid)
        if self.product_uom.category_id == weight_uom.category_id:
            return weight_uom._compute_quantity(1, self.product_uom)
        product_weight_uom = self.product_id.product_tmpl_id._get_weight_uom_id_from_ir_config_parameter()
        weight = product_weight_uom._compute_quantity(self.product_id.weight, weight_uom)
        return 1 / weight if weight else 1.0

    def _amazon_vendor_announced_quantity(self):
        """What left in deliveries whose ASN Amazon accepted, in the line's unit of measure:
        what Amazon was told it would receive, hence what may be invoiced."""
        self.ensure_one()
        moves = self.move_ids.filtered(
            lambda move: (
                move.state == "done"
                and move.location_dest_id.usage == "customer"
                and move.picking_id.amazon_vendor_asn_state == "done"
            )
        )
        return sum(move.product_uom._compute_quantity(move.quantity, self.product_uom) for move in moves)


def _units(quantity):
    """Eaches of an Amazon ``ItemQuantity`` (a case counts its unitSize)."""
    quantity = quantity or {}
    size = (quantity.get("unitSize") or 1) if quantity.get("unitOfMeasure") == "Cases" else 1
    return int((quantity.get("amount") or 0) * size)
