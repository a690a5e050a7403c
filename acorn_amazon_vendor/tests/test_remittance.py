"""Amazon's payments reconciled in Odoo's own accounting: files, the SP-API, deductions and claims."""

import base64
import io
import zipfile
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .remittance_common import PROVISION, AmazonVendorRemittanceCommon, remittance_csv
from .shipping_common import AmazonVendorShippingCommon


@tagged("post_install", "-at_install")
class TestRemittance(AmazonVendorRemittanceCommon):
    def two_payments(self):
        return remittance_csv(self.two_payments_data())

    def test_a_remittance_file_reconciles_every_invoice_and_deduction_to_the_cent(self):
        self.import_file(self.two_payments())
        first, second = self.assert_two_payments_reconciled()
        provision_lines = (first | second).line_ids.filtered(lambda line: line.family == "provision").move_line_id
        self.assertTrue(all(provision_lines.mapped("reconciled")))
        self.assertEqual(
            first.line_ids.mapped("kind"),
            ["invoice", "invoice", "deduction", "deduction", "deduction", "provision", "unknown"],
        )
        unknown = first.line_ids.filtered(lambda line: line.kind == "unknown")
        self.assertEqual(unknown.suspense_amount, -7.5)
        self.assertIn("ZZ-UNKNOWN-77", first.problems)

    def test_claims_add_up_their_slices_and_reversals_with_deadlines(self):
        self.import_file(self.two_payments())
        shortage = self.claim(self.inv_c.name)
        self.assertRecordValues(
            shortage,
            [
                {
                    "claim_type": "shortage",
                    "amount": 160.0,
                    "recovered_amount": 40.0,
                    "open_amount": 120.0,
                    "state": "open",
                    "invoice_id": self.inv_c.id,
                    # 30 days after the invoice's due date.
                    "deadline": fields.Date.to_date("2026-03-06"),
                }
            ],
        )
        self.assertEqual(len(shortage.line_ids), 3)
        activity = shortage.activity_ids
        self.assertEqual(activity.activity_type_id, self.env.ref("acorn_amazon_vendor.mail_activity_type_dispute"))
        chargeback = self.claim("1520586356VCBSINV")
        self.assertRecordValues(
            chargeback,
            [{"claim_type": "chargeback", "amount": 50.0, "deadline": fields.Date.to_date("2026-04-01")}],
        )
        self.assertRecordValues(self.claim("6268-1490026100"), [{"claim_type": "coop", "amount": 120.0}])
        provision = self.claim(PROVISION)
        self.assertRecordValues(
            provision, [{"claim_type": "provision", "amount": 300.0, "recovered_amount": 300.0, "state": "won"}]
        )
        self.assertFalse(self.claim("ZZ-UNKNOWN-77"), "an unknown line is no claim: it waits in suspense")

    def test_reimporting_the_same_file_changes_nothing(self):
        content = self.two_payments()
        self.import_file(content)
        moves = self.env["account.move"].search_count([])
        claims = self.env["amazon.vendor.claim"].search_count([])
        action = self.import_file(content)
        self.assertEqual(len(self.env["amazon.vendor.remittance"].search([])), 2)
        self.assertEqual(self.env["account.move"].search_count([]), moves)
        self.assertEqual(self.env["amazon.vendor.claim"].search_count([]), claims)
        self.assertIn("0 payment(s) imported, 2 already in Odoo", action["params"]["message"])

    def test_a_file_with_hidden_lines_is_flagged_and_its_gap_waits_in_suspense(self):
        invoice = self.amazon_invoice(900.0)
        content = remittance_csv(
            [("30010", "03/16/2026", self.currency.name, [(invoice.name, "Invoice", 900.0, 0.0)], 1000.0, None)],
            hidden=["30010"],
        )
        action = self.import_file(content)
        remittance = self.remittance("30010")
        self.assertRecordValues(
            remittance, [{"state": "posted", "hidden_lines": True, "difference": 100.0, "suspense_amount": 100.0}]
        )
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("hid some lines", action["params"]["message"])
        self.assertEqual(invoice.payment_state, "paid")
        bank = remittance.move_id.line_ids.filtered(lambda line: line.balance > 0 and line.account_id.reconcile)
        self.assertIn(1000.0, bank.mapped("balance"))

    def test_an_invoice_paid_in_a_second_currency_posts_its_exchange_difference(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.env["res.currency.rate"].create(
            [
                {"currency_id": eur.id, "name": "2026-01-01", "rate": 0.8, "company_id": self.company.id},
                {"currency_id": eur.id, "name": "2026-03-01", "rate": 0.75, "company_id": self.company.id},
            ]
        )
        if self.currency == eur:
            self.skipTest("the company already works in EUR")
        invoice = self.amazon_invoice(800.0, currency=eur)  # 1,000.00 in company currency on 5 Jan
        self.assertEqual(invoice.amount_total_signed, 1000.0)
        content = remittance_csv(
            [
                (
                    "30020",
                    "03/02/2026",
                    "EUR",
                    [(invoice.name, "Invoice", 800.0, 0.0)],
                    None,
                    (self.currency.name, 1066.67),
                )
            ]
        )
        self.import_file(content)
        remittance = self.remittance("30020")
        self.assertEqual(remittance.state, "posted")
        self.assertEqual(remittance.invoice_currency_id, eur)
        self.assertEqual(invoice.payment_state, "paid")
        bank = remittance.move_id.line_ids.filtered(lambda line: line.currency_id == self.currency)
        self.assertEqual(bank.balance, 1066.67, "Amazon's payment, at Amazon's rate")
        exchange = invoice.line_ids.matched_credit_ids.exchange_move_id
        self.assertTrue(exchange, "Odoo posted the exchange difference itself")
        self.assertAlmostEqual(sum(exchange.line_ids.filtered("reconciled").mapped("balance")), 66.67, places=2)

    def test_a_partial_payment_leaves_the_invoice_partly_paid(self):
        invoice = self.amazon_invoice(1000.0)
        self.import_file(
            remittance_csv(
                [("30030", "03/02/2026", self.currency.name, [(invoice.name, "Invoice", 400.0, 0.0)], None, None)]
            )
        )
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(invoice.amount_residual, 600.0)

    def test_amazon_paying_more_than_odoo_owes_goes_to_suspense_with_a_note(self):
        invoice = self.amazon_invoice(100.0)
        self.import_file(
            remittance_csv(
                [("30040", "03/02/2026", self.currency.name, [(invoice.name, "Invoice", 130.0, 0.0)], None, None)]
            )
        )
        line = self.remittance("30040").line_ids
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(line.suspense_amount, 30.0)
        self.assertIn("More than the invoice still owes", line.note)

    def test_a_credit_note_in_the_payment_is_settled_against_its_invoice(self):
        invoice = self.amazon_invoice(1000.0)
        refund = self.amazon_invoice(200.0, move_type="out_refund")
        self.import_file(
            remittance_csv(
                [
                    (
                        "30050",
                        "03/02/2026",
                        self.currency.name,
                        [(invoice.name, "Invoice", 1000.0, 0.0), (refund.name, "Product returns", -200.0, 0.0)],
                        None,
                        None,
                    )
                ]
            )
        )
        self.assertEqual(self.remittance("30050").line_ids.mapped("kind"), ["invoice", "credit_note"])
        self.assertEqual(invoice.payment_state, "paid")
        self.assertTrue(refund.currency_id.is_zero(refund.amount_residual), "the credit note is settled")

    def test_the_terms_discount_is_tax_correct_when_the_payment_terms_carry_it(self):
        tax = self.env["account.tax"].create({"name": "Sales 10%", "amount": 10.0, "type_tax_use": "sale"})
        term = self.env["account.payment.term"].create(
            {
                "name": "2% 10, net 30",
                "early_discount": True,
                "discount_percentage": 2.0,
                "discount_days": 10,
                "early_pay_discount_computation": "included",
                "line_ids": [Command.create({"value": "percent", "value_amount": 100.0, "nb_days": 30})],
            }
        )
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.amazon_partner.id,
                "invoice_date": "2026-01-05",
                "invoice_payment_term_id": term.id,
                "invoice_line_ids": [
                    Command.create({"product_id": self.product.id, "price_unit": 1000.0, "tax_ids": [tax.id]})
                ],
            }
        )
        invoice.action_post()
        self.import_file(
            remittance_csv(
                [("30060", "01/12/2026", self.currency.name, [(invoice.name, "Invoice", 1078.0, 22.0)], None, None)]
            )
        )
        move = self.remittance("30060").move_id
        self.assertEqual(invoice.payment_state, "paid")
        tax_lines = move.line_ids.filtered("tax_line_id")
        self.assertEqual(tax_lines.balance, 2.0, "the discount takes its share of the tax back")

    def test_a_voided_payment_is_kept_but_not_booked(self):
        invoice = self.amazon_invoice(100.0)
        content = remittance_csv(
            [("30070", "03/02/2026", self.currency.name, [(invoice.name, "Invoice", 100.0, 0.0)], None, None)]
        )
        content = content.replace(b"EFT,Paid,", b"EFT,Void,Bank account closed")
        self.import_file(content)
        remittance = self.remittance("30070")
        self.assertRecordValues(remittance, [{"state": "cancelled", "move_id": False}])
        self.assertEqual(invoice.payment_state, "not_paid")

    def test_a_file_that_is_no_remittance_says_why_and_imports_nothing(self):
        with self.assertRaisesRegex(UserError, "not a Vendor Central remittance export"):
            self.import_file(b"Name,Street\nAcme,Main Street\n", "contacts.csv")
        bad = remittance_csv([("30080", "03/02/2026", self.currency.name, [("X1", "Invoice", 10.0, 0.0)], None, None)])
        bad = bad.replace(b"10.00,", b"ten,", 1)
        with self.assertRaisesRegex(UserError, "Row .*'ten' is not an amount"):
            self.import_file(bad)
        self.assertFalse(self.env["amazon.vendor.remittance"].search([]))

    def test_a_rebuilt_entry_reverses_and_books_again(self):
        invoice = self.amazon_invoice(250.0)
        invoice.button_draft()
        content = remittance_csv(
            [("30090", "03/02/2026", self.currency.name, [(invoice.name, "Invoice", 250.0, 0.0)], None, None)]
        )
        self.import_file(content)
        remittance = self.remittance("30090")
        self.assertEqual(remittance.line_ids.kind, "unknown", "a draft invoice is not paid")
        old_move = remittance.move_id
        # The invoice is posted afterwards: the accountant rebuilds the payment's entry.
        invoice.action_post()
        remittance.action_rebuild()
        self.assertTrue(old_move.reversal_move_ids, "the first entry is reversed, never edited")
        self.assertNotEqual(remittance.move_id, old_move)
        self.assertEqual(remittance.line_ids.kind, "invoice")
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(self.account_balance(self.account._amazon_vendor_remittance_accounts()["suspense"]), 0.0)

    def test_many_payments_go_to_the_background_with_progress(self):
        self.env["ir.config_parameter"].sudo().set_param("acorn_amazon_vendor.remittance_background_lines", "1")
        invoices = [self.amazon_invoice(10.0) for _i in range(2)]
        content = remittance_csv(
            [
                (
                    "30100",
                    "03/02/2026",
                    self.currency.name,
                    [(inv.name, "Invoice", 10.0, 0.0) for inv in invoices],
                    None,
                    None,
                )
            ]
        )
        action = self.import_file(content)
        self.assertIn("being posted in the background", action["params"]["message"])
        self.assertEqual(self.remittance("30100").state, "draft")
        self.env["amazon.vendor.remittance"]._cron_post_remittances()
        self.assertEqual(self.remittance("30100").state, "posted")
        self.assertEqual([inv.payment_state for inv in invoices], ["paid", "paid"])


