"""The ASN of a validated Amazon delivery: Amazon's rules checked, then the body built from the
packing data the labels are printed from.

Everything is read for the whole delivery at once (move lines, packages, weights): a truck of
1,500 cartons costs the same number of queries as a parcel of one.
"""

from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz

from odoo import _, fields, models
from odoo.tools import float_compare, float_round

from ..spapi.timeutil import to_amz

# Amazon's lot and truck rules apply to North American FCs for PRO and SCAC.
TRUCK_TYPES = ("TruckLoad", "LessThanTruckLoad")
DEFAULT_TRANSIT = timedelta(days=3)
FUTURE_TOLERANCE = timedelta(minutes=5)
PACKAGE_FIELDS = [
    "name",
    "package_type_id",
    "shipping_weight",
    "amazon_vendor_sscc",
    "amazon_vendor_amzncc",
    "amazon_vendor_pallet_id",
    "amazon_vendor_tracking_ref",
]


class StockPicking(models.Model):
    _inherit = "stock.picking"

    # ------------------------------------------------------------------ what the delivery holds

    def _amazon_vendor_orders(self):
        return self.move_ids.sale_line_id.order_id.filtered("amazon_vendor_account_id")

    def _amazon_vendor_shipped_lines(self):
        """{move line: (sale line, Amazon amount)} for every move line that ships something."""
        lines = self.move_line_ids
        # One query per model for the whole truck (the ORM would read 1,000 records at a time).
        lines.fetch(["quantity", "product_uom_id", "product_id", "lot_id", "result_package_id", "move_id"])
        lines.move_id.fetch(["sale_line_id"])
        lines.result_package_id.fetch(PACKAGE_FIELDS)
        shipped = {}
        for line in lines.filtered(lambda ml: ml.quantity > 0):
            sale_line = line.move_id.sale_line_id
            amount = None
            if sale_line.amazon_vendor_item_sequence:
                quantity = line.product_uom_id._compute_quantity(line.quantity, sale_line.product_uom)
                amount = quantity / (sale_line._amazon_vendor_product_quantity(1) or 1)
            shipped[line] = (sale_line, amount)
        return shipped

    def _amazon_vendor_warehouse_tz(self):
        warehouse = self.picking_type_id.warehouse_id
        return pytz.timezone(warehouse.partner_id.tz or self.company_id.partner_id.tz or "UTC")

    def _amazon_vendor_estimated_delivery(self):
        """The estimated delivery in UTC: the user's, else the PO's delivery window, else three days
        after shipping at noon where the warehouse is (a date alone would be read as UTC midnight)."""
        if self.amazon_vendor_estimated_delivery:
            return self.amazon_vendor_estimated_delivery
        shipped = self.date_done or fields.Datetime.now()
        windows = [o.amazon_vendor_delivery_window_start for o in self._amazon_vendor_orders()]
        windows = [window for window in windows if window and window > shipped]
        if windows:
            return min(windows)
        tz = self._amazon_vendor_warehouse_tz()
        local_day = pytz.utc.localize(shipped).astimezone(tz).date() + DEFAULT_TRANSIT
        noon = tz.localize(datetime.combine(local_day, time(12)))
        return noon.astimezone(pytz.utc).replace(tzinfo=None)

    def _amazon_vendor_bill_of_lading(self):
        """The BOL: the user's, else one of at least 8 characters prefixed with the vendor code."""
        if not self.amazon_vendor_bol_number:
            vendor = self._amazon_vendor_orders()[:1].amazon_vendor_code or ""
            serial = self.env["ir.sequence"].sudo().next_by_code("acorn_amazon_vendor.bol") or str(self.id)
            self.amazon_vendor_bol_number = f"{vendor}{serial}"
        return self.amazon_vendor_bol_number

    # ------------------------------------------------------------------ Amazon's rules

    def _amazon_vendor_asn_problems(self, amazon_pos=None):
        """Every reason the ASN of this delivery would be refused or charged back, in plain words.

        :param amazon_pos: Amazon's current version of the POs ({number: Order}), re-read before
            sending; None at validation time
        :return: list of sentences (empty when the ASN may go)
        """
        self.ensure_one()
        orders = self._amazon_vendor_orders()
        shipped = self._amazon_vendor_shipped_lines()
        problems = self._amazon_vendor_party_problems(orders)
        problems += self._amazon_vendor_quantity_problems(shipped)
        problems += self._amazon_vendor_packing_problems(shipped)
        problems += self._amazon_vendor_transport_problems(orders)
        if amazon_pos is not None:
            problems += self._amazon_vendor_po_problems(orders, shipped, amazon_pos)
        if self.date_done and self.date_done > fields.Datetime.now() + FUTURE_TOLERANCE:
            problems.append(_("The shipping date %(date)s is in the future.", date=self.date_done))
        return problems

    def _amazon_vendor_party_problems(self, orders):
        problems = []
        vendors = set(orders.mapped("amazon_vendor_code"))
        fcs = set(orders.mapped("amazon_vendor_fc_code"))
        if len(vendors) > 1:
            problems.append(
                _("One ASN covers one vendor code; this delivery mixes %(codes)s.", codes=", ".join(sorted(vendors)))
            )
        if len(fcs) > 1:
            problems.append(
                _("One ASN covers one fulfilment centre; this delivery goes to %(fcs)s.", fcs=", ".join(sorted(fcs)))
            )
        return problems

    def _amazon_vendor_quantity_problems(self, shipped):
        problems = []
        for line, (_sale_line, amount) in shipped.items():
            if amount is None:
                problems.append(
                    _(
                        "%(product)s is not on the Amazon purchase order: take it off this delivery.",
                        product=line.product_id.display_name,
                    )
                )
        by_sale_line = defaultdict(float)
        for sale_line, amount in shipped.values():
            if amount is not None:
                by_sale_line[sale_line] += amount
        for sale_line, amount in by_sale_line.items():
            seq, po = sale_line.amazon_vendor_item_sequence, sale_line.order_id.amazon_vendor_po_number
            if float_compare(amount, round(amount), precision_digits=3):
                problems.append(
                    _(
                        "PO %(po)s item %(seq)s: %(amount)s %(unit)s is not a whole number; Amazon ordered in "
                        "%(unit)s of %(size)s.",
                        po=po,
                        seq=seq,
                        amount=_amount(amount),
                        unit=sale_line.amazon_vendor_ordered_uom,
                        size=sale_line.amazon_vendor_unit_size,
                    )
                )
            if sale_line.order_id.amazon_vendor_ack_state != "accepted":
                continue
            acknowledged = sale_line.amazon_vendor_ack_accepted + sale_line.amazon_vendor_ack_backordered
            delivered = sale_line.qty_delivered / (sale_line._amazon_vendor_product_quantity(1) or 1)
            if float_compare(delivered, acknowledged, precision_digits=3) > 0:
                problems.append(
                    _(
                        "PO %(po)s item %(seq)s: %(delivered)s shipped in all but only %(acknowledged)s were "
                        "acknowledged to Amazon.",
                        po=po,
                        seq=seq,
                        delivered=_amount(delivered),
                        acknowledged=acknowledged,
                    )
                )
        for order in self._amazon_vendor_orders().filtered(lambda o: o.amazon_vendor_ack_state != "accepted"):
            problems.append(
                _("Amazon has not accepted an acknowledgement of PO %(po)s yet.", po=order.amazon_vendor_po_number)
            )
        return problems

    def _amazon_vendor_packing_problems(self, shipped):
        problems = []
        loose = [line for line in shipped if not line.result_package_id]
        if loose:
            products = ", ".join(sorted(set(loose_line.product_id.display_name for loose_line in loose)))
            problems.append(_("Put every product in a carton (Put in Pack): %(products)s.", products=products))
        cartons, pallets = self._amazon_vendor_cartons(), self._amazon_vendor_pallets()
        unlabelled = [package.name for package in cartons | pallets if not package._amazon_vendor_container_code()[0]]
        if unlabelled:
            problems.append(
                _(
                    "These packages have no SSCC: %(packages)s. Set the GS1 company prefix in Settings > Amazon "
                    "Vendor, then press Send ASN.",
                    packages=", ".join(unlabelled),
                )
            )
        if self.amazon_vendor_shipment_type in TRUCK_TYPES:
            off_pallet = cartons.filtered(lambda carton: not carton.amazon_vendor_pallet_id)
            if off_pallet:
                problems.append(
                    _(
                        "Every carton of a truck shipment is on a pallet; these are not: %(cartons)s. Put them on "
                        "a pallet, or ship as small parcel.",
                        cartons=", ".join(off_pallet.mapped("name")),
                    )
                )
        elif self.amazon_vendor_shipment_type == "SmallParcel":
            if pallets:
                problems.append(_("A small parcel shipment has no pallets: choose a truck shipment type."))
            untracked = cartons.filtered(lambda carton: not carton.amazon_vendor_tracking_ref)
            if untracked:
                problems.append(
                    _(
                        "Amazon needs the carrier's tracking number of every small parcel carton: %(cartons)s.",
                        cartons=", ".join(untracked.mapped("name")),
                    )
                )
        return problems

    def _amazon_vendor_transport_problems(self, orders):
        problems = []
        collect = any(order._amazon_vendor_is_collect() for order in orders)
        if collect and not self.amazon_vendor_arn:
            problems.append(
                _(
                    "Amazon collects this freight: request the transport first; its Amazon Reference Number goes "
                    "in the ASN."
                )
            )
        north_america = self.amazon_vendor_account_id.region == "na"
        if north_america and not collect and self.amazon_vendor_shipment_type in TRUCK_TYPES:
            if not self.amazon_vendor_carrier_scac:
                problems.append(_("Enter the carrier's SCAC: Amazon requires it for truck shipments."))
            if not self.amazon_vendor_pro_number:
                problems.append(_("Enter the carrier's PRO number: Amazon requires it for truck shipments."))
        return problems

    def _amazon_vendor_po_problems(self, orders, shipped, amazon_pos):
        problems = []
        items_shipped = defaultdict(set)
        for sale_line, amount in shipped.values():
            if amount is not None:
                items_shipped[sale_line.order_id].add(sale_line.amazon_vendor_item_sequence)
        for order in orders:
            number = order.amazon_vendor_po_number
            raw = amazon_pos.get(number) or {}
            if raw.get("error"):
                problems.append(
                    _(
                        "Amazon's current version of PO %(po)s could not be read: %(error)s",
                        po=number,
                        error=raw["error"],
                    )
                )
                continue
            details = raw.get("orderDetails") or {}
            if raw.get("purchaseOrderState") == "Closed":
                problems.append(_("Amazon closed PO %(po)s: it takes no shipment any more.", po=number))
            fc = (details.get("shipToParty") or {}).get("partyId")
            if fc and fc != order.amazon_vendor_fc_code:
                problems.append(
                    _(
                        "Amazon moved PO %(po)s to fulfilment centre %(new)s (this delivery goes to %(old)s).",
                        po=number,
                        new=fc,
                        old=order.amazon_vendor_fc_code,
                    )
                )
            ordered = {
                str(item.get("itemSequenceNumber")): (item.get("orderedQuantity") or {}).get("amount")
                for item in details.get("items") or []
            }
            for seq in sorted(items_shipped[order]):
                if ordered.get(seq) == 0:
                    problems.append(_("Amazon cancelled item %(seq)s of PO %(po)s.", seq=seq, po=number))
        return problems

    # ------------------------------------------------------------------ the body

    def _amazon_vendor_prepare_asn_vals(self, confirmation_type="Original"):
        """One ``ShipmentConfirmation`` of this delivery (vendorShipments model)."""
        self.ensure_one()
        order = self._amazon_vendor_orders()[:1]
        region = self.amazon_vendor_account_id.region
        shipped = self._amazon_vendor_shipped_lines()
        cartons, pallets = self._amazon_vendor_cartons(), self._amazon_vendor_pallets()
        weight_unit, weights = (cartons | pallets)._amazon_vendor_weights(self, region)
        length_unit, dimensions = (cartons | pallets)._amazon_vendor_dimensions(region)
        pallets.fetch([*PACKAGE_FIELDS, "amazon_vendor_carton_ids"])
        sequence = {carton: str(index) for index, carton in enumerate(cartons.sorted(lambda c: (c.name, c.id)), 1)}
        by_carton = defaultdict(dict)
        for line, value in shipped.items():
            by_carton[line.result_package_id][line] = value
        vals = {
            "shipmentIdentifier": self.amazon_vendor_shipment_identifier,
            "shipmentConfirmationType": confirmation_type,
            "shipmentType": self.amazon_vendor_shipment_type,
            "shipmentStructure": self._amazon_vendor_shipment_structure(shipped),
            "transportationDetails": self._amazon_vendor_prepare_transport_vals(),
            "shipmentConfirmationDate": to_amz(fields.Datetime.now()),
            "shippedDate": to_amz(self.date_done or fields.Datetime.now()),
            "estimatedDeliveryDate": to_amz(self._amazon_vendor_estimated_delivery()),
            "sellingParty": {"partyId": order.amazon_vendor_code},
            "shipFromParty": self._amazon_vendor_prepare_ship_from_vals(),
            "shipToParty": {"partyId": order.amazon_vendor_fc_code},
            "shipmentMeasurements": _measurements(cartons, pallets, weights, weight_unit, dimensions, length_unit),
            "shippedItems": [_item_vals(key, amount) for key, amount in _group_items(shipped).items()],
            "cartons": [
                _container_vals(carton, weights, weight_unit, dimensions, length_unit)
                | {
                    "cartonSequenceNumber": sequence[carton],
                    "items": [
                        _item_vals(key, amount, reference=True)
                        for key, amount in _group_items(by_carton[carton]).items()
                    ],
                }
                for carton in cartons.sorted(lambda c: int(sequence[c]))
            ],
            "pallets": [
                _pallet_vals(pallet, cartons, sequence, weights, weight_unit, dimensions, length_unit)
                for pallet in pallets.sorted(lambda p: (p.name, p.id))
            ],
        }
        if self.amazon_vendor_arn:
            vals["amazonReferenceNumber"] = self.amazon_vendor_arn
        return {key: value for key, value in vals.items() if value not in (None, [], {})}

    def _amazon_vendor_shipment_structure(self, shipped):
        contents = defaultdict(set)
        for line in shipped:
            contents[line.result_package_id].add((line.move_id.sale_line_id.id, line.lot_id.id))
        single_item = all(len(items) <= 1 for items in contents.values())
        if self._amazon_vendor_pallets():
            return "PalletizedStandardCase" if single_item else "PalletizedAssortmentCase"
        return "LooseStandardCase" if single_item else "LooseAssortmentCase"

    def _amazon_vendor_prepare_transport_vals(self):
        vals = {
            "carrierScac": self.amazon_vendor_carrier_scac,
            "carrierShipmentReferenceNumber": self.amazon_vendor_pro_number,
            "transportationMode": self.amazon_vendor_transport_mode or "Road",
            "billOfLadingNumber": self._amazon_vendor_bill_of_lading(),
        }
        return {key: value for key, value in vals.items() if value}

    def _amazon_vendor_prepare_ship_from_vals(self):
        warehouse = self.picking_type_id.warehouse_id
        partner = warehouse.partner_id or self.company_id.partner_id
        address = {
            "name": partner.name,
            "addressLine1": partner.street,
            "addressLine2": partner.street2,
            "city": partner.city,
            "stateOrRegion": partner.state_id.code,
            "postalCode": partner.zip,
            "countryCode": partner.country_id.code,
        }
        vals = {"partyId": warehouse.amazon_vendor_ship_from_id or warehouse.code}
        if all(address[key] for key in ("name", "addressLine1", "city", "countryCode")):
            vals["address"] = {key: value for key, value in address.items() if value}
        return vals


