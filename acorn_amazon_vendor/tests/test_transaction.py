import json
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL, mute_logger

from ..models.amazon_vendor_transaction import OPERATIONS
from .common import AmazonVendorCommon

PO_NUMBER = "TXPO0001"
ACK = "submitAcknowledgement"
ORDERED_CASES = 10
UNIT_SIZE = 6


@tagged("post_install", "-at_install")
class TestTransaction(AmazonVendorCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.responsible = new_test_user(
            cls.env,
            login="amazon_responsible",
            groups="acorn_amazon_vendor.group_amazon_vendor_user",
        )
        cls.account.user_id = cls.responsible
        customer = cls.env["res.partner"].create({"name": "Amazon.com (test customer)"})
        cls.order = cls.env["sale.order"].create({"partner_id": customer.id})
        cls.other_order = cls.env["sale.order"].create({"partner_id": customer.id})
        cls.Transaction = cls.env["amazon.vendor.transaction"]
        cls.todo = cls.env.ref("mail.mail_activity_data_todo")

    def setUp(self):
        super().setUp()
        self.load_purchase_order()
        # The document's own hooks, recorded (and kept apart from any real sale.order hook).
        self.hook_calls = []
        order_class = type(self.order)
        for hook in ("_amazon_vendor_transaction_done", "_amazon_vendor_transaction_failed"):
            patcher = patch.object(
                order_class,
                hook,
                create=True,
                new=lambda record, transaction, hook=hook: self.hook_calls.append((hook, record, transaction)),
            )
            patcher.start()
            self.addCleanup(patcher.stop)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def load_purchase_order(self):
        placed = fields.Datetime.to_string(fields.Datetime.now() - timedelta(days=1)).replace(" ", "T") + "Z"
        self.sim_post(
            "/_simulator/purchase-orders",
            [
                {
                    "purchaseOrderNumber": PO_NUMBER,
                    "purchaseOrderState": "New",
                    "orderDetails": {
                        "purchaseOrderDate": placed,
                        "purchaseOrderStateChangedDate": placed,
                        "sellingParty": {"partyId": "ACME1"},
                        "shipToParty": {"partyId": "ABE8"},
                        "items": [
                            {
                                "itemSequenceNumber": "1",
                                "amazonProductIdentifier": "B0ACRN0001",
                                "vendorProductIdentifier": "0860123450010",
                                "isBackOrderAllowed": False,
                                "orderedQuantity": {
                                    "amount": ORDERED_CASES,
                                    "unitOfMeasure": "Cases",
                                    "unitSize": UNIT_SIZE,
                                },
                                "netCost": {"currencyCode": "USD", "amount": "11.40"},
                            }
                        ],
                    },
                }
            ],
        )

    def ack_payload(self, cases=ORDERED_CASES):
        return {
            "acknowledgements": [
                {
                    "purchaseOrderNumber": PO_NUMBER,
                    "sellingParty": {"partyId": "ACME1"},
                    "acknowledgementDate": fields.Datetime.now(),
                    "items": [
                        {
                            "itemSequenceNumber": "1",
                            "amazonProductIdentifier": "B0ACRN0001",
                            "vendorProductIdentifier": "0860123450010",
                            "orderedQuantity": {
                                "amount": ORDERED_CASES,
                                "unitOfMeasure": "Cases",
                                "unitSize": UNIT_SIZE,
                            },
                            "netCost": {"currencyCode": "USD", "amount": "11.40"},
                            "itemAcknowledgements": [
                                {
                                    "acknowledgementCode": "Accepted",
                                    "acknowledgedQuantity": {
                                        "amount": cases,
                                        "unitOfMeasure": "Cases",
                                        "unitSize": UNIT_SIZE,
                                    },
                                }
                            ],
                        }
                    ],
                }
            ]
        }

    def submit(self, payload=None, order=None):
        order = order or self.order
        return self.Transaction._amazon_vendor_submit(self.account, order, ACK, payload or self.ack_payload())

    def check(self, transaction, minutes):
        """Run the cron ``minutes`` after the submission."""
        with freeze_time(transaction.submitted_at + timedelta(minutes=minutes)):
            self.Transaction._cron_check_transactions()

    def sent(self):
        return self.sim_get("/_simulator/submissions", operation=ACK)

    def order_messages(self, text):
        return self.order.message_ids.filtered(lambda message: text in (message.body or ""))

    def order_todos(self):
        return self.order.activity_ids.filtered(lambda activity: activity.activity_type_id == self.todo)

    def hooks(self, name):
        return [call for call in self.hook_calls if call[0] == f"_amazon_vendor_transaction_{name}"]

    # ------------------------------------------------------------------
    # Submission
    # ------------------------------------------------------------------

    def test_submit_sends_the_body_once(self):
        before = fields.Datetime.now()
        transaction = self.submit()

        self.assertRecordValues(
            transaction,
            [
                {
                    "state": "submitted",
                    "kind": "acknowledgement",
                    "operation": ACK,
                    "attempt_count": 1,
                    "res_model": "sale.order",
                    "res_id": self.order.id,
                    "error_message": False,
                }
            ],
        )
        self.assertEqual(transaction.res_reference, self.order)
        self.assertGreaterEqual(transaction.submitted_at, before)
        self.assertEqual(transaction.next_check_at, transaction.submitted_at + timedelta(minutes=1))
        sent = self.sent()
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent[0]["transactionId"], transaction.transaction_id)
        self.assertEqual(sent[0]["body"], json.loads(transaction.payload), "the stored payload is what was sent")
        self.assertIn("\n  ", transaction.payload, "the payload is pretty-printed")
        exchange = self.audit_logs(operation=ACK)
        self.assertEqual(exchange.res_reference, transaction, "the exchange log links to the submission")
        logs = self.env["amazon.vendor.audit.log"].search(transaction.action_view_audit_logs()["domain"])
        self.assertIn(exchange, logs)
        self.assertEqual(transaction.audit_log_count, len(logs))

    def test_invalid_body_is_refused_before_sending(self):
        payload = self.ack_payload()
        del payload["acknowledgements"][0]["acknowledgementDate"]

        transaction = self.submit(payload)

        self.assertRecordValues(transaction, [{"state": "error", "transaction_id": False, "attempt_count": 0}])
        self.assertIn("acknowledgementDate", transaction.error_message)
        self.assertIn("Nothing was sent", transaction.error_message)
        self.assertFalse(self.sent(), "nothing reaches Amazon")
        self.assertFalse(self.audit_logs(operation=ACK))
        self.assertEqual(len(self.order_todos()), 1)
        self.assertEqual(len(self.hooks("failed")), 1)

    def test_submit_with_incomplete_credentials_does_not_raise(self):
        self.account.lwa_refresh_token = False

        transaction = self.submit()

        self.assertEqual(transaction.state, "error")
        self.assertIn("no complete LWA credentials", transaction.error_message)
        self.assertFalse(self.sent())

    # ------------------------------------------------------------------
    # Following to Amazon's verdict
    # ------------------------------------------------------------------

    def test_success_is_reported_to_the_document(self):
        transaction = self.submit()
        self.check(transaction, 0.5)
        self.assertEqual(transaction.state, "submitted", "not due before a minute")
        self.assertEqual(transaction.check_count, 0)

        self.check(transaction, 1)

        self.assertRecordValues(transaction, [{"state": "done", "check_count": 1, "next_check_at": False}])
        self.assertEqual(len(self.order_messages("Amazon accepted the acknowledgement")), 1)
        self.assertIn(transaction.transaction_id, self.order_messages("Amazon accepted")[0].body)
        self.assertEqual(self.hooks("done"), [("_amazon_vendor_transaction_done", self.order, transaction)])
        self.assertFalse(self.order_todos())
        self.assertEqual(
            self.sim_get(f"/_simulator/purchase-orders/{PO_NUMBER}")["order"]["purchaseOrderState"], "Acknowledged"
        )

    def test_document_is_told_only_once(self):
        transaction = self.submit()
        self.check(transaction, 1)
        self.check(transaction, 2)
        self.check(transaction, 20)

        self.assertEqual(transaction.state, "done")
        self.assertEqual(transaction.check_count, 1, "a final verdict is not polled again")
        self.assertEqual(len(self.order_messages("Amazon accepted")), 1)
        self.assertEqual(len(self.hooks("done")), 1)
        self.assertEqual(len(self.audit_logs(operation="getTransaction")), 1)

    def test_failure_creates_error_chatter_and_activity(self):
        self.sim_post("/_simulator/config", {"transaction_outcome": "failure"})
        transaction = self.submit()

        self.check(transaction, 1)

        self.assertEqual(transaction.state, "error")
        self.assertIn("Amazon could not process this transaction.", transaction.error_message)
        self.assertIn("Simulated failure", transaction.error_message, "Amazon's details are kept")
        self.assertEqual(json.loads(transaction.amazon_errors)[0]["code"], "ProcessingFailed")
        self.assertEqual(len(self.order_messages("Amazon could not process this transaction.")), 1)
        todo = self.order_todos()
        self.assertEqual(len(todo), 1)
        self.assertEqual(todo.user_id, self.responsible)
        self.assertEqual(todo.summary, "Amazon rejected the acknowledgement")
        self.assertIn("Amazon could not process", str(todo.note))
        self.assertEqual(self.hooks("failed"), [("_amazon_vendor_transaction_failed", self.order, transaction)])
        self.assertFalse(self.hooks("done"))

    def test_over_acknowledgement_failure_reaches_the_user(self):
        transaction = self.submit(self.ack_payload(cases=ORDERED_CASES + 2))
        self.assertEqual(transaction.state, "submitted", "Amazon takes the body and judges it later")

        self.check(transaction, 1)

        self.assertEqual(transaction.state, "error")
        self.assertIn(f"acknowledged for {(ORDERED_CASES + 2) * UNIT_SIZE} units", transaction.error_message)
        self.assertIn(f"only {ORDERED_CASES * UNIT_SIZE} were ordered", transaction.error_message)

    def test_stuck_processing_is_accepted_after_15_minutes(self):
        self.sim_post("/_simulator/config", {"transaction_outcome": "processing"})
        transaction = self.submit()

        self.check(transaction, 1)
        self.assertRecordValues(transaction, [{"state": "processing", "check_count": 1, "note": False}])
        self.assertEqual(transaction.next_check_at, transaction.submitted_at + timedelta(minutes=5))

        self.check(transaction, 5)
        self.assertRecordValues(transaction, [{"state": "processing", "check_count": 2}])
        self.assertEqual(transaction.next_check_at, transaction.submitted_at + timedelta(minutes=15))

        self.check(transaction, 14)
        self.assertEqual(transaction.check_count, 2, "not due before 15 minutes")

        self.check(transaction, 15)
        self.assertRecordValues(transaction, [{"state": "done", "check_count": 3}])
        self.assertIn("treated as accepted", transaction.note)
        self.assertTrue(transaction.message_ids.filtered(lambda message: "treated as accepted" in message.body))
        self.assertEqual(len(self.hooks("done")), 1)

    def test_throttled_polling_stays_pending(self):
        transaction = self.submit()
        due = transaction.next_check_at
        self.sim_post("/_simulator/config", {"faults": [{"operation": "getTransaction", "status": 429, "count": 20}]})

        self.check(transaction, 1)

        self.assertRecordValues(transaction, [{"state": "submitted", "error_message": False}])
        self.assertEqual(transaction.next_check_at, due + timedelta(minutes=1))
        self.assertFalse(self.order_todos())
        self.assertFalse(self.hook_calls)
        self.assertTrue(self.audit_logs(operation="getTransaction", status_code=429))

    def test_one_bad_transaction_does_not_stop_the_others(self):
        first, second = self.submit(), self.submit(order=self.other_order)
        second.transaction_id = "unknown-to-amazon"

        self.check(first, 1)

        self.assertEqual(first.state, "done")
        self.assertEqual(second.state, "submitted", "a refused check leaves the submission pending")
        self.assertGreater(second.next_check_at, first.submitted_at + timedelta(minutes=1))

    def test_failing_document_hook_is_isolated_and_retried(self):
        first, second = self.submit(), self.submit(order=self.other_order)
        failures = []

        def fail_once(record, transaction):
            if transaction == second and not failures:
                failures.append(transaction)
                raise ValueError("the document could not take the verdict")
            self.hook_calls.append(("_amazon_vendor_transaction_done", record, transaction))

        self.patch(type(self.order), "_amazon_vendor_transaction_done", fail_once)
        with self.assertLogs("odoo.addons.acorn_amazon_vendor.models.amazon_vendor_transaction", "ERROR"):
            self.check(second, 1)

        self.assertEqual(first.state, "done")
        self.assertEqual(second.state, "submitted", "the verdict was rolled back with the failing hook")
        self.assertEqual(len(self.order_messages("Amazon accepted")), 1)

        self.check(second, 2)
        self.assertEqual(second.state, "done")
        self.assertEqual([call[2] for call in self.hooks("done")], [first, second])
        self.assertEqual(len(self.order_messages("Amazon accepted")), 1)
        self.assertTrue(self.other_order.message_ids.filtered(lambda message: "Amazon accepted" in message.body))

    # ------------------------------------------------------------------
    # Exactly once: an answer lost on the way
    # ------------------------------------------------------------------

    def follow(self, transaction, minutes):
        """Run the cron ``minutes`` after the payload last left for Amazon, once its next check is due.

        ``sent_at`` is stored to the second: a POST answered across a second boundary plans the
        next check a second later than ``sent_at`` + 1 minute.
        """
        when = transaction.sent_at + timedelta(minutes=minutes)
        with freeze_time(max(when, transaction.next_check_at or when)):
            self.Transaction._cron_check_transactions()

    def fault(self, operation=ACK, **fault):
        self.sim_post("/_simulator/config", {"faults": [{"operation": operation, **fault}]})

    def posts(self, operation=ACK):
        return self.audit_logs(operation=operation)

    def assert_lost_answer_resolved_from_amazons_status(self, transaction):
        self.assertRecordValues(transaction, [{"state": "unknown", "transaction_id": False, "attempt_count": 1}])
        self.assertIn("ACORN asks Amazon what it holds", transaction.note)
        self.assertEqual(len(self.posts()), 1, "never sent again blindly")
        self.assertFalse(self.hook_calls, "the document waits for Amazon's answer")

        self.follow(transaction, 1)

        self.assertRecordValues(transaction, [{"state": "done", "attempt_count": 1}])
        self.assertIn("Amazon holds the submission", transaction.note)
        self.assertEqual(len(self.sent()), 1, "Amazon holds it once")
        self.assertEqual(len(self.posts()), 1)
        self.assertEqual(self.hooks("done"), [("_amazon_vendor_transaction_done", self.order, transaction)])
        self.assertTrue(self.audit_logs(operation="getPurchaseOrdersStatus"))

    def test_5xx_after_amazon_took_the_submission(self):
        self.fault(status=500, processed=True)
        self.assert_lost_answer_resolved_from_amazons_status(self.submit())

    def test_unreadable_answer_to_a_submission(self):
        self.fault(malformed=True)
        self.assert_lost_answer_resolved_from_amazons_status(self.submit())

    def test_5xx_before_amazon_took_it_is_sent_again_once_amazon_shows_nothing(self):
        self.fault(status=503)
        transaction = self.submit()
        self.assertEqual(transaction.state, "unknown")
        self.assertFalse(self.sent())

        self.follow(transaction, 1)
        self.assertEqual(transaction.state, "unknown", "Amazon may still be processing: not sent again yet")
        self.assertEqual(len(self.posts()), 1)

        self.follow(transaction, 16)
        self.assertRecordValues(transaction, [{"state": "submitted", "attempt_count": 2}])
        self.assertEqual(len(self.sent()), 1)
        self.assertEqual(self.sent()[0]["transactionId"], transaction.transaction_id)

        self.check(transaction, 1)
        self.assertEqual(transaction.state, "done")
        self.assertEqual(len(self.hooks("done")), 1)

    def test_throttled_beyond_the_retries_is_sent_again_later(self):
        self.fault(status=429, count=5)  # one more than the client's retries here
        transaction = self.submit()

        self.assertEqual(transaction.state, "draft")
        self.assertIn("sent again automatically", transaction.note)
        self.assertFalse(self.sent())
        self.assertFalse(self.hook_calls)

        self.follow(transaction, 2)
        self.assertEqual(transaction.state, "submitted")
        self.assertEqual(len(self.sent()), 1)

    def test_a_sender_that_died_mid_send_is_resolved_by_asking_amazon(self):
        transaction = self.submit()
        # The worker was killed after Amazon took it and before Odoo wrote the answer.
        transaction.write({"state": "sending", "transaction_id": False, "submitted_at": False})

        self.follow(transaction, 1)

        self.assertEqual(transaction.state, "done")
        self.assertEqual(len(self.sent()), 1)

    def test_the_database_keeps_one_submission_of_a_document_under_way(self):
        self.submit()
        with self.assertRaisesRegex(UserError, "already has a submission to Amazon under way"):
            self.submit()
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.Transaction.create(
                {
                    "account_id": self.account.id,
                    "operation": ACK,
                    "state": "submitted",
                    "res_model": "sale.order",
                    "res_id": self.order.id,
                }
            )
        self.assertEqual(len(self.sent()), 1)

    def test_a_document_locked_by_another_sender_is_refused_at_once(self):
        document = self.env.ref("acorn_amazon_vendor.amazon_vendor_menu")
        with self.env.registry.cursor() as other:
            other.execute(SQL("SELECT id FROM ir_ui_menu WHERE id = %s FOR UPDATE", document.id))
            with self.assertRaisesRegex(UserError, "being sent to Amazon by someone else"):
                self.Transaction._amazon_vendor_lock_document(document)

    def test_a_lost_asn_is_found_by_its_shipment_identifier(self):
        operation = "SubmitShipmentConfirmations"
        self.fault(operation, status=500, processed=True)
        transaction = self.Transaction._amazon_vendor_submit(
            self.account, self.order, operation, {"shipmentConfirmations": [self.shipment_confirmation()]}
        )
        self.assertEqual(transaction.state, "unknown")

        self.follow(transaction, 1)

        self.assertEqual(transaction.state, "done")
        self.assertEqual(len(self.sim_get("/_simulator/submissions", operation=operation)), 1)
        self.assertTrue(self.audit_logs(operation="GetShipmentDetails"))

    def test_a_lost_invoice_is_found_with_get_invoice(self):
        self.fault("submitInvoices", status=500, processed=True)
        transaction = self.Transaction._amazon_vendor_submit(
            self.account, self.order, "submitInvoices", {"invoices": [self.invoice()]}
        )
        self.assertEqual(transaction.state, "unknown")

        self.follow(transaction, 1)

        self.assertEqual(transaction.state, "done")
        self.assertEqual(len(self.sim_get("/_simulator/submissions", operation="submitInvoices")), 1)
        self.assertTrue(self.audit_logs(operation="getInvoice"))

    def test_a_lost_answer_amazon_cannot_be_asked_about_goes_to_a_person(self):
        # An operation whose submissions Amazon cannot be asked about (none is left today).
        kind, key, method, _finder = OPERATIONS["submitInvoices"]
        self.startPatcher(patch.dict(OPERATIONS, {"submitInvoices": (kind, key, method, None)}))
        self.fault("submitInvoices", status=500, processed=True)
        transaction = self.Transaction._amazon_vendor_submit(
            self.account, self.order, "submitInvoices", {"invoices": [self.invoice()]}
        )
        self.follow(transaction, 1)

        self.assertEqual(transaction.state, "error")
        self.assertIn("check in Vendor Central", transaction.error_message)
        self.assertEqual(len(self.sim_get("/_simulator/submissions", operation="submitInvoices")), 1)
        self.assertEqual(len(self.order_todos()), 1)

    def shipment_confirmation(self):
        now = fields.Datetime.now()
        quantity = {"amount": ORDERED_CASES * UNIT_SIZE, "unitOfMeasure": "Eaches", "unitSize": 1}
        return {
            "shipmentIdentifier": "ASN-LOST-0001",
            "shipmentConfirmationType": "Original",
            "shipmentType": "SmallParcel",
            "shipmentStructure": "LooseStandardCase",
            "transportationDetails": {"carrierScac": "UPSN", "carrierShipmentReferenceNumber": "1Z999"},
            "shipmentConfirmationDate": now,
            "shippedDate": now,
            "sellingParty": {"partyId": "ACME1"},
            "shipFromParty": {"partyId": "ACMEWH1"},
            "shipToParty": {"partyId": "ABE8"},
            "shippedItems": [
                {
                    "itemSequenceNumber": "1",
                    "amazonProductIdentifier": "B0ACRN0001",
                    "vendorProductIdentifier": "0860123450010",
                    "shippedQuantity": quantity,
                    "itemDetails": {"purchaseOrderNumber": PO_NUMBER},
                }
            ],
        }

    def invoice(self):
        return {
            "invoiceType": "Invoice",
            "id": "INV-LOST-0001",
            "date": fields.Datetime.now(),
            "remitToParty": {"partyId": "ACME1"},
            "invoiceTotal": {"currencyCode": "USD", "amount": "684.00"},
            "items": [
                {
                    "itemSequenceNumber": 1,
                    "amazonProductIdentifier": "B0ACRN0001",
                    "vendorProductIdentifier": "0860123450010",
                    "invoicedQuantity": {"amount": ORDERED_CASES * UNIT_SIZE, "unitOfMeasure": "Eaches"},
                    "netCost": {"currencyCode": "USD", "amount": "11.40"},
                    "purchaseOrderNumber": PO_NUMBER,
                }
            ],
        }

    # ------------------------------------------------------------------
    # Retry
    # ------------------------------------------------------------------

    def test_retry_from_error_submits_again(self):
        self.sim_post("/_simulator/config", {"transaction_outcome": "failure"})
        transaction = self.submit()
        self.check(transaction, 1)
        first_id = transaction.transaction_id
        self.assertEqual(transaction.state, "error")
        self.sim_post("/_simulator/config", {"transaction_outcome": "success"})

        transaction.with_user(self.manager).action_retry()

        self.assertRecordValues(transaction, [{"state": "submitted", "attempt_count": 2, "error_message": False}])
        self.assertNotEqual(transaction.transaction_id, first_id)
        self.assertEqual([s["transactionId"] for s in self.sent()], [first_id, transaction.transaction_id])
        self.assertTrue(
            transaction.message_ids.filtered(lambda message: first_id in message.body),
            "the previous transaction stays in the chatter",
        )
        self.check(transaction, 1)
        self.assertEqual(transaction.state, "done")

    def test_retry_of_a_submitted_transaction_is_refused(self):
        transaction = self.submit()

        with self.assertRaisesRegex(UserError, "it is Submitted"):
            transaction.with_user(self.manager).action_retry()

        self.assertEqual(len(self.sent()), 1)
        self.assertEqual(transaction.attempt_count, 1)

    def test_users_cannot_retry(self):
        refresh_token = self.account.sudo().lwa_refresh_token
        self.account.lwa_refresh_token = False
        transaction = self.submit()
        self.assertRecordValues(transaction, [{"state": "error", "transaction_id": False}])
        self.account.lwa_refresh_token = refresh_token

        with self.assertRaises(AccessError):
            transaction.with_user(self.salesman).action_retry()
        self.assertFalse(self.sent())
        transaction.with_user(self.manager).action_retry()
        self.assertEqual(len(self.sent()), 1)

    def test_open_document(self):
        transaction = self.submit()
        action = transaction.action_open_document()
        self.assertEqual((action["res_model"], action["res_id"]), ("sale.order", self.order.id))
        self.order.unlink()
        with self.assertRaisesRegex(UserError, "no longer exists"):
            transaction.action_open_document()

    # ------------------------------------------------------------------
    # Security
    # ------------------------------------------------------------------

    def test_submission_by_a_salesman(self):
        order = self.order.with_user(self.salesman)
        transaction = self.Transaction.with_user(self.salesman)._amazon_vendor_submit(
            self.account.with_user(self.salesman),
            order,
            ACK,
            self.ack_payload(),
        )
        self.assertEqual(transaction.env.uid, self.salesman.id)
        self.assertEqual(transaction.state, "submitted")

    def test_transactions_are_isolated_between_companies(self):
        transaction = self.submit()
        other_company = self.env["res.company"].create({"name": "ACME Europe"})
        other_user = new_test_user(
            self.env,
            login="amazon_user_eu",
            groups="acorn_amazon_vendor.group_amazon_vendor_manager",
            company_id=other_company.id,
            company_ids=[(6, 0, other_company.ids)],
        )
        own_user = new_test_user(
            self.env,
            login="amazon_user_us",
            groups="acorn_amazon_vendor.group_amazon_vendor_user",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )

        self.assertFalse(self.Transaction.with_user(other_user).search([]))
        with self.assertRaises(AccessError):
            transaction.with_user(other_user).read(["state"])
        self.assertIn(transaction, self.Transaction.with_user(own_user).search([]))
