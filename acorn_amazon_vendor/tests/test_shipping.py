"""Packing, SSCCs and the shipment notice (ASN) of Amazon deliveries, against the simulator."""

from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .shipping_common import GS1_PREFIX, AmazonVendorShippingCommon


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