# ---------------------------------------------------------------------- helpers


def _amount(value):
    """A quantity for a sentence: 10, not 10.0; 2.5 stays 2.5."""
    value = float_round(value, 3)
    return int(value) if value == int(value) else value


def _decimal(value):
    return f"{value:.2f}"


def _group_items(shipped):
    """{(PO, item sequence, identifiers, unit, unit size, lot, expiry): Amazon amount} of the
    shipped lines."""
    grouped = defaultdict(float)
    for line, (sale_line, amount) in shipped.items():
        if amount is None:
            continue
        lot = line.lot_id
        expiry = getattr(lot, "expiration_date", False)
        key = (
            sale_line.order_id.amazon_vendor_po_number,
            sale_line.amazon_vendor_item_sequence,
            sale_line.amazon_vendor_asin,
            sale_line.amazon_vendor_product_ref,
            sale_line.amazon_vendor_ordered_uom or "Eaches",
            sale_line.amazon_vendor_unit_size or 1,
            lot.name or None,
            to_amz(expiry) if expiry else None,
        )
        grouped[key] += amount
    return grouped


def _item_vals(key, amount, reference=False):
    po, seq, asin, vendor_ref, unit, size, lot, expiry = key
    quantity = {"amount": int(round(amount)), "unitOfMeasure": unit, "unitSize": size}
    details = {"purchaseOrderNumber": po}
    if lot:
        details["lotNumber"] = lot
    if expiry:
        details["expiry"] = {"expiryDate": expiry}
    if reference:
        return {"itemReference": seq, "shippedQuantity": quantity, "itemDetails": details}
    item = {"itemSequenceNumber": seq, "shippedQuantity": quantity, "itemDetails": details}
    if asin:
        item["amazonProductIdentifier"] = asin
    if vendor_ref:
        item["vendorProductIdentifier"] = vendor_ref
    return item


