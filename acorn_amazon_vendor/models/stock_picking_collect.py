"""Amazon-arranged freight (Collect): transport requests, Amazon's reference and carrier labels.

For a Collect PO Amazon's carrier picks the goods up. The vendor asks for transport from the
packed delivery (SubmitShipments ``New``); Amazon's answer comes asynchronously and only through
GetShipmentDetails (the Amazon Reference Number, ARN, and the scheduled pickup) and
GetShipmentLabels (the carrier labels). The ASN of the delivery must carry that ARN.
"""

import base64
import binascii
import json
import logging
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_datetime

from .. import spapi
from ..spapi.parsing import normalize_enum
from ..spapi.timeutil import parse_datetime, to_amz
from .concurrency import check_group, commit
from .notification import notification
from .stock_picking_asn import _container_vals, _group_items, _measurements

_logger = logging.getLogger(__name__)

TRANSPORT = "SubmitShipments"
TRANSPORT_STATES = [
    ("none", "Not Requested"),
    ("requested", "Requested"),
    ("confirmed", "Confirmed by Amazon"),
    ("cancelling", "Cancellation Requested"),
    ("cancelled", "Cancelled"),
    ("error", "Rejected by Amazon"),
]
# Amazon's currentShipmentStatus of a transport request.
AMAZON_STATUSES = [
    ("Created", "Created"),
    ("TransportationRequested", "Transportation Requested"),
    ("CarrierAssigned", "Carrier Assigned"),
    ("Shipped", "Shipped"),
]
# A transport under way at Amazon: it can be looked up, or cancelled.
ACTIVE_TRANSPORT = ("requested", "confirmed")
ASN_GONE = ("sent", "done")
REFRESH_CRON = "acorn_amazon_vendor.ir_cron_refresh_transports"
# What Amazon told about a transport, forgotten when it is cancelled or requested anew.
AMAZON_ANSWER = {
    "amazon_vendor_transport_status": False,
    "amazon_vendor_pickup_scheduled": False,
    "amazon_vendor_carrier_name": False,
    "amazon_vendor_arn": False,
}