@tagged("post_install", "-at_install")
class TestClaims(AmazonVendorRemittanceCommon):
    def shortage(self, number="30200"):
        invoice = self.amazon_invoice(1000.0, invoice_date_due="2026-02-04")
        self.import_file(
            remittance_csv(
                [
                    (
                        number,
                        "03/02/2026",
                        self.currency.name,
                        [(invoice.name, "Invoice", 1000.0, 0.0), (f"{invoice.name}SC", "Shortage Claim", -80.0, 0.0)],
                        None,
                        None,
                    )
                ]
            )
        )
        return self.claim(invoice.name)

    def test_a_lost_shortage_claim_leaves_the_clearing_account_for_good(self):
        claim = self.shortage().with_user(self.accountant)
        accounts = self.account._amazon_vendor_remittance_accounts()
        claim.action_dispute()
        claim.action_dispute()
        with self.assertRaisesRegex(UserError, "at most 2 disputes"):
            claim.action_dispute()
        claim.action_mark_lost()
        self.assertEqual(claim.state, "lost")
        self.assertEqual(self.account_balance(accounts["claim"]), 0.0)
        self.assertEqual(self.account_balance(accounts["writeoff"]), 80.0)
        self.assertTrue(all(claim.line_ids.move_line_id.mapped("reconciled")))
        claim.action_reopen()
        self.assertEqual(self.account_balance(accounts["claim"]), 80.0)

    def test_the_evidence_file_holds_what_a_dispute_needs(self):
        claim = self.shortage().with_user(self.accountant)
        self.env["ir.attachment"].create(
            {
                "name": "POD-signed.pdf",
                "raw": b"%PDF-1.4 signed proof of delivery",
                "res_model": "account.move",
                "res_id": claim.invoice_id.id,
            }
        )
        action = claim.action_export_evidence()
        self.assertIn(f"/web/content/{claim.evidence_attachment_id.id}", action["url"])
        archive = zipfile.ZipFile(io.BytesIO(claim.evidence_attachment_id.raw))
        names = archive.namelist()
        self.assertIn("summary.txt", names)
        self.assertTrue(any(name.endswith("POD-signed.pdf") for name in names), names)
        summary = archive.read("summary.txt").decode()
        self.assertIn(claim.invoice_id.name, summary)
        self.assertIn("80.00", summary)

    def test_payables_ready_for_deduction_are_tracked_before_the_money_goes(self):
        content = (
            b"Your payables - ready for deduction\n\n"
            b"Vendor code,Transaction number,Transaction date,Type,Invoice amount,Deducted amount,Balance,\n"
            b"ACME1,1520586399VCBSINV,02/20/2026,Chargeback,-75.00,0.00,-75.00,\n"
        )
        self.import_file(content, "payables.csv")
        claim = self.claim("1520586399VCBSINV")
        self.assertRecordValues(
            claim,
            [
                {
                    "claim_type": "chargeback",
                    "pending_amount": 75.0,
                    "amount": 0.0,
                    "deadline": fields.Date.to_date("2026-03-22"),
                }
            ],
        )
        invoice = self.amazon_invoice(500.0)
        self.import_file(
            remittance_csv(
                [
                    (
                        "30210",
                        "03/02/2026",
                        self.currency.name,
                        [(invoice.name, "Invoice", 500.0, 0.0), ("1520586399VCBSINV", "Chargeback", -75.0, 0.0)],
                        None,
                        None,
                    )
                ]
            )
        )
        self.assertEqual(claim.amount, 75.0)
        self.assertEqual(len(self.env["amazon.vendor.claim"].search([("name", "=", "1520586399VCBSINV")])), 1)

    def test_an_amazon_bill_for_co_op_is_settled_by_the_deduction(self):
        bill = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": self.amazon_partner.id,
                "invoice_date": "2026-02-01",
                "ref": "6268-1490026111",
                "invoice_line_ids": [Command.create({"name": "Co-op Q1", "price_unit": 120.0, "tax_ids": []})],
            }
        )
        bill.action_post()
        invoice = self.amazon_invoice(500.0)
        self.import_file(
            remittance_csv(
                [
                    (
                        "30220",
                        "03/02/2026",
                        self.currency.name,
                        [(invoice.name, "Invoice", 500.0, 0.0), ("6268-1490026111", "Co-op", -120.0, 0.0)],
                        None,
                        None,
                    )
                ]
            )
        )
        self.assertEqual(bill.payment_state, "paid")
        self.assertEqual(invoice.payment_state, "paid")

    def test_the_deductions_analysis_and_the_account_figures(self):
        self.shortage()
        report = self.env["amazon.vendor.claim.report"].search([("account_id", "=", self.account.id)])
        self.assertEqual(report.mapped("open_amount"), [80.0])
        self.assertEqual(report.claim_type, "shortage")
        self.account.invalidate_recordset()
        self.assertEqual(self.account.claim_open_amount, 80.0)
        self.assertEqual(self.account.claim_recovery_rate, 0.0)
        self.assertEqual(self.account.remittance_count, 1)

    def test_users_outside_the_amazon_groups_see_no_remittance(self):
        self.shortage()
        clerk = self.env["res.users"].create(
            {"name": "Clerk", "login": "clerk", "groups_id": [Command.link(self.env.ref("base.group_user").id)]}
        )
        self.assertFalse(self.env["amazon.vendor.remittance"].with_user(clerk).has_access("read"))
        self.assertFalse(self.env["amazon.vendor.claim"].with_user(clerk).has_access("read"))


