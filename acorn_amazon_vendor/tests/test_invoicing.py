"""Invoices and credit notes to Amazon (submitInvoices), from Odoo's Send screen, against the simulator."""

import json
from datetime import timedelta

import psycopg2

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import REPO_ROOT
from .shipping_common import AmazonVendorShippingCommon

INVOICES_MODEL = (
    REPO_ROOT.parent / "shared" / "spapi-models" / "models" / "vendor-invoices-api-model" / "vendorInvoices.json"
)


@tagged("post_install", "-at_install")
class TestInvoicing(AmazonVendorShippingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.write(
            {"street": "1 Roastery Lane", "city": "Seattle", "zip": "98101", "country_id": cls.env.ref("base.us").id}
        )
        # Amazon's net costs carry no tax in these tests unless one says otherwise.
        (cls.coffee | cls.tea | cls.grinder).write({"taxes_id": [fields.Command.clear()]})

    # ------------------------------------------------------------------ helpers

    def shipped_order(self, number="2INV0001"):
        """A PO acknowledged, packed, shipped and its ASN accepted by Amazon: :return: the order."""
        picking, _cartons = self.packed_delivery(number)
        self.validate(picking)
        with self.with_frozen_asn_send(picking):
            self.env["stock.picking"]._cron_send_asns()
        self.follow_transactions()
        self.assertEqual(picking.amazon_vendor_asn_state, "done")
        return picking.sale_id

    def with_frozen_asn_send(self, picking):
        from freezegun import freeze_time

        return freeze_time(picking.amazon_vendor_asn_send_at + timedelta(seconds=1))

    def invoice(self, order, post=True):
        invoice = order._create_invoices()
        if post:
            invoice.action_post()
        return invoice

    def send_from_send_screen(self, invoice):
        wizard = (
            self.env["account.move.send.wizard"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({})
        )
        return wizard, wizard.action_send_and_print()

    def invoice_submissions(self):
        return self.sim_get("/_simulator/submissions", operation="submitInvoices")

    # ------------------------------------------------------------------ sending

    def test_an_accountant_sends_the_invoice_from_the_send_screen_and_amazon_accepts_it(self):
        order = self.shipped_order()
        invoice = self.invoice(order)
        self.assertEqual(invoice.amazon_vendor_account_id, self.account)
        self.assertEqual(invoice.amazon_vendor_invoice_state, "to_send")
        self.assertFalse(invoice.amazon_vendor_invoice_problems)

        wizard, _action = self.send_from_send_screen(invoice)

        self.assertEqual(wizard.sending_methods, ["amazon_vendor"], "by Amazon, nothing e-mailed")
        [submission] = self.invoice_submissions()
        self.assertTrue(submission["valid"], submission["errors"])
        [body] = submission["body"]["invoices"]
        self.assertEqual(body["invoiceType"], "Invoice")
        self.assertEqual(body["id"], invoice.name)
        self.assertEqual(body["remitToParty"]["partyId"], "ACME1")
        self.assertEqual(body["remitToParty"]["address"]["addressLine1"], "1 Roastery Lane")
        self.assertEqual(body["shipToParty"], {"partyId": "ABE8"})
        self.assertEqual(body["invoiceTotal"], {"currencyCode": "USD", "amount": "340.00"})
        coffee = next(item for item in body["items"] if item["vendorProductIdentifier"] == self.coffee.barcode)
        self.assertEqual(coffee["invoicedQuantity"], {"amount": 4, "unitOfMeasure": "Cases", "unitSize": 6})
        self.assertEqual(coffee["netCost"], {"currencyCode": "USD", "amount": "10.00"})
        self.assertEqual(coffee["purchaseOrderNumber"], "2INV0001")
        self.assertEqual(invoice.amazon_vendor_invoice_state, "processing")
        self.assertTrue(
            self.env["mail.mail"].search_count([("model", "=", "account.move"), ("res_id", "=", invoice.id)]) == 0
        )

        self.follow_transactions()

        self.assertEqual(invoice.amazon_vendor_invoice_state, "done")
        self.assertEqual(invoice.amazon_vendor_payment_status, "IN_PROGRESS")
        self.assertEqual(
            self.env["amazon.vendor.invoice.number"].search([("move_id", "=", invoice.id)]).name, invoice.name
        )

    def test_body_is_valid_against_amazons_model(self):
        if not INVOICES_MODEL.exists():
            self.skipTest(f"Amazon's models are not at {INVOICES_MODEL}")
        import jsonschema

        tax = self.env["account.tax"].create({"name": "VAT 20%", "amount": 20, "type_tax_use": "sale"})
        freight = self.env["product.product"].create(
            {"name": "Freight", "type": "service", "amazon_vendor_adjustment_type": "Freight", "taxes_id": [tax.id]}
        )
        order = self.shipped_order()
        invoice = self.invoice(order, post=False)
        invoice.invoice_line_ids.tax_ids = tax
        invoice.write({"invoice_line_ids": [fields.Command.create({"product_id": freight.id, "price_unit": 25})]})
        invoice.action_post()

        body = {"invoices": [invoice._amazon_vendor_prepare_invoice_vals()]}

        model = json.loads(INVOICES_MODEL.read_text())
        validator = jsonschema.Draft4Validator({"$ref": "#/definitions/SubmitInvoicesRequest", **model})
        self.assertEqual([error.message for error in validator.iter_errors(body)], [])
        [vals] = body["invoices"]
        self.assertEqual(vals["chargeDetails"][0]["type"], "Freight")
        self.assertEqual(vals["chargeDetails"][0]["chargeAmount"]["amount"], "25.00")
        self.assertEqual(vals["taxDetails"][0]["taxAmount"]["amount"], "73.00", "20 % of 340 + 25")
        self.assertEqual(vals["invoiceTotal"]["amount"], "438.00")
        self.assertFalse(invoice._amazon_vendor_invoice_problems()[0])

    def test_a_batch_goes_from_the_send_screen(self):
        first = self.invoice(self.shipped_order("2INV0001"))
        second = self.invoice(self.shipped_order("2INV0002"))
        wizard = (
            self.env["account.move.send.batch.wizard"]
            .with_context(active_model="account.move", active_ids=(first | second).ids)
            .create({})
        )
        self.assertIn("amazon_vendor", wizard.summary_data)

        wizard.action_send_and_print()
        self.env["account.move"]._cron_account_move_send()

        self.assertEqual(len(self.invoice_submissions()), 2)
        self.assertEqual(set((first | second).mapped("amazon_vendor_invoice_state")), {"processing"})

    def test_invoices_go_when_posted_where_the_account_wants_it(self):
        self.account.invoice_sending = "auto"
        invoice = self.invoice(self.shipped_order())
        self.assertEqual(invoice.amazon_vendor_invoice_state, "sending", "queued for the submission cron")

        self.follow_transactions()
        self.assertEqual(invoice.amazon_vendor_invoice_state, "processing")
        self.assertEqual(len(self.invoice_submissions()), 1)

    def test_an_invoice_amazon_would_refuse_is_not_sent_automatically_and_says_why(self):
        self.account.invoice_sending = "auto"
        order = self.shipped_order()
        invoice = self.invoice(order, post=False)
        invoice.invoice_line_ids[0].price_unit += 1
        invoice.action_post()

        self.assertEqual(invoice.amazon_vendor_invoice_state, "to_send")
        self.assertIn("acknowledged at 10.00", invoice.message_ids[0].body)
        self.assertTrue(invoice.activity_ids)
        self.assertFalse(self.invoice_submissions())

    # ------------------------------------------------------------------ Amazon's rules

    def problems(self, invoice):
        problems, _warnings = invoice._amazon_vendor_invoice_problems()
        return "\n".join(problems)

    def test_goods_must_be_shipped_in_an_asn_amazon_accepted(self):
        picking, _cartons = self.packed_delivery()
        self.validate(picking)
        invoice = self.invoice(picking.sale_id)

        self.assertIn("0 shipped in ASNs Amazon accepted", self.problems(invoice))
        with self.assertRaisesRegex(UserError, "ASNs Amazon accepted"):
            self.send_from_send_screen(invoice)
        self.assertFalse(self.invoice_submissions(), "nothing left")
        self.assertEqual(invoice.amazon_vendor_invoice_state, "to_send")

    def test_a_cost_other_than_acknowledged_blocks_or_warns(self):
        invoice = self.invoice(self.shipped_order(), post=False)
        coffee_line = invoice.invoice_line_ids.filtered(lambda line: line.product_id == self.coffee)
        coffee_line.price_unit = 10.5
        invoice.action_post()

        self.assertIn("invoiced at 10.50 but acknowledged at 10.00 USD", self.problems(invoice))

        self.account.invoice_cost_check = "warn"
        problems, warnings = invoice._amazon_vendor_invoice_problems()
        self.assertFalse(problems)
        self.assertIn("acknowledged at 10.00", warnings[0])

    def test_dates_zero_totals_and_foreign_lines_are_refused(self):
        order = self.shipped_order()
        invoice = self.invoice(order, post=False)
        stranger = self.env["product.product"].create({"name": "Gift wrap", "type": "service"})
        invoice.write(
            {
                "invoice_date": fields.Date.today() + timedelta(days=3),
                "invoice_line_ids": [fields.Command.create({"product_id": stranger.id, "price_unit": 5})],
            }
        )
        invoice.action_post()

        problems = self.problems(invoice)
        self.assertIn("dated in the future", problems)
        self.assertIn("“Gift wrap” is on no Amazon purchase order", problems)

        invoice.button_draft()
        invoice.invoice_line_ids.filtered(lambda line: line.product_id == stranger).unlink()
        invoice.write({"invoice_date": order.amazon_vendor_po_date.date() - timedelta(days=1)})
        invoice.invoice_line_ids.price_unit = 0
        invoice.action_post()
        problems = self.problems(invoice)
        self.assertIn("before PO 2INV0001 was placed", problems)
        self.assertIn("The total is zero", problems)

    def test_line_taxes_must_add_up_to_the_invoice_tax(self):
        self.company.tax_calculation_rounding_method = "round_globally"
        tax = self.env["account.tax"].create({"name": "Sales tax 7.25%", "amount": 7.25, "type_tax_use": "sale"})
        invoice = self.invoice(self.shipped_order(), post=False)
        invoice.invoice_line_ids.tax_ids = tax
        # 24 x 10.00 and 10 x 10.00 at 7.25 %: 17.40 and 7.25 whichever way. Two packing charges of
        # 0.06 have 0.00435 of tax each: 0.00 per line, but 0.01 once added up.
        tape = self.env["product.product"].create(
            {"name": "Tape", "type": "service", "amazon_vendor_adjustment_type": "Packing"}
        )
        invoice.write(
            {
                "invoice_line_ids": [
                    fields.Command.create({"product_id": tape.id, "price_unit": 0.06, "tax_ids": tax.ids})
                    for _charge in range(2)
                ]
            }
        )
        invoice.action_post()

        self.assertIn("on the lines adds up to 24.65 but the invoice's tax is 24.66", self.problems(invoice))

    def test_an_invoice_number_goes_to_amazon_once_ever(self):
        first = self.invoice(self.shipped_order("2INV0001"))
        self.send_from_send_screen(first)
        second = self.invoice(self.shipped_order("2INV0002"))
        # A number Amazon had already from an earlier system (Odoo's sequence restarted).
        self.env["amazon.vendor.invoice.number"].create(
            {"name": second.name, "vendor_code": "ACME1", "account_id": self.account.id}
        )
        self.assertIn(f"Invoice number {second.name} was already sent to Amazon", self.problems(second))
        answer = second.action_amazon_vendor_submit_invoice()
        self.assertEqual(answer["params"]["type"], "danger")
        self.assertIn("never accepts a number twice", answer["params"]["message"])
        with self.assertRaisesRegex(UserError, "never accepts a number twice"):
            self.env["amazon.vendor.invoice.number"]._amazon_vendor_claim(
                second, {"id": second.name, "remitToParty": {"partyId": "ACME1"}}
            )
        self.assertEqual(len(self.invoice_submissions()), 1)

        Numbers = self.env["amazon.vendor.invoice.number"]
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.errors.UniqueViolation), self.env.cr.savepoint():
            Numbers.create({"name": first.name, "vendor_code": "ACME1", "account_id": self.account.id})

    def test_an_invoice_amazon_has_cannot_be_reset_to_draft(self):
        invoice = self.invoice(self.shipped_order())
        self.send_from_send_screen(invoice)
        with self.assertRaisesRegex(UserError, "Correct it with a credit note"):
            invoice.button_draft()

    def test_a_rejected_invoice_is_corrected_and_sent_again_under_its_number(self):
        invoice = self.invoice(self.shipped_order())
        self.sim_post("/_simulator/config", {"transaction_outcome": "failure"})
        self.send_from_send_screen(invoice)
        self.follow_transactions()
        self.assertEqual(invoice.amazon_vendor_invoice_state, "error")
        self.assertTrue(invoice.activity_ids, "the responsible is told")
        invoice.button_draft()
        invoice.action_post()
        self.sim_post("/_simulator/config", {"transaction_outcome": "success"})

        self.send_from_send_screen(invoice)

        self.assertEqual(invoice.amazon_vendor_invoice_state, "processing")
        self.assertEqual({s["body"]["invoices"][0]["id"] for s in self.invoice_submissions()}, {invoice.name})

    def test_a_lost_answer_is_resolved_without_a_second_submission(self):
        invoice = self.invoice(self.shipped_order())
        self.sim_post(
            "/_simulator/config", {"faults": [{"operation": "submitInvoices", "status": 500, "processed": True}]}
        )
        self.send_from_send_screen(invoice)
        self.assertEqual(invoice.amazon_vendor_invoice_state, "unknown")

        self.follow_transactions()

        self.assertEqual(invoice.amazon_vendor_invoice_state, "done", "Amazon's getInvoice shows it")
        self.assertEqual(len(self.invoice_submissions()), 1)

    # ------------------------------------------------------------------ credit notes

    def credit_note(self, invoice, **vals):
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Damaged in transit"})
        )
        credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        credit_note.write(vals)
        return credit_note

    def test_credit_notes_go_to_amazon_in_europe_with_their_kind(self):
        invoice = self.invoice(self.shipped_order())
        self.send_from_send_screen(invoice)
        credit_note = self.credit_note(invoice)
        credit_note.action_post()
        self.assertIn("only from vendors of its European marketplaces", self.problems(credit_note))

        self.account.region = "eu"
        self.company.vat = "DE123456789"
        self.assertIn("Say what the credit note is for", self.problems(credit_note))
        credit_note.write({"amazon_vendor_credit_kind": "return"})
        self.assertIn("return reference and the return date", self.problems(credit_note))
        credit_note.write(
            {"amazon_vendor_returns_reference": "RAN1234", "amazon_vendor_goods_return_date": fields.Date.today()}
        )
        self.assertFalse(self.problems(credit_note))

        self.send_from_send_screen(credit_note)

        submission = self.invoice_submissions()[-1]
        self.assertTrue(submission["valid"], submission["errors"])
        [body] = submission["body"]["invoices"]
        self.assertEqual(body["invoiceType"], "CreditNote")
        self.assertEqual(body["items"][0]["creditNoteDetails"]["referenceInvoiceNumber"], invoice.name)
        self.assertEqual(body["items"][0]["creditNoteDetails"]["returnsReferenceNumber"], "RAN1234")
        self.assertEqual(
            body["remitToParty"]["taxRegistrationDetails"],
            [{"taxRegistrationType": "VAT", "taxRegistrationNumber": "DE123456789"}],
        )

    def test_european_invoices_also_come_out_as_factur_x(self):
        self.account.region = "eu"
        self.company.vat = "DE123456789"
        invoice = self.invoice(self.shipped_order())

        wizard, _action = self.send_from_send_screen(invoice)

        self.assertEqual(wizard.invoice_edi_format, "facturx")
        self.assertEqual(invoice.amazon_vendor_invoice_state, "processing", "Factur-X does not stand in the way")
        self.assertIn(
            "at least one tax", invoice.message_ids.mapped("body")[-1] + "".join(invoice.message_ids.mapped("body"))
        )
        self.assertTrue(
            self.env["ir.attachment"].search_count(
                [("res_model", "=", "account.move"), ("res_id", "=", invoice.id), ("name", "=", "factur-x.xml")]
            )
        )

    def test_the_send_screen_keeps_email_for_everyone_else(self):
        partner = self.env["res.partner"].create({"name": "Corner shop", "email": "shop@example.com"})
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_line_ids": [fields.Command.create({"product_id": self.tea.id, "price_unit": 3})],
            }
        )
        invoice.action_post()
        wizard = (
            self.env["account.move.send.wizard"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({})
        )
        self.assertFalse(invoice.amazon_vendor_invoice_state)
        self.assertEqual(wizard.sending_methods, ["email"])
        self.assertNotIn("amazon_vendor", wizard.sending_method_checkboxes, "not even offered")
        self.assertEqual(Form(invoice).amazon_vendor_invoice_state, False)

    # ------------------------------------------------------------------ Amazon's view

    def test_amazons_matching_and_payment_come_back_line_by_line(self):
        order = self.shipped_order()
        invoice = self.invoice(order)
        self.send_from_send_screen(invoice)
        self.follow_transactions()
        # Amazon received 3 of the 4 cases of coffee and all the tea.
        self.sim_post(
            "/_simulator/purchase-orders/2INV0001/receipts",
            {
                "items": [
                    {"vendorProductIdentifier": self.coffee.barcode, "receivedQuantity": 18},
                    {"vendorProductIdentifier": self.tea.barcode, "receivedQuantity": 10},
                ]
            },
        )
        self.sim_post(
            "/_simulator/invoices",
            [
                {
                    "invoice": {
                        "invoiceType": "Invoice",
                        "id": "VC-HAND-001",
                        "date": fields.Datetime.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "remitToParty": {"partyId": "ACME1"},
                        "invoiceTotal": {"currencyCode": "USD", "amount": "55.00"},
                    },
                    "invoiceStatus": "IN_PROGRESS",
                }
            ],
        )

        self.account.action_sync_invoice_status()

        self.assertEqual(invoice.amazon_vendor_payment_status, "PARTIALLY_PAID")
        coffee = invoice.invoice_line_ids.filtered(lambda line: line.product_id == self.coffee)
        self.assertRecordValues(
            coffee,
            [
                {
                    "amazon_vendor_matched_qty": 18,
                    "amazon_vendor_quantity_variance": 6,
                    "amazon_vendor_paid_amount": 180.0,
                    "amazon_vendor_variance_reasons": "PQV: SHORTAGES_IN_TRANSIT",
                }
            ],
        )
        tea = invoice.invoice_line_ids.filtered(lambda line: line.product_id == self.tea)
        self.assertEqual(tea.amazon_vendor_quantity_variance, 0)
        by_hand = self.env["amazon.vendor.invoice.number"].search([("name", "=", "VC-HAND-001")])
        self.assertRecordValues(
            by_hand, [{"sent_by_odoo": False, "amazon_status": "IN_PROGRESS", "amount": 55.0, "vendor_code": "ACME1"}]
        )
        self.assertTrue(self.account.invoice_status_cursor)

    # ------------------------------------------------------------------ the four-way match

    def test_four_way_match_of_a_po_shipped_short_received_short_and_invoiced_in_full(self):
        self.coffee.invoice_policy = "delivery"
        picking = self.acknowledged_delivery("2MAT0001")
        cartons = (
            self.pack(picking, self.coffee, 6) | self.pack(picking, self.coffee, 6) | self.pack(picking, self.coffee, 6)
        )
        cartons |= self.pack(picking, self.tea, 10)
        self.palletise(picking, cartons)
        picking.write({"amazon_vendor_carrier_scac": "ABCD", "amazon_vendor_pro_number": "PRO123456"})
        # The fourth case is not there: only what is packed leaves.
        picking.move_line_ids.filtered(lambda line: not line.result_package_id).unlink()
        picking.move_ids.picked = True
        backorder = Form.from_action(self.env, picking.button_validate())
        backorder.save().process_cancel_backorder()
        with self.with_frozen_asn_send(picking):
            self.env["stock.picking"]._cron_send_asns()
        self.follow_transactions()
        order = picking.sale_id
        invoice = self.invoice(order)
        self.send_from_send_screen(invoice)
        self.follow_transactions()
        # Amazon counted 2 cases of coffee at the dock, and the tea.
        self.sim_post(
            "/_simulator/purchase-orders/2MAT0001/receipts",
            {
                "items": [
                    {"vendorProductIdentifier": self.coffee.barcode, "receivedQuantity": 12},
                    {"vendorProductIdentifier": self.tea.barcode, "receivedQuantity": 10},
                ]
            },
        )
        self.account.action_sync_po_status()

        self.account.action_sync_invoice_status()

        match = self.env["amazon.vendor.match.report"].search([("order_id", "=", order.id)], order="item_sequence")
        self.assertRecordValues(
            match,
            [
                {
                    "item_sequence": "1",
                    "ordered_qty": 24,
                    "acknowledged_qty": 24,
                    "shipped_qty": 18,
                    "received_qty": 12,
                    "invoiced_qty": 18,
                    "matched_qty": 12,
                    "paid_qty": 12,
                    "shortage_qty": 6,
                    "is_shortage": True,
                    "is_over_invoiced": True,
                    "has_discrepancy": True,
                },
                {
                    "item_sequence": "2",
                    "ordered_qty": 10,
                    "acknowledged_qty": 10,
                    "shipped_qty": 10,
                    "received_qty": 10,
                    "invoiced_qty": 10,
                    "matched_qty": 10,
                    "paid_qty": 10,
                    "shortage_qty": 0,
                    "is_shortage": False,
                    "is_over_invoiced": False,
                    "has_discrepancy": False,
                },
            ],
        )
        activities = order.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("acorn_amazon_vendor.mail_activity_type_discrepancy")
        )
        shortage = activities.filtered(lambda a: "received short" in (a.summary or ""))
        self.assertEqual(len(shortage), 1)
        self.assertIn("12 received of 18 shipped", shortage.note)
        self.assertIn(picking.amazon_vendor_shipment_identifier, shortage.note, "the ASN as evidence")
        self.assertIn("5 SSCC(s)", shortage.note, "4 cartons and their pallet")
        self.assertIn("PRO123456", shortage.note)

        self.account.action_sync_invoice_status()
        self.assertEqual(
            len(order.activity_ids.filtered(lambda a: "received short" in (a.summary or ""))), 1, "not twice"
        )