class StockPicking(models.Model):
    _inherit = "stock.picking"

    amazon_vendor_is_collect = fields.Boolean(
        string="Amazon Collects",
        compute="_compute_amazon_vendor_is_collect",
        # Warehouse users may not read sale orders; whether Amazon collects is theirs to know.
        compute_sudo=True,
        help="Amazon arranges the freight of this delivery (Collect): its carrier picks the goods up.",
    )
    amazon_vendor_transport_state = fields.Selection(
        TRANSPORT_STATES,
        string="Amazon Transport",
        default="none",
        required=True,
        copy=False,
        readonly=True,
        tracking=True,
        help="Where the request for Amazon's carrier to collect this delivery stands.",
    )
    amazon_vendor_transport_status = fields.Selection(
        AMAZON_STATUSES, string="Status at Amazon", copy=False, readonly=True
    )
    amazon_vendor_pickup_requested = fields.Datetime(
        string="Pickup Requested For",
        copy=False,
        readonly=True,
        help="The pickup asked of Amazon: the scheduled date of the delivery when it was requested.",
    )
    amazon_vendor_pickup_scheduled = fields.Datetime(
        string="Pickup Scheduled",
        copy=False,
        readonly=True,
        help="When Amazon's carrier comes for the goods, as Amazon scheduled it.",
    )
    amazon_vendor_carrier_name = fields.Char(string="Amazon's Carrier", copy=False, readonly=True)
    amazon_vendor_pallets_stackable = fields.Boolean(
        string="Stackable Pallets",
        copy=False,
        help="Tell Amazon's carrier that the pallets of this delivery may be stacked.",
    )
    amazon_vendor_transport_checked_at = fields.Datetime(string="Last Asked Amazon", copy=False, readonly=True)

    @api.depends(
        "amazon_vendor_account_id",
        "move_ids.sale_line_id.order_id.amazon_vendor_ship_window_start",
        "move_ids.sale_line_id.order_id.amazon_vendor_delivery_window_start",
    )
    def _compute_amazon_vendor_is_collect(self):
        for picking in self:
            orders = picking._amazon_vendor_orders() if picking.amazon_vendor_account_id else []
            picking.amazon_vendor_is_collect = any(order._amazon_vendor_is_collect() for order in orders)

    # ------------------------------------------------------------------ actions

    def action_amazon_vendor_request_transport(self):
        """Ask Amazon to collect these packed deliveries (SubmitShipments ``New``), each exactly once.

        :return: a notification saying how it went
        :raise UserError: naming every delivery that is not Amazon Collect, not packed or already has
            a transport, or that someone else is sending right now
        """
        return self._amazon_vendor_freight_submit("request")

    def action_amazon_vendor_cancel_transport(self):
        """Tell Amazon its carrier need not come (SubmitShipments ``Cancel``).

        :raise UserError: when there is no transport to cancel, or the goods have left
        """
        return self._amazon_vendor_freight_submit("cancel")

    def action_amazon_vendor_refresh_transport(self):
        """Ask Amazon now for the ARN, the pickup and the carrier labels of these deliveries.

        :raise UserError: when Amazon cannot be asked
        """
        check_group(self.env, "stock.group_stock_user")
        self.check_access("write")
        for picking in self.filtered(lambda p: p.amazon_vendor_transport_state in ACTIVE_TRANSPORT):
            try:
                picking.sudo()._amazon_vendor_refresh_transport()
            except spapi.SpApiError as error:
                raise UserError(picking.amazon_vendor_account_id._amazon_vendor_explain_error(error)) from error
        if all(picking.amazon_vendor_transport_state == "confirmed" for picking in self):
            return notification(_("Transport confirmed"), _("Amazon's reference and pickup are on the delivery."))
        message = _("Amazon has not given its reference number yet; ACORN asks again regularly.")
        return notification(_("Transport not confirmed yet"), message, "warning")

    def _amazon_vendor_freight_submit(self, what):
        """Check every delivery, then send each one's request (``what``: request or cancel)."""
        check_group(self.env, "stock.group_stock_user")
        self.check_access("write")
        # Warehouse users may not read the sale orders the checks and bodies are made of.
        pickings = self.sudo()
        problems = [problem for picking in pickings for problem in picking._amazon_vendor_freight_problems(what)]
        if problems:
            raise UserError("\n".join(problems))
        transactions = self.env["amazon.vendor.transaction"]
        for picking in pickings:
            transactions |= picking._amazon_vendor_send_freight(what)
        failed = transactions.filtered(lambda t: t.state == "error")
        if failed:
            return notification(_("Amazon refused the request"), "\n".join(failed.mapped("error_message")), "danger")
        if transactions.filtered(lambda t: t.state in ("draft", "unknown")):
            message = _(
                "Amazon did not answer clearly; ACORN makes sure the request arrives once. The verdict appears "
                "on the delivery."
            )
            return notification(_("Request on its way"), message, "warning")
        message = _("Amazon is processing it; its verdict appears on the delivery.")
        return notification(_("Request sent to Amazon"), message)

    # ------------------------------------------------------------------ checks

    def _amazon_vendor_freight_problems(self, what):
        """Every reason the ``request`` or ``cancel`` of this delivery's transport cannot go, in plain words."""
        self.ensure_one()
        if what == "cancel":
            problems = self._amazon_vendor_freight_cancel_problems()
        else:
            problems = self._amazon_vendor_freight_request_problems()
        return [_("%(picking)s: %(problem)s", picking=self.name, problem=problem) for problem in problems]

    def _amazon_vendor_freight_request_problems(self):
        if not self.amazon_vendor_is_collect:
            return [
                _(
                    "Amazon does not collect this delivery; only purchase orders with a ship window and no delivery "
                    "window are collected by Amazon's carrier."
                )
            ]
        if self.state in ("draft", "cancel"):
            return [_("Only a confirmed delivery can be collected.")]
        if self.amazon_vendor_transport_state in (*ACTIVE_TRANSPORT, "cancelling"):
            return [_("Amazon already has a transport request for this delivery; cancel it before requesting another.")]
        if self.amazon_vendor_asn_state in ASN_GONE:
            return [_("The ASN has gone, so the transport can no longer be requested.")]
        if not self._amazon_vendor_cartons():
            return [_("Pack the goods first (Put in Pack): Amazon books its carrier from the cartons and pallets.")]
        shipped = self._amazon_vendor_shipped_lines()
        problems = self._amazon_vendor_party_problems(self._amazon_vendor_orders())
        problems += self._amazon_vendor_quantity_problems(shipped)
        loose = sorted({line.product_id.display_name for line in shipped if not line.result_package_id})
        if loose:
            problems.append(_("Put every product in a carton (Put in Pack): %(products)s.", products=", ".join(loose)))
        packages = self._amazon_vendor_cartons() | self._amazon_vendor_pallets()
        unlabelled = [package.name for package in packages if not package._amazon_vendor_container_code()[0]]
        if unlabelled:
            problems.append(
                _(
                    "These packages have no SSCC: %(packages)s. Set the GS1 company prefix in Settings > Amazon "
                    "Vendor, then pack them again.",
                    packages=", ".join(unlabelled),
                )
            )
        return problems

    def _amazon_vendor_freight_cancel_problems(self):
        if self.amazon_vendor_transport_state not in ACTIVE_TRANSPORT:
            return [_("There is no transport request to cancel.")]
        if self.amazon_vendor_asn_state in ASN_GONE:
            return [_("The ASN has gone with the goods, so the transport can no longer be cancelled.")]
        if self.env["amazon.vendor.transaction"]._amazon_vendor_pending(self, TRANSPORT):
            return [_("The transport request is still on its way to Amazon; cancel it once Amazon has answered.")]
        return []

    # ------------------------------------------------------------------ sending

    def _amazon_vendor_send_freight(self, what):
        """Lock, check again, build and submit the ``New`` or ``Cancel`` request: one sender at a time.

        :param what: ``request`` or ``cancel``
        :return: the ``amazon.vendor.transaction``
        :raise UserError: when the delivery may not be sent (any more), or someone else sends it
        """
        self.ensure_one()
        Transaction = self.env["amazon.vendor.transaction"]
        Transaction._amazon_vendor_lock_document(self)
        self.invalidate_recordset()
        problems = self._amazon_vendor_freight_problems(what)
        if problems:
            raise UserError("\n".join(problems))
        if what == "cancel":
            vals = self._amazon_vendor_prepare_freight_vals("Cancel")
            self.amazon_vendor_transport_state = "cancelling"
        else:
            # Amazon refuses a vendorShipmentIdentifier used in the last 365 days, cancelled or not.
            if (
                self.amazon_vendor_transport_state in ("cancelled", "error")
                or not self.amazon_vendor_shipment_identifier
            ):
                self.amazon_vendor_shipment_identifier = self._amazon_vendor_new_shipment_identifier()
            self.write(AMAZON_ANSWER)
            vals = self._amazon_vendor_prepare_freight_request_vals()
            pickup = _naive_utc(vals["collectFreightPickupDetails"]["requestedPickUp"])
            self.write({"amazon_vendor_transport_state": "requested", "amazon_vendor_pickup_requested": pickup})
        return Transaction._amazon_vendor_submit(self.amazon_vendor_account_id, self, TRANSPORT, {"shipments": [vals]})

    # ------------------------------------------------------------------ the bodies

    def _amazon_vendor_prepare_freight_vals(self, transaction_type):
        """The header of this delivery's ``Shipment`` (vendorShipments model): all a ``Cancel`` needs."""
        self.ensure_one()
        order = self._amazon_vendor_orders()[:1]
        vals = {
            "vendorShipmentIdentifier": self.amazon_vendor_shipment_identifier,
            "transactionType": transaction_type,
            "transactionDate": to_amz(fields.Datetime.now()),
            "shipmentFreightTerm": "Collect",
            "sellingParty": {"partyId": order.amazon_vendor_code},
            "shipFromParty": self._amazon_vendor_prepare_ship_from_vals(),
            "shipToParty": {"partyId": order.amazon_vendor_fc_code},
        }
        if self.amazon_vendor_arn:
            vals["buyerReferenceNumber"] = self.amazon_vendor_arn
        return vals

    def _amazon_vendor_prepare_freight_request_vals(self):
        """The ``Shipment`` asking Amazon to collect this packed delivery (vendorShipments model)."""
        self.ensure_one()
        region = self.amazon_vendor_account_id.region
        shipped = self._amazon_vendor_shipped_lines()
        cartons, pallets = self._amazon_vendor_cartons(), self._amazon_vendor_pallets()
        weight_unit, weights = (cartons | pallets)._amazon_vendor_weights(self, region)
        length_unit, dimensions = (cartons | pallets)._amazon_vendor_dimensions(region)
        units = (weights, weight_unit, dimensions, length_unit)
        # Cartons numbered as in the ASN; pallets after them.
        ordered = cartons.sorted(lambda c: (c.name, c.id)) + pallets.sorted(lambda p: (p.name, p.id))
        sequence = {package: str(index) for index, package in enumerate(ordered, 1)}
        by_carton = defaultdict(dict)
        for line, value in shipped.items():
            by_carton[line.result_package_id][line] = value
        # A carrier cannot come in the past: a late delivery asks for the earliest pickup.
        pickup = max(self.scheduled_date or fields.Datetime.now(), fields.Datetime.now())
        vals = self._amazon_vendor_prepare_freight_vals("New")
        vals.update(
            {
                "shipmentMeasurements": self._amazon_vendor_freight_measurements(cartons, pallets, units),
                "collectFreightPickupDetails": {"requestedPickUp": to_amz(pickup)},
                "purchaseOrders": _purchase_orders(shipped),
                "containers": [
                    _freight_carton_vals(carton, sequence, by_carton[carton], units) for carton in ordered & cartons
                ]
                + [_freight_pallet_vals(pallet, sequence, cartons, units) for pallet in ordered & pallets],
                "transportationDetails": {
                    "shipMode": self.amazon_vendor_shipment_type,
                    "transportationMode": self.amazon_vendor_transport_mode or "Road",
                },
            }
        )
        return {key: value for key, value in vals.items() if value not in (None, False, [], {})}

    def _amazon_vendor_freight_measurements(self, cartons, pallets, units):
        totals = _measurements(cartons, pallets, *units)
        if pallets:
            stackable = len(pallets) if self.amazon_vendor_pallets_stackable else 0
            vals = {"totalPalletStackable": stackable, "totalPalletNonStackable": len(pallets) - stackable}
        else:
            # Amazon's model: the carton count only for shipments without pallets (a pallet counts its own).
            vals = {"totalCartonCount": len(cartons)}
        if totals.get("grossShipmentWeight"):
            vals["shipmentWeight"] = totals["grossShipmentWeight"]
        if totals.get("shipmentVolume"):
            vals["shipmentVolume"] = totals["shipmentVolume"]
        return vals

    # ------------------------------------------------------------------ Amazon's answer

    def _amazon_vendor_transaction_done(self, transaction):
        super()._amazon_vendor_transaction_done(transaction)
        if transaction.operation != TRANSPORT:
            return
        if _transaction_type(transaction) == "Cancel":
            self.write(dict(AMAZON_ANSWER, amazon_vendor_transport_state="cancelled"))
            self.message_post(body=_("Amazon cancelled the transport: its carrier will not come for this delivery."))
            return
        # Amazon's ARN and pickup only show in GetShipmentDetails: look now rather than at the next run.
        cron = self.env.ref(REFRESH_CRON, raise_if_not_found=False)
        if cron:
            cron._trigger()

    def _amazon_vendor_transaction_failed(self, transaction):
        super()._amazon_vendor_transaction_failed(transaction)
        if transaction.operation != TRANSPORT:
            return
        if _transaction_type(transaction) == "Cancel":
            # The transport stands: Amazon's carrier still comes.
            self.amazon_vendor_transport_state = "confirmed" if self.amazon_vendor_arn else "requested"
        else:
            self.amazon_vendor_transport_state = "error"

    def _amazon_vendor_refresh_transport(self, client=None):
        """Read Amazon's view of this delivery's transport and its carrier labels.

        :param client: the account's client (the scheduled action shares one per account)
        :raise SpApiError: when Amazon cannot be asked
        """
        self.ensure_one()
        client = client or self.amazon_vendor_account_id._get_spapi_client(record=self)
        identifier = self.amazon_vendor_shipment_identifier
        found = client.get_shipment_details(vendor_shipment_identifier=identifier).get("shipments") or []
        shipment = next((s for s in found if s.get("vendorShipmentIdentifier") == identifier), None)
        self.amazon_vendor_transport_checked_at = fields.Datetime.now()
        if shipment:
            self._amazon_vendor_apply_transport_details(shipment)
        if self.amazon_vendor_transport_state == "confirmed":
            self._amazon_vendor_attach_labels(client.iter_shipment_labels(vendor_shipment_identifier=identifier))

    def _amazon_vendor_apply_transport_details(self, shipment):
        """Take Amazon's ARN, pickup, status and carrier from one GetShipmentDetails ``Shipment``."""
        pickup = (shipment.get("collectFreightPickupDetails") or {}).get("scheduledPickUp")
        status = normalize_enum(shipment.get("currentShipmentStatus"), dict(AMAZON_STATUSES))
        carrier = (shipment.get("transportationDetails") or {}).get("carrierDetails") or {}
        vals = {
            "amazon_vendor_transport_status": status if status in dict(AMAZON_STATUSES) else False,
            "amazon_vendor_pickup_scheduled": _naive_utc(pickup),
            "amazon_vendor_carrier_name": carrier.get("name") or carrier.get("code") or False,
        }
        if self.amazon_vendor_asn_state not in ASN_GONE:
            # The ASN names the carrier Amazon sent; what the warehouse typed stays.
            if carrier.get("code") and not self.amazon_vendor_carrier_scac:
                vals["amazon_vendor_carrier_scac"] = carrier["code"]
            if carrier.get("shipmentReferenceNumber") and not self.amazon_vendor_pro_number:
                vals["amazon_vendor_pro_number"] = carrier["shipmentReferenceNumber"]
        arn = shipment.get("buyerReferenceNumber")
        first = bool(arn) and self.amazon_vendor_transport_state != "confirmed"
        if arn:
            vals.update(amazon_vendor_arn=arn, amazon_vendor_transport_state="confirmed")
        self.write({key: value for key, value in vals.items() if self[key] != value})
        if first:
            self._amazon_vendor_transport_confirmed()

    def _amazon_vendor_transport_confirmed(self):
        if self.amazon_vendor_pickup_scheduled:
            body = _(
                "Amazon confirmed the transport: Amazon Reference Number %(arn)s, pickup scheduled for %(pickup)s.",
                arn=self.amazon_vendor_arn,
                pickup=format_datetime(self.env, self.amazon_vendor_pickup_scheduled),
            )
        else:
            body = _("Amazon confirmed the transport: Amazon Reference Number %(arn)s.", arn=self.amazon_vendor_arn)
        self.message_post(body=body)
        if self.state == "done" and self.amazon_vendor_asn_state == "blocked":
            # The missing ARN held the ASN of goods already gone: it may go now.
            self._amazon_vendor_after_validation()

    def _amazon_vendor_attach_labels(self, transport_labels):
        """Attach each carrier label PDF of ``transport_labels`` (GetShipmentLabels) to the delivery, once.

        :return: the new ``ir.attachment`` records
        """
        Attachment = self.env["ir.attachment"]
        existing = set(Attachment.search([("res_model", "=", self._name), ("res_id", "=", self.id)]).mapped("name"))
        new = Attachment
        for data in (data for label in transport_labels for data in label.get("labelData") or []):
            reference = data.get("trackingId") or data.get("labelSequenceNumber") or 1
            name = f"Amazon carrier label {self.amazon_vendor_shipment_identifier} {reference}.pdf"
            raw = _label_pdf(data)
            if name not in existing and raw:
                existing.add(name)
                vals = {"name": name, "res_model": self._name, "res_id": self.id, "mimetype": "application/pdf"}
                new |= Attachment.create(dict(vals, raw=raw))
        if new:
            body = _("Amazon's carrier labels are attached: print them for the goods Amazon collects.")
            self.message_post(body=body, attachment_ids=new.ids)
        return new

    # ------------------------------------------------------------------ the scheduled action

    @api.model
    def _cron_refresh_transports(self):
        """Ask Amazon for the ARN, pickup and labels of every transport under way, each delivery in
        its own transaction. Once the goods left, only a missing ARN (the ASN waits for it) is asked."""
        pickings = self.search(
            [
                ("amazon_vendor_transport_state", "in", ACTIVE_TRANSPORT),
                ("state", "!=", "cancel"),
                "|",
                ("amazon_vendor_transport_state", "=", "requested"),
                ("state", "!=", "done"),
            ],
            order="id",
        )
        done = 0
        for account, account_pickings in pickings.grouped("amazon_vendor_account_id").items():
            try:
                client = account._get_spapi_client()
            except UserError as error:
                _logger.warning("Amazon transports of account %s not refreshed: %s", account.id, error)
                account_pickings = self.browse()
            for picking in account_pickings:
                picking._amazon_vendor_refresh_isolated(client)
                done += 1
                self.env["ir.cron"]._notify_progress(done=done, remaining=len(pickings) - done)
        _logger.info("Asked Amazon about %s of %s transport requests", done, len(pickings))

    def _amazon_vendor_refresh_isolated(self, client):
        """Refresh one delivery; a failure is logged and tried again at the next run, never stops the others."""
        if hasattr(client.exchange_hook, "target"):
            client.exchange_hook.target = self
        try:
            with self.env.cr.savepoint():
                self._amazon_vendor_refresh_transport(client)
        except spapi.SpApiError as error:
            _logger.info("Amazon transport of %s not refreshed, tried again later: %s", self.name, error)
        except Exception:  # noqa: BLE001 - one delivery must not stop the others
            _logger.exception("Amazon transport of %s could not be refreshed", self.name)
        commit(self.env, "one delivery's transport details are final")