def _container_vals(package, weights, weight_unit, dimensions, length_unit):
    kind, number = package._amazon_vendor_container_code()
    vals = {"cartonIdentifiers": [{"containerIdentificationType": kind, "containerIdentificationNumber": number}]}
    if weights.get(package):
        vals["weight"] = {"unitOfMeasure": weight_unit, "value": _decimal(weights[package])}
    if dimensions.get(package):
        length, width, height = dimensions[package]
        vals["dimensions"] = {
            "length": _decimal(length),
            "width": _decimal(width),
            "height": _decimal(height),
            "unitOfMeasure": length_unit,
        }
    if package.amazon_vendor_tracking_ref and package.amazon_vendor_container_type == "carton":
        vals["trackingNumber"] = package.amazon_vendor_tracking_ref
    return vals


def _pallet_vals(pallet, cartons, sequence, weights, weight_unit, dimensions, length_unit):
    vals = _container_vals(pallet, weights, weight_unit, dimensions, length_unit)
    vals["palletIdentifiers"] = vals.pop("cartonIdentifiers")
    loaded = sorted((sequence[carton] for carton in pallet.amazon_vendor_carton_ids & cartons), key=int)
    vals["cartonReferenceDetails"] = {"cartonCount": len(loaded), "cartonReferenceNumbers": loaded}
    return vals


def _measurements(cartons, pallets, weights, weight_unit, dimensions, length_unit):
    outer = pallets | cartons.filtered(lambda carton: not carton.amazon_vendor_pallet_id)
    gross = sum(weights.get(package, 0.0) for package in outer)
    vals = {"cartonCount": len(cartons), "palletCount": len(pallets)}
    if gross:
        vals["grossShipmentWeight"] = {"unitOfMeasure": weight_unit, "value": _decimal(gross)}
    sides = [dimensions.get(package) for package in outer]
    if sides and all(sides):
        cube = sum(length * width * height for length, width, height in sides)
        if length_unit == "In":
            vals["shipmentVolume"] = {"unitOfMeasure": "CuFt", "value": _decimal(cube / 1728)}
        else:
            vals["shipmentVolume"] = {"unitOfMeasure": "CuM", "value": _decimal(cube)}
    return vals
