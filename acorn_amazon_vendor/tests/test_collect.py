"""Amazon-arranged freight (Collect): the transport request of a packed delivery, Amazon's
reference number (ARN), pickup and carrier labels, and the ASN that carries the ARN, against the
simulator."""

from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from ..spapi.timeutil import to_amz
from .shipping_common import COFFEE, TEA, AmazonVendorShippingCommon, make_po


@tagged("post_install", "-at_install")
class TestCollect(AmazonVendorShippingCommon):
    # ------------------------------------------------------------------ helpers

    def collect_delivery(self, number="2COL0001", pallets=True):
        """A Collect PO (ship window, no delivery window), acknowledged; its delivery packed in
        5 cartons, on a pallet unless told otherwise. :return: (picking, cartons)"""
        items = [{"ref": COFFEE, "amount": 4, "unit": "Cases", "size": 6}, {"ref": TEA, "amount": 10}]
        self.load_pos(make_po(number, items))
        self.account.action_import_purchase_orders()
        order = self.order(number)
        order.action_amazon_vendor_acknowledge()
        self.follow_transactions()
        picking = order.picking_ids
        picking.action_assign()
        cartons = self.env["stock.quant.package"]
        for _case in range(4):
            cartons |= self.pack(picking, self.coffee, 6)
        cartons |= self.pack(picking, self.tea, 10)
        if pallets:
            self.palletise(picking, cartons)
        return picking, cartons

    def transport_requests(self):
        return self.submissions("SubmitShipments")

    def amazon_shipments(self, picking):
        """What Amazon holds under the delivery's shipment identifier (GetShipmentDetails)."""
        client = self.account._get_spapi_client()
        found = client.get_shipment_details(vendor_shipment_identifier=picking.amazon_vendor_shipment_identifier)
        return found.get("shipments") or []

    def labels(self, picking):
        return self.env["ir.attachment"].search(
            [("res_model", "=", "stock.picking"), ("res_id", "=", picking.id), ("mimetype", "=", "application/pdf")]
        )

    def send_queued_asns(self, picking):
        with freeze_time(picking.amazon_vendor_asn_send_at + timedelta(seconds=1)):
            self.env["stock.picking"]._cron_send_asns()

    def confirmed_transport(self, picking):
        picking.action_amazon_vendor_request_transport()
        self.follow_transactions()
        picking.action_amazon_vendor_refresh_transport()
        self.assertEqual(picking.amazon_vendor_transport_state, "confirmed")
        return picking

    # ------------------------------------------------------------------ the request

    def test_packed_collect_delivery_gets_amazons_transport_and_its_asn_carries_the_arn(self):
        picking, cartons = self.collect_delivery()
        pallet = cartons.amazon_vendor_pallet_id
        self.assertRecordValues(picking, [{"amazon_vendor_is_collect": True, "amazon_vendor_transport_state": "none"}])

        picking.action_amazon_vendor_request_transport()

        self.assertEqual(picking.amazon_vendor_transport_state, "requested")
        self.assertTrue(picking.amazon_vendor_shipment_identifier)
        [submission] = self.transport_requests()
        self.assertTrue(submission["valid"], submission["errors"])
        [request] = submission["body"]["shipments"]
        self.assertEqual(request["vendorShipmentIdentifier"], picking.amazon_vendor_shipment_identifier)
        self.assertEqual(request["transactionType"], "New")
        self.assertEqual(request["shipmentFreightTerm"], "Collect")
        self.assertEqual(request["sellingParty"], {"partyId": "ACME1"})
        self.assertEqual(request["shipToParty"], {"partyId": "ABE8"})
        self.assertEqual(request["collectFreightPickupDetails"], {"requestedPickUp": to_amz(picking.scheduled_date)})
        self.assertEqual(picking.amazon_vendor_pickup_requested, picking.scheduled_date)
        measurements = request["shipmentMeasurements"]
        self.assertEqual(measurements["totalPalletNonStackable"], 1)
        self.assertEqual(measurements["totalPalletStackable"], 0)
        self.assertNotIn("totalCartonCount", measurements, "Amazon's model: cartons are counted on their pallet")
        self.assertEqual(measurements["shipmentWeight"]["unitOfMeasure"], "Lb")
        self.assertEqual(request["transportationDetails"]["shipMode"], "LessThanTruckLoad")
        [order] = request["purchaseOrders"]
        self.assertEqual(order["purchaseOrderNumber"], "2COL0001")
        self.assertEqual(
            [(item["itemSequenceNumber"], item["shippedQuantity"]) for item in order["items"]],
            [
                ("1", {"amount": 4, "unitOfMeasure": "Cases", "unitSize": 6}),
                ("2", {"amount": 10, "unitOfMeasure": "Eaches", "unitSize": 1}),
            ],
        )
        containers = {c["containerIdentifiers"][0]["containerIdentificationNumber"]: c for c in request["containers"]}
        self.assertEqual(set(containers), set((cartons | pallet).mapped("amazon_vendor_sscc")))
        on_pallet = containers[pallet.amazon_vendor_sscc]
        self.assertEqual(on_pallet["containerType"], "pallet")
        self.assertEqual(on_pallet["innerContainersDetails"]["containerCount"], 5)
        tea_package = picking.move_line_ids.filtered(lambda ml: ml.product_id == self.tea).result_package_id
        tea_carton = containers[tea_package.amazon_vendor_sscc]
        self.assertEqual(tea_carton["packedItems"][0]["itemDetails"], {"purchaseOrderNumber": "2COL0001"})
        self.assertEqual(len(self.amazon_shipments(picking)), 1, "Amazon holds the request")

        self.follow_transactions()
        self.assertEqual(picking.amazon_vendor_transport_state, "requested", "the ARN comes with the details")

        picking.action_amazon_vendor_refresh_transport()

        [held] = self.amazon_shipments(picking)
        arn = held["buyerReferenceNumber"]
        self.assertRecordValues(
            picking,
            [
                {
                    "amazon_vendor_transport_state": "confirmed",
                    "amazon_vendor_arn": arn,
                    "amazon_vendor_transport_status": "CarrierAssigned",
                    "amazon_vendor_pickup_scheduled": picking.scheduled_date,
                    "amazon_vendor_carrier_name": "Simulated Amazon Freight Partner",
                    "amazon_vendor_carrier_scac": "SAFP",
                }
            ],
        )
        [label] = self.labels(picking)
        self.assertTrue(label.raw.startswith(b"%PDF"))
        self.assertIn(picking.amazon_vendor_shipment_identifier, label.name)
        picking.action_amazon_vendor_refresh_transport()
        self.assertEqual(self.labels(picking), label, "each label is attached once")

        self.validate(picking)
        self.assertEqual(picking.amazon_vendor_asn_state, "to_send")
        self.send_queued_asns(picking)

        [asn_submission] = self.submissions()
        self.assertTrue(asn_submission["valid"], asn_submission["errors"])
        [asn] = asn_submission["body"]["shipmentConfirmations"]
        self.assertEqual(asn["amazonReferenceNumber"], arn)
        self.assertEqual(asn["shipmentIdentifier"], picking.amazon_vendor_shipment_identifier)
        self.follow_transactions()
        self.assertEqual(picking.amazon_vendor_asn_state, "done")

    def test_the_scheduled_refresh_brings_the_arn_that_releases_a_held_asn(self):
        picking, _cartons = self.collect_delivery("2COL0002")
        picking.action_amazon_vendor_request_transport()
        self.follow_transactions()
        self.validate(picking)
        self.assertEqual(picking.amazon_vendor_asn_state, "blocked")
        self.assertIn("request the transport first", picking.amazon_vendor_asn_problems)

        self.env["stock.picking"]._cron_refresh_transports()

        self.assertEqual(picking.amazon_vendor_transport_state, "confirmed")
        self.assertTrue(picking.amazon_vendor_arn)
        self.assertEqual(picking.amazon_vendor_asn_state, "to_send", "the ARN was all the ASN lacked")
        self.assertEqual(len(self.labels(picking)), 1)

    def test_small_parcels_are_counted_in_cartons_and_pallets_may_be_stackable(self):
        picking, _cartons = self.collect_delivery("2COL0003", pallets=False)

        vals = picking._amazon_vendor_prepare_freight_request_vals()

        self.assertEqual(vals["shipmentMeasurements"]["totalCartonCount"], 5)
        self.assertEqual(vals["transportationDetails"]["shipMode"], "SmallParcel")
        self.assertEqual({c["containerType"] for c in vals["containers"]}, {"carton"})

        self.palletise(picking, picking._amazon_vendor_cartons())
        picking.amazon_vendor_pallets_stackable = True
        measurements = picking._amazon_vendor_prepare_freight_request_vals()["shipmentMeasurements"]
        self.assertEqual((measurements["totalPalletStackable"], measurements["totalPalletNonStackable"]), (1, 0))

    def test_a_warehouse_user_requests_the_transport(self):
        clerk = new_test_user(self.env, login="collect_clerk", groups="stock.group_stock_user")
        picking, _cartons = self.collect_delivery("2COL0004")

        picking.with_user(clerk).action_amazon_vendor_request_transport()

        self.assertEqual(picking.amazon_vendor_transport_state, "requested")
        self.assertEqual(len(self.transport_requests()), 1)

    # ------------------------------------------------------------------ refusals

    def test_a_delivery_amazon_does_not_collect_or_not_packed_is_refused(self):
        self.load_pos(make_po("2COL0006", [{"ref": TEA, "amount": 10}]))
        prepaid, _cartons = self.packed_delivery("2COL0005")
        self.assertFalse(prepaid.amazon_vendor_is_collect)
        with self.assertRaisesRegex(UserError, "Amazon does not collect this delivery"):
            prepaid.action_amazon_vendor_request_transport()

        order = self.order("2COL0006")
        order.action_amazon_vendor_acknowledge()
        self.follow_transactions()
        unpacked = order.picking_ids
        self.assertTrue(unpacked.amazon_vendor_is_collect)
        with self.assertRaisesRegex(UserError, "Pack the goods first"):
            unpacked.action_amazon_vendor_request_transport()

        self.pack(unpacked, self.tea, 4)
        with self.assertRaisesRegex(UserError, "Put every product in a carton"):
            unpacked.action_amazon_vendor_request_transport()

        self.assertFalse(self.transport_requests())
        self.assertEqual(unpacked.amazon_vendor_transport_state, "none")

    def test_a_transport_is_requested_once(self):
        picking, _cartons = self.collect_delivery("2COL0007")
        picking.action_amazon_vendor_request_transport()

        with self.assertRaisesRegex(UserError, "already has a transport request"):
            picking.action_amazon_vendor_request_transport()
        with self.assertRaisesRegex(UserError, "still on its way to Amazon"):
            picking.action_amazon_vendor_cancel_transport()
        self.assertEqual(len(self.transport_requests()), 1)

    # ------------------------------------------------------------------ cancel

    def test_cancel_then_request_again_under_a_new_identifier(self):
        picking, _cartons = self.collect_delivery("2COL0008")
        self.confirmed_transport(picking)
        first = picking.amazon_vendor_shipment_identifier

        picking.action_amazon_vendor_cancel_transport()

        self.assertEqual(picking.amazon_vendor_transport_state, "cancelling")
        cancel = self.transport_requests()[-1]
        self.assertTrue(cancel["valid"], cancel["errors"])
        self.assertEqual(cancel["body"]["shipments"][0]["transactionType"], "Cancel")
        self.assertEqual(cancel["body"]["shipments"][0]["vendorShipmentIdentifier"], first)
        self.follow_transactions()
        self.assertRecordValues(
            picking,
            [
                {
                    "amazon_vendor_transport_state": "cancelled",
                    "amazon_vendor_arn": False,
                    "amazon_vendor_carrier_name": False,
                }
            ],
        )
        self.assertFalse(self.amazon_shipments(picking))
        with self.assertRaisesRegex(UserError, "no transport request to cancel"):
            picking.action_amazon_vendor_cancel_transport()

        picking.action_amazon_vendor_request_transport()

        self.assertNotEqual(picking.amazon_vendor_shipment_identifier, first, "Amazon refuses a reused identifier")
        again = self.transport_requests()[-1]
        self.assertTrue(again["valid"], again["errors"])
        self.assertEqual(len(self.transport_requests()), 3)

    def test_amazon_refusing_the_cancellation_keeps_the_transport(self):
        picking, _cartons = self.collect_delivery("2COL0009")
        self.confirmed_transport(picking)
        self.sim_post("/_simulator/config", {"transaction_outcome": "failure"})

        picking.action_amazon_vendor_cancel_transport()
        self.follow_transactions()

        self.assertEqual(picking.amazon_vendor_transport_state, "confirmed")
        self.assertTrue(picking.amazon_vendor_arn)

    def test_amazon_rejecting_the_request_allows_another(self):
        picking, _cartons = self.collect_delivery("2COL0010")
        self.sim_post("/_simulator/config", {"transaction_outcome": "failure"})
        picking.action_amazon_vendor_request_transport()
        self.follow_transactions()
        self.assertEqual(picking.amazon_vendor_transport_state, "error")
        self.assertTrue(picking.activity_ids, "someone is asked to look at it")

        self.sim_post("/_simulator/config", {"transaction_outcome": "success"})
        picking.action_amazon_vendor_request_transport()
        self.follow_transactions()
        picking.action_amazon_vendor_refresh_transport()
        self.assertEqual(picking.amazon_vendor_transport_state, "confirmed")

    # ------------------------------------------------------------------ exactly once

    def test_a_transport_request_whose_answer_is_lost_is_not_sent_twice(self):
        picking, _cartons = self.collect_delivery("2COL0011")
        self.sim_post(
            "/_simulator/config", {"faults": [{"operation": "SubmitShipments", "status": 500, "processed": True}]}
        )

        picking.action_amazon_vendor_request_transport()

        transaction = self.env["amazon.vendor.transaction"].search(
            [("res_model", "=", "stock.picking"), ("res_id", "=", picking.id), ("operation", "=", "SubmitShipments")]
        )
        self.assertEqual(transaction.state, "unknown")
        self.assertEqual(picking.amazon_vendor_transport_state, "requested")

        transaction.next_check_at = fields.Datetime.now() - timedelta(seconds=1)
        self.env["amazon.vendor.transaction"]._cron_check_transactions()

        self.assertEqual(transaction.state, "done")
        self.assertEqual(len(self.transport_requests()), 1)
        picking.action_amazon_vendor_refresh_transport()
        self.assertEqual(picking.amazon_vendor_transport_state, "confirmed")