# ---------------------------------------------------------------------- helpers


def _transaction_type(transaction):
    shipments = json.loads(transaction.payload or "{}").get("shipments") or [{}]
    return shipments[0].get("transactionType")


def _naive_utc(value):
    try:
        return parse_datetime(value).replace(tzinfo=None) if value else False
    except ValueError:
        return False


def _label_pdf(data):
    if (data.get("labelFormat") or "PDF") != "PDF" or not data.get("label"):
        return None
    try:
        return base64.b64decode(data["label"], validate=True)
    except (binascii.Error, ValueError):
        _logger.warning("Amazon sent an unreadable carrier label (tracking %s)", data.get("trackingId"))
        return None


def _freight_item_vals(seq, asin, vendor_ref, key, unit, size, amount):
    """A ``PurchaseOrderItems`` (key ``shippedQuantity``) or ``PackedItems`` (``packedQuantity``)."""
    vals = {"itemSequenceNumber": seq, key: {"amount": int(round(amount)), "unitOfMeasure": unit, "unitSize": size}}
    if asin:
        vals["buyerProductIdentifier"] = asin
    if vendor_ref:
        vals["vendorProductIdentifier"] = vendor_ref
    return vals


def _purchase_orders(shipped):
    """``purchaseOrders`` of a transport request: per PO, the items shipped (lots added up)."""
    by_po = defaultdict(lambda: defaultdict(float))
    for (po, seq, asin, vendor_ref, unit, size, _lot, _expiry), amount in _group_items(shipped).items():
        by_po[po][(seq, asin, vendor_ref, unit, size)] += amount
    return [
        {
            "purchaseOrderNumber": po,
            # Natural order of Amazon's item sequence numbers ("2" before "10").
            "items": [
                _freight_item_vals(seq, asin, vendor_ref, "shippedQuantity", unit, size, amount)
                for (seq, asin, vendor_ref, unit, size), amount in sorted(
                    items.items(), key=lambda entry: (len(entry[0][0]), entry[0][0])
                )
            ],
        }
        for po, items in sorted(by_po.items())
    ]