@tagged("post_install", "-at_install")
class TestRemittanceApi(AmazonVendorRemittanceCommon):
    """The same reconciliation with Amazon's payments read through the Finance Remittance API."""

    NOW = "2026-03-10 12:00:00"

    def setUp(self):
        super().setUp()
        # The client's waits are switched off in the tests (see common.py): so is Amazon's quota,
        # but for the test that asks for a 429.
        self.sim_reset(clock="2026-03-10T12:00:00Z", remittance_item_page_size=3, rate_limiting=False)

    def money(self, amount, currency=None):
        return {"currencyCode": currency or self.currency.name, "currencyAmount": amount}

    def item(self, number, paid, discount=0.0, description="Invoice"):
        return {
            "invoiceNumber": number,
            "invoiceIssueDate": "2026-01-05T00:00:00Z",
            "totalAmount": self.money(paid + discount),
            "netAmountPaid": self.money(paid),
            "netAmountPaidBreakdown": [
                {"breakdownType": "AmountPaid", "breakdownAmount": self.money(paid)},
                {"breakdownType": "TermsDiscountTaken", "breakdownAmount": self.money(discount)},
            ],
            "description": description,
            "invoiceType": "Standard",
        }

    def payment(self, unique_id, number, date, items, status="SUCCESSFUL"):
        total = round(sum(item["netAmountPaid"]["currencyAmount"] for item in items), 2)
        return {
            "uniquePaymentId": unique_id,
            "paymentNumber": number,
            "paymentDate": date,
            "paymentAmount": self.money(total),
            "paymentAmountInInvoiceCurrency": self.money(total),
            "paymentMethod": "EFT",
            "remittanceStatus": status,
            "relatedIdentifiers": [{"relatedIdentifierName": "VENDOR_CODE", "relatedIdentifierValue": ["ACME1"]}],
            "countryCode": "US",
            "remittanceItems": items,
        }

    def fetch(self):
        from freezegun import freeze_time

        with freeze_time(self.NOW):
            return self.account.with_user(self.salesman).action_fetch_remittances()

    def test_the_same_payments_through_the_api_reconcile_to_the_cent(self):
        payments = []
        for number, date, _currency, lines, _amount, _exchange in self.two_payments_data():
            month, day, year = date.split("/")
            items = [self.item(invoice, paid, discount, description) for invoice, description, paid, discount in lines]
            payments.append(self.payment(f"U{number}", number, f"{year}-{month}-{day}T00:00:00Z", items))
        self.sim_post("/_simulator/remittances", payments)
        self.fetch()
        first, second = self.assert_two_payments_reconciled()
        self.assertEqual((first | second).mapped("source"), ["api", "api"])
        self.assertRecordValues(
            self.claim(self.inv_c.name), [{"amount": 160.0, "recovered_amount": 40.0, "state": "open"}]
        )

    def test_amazons_payments_are_read_posted_and_never_twice(self):
        invoices = [self.amazon_invoice(100.0 * (i + 1)) for i in range(4)]
        paid = self.payment(
            "UPID-1",
            "40001",
            "2026-03-02T00:00:00Z",
            [self.item(inv.name, inv.amount_total - 1.0, 1.0) for inv in invoices]
            + [self.item(f"{invoices[0].name}SC", -25.0, description="Shortage Claim for Invoice")],
        )
        pending = self.payment("UPID-2", "40002", "2026-03-09T00:00:00Z", [self.item("OTHER-1", 10.0)], "IN_PROGRESS")
        self.sim_post("/_simulator/remittances", [paid, pending])
        self.fetch()
        remittance = self.remittance("40001")
        self.assertRecordValues(
            remittance,
            [
                {
                    "state": "posted",
                    "source": "api",
                    "unique_payment_id": "UPID-1",
                    "vendor_code": "ACME1",
                    "amount": 971.0,
                    "line_count": 5,
                    "difference": 0.0,
                }
            ],
        )
        self.assertEqual([inv.payment_state for inv in invoices], ["paid"] * 4, "five lines over two pages")
        self.assertEqual(self.claim(invoices[0].name).amount, 25.0)
        self.assertFalse(self.remittance("40002"), "a payment still in progress waits for Amazon")
        self.assertEqual(self.account.remittance_cursor, fields.Datetime.to_datetime("2026-03-09 00:00:00"))
        # Amazon finishes the second payment: the next run takes it, and only it.
        pending["remittanceStatus"] = "SUCCESSFUL"
        self.sim_post("/_simulator/remittances", [pending])
        calls = len(self.audit_logs(operation="getRemittance"))
        self.fetch()
        self.assertEqual(self.remittance("40002").state, "posted")
        self.assertEqual(self.remittance("40002").line_ids.kind, "unknown")
        self.assertEqual(
            len(self.audit_logs(operation="getRemittance")), calls + 1, "the first payment is not read again"
        )
        self.assertEqual(len(self.env["amazon.vendor.remittance"].search([("account_id", "=", self.account.id)])), 2)

    def test_a_throttled_read_is_retried_and_the_file_of_the_same_payment_changes_nothing(self):
        invoice = self.amazon_invoice(300.0)
        self.sim_post(
            "/_simulator/remittances",
            [self.payment("UPID-9", "40009", "2026-03-02T00:00:00Z", [self.item(invoice.name, 300.0)])],
        )
        self.sim_post("/_simulator/config", {"faults": [{"operation": "getRemittance", "status": 429, "count": 2}]})
        self.fetch()
        self.assertEqual(self.remittance("40009").state, "posted")
        self.assertEqual(invoice.payment_state, "paid")
        self.import_file(
            remittance_csv(
                [("40009", "03/02/2026", self.currency.name, [(invoice.name, "Invoice", 300.0, 0.0)], None, None)]
            )
        )
        self.assertEqual(len(self.remittance("40009")), 1)

    def test_the_scheduled_action_reads_each_account_on_its_own(self):
        broken = self.account.copy(
            {
                "name": "Broken",
                "endpoint_url": "http://127.0.0.1:9",
                "lwa_client_id": self.account.lwa_client_id,
                "lwa_client_secret": self.account.lwa_client_secret,
                "lwa_refresh_token": self.account.lwa_refresh_token,
            }
        )
        invoice = self.amazon_invoice(50.0)
        self.sim_post(
            "/_simulator/remittances",
            [self.payment("UPID-5", "40005", "2026-03-02T00:00:00Z", [self.item(invoice.name, 50.0)])],
        )
        from freezegun import freeze_time

        with freeze_time(self.NOW):
            self.env["amazon.vendor.account"]._cron_fetch_remittances()
        self.assertEqual(self.remittance("40005").state, "posted")
        self.assertFalse(broken.remittances_synced_at)

    def test_amazons_invoice_view_is_joined_by_the_unique_payment_id(self):
        from freezegun import freeze_time

        self.sim_post(
            "/_simulator/invoices",
            [
                {
                    "invoice": {
                        "invoiceType": "Invoice",
                        "id": "VC-HAND-9",
                        "date": "2026-03-01T00:00:00Z",
                        "remitToParty": {"partyId": "ACME1"},
                        "invoiceTotal": {"currencyCode": self.currency.name, "amount": "70.00"},
                    },
                    "invoiceStatus": "PAID",
                    "issueDate": "2026-03-01T00:00:00Z",
                }
            ],
        )
        self.sim_post(
            "/_simulator/remittances",
            [self.payment("UPID-7", "40007", "2026-03-02T00:00:00Z", [self.item("VC-HAND-9", 70.0)])],
        )
        self.fetch()
        with freeze_time(self.NOW):
            self.account.action_sync_invoice_status()
        remittance = self.remittance("40007")
        remittance.invalidate_recordset(["amazon_invoice_ids"])  # read as the form reads it, after the sync
        self.assertEqual(remittance.amazon_invoice_ids.mapped("name"), ["VC-HAND-9"])
        self.assertEqual(remittance.amazon_invoice_ids.payment_ids_text, "UPID-7")


