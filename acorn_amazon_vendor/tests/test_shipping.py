"""Packing, SSCCs and the shipment notice (ASN) of Amazon deliveries, against the simulator."""

import json
import threading
from datetime import timedelta

from freezegun import freeze_time

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from ..models.res_company import next_ssccs
from .shipping_common import COFFEE, GS1_PREFIX, TEA, AmazonVendorShippingCommon


@tagged("post_install", "-at_install")
class TestShipping(AmazonVendorShippingCommon):
    def send_queued_asns(self, picking):
        """The ASN cron, run when the delivery's ASN is due."""
        with freeze_time(picking.amazon_vendor_asn_send_at + timedelta(seconds=1)):
            self.env["stock.picking"]._cron_send_asns()

    def test_packed_and_validated_delivery_sends_an_asn_amazon_accepts(self):
        picking, cartons = self.packed_delivery()
        pallet = cartons.amazon_vendor_pallet_id
        self.assertEqual(len(pallet), 1)
        for package in cartons | pallet:
            self.assertEqual(len(package.amazon_vendor_sscc), 18)
            self.assertEqual(package.name, package.amazon_vendor_sscc, "named by its SSCC")
            self.assertTrue(package.valid_sscc, "Odoo itself recognises the SSCC")
            self.assertTrue(package.amazon_vendor_sscc.startswith("0" + GS1_PREFIX))

        self.validate(picking)

        self.assertRecordValues(
            picking,
            [{"amazon_vendor_asn_state": "to_send", "amazon_vendor_shipment_type": "LessThanTruckLoad"}],
        )
        self.assertTrue(picking.amazon_vendor_shipment_identifier)
        self.assertFalse(self.submissions(), "the warehouse has a few minutes to look at it")

        self.send_queued_asns(picking)
        self.assertEqual(picking.amazon_vendor_asn_state, "sent")
        [submission] = self.submissions()
        self.assertTrue(submission["valid"], submission["errors"])
        [asn] = submission["body"]["shipmentConfirmations"]
        self.assertEqual(asn["shipmentIdentifier"], picking.amazon_vendor_shipment_identifier)
        self.assertEqual(asn["sellingParty"], {"partyId": "ACME1"})
        self.assertEqual(asn["shipToParty"], {"partyId": "ABE8"})
        self.assertEqual(asn["shipmentStructure"], "PalletizedStandardCase")
        self.assertEqual(
            sorted(c["cartonIdentifiers"][0]["containerIdentificationNumber"] for c in asn["cartons"]),
            sorted(cartons.mapped("amazon_vendor_sscc")),
        )
        self.assertEqual(
            asn["pallets"][0]["palletIdentifiers"][0]["containerIdentificationNumber"], pallet.amazon_vendor_sscc
        )
        self.assertEqual(asn["pallets"][0]["cartonReferenceDetails"]["cartonCount"], 5)
        coffee = next(item for item in asn["shippedItems"] if item["itemSequenceNumber"] == "1")
        self.assertEqual(coffee["shippedQuantity"], {"amount": 4, "unitOfMeasure": "Cases", "unitSize": 6})
        self.assertEqual(asn["shipmentMeasurements"]["cartonCount"], 5)
        self.assertEqual(asn["shipmentMeasurements"]["palletCount"], 1)

        self.follow_transactions()
        self.assertEqual(picking.amazon_vendor_asn_state, "done")
        self.assertTrue(
            self.env["ir.attachment"].search([("res_model", "=", "stock.picking"), ("res_id", "=", picking.id)])
        )

    # ------------------------------------------------------------------ what stops an ASN

    def problems_after_validation(self, picking):
        self.validate(picking)
        self.assertEqual(picking.amazon_vendor_asn_state, "blocked")
        return picking.amazon_vendor_asn_problems

    def test_loose_goods_block_the_asn(self):
        picking, cartons = self.packed_delivery()
        carton = cartons.filtered(lambda c: c.quant_ids.product_id == self.tea or c.amazon_vendor_sscc)[-1:]
        picking.move_line_ids.filtered(lambda ml: ml.result_package_id == carton).result_package_id = False

        problems = self.problems_after_validation(picking)

        self.assertIn("Put every product in a carton", problems)
        self.assertIn("blocked", picking.amazon_vendor_asn_state)
        self.assertTrue(picking.message_ids.filtered(lambda m: "The ASN cannot be sent" in (m.body or "")))

    def test_truck_cartons_must_be_on_pallets_and_small_parcels_tracked(self):
        picking, cartons = self.packed_delivery(pallets=False)
        picking.amazon_vendor_shipment_type = "LessThanTruckLoad"
        self.assertIn("Every carton of a truck shipment is on a pallet", self.problems_after_validation(picking))

        picking.amazon_vendor_shipment_type = "SmallParcel"
        self.assertIn("tracking number of every small parcel carton", picking._amazon_vendor_asn_problems()[0])
        for index, carton in enumerate(cartons):
            carton.amazon_vendor_tracking_ref = f"1Z{index:016d}"
        self.assertFalse(picking._amazon_vendor_asn_problems())

    def test_north_american_trucks_need_scac_and_pro(self):
        picking, _cartons = self.packed_delivery()
        picking.write({"amazon_vendor_carrier_scac": False, "amazon_vendor_pro_number": False})

        problems = self.problems_after_validation(picking)

        self.assertIn("SCAC", problems)
        self.assertIn("PRO number", problems)
        self.account.region = "eu"
        self.assertFalse(picking._amazon_vendor_asn_problems(), "Europe asks for neither")

    def test_more_than_acknowledged_is_refused(self):
        picking, _cartons = self.packed_delivery()
        tea = picking.move_ids.filtered(lambda m: m.product_id == self.tea).sale_line_id
        tea.amazon_vendor_ack_accepted = 8
        tea.amazon_vendor_ack_rejected = 2

        self.assertIn("10 shipped in all but only 8 were acknowledged", self.problems_after_validation(picking))

    def test_amazon_cancelled_or_moved_po_is_caught_before_sending(self):
        picking, _cartons = self.packed_delivery()
        self.validate(picking)
        changed = self.prepaid_po(
            "2SHP0001", [{"ref": COFFEE, "amount": 4, "unit": "Cases", "size": 6}, {"ref": TEA, "amount": 0}], fc="PHX6"
        )
        self.load_pos(changed)

        picking.action_amazon_vendor_submit_asn()

        self.assertEqual(picking.amazon_vendor_asn_state, "blocked")
        self.assertIn("Amazon moved PO 2SHP0001 to fulfilment centre PHX6", picking.amazon_vendor_asn_problems)
        self.assertIn("Amazon cancelled item 2 of PO 2SHP0001", picking.amazon_vendor_asn_problems)
        self.assertFalse(self.submissions())

    def test_a_shipping_date_in_the_future_is_refused(self):
        picking, _cartons = self.packed_delivery()
        self.validate(picking)
        picking.date_done = fields.Datetime.now() + timedelta(days=1)

        self.assertIn("is in the future", "\n".join(picking._amazon_vendor_asn_problems()))

    def test_one_vendor_code_and_one_fc_per_asn(self):
        picking = self.acknowledged_delivery("2SHP0002")
        other = self.acknowledged_delivery("2SHP0003", fc="PHX6")
        problems = picking._amazon_vendor_party_problems(
            picking._amazon_vendor_orders() | other._amazon_vendor_orders()
        )
        self.assertIn("One ASN covers one fulfilment centre; this delivery goes to ABE8, PHX6.", problems)

    def test_no_gs1_prefix_no_validation_unless_amazon_codes(self):
        picking, cartons = self.packed_delivery(pallets=False)
        cartons.write({"amazon_vendor_sscc": False})
        picking.amazon_vendor_shipment_type = "SmallParcel"
        cartons.write({"amazon_vendor_tracking_ref": "1Z0001"})
        self.company.amazon_vendor_gs1_prefix = False

        with self.assertRaisesRegex(UserError, "has no GS1 company prefix"):
            picking.button_validate()

        for index, carton in enumerate(cartons):
            carton.amazon_vendor_amzncc = f"AMZNCC{index:010d}"
        self.validate(picking)
        self.send_queued_asns(picking)
        [asn] = self.submissions()[0]["body"]["shipmentConfirmations"]
        self.assertEqual({c["cartonIdentifiers"][0]["containerIdentificationType"] for c in asn["cartons"]}, {"AMZNCC"})

    # ------------------------------------------------------------------ approval and sending

    def test_a_stock_manager_approves_what_will_be_sent(self):
        self.account.asn_approval = "manager"
        clerk = new_test_user(self.env, login="warehouse_clerk", groups="stock.group_stock_user")
        boss = new_test_user(self.env, login="warehouse_boss", groups="stock.group_stock_manager")
        picking, _cartons = self.packed_delivery()
        self.validate(picking)
        self.assertEqual(picking.amazon_vendor_asn_state, "to_approve")
        self.assertTrue(picking.activity_ids)

        with self.assertRaises(AccessError):
            picking.with_user(clerk).action_amazon_vendor_submit_asn()
        action = picking.with_user(boss).with_context(amazon_vendor_preview=True).action_amazon_vendor_submit_asn()
        wizard = self.env[action["res_model"]].browse(action["res_id"]).with_user(boss)
        self.assertTrue(wizard.can_send)
        self.assertIn(picking.amazon_vendor_shipment_identifier, wizard.preview)
        self.assertFalse(self.submissions(), "the preview sends nothing")

        wizard.action_send()

        self.assertRecordValues(
            picking, [{"amazon_vendor_asn_state": "sent", "amazon_vendor_asn_approved_by": boss.id}]
        )
        self.assertEqual(len(self.submissions()), 1)

    def test_the_warehouse_can_hold_an_automatic_asn(self):
        picking, _cartons = self.packed_delivery()
        self.validate(picking)

        picking.action_amazon_vendor_hold_asn()
        self.env["stock.picking"]._cron_send_asns()

        self.assertEqual(picking.amazon_vendor_asn_state, "to_approve")
        self.assertFalse(self.submissions())

    def test_a_late_asn_is_flagged(self):
        picking, _cartons = self.packed_delivery()
        self.validate(picking)
        with freeze_time(picking.date_done + timedelta(minutes=45)):
            self.env["stock.picking"]._cron_send_asns()
        self.assertTrue(picking.amazon_vendor_asn_late)

    def test_partial_delivery_and_its_backorder_each_get_their_asn(self):
        picking = self.acknowledged_delivery("2SHP0004")
        self.pack(picking, self.coffee, 6)
        self.pack(picking, self.coffee, 6)
        picking.move_line_ids.filtered(lambda ml: not ml.result_package_id).unlink()
        picking.amazon_vendor_shipment_type = "SmallParcel"
        picking._amazon_vendor_cartons().amazon_vendor_tracking_ref = "1ZPARTIAL"
        picking.move_ids.picked = True
        action = picking.button_validate()
        self.env["stock.backorder.confirmation"].with_context(**action["context"]).process()
        backorder = picking.backorder_ids
        self.assertTrue(backorder)

        self.send_queued_asns(picking)
        [first] = self.submissions()[0]["body"]["shipmentConfirmations"]
        self.assertEqual([i["shippedQuantity"]["amount"] for i in first["shippedItems"]], [2])

        backorder.action_assign()
        for _case in range(2):
            self.pack(backorder, self.coffee, 6)
        self.pack(backorder, self.tea, 10)
        backorder.amazon_vendor_shipment_type = "SmallParcel"
        backorder._amazon_vendor_cartons().amazon_vendor_tracking_ref = "1ZBACKORDER"
        self.validate(backorder)
        self.send_queued_asns(backorder)
        second = self.submissions()[1]["body"]["shipmentConfirmations"][0]
        self.assertNotEqual(first["shipmentIdentifier"], second["shipmentIdentifier"])
        self.assertEqual(sorted(i["shippedQuantity"]["amount"] for i in second["shippedItems"]), [2, 10])
        self.assertTrue(all(s["valid"] for s in self.submissions()))

    def test_lots_are_announced(self):
        self.tea.tracking = "lot"
        lot = self.env["stock.lot"].create({"name": "TEA-LOT-42", "product_id": self.tea.id})
        self.env["stock.quant"]._update_available_quantity(self.tea, self.warehouse.lot_stock_id, 50, lot_id=lot)
        picking, _cartons = self.packed_delivery()
        picking.move_line_ids.filtered(lambda ml: ml.product_id == self.tea).lot_id = lot
        self.validate(picking)
        self.send_queued_asns(picking)

        [asn] = self.submissions()[0]["body"]["shipmentConfirmations"]
        tea = next(item for item in asn["shippedItems"] if item["itemSequenceNumber"] == "2")
        self.assertEqual(tea["itemDetails"]["lotNumber"], "TEA-LOT-42")
        self.assertTrue(self.submissions()[0]["valid"])

    def test_replacement_may_only_lower_quantities(self):
        picking, _cartons = self.packed_delivery()
        self.validate(picking)
        self.send_queued_asns(picking)
        self.follow_transactions()
        self.assertEqual(picking.amazon_vendor_asn_state, "done")
        tea_line = picking.move_line_ids.filtered(lambda ml: ml.product_id == self.tea)

        picking.action_toggle_is_locked()
        tea_line.quantity = 12
        picking.action_amazon_vendor_replace_asn()
        self.assertEqual(picking.amazon_vendor_asn_state, "blocked")
        self.assertIn("may only reduce quantities (12 instead of 10)", picking.amazon_vendor_asn_problems)

        tea_line.quantity = 8
        picking.action_amazon_vendor_replace_asn()
        self.assertEqual(picking.amazon_vendor_asn_state, "sent")
        replacement = self.submissions()[-1]["body"]["shipmentConfirmations"][0]
        self.assertEqual(replacement["shipmentConfirmationType"], "Replace")
        self.assertEqual(replacement["shipmentIdentifier"], picking.amazon_vendor_shipment_identifier)
        self.assertTrue(self.submissions()[-1]["valid"], self.submissions()[-1]["errors"])

    def test_an_asn_whose_answer_is_lost_is_not_sent_twice(self):
        picking, _cartons = self.packed_delivery()
        self.validate(picking)
        self.sim_post(
            "/_simulator/config",
            {"faults": [{"operation": "SubmitShipmentConfirmations", "status": 500, "processed": True}]},
        )
        self.send_queued_asns(picking)
        transaction = self.env["amazon.vendor.transaction"].search(
            [("res_model", "=", "stock.picking"), ("res_id", "=", picking.id)]
        )
        self.assertEqual(transaction.state, "unknown")

        self.follow_transactions()

        self.assertEqual(transaction.state, "done")
        self.assertEqual(picking.amazon_vendor_asn_state, "done")
        self.assertEqual(len(self.submissions()), 1)

    def test_body_is_valid_against_amazons_model(self):
        picking, _cartons = self.packed_delivery()
        self.validate(picking)
        vals = picking._amazon_vendor_prepare_asn_vals()
        self.assertEqual(picking._amazon_vendor_prepare_asn_vals()["shipmentIdentifier"], vals["shipmentIdentifier"])
        self.assertTrue(vals["transportationDetails"]["billOfLadingNumber"].startswith("ACME1"))
        self.assertGreaterEqual(len(vals["transportationDetails"]["billOfLadingNumber"]), 8)
        self.assertEqual(vals["shipmentMeasurements"]["grossShipmentWeight"]["unitOfMeasure"], "Lb")
        self.assertEqual(vals["pallets"][0]["dimensions"]["unitOfMeasure"], "In")
        self.assertEqual(vals["pallets"][0]["dimensions"]["length"], "47.24")
        # The estimated delivery is noon, in the warehouse's time zone, of a day after shipping.
        self.assertTrue(vals["estimatedDeliveryDate"].endswith("Z"))
        json.dumps(vals)

    def test_concurrent_validations_never_share_an_sscc(self):
        """Warehouses validating at once draw SSCC serials from one PostgreSQL sequence: never the same.

        The sequence is committed by a cursor of its own (and removed afterwards) so that truly
        concurrent transactions share it.
        """
        registry = self.env.registry

        def with_env(function):
            with registry.cursor() as cr:
                # The test runner holds the registry lock: give the cursor its transaction directly.
                cr.transaction = api.Transaction(registry)
                return function(api.Environment(cr, SUPERUSER_ID, {}))

        sequence_id = with_env(
            lambda env: env["ir.sequence"].create({"name": "SSCC test", "implementation": "standard", "padding": 0}).id
        )
        drawn = []
        try:

            def draw():
                numbers = with_env(lambda env: next_ssccs(env["ir.sequence"].browse(sequence_id), "0", GS1_PREFIX, 40))
                drawn.extend(numbers)

            threads = [threading.Thread(target=draw) for _worker in range(3)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            with_env(lambda env: env["ir.sequence"].browse(sequence_id).unlink())
        self.assertEqual(len(drawn), 120)
        self.assertEqual(len(set(drawn)), 120, "no SSCC twice")
        self.assertTrue(all(sscc.startswith("0" + GS1_PREFIX) and len(sscc) == 18 for sscc in drawn))

    def test_labels_can_print_at_validation(self):
        self.account.write({"asn_label_print": True, "asn_label_format": "zpl"})
        picking, cartons = self.packed_delivery()
        picking.move_ids.picked = True

        action = picking.button_validate()

        self.assertEqual(picking.state, "done")
        self.assertEqual(action["report_name"], "acorn_amazon_vendor.report_amazon_label_zpl")
        labelled = cartons | cartons.amazon_vendor_pallet_id
        self.assertEqual(sorted(action["context"]["active_ids"]), sorted(labelled.ids))
