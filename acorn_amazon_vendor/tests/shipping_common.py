"""A confirmed Amazon delivery to pack, palletise, validate and announce, for the shipping tests."""

from datetime import datetime, timedelta, timezone

from odoo import fields

from .amazon_orders import amz_time
from .test_purchase_order_import import COFFEE, GRINDER, TEA, AmazonVendorPoCommon, make_po

GS1_PREFIX = "0614141"


class AmazonVendorShippingCommon(AmazonVendorPoCommon):
    """Amazon deliveries of a company with a GS1 prefix, carton and pallet package types, stock."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.amazon_vendor_gs1_prefix = GS1_PREFIX
        PackageType = cls.env["stock.package.type"]
        cls.carton_type = PackageType.create(
            {
                "name": "Amazon carton",
                "amazon_vendor_container_type": "carton",
                "packaging_length": 400,
                "width": 300,
                "height": 250,
                "base_weight": 0.5,
            }
        )
        cls.pallet_type = PackageType.create(
            {
                "name": "Amazon pallet",
                "amazon_vendor_container_type": "pallet",
                "packaging_length": 1200,
                "width": 1000,
                "height": 1500,
                "base_weight": 20,
            }
        )
        (cls.coffee | cls.tea | cls.grinder).write({"weight": 1.0})
        cls.env["stock.quant"]._update_available_quantity(cls.coffee, cls.warehouse.lot_stock_id, 1000)
        cls.env["stock.quant"]._update_available_quantity(cls.tea, cls.warehouse.lot_stock_id, 1000)
        cls.env["stock.quant"]._update_available_quantity(cls.grinder, cls.warehouse.lot_stock_id, 1000)

    # ------------------------------------------------------------------ orders

    def prepaid_po(self, number, items, **kwargs):
        """An Amazon PO the vendor ships (a delivery window, no Amazon-arranged freight)."""
        # Placed minutes ago: inside the import's look-back window even after earlier imports.
        when = kwargs.pop("when", None) or datetime.now(timezone.utc) - timedelta(minutes=5)
        window = f"{amz_time(when + timedelta(days=3))}--{amz_time(when + timedelta(days=6))}"
        return make_po(number, items, when=when, deliveryWindow=window, **kwargs)

    def acknowledged_delivery(self, number="2SHP0001", items=None, **po_kwargs):
        """Import a PO, acknowledge it, let Amazon accept: :return: the order's ready delivery."""
        items = items or [
            {"ref": COFFEE, "amount": 4, "unit": "Cases", "size": 6},
            {"ref": TEA, "amount": 10},
        ]
        self.load_pos(self.prepaid_po(number, items, **po_kwargs))
        self.account.action_import_purchase_orders()
        order = self.order(number)
        order.action_amazon_vendor_acknowledge()
        self.follow_transactions()
        self.assertEqual(order.state, "sale", "Amazon's acceptance confirmed the order")
        picking = order.picking_ids
        picking.action_assign()
        return picking

    def follow_transactions(self):
        """What the submission cron does once Amazon had time to decide."""
        Transaction = self.env["amazon.vendor.transaction"]
        pending = Transaction.search([("state", "in", ("draft", "submitted", "processing", "unknown"))])
        pending.write({"next_check_at": fields.Datetime.now() - timedelta(seconds=1)})
        Transaction._cron_check_transactions()

    # ------------------------------------------------------------------ packing

    def pack(self, picking, product, quantity):
        """Put ``quantity`` of ``product`` in a new carton (Odoo's Put in Pack); :return: the carton."""
        move = picking.move_ids.filtered(lambda m: m.product_id == product)
        free = move.move_line_ids.filtered(lambda ml: not ml.result_package_id)
        line = free[:1]
        if line.quantity > quantity:
            line.copy({"quantity": line.quantity - quantity})
            line.quantity = quantity
        line.picked = True
        carton = picking.action_put_in_pack(move_lines_to_pack=line)
        carton.package_type_id = self.carton_type
        return carton

    def palletise(self, picking, cartons):
        wizard = (
            self.env["amazon.vendor.pallet.wizard"]
            .with_context(default_picking_id=picking.id)
            .create({"carton_ids": [fields.Command.set(cartons.ids)], "package_type_id": self.pallet_type.id})
        )
        wizard.action_confirm()
        return cartons.amazon_vendor_pallet_id

    def packed_delivery(self, number="2SHP0001", pallets=True):
        """4 cases of coffee (one carton each) and 10 tea (one carton), on a pallet."""
        picking = self.acknowledged_delivery(number)
        cartons = self.env["stock.quant.package"]
        for _case in range(4):
            cartons |= self.pack(picking, self.coffee, 6)
        cartons |= self.pack(picking, self.tea, 10)
        if pallets:
            self.palletise(picking, cartons)
        picking.write({"amazon_vendor_carrier_scac": "ABCD", "amazon_vendor_pro_number": "PRO123456"})
        return picking, cartons

    def validate(self, picking):
        picking.move_ids.picked = True
        result = picking.button_validate()
        self.assertEqual(picking.state, "done", result)
        return picking

    def submissions(self, operation="SubmitShipmentConfirmations"):
        return self.sim_get("/_simulator/submissions", operation=operation)


__all__ = ["AmazonVendorShippingCommon", "COFFEE", "GRINDER", "TEA", "GS1_PREFIX", "make_po"]