@tagged("post_install", "-at_install")
class TestClaimEvidence(AmazonVendorShippingCommon):
    """A shortage claim on an invoice of goods shipped with an ASN gathers what a dispute needs."""

    def test_a_shortage_claim_finds_its_po_asn_ssccs_and_labels(self):
        from freezegun import freeze_time

        (self.coffee | self.tea | self.grinder).write({"taxes_id": [Command.clear()]})
        picking, cartons = self.packed_delivery("2CLM0001")
        self.validate(picking)
        with freeze_time(picking.amazon_vendor_asn_send_at + timedelta(seconds=1)):
            self.env["stock.picking"]._cron_send_asns()
        self.follow_transactions()
        self.assertEqual(picking.amazon_vendor_asn_state, "done")
        invoice = picking.sale_id._create_invoices()
        invoice.action_post()
        wizard = self.env["amazon.vendor.remittance.import"].create(
            {
                "account_id": self.account.id,
                "data_filename": "Payments.csv",
                "data_file": base64.b64encode(
                    remittance_csv(
                        [
                            (
                                "50001",
                                "03/02/2026",
                                invoice.currency_id.name,
                                [
                                    (invoice.name, "Invoice", invoice.amount_total, 0.0),
                                    (f"{invoice.name}SC", "Shortage Claim for Invoice", -20.0, 0.0),
                                ],
                                None,
                                None,
                            )
                        ]
                    )
                ),
            }
        )
        wizard.action_import()
        claim = self.env["amazon.vendor.claim"].search([("name", "=", invoice.name)])
        self.assertRecordValues(
            claim,
            [{"claim_type": "shortage", "amount": 20.0, "sale_order_id": picking.sale_id.id, "invoice_id": invoice.id}],
        )
        self.assertEqual(claim.picking_ids, picking)
        self.assertEqual(claim.asn_numbers, picking.amazon_vendor_shipment_identifier)
        for carton in cartons:
            self.assertIn(carton.amazon_vendor_sscc, claim.ssccs)
        claim.action_export_evidence()
        archive = zipfile.ZipFile(io.BytesIO(claim.evidence_attachment_id.raw))
        names = archive.namelist()
        self.assertTrue(any(name.startswith("asn/") for name in names), names)
        self.assertTrue(any(name.startswith("labels/") and name.endswith(".pdf") for name in names), names)
        summary = archive.read("summary.txt").decode()
        self.assertIn(picking.sale_id.amazon_vendor_po_number, summary)
        self.assertIn(cartons[0].amazon_vendor_sscc, summary)