def _container(package, kind, sequence, units):
    vals = _container_vals(package, *units)
    head = {"containerType": kind, "containerSequenceNumber": sequence[package]}
    return head | {"containerIdentifiers": vals.pop("cartonIdentifiers")} | vals


def _freight_carton_vals(carton, sequence, contents, units):
    """One carton ``Containers`` entry; ``contents`` are its shipped lines ({move line: (sale line, amount)})."""
    vals = _container(carton, "carton", sequence, units)
    vals["packedItems"] = []
    for (po, seq, asin, vendor_ref, unit, size, lot, expiry), amount in _group_items(contents).items():
        details = {"purchaseOrderNumber": po}
        if lot:
            details["lotNumber"] = lot
        if expiry:
            details["expiry"] = {"expiryDate": expiry}
        item = _freight_item_vals(seq, asin, vendor_ref, "packedQuantity", unit, size, amount)
        vals["packedItems"].append(dict(item, itemDetails=details))
    return vals


def _freight_pallet_vals(pallet, sequence, cartons, units):
    vals = _container(pallet, "pallet", sequence, units)
    loaded = sorted((sequence[carton] for carton in pallet.amazon_vendor_carton_ids & cartons), key=int)
    vals["innerContainersDetails"] = {
        "containerCount": len(loaded),
        "containerSequenceNumbers": [{"containerSequenceNumber": number} for number in loaded],
    }
    return vals
