"""Amazon invoices in Odoo and Vendor Central remittance files, for the cash tests."""

import base64
import csv
import io

from odoo import fields

from .common import AmazonVendorCommon

PAYMENT_HEADER = [
    "Payment Number",
    "Payment Date",
    "Invoice Currency",
    "Amount in Invoice Currency",
    "Payment Currency",
    "Amount in Payment Currency",
    "Exchange Rate",
    "Payment Type",
    "Payment Status",
    "Payment Voided Reason",
]
LINE_HEADER = [
    "Payment Number",
    "Invoice Number",
    "Invoice Date",
    "Description",
    "Invoice Amount",
    "Invoice Currency",
    "Withholding Amount",
    "Terms Discount Taken",
    "Amount Paid",
    "Remaining Amount",
]
HIDDEN_WARNING = (
    "One or more remittance items processed as part of this payment will not be displayed, as the corresponding "
    "ordering codes are not setup in your account. Payment Number: {numbers}"
)


def remittance_csv(payments, hidden=()):
    """Vendor Central's export as CSV: payments, then "Invoices" and the lines.

    :param payments: list of (number, date, currency, [(invoice number, description, amount paid,
        discount)], amount or None for the lines' sum, exchange (payment currency, amount) or None)
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(PAYMENT_HEADER)
    rows = []
    for number, date, currency, lines, amount, exchange in payments:
        total = round(sum(line[2] for line in lines), 2) if amount is None else amount
        paid_currency, paid = exchange or (currency, total)
        rate = f"{paid / total:.6f}" if exchange else "1"
        writer.writerow(
            [number, date, currency, f"{total:,.2f}", paid_currency, f"{paid:,.2f}", rate, "EFT", "Paid", ""]
        )
        for invoice, description, paid_line, discount in lines:
            rows.append(
                [
                    number,
                    invoice,
                    date,
                    description,
                    f"{paid_line + discount:.2f}",
                    currency,
                    "0.00",
                    f"{discount:.2f}",
                    f"{paid_line:.2f}",
                    "0.00",
                ]
            )
    if hidden:
        writer.writerow([HIDDEN_WARNING.format(numbers=", ".join(hidden))])
    writer.writerow([])
    writer.writerow(["Invoices"])
    writer.writerow(LINE_HEADER)
    writer.writerows(rows)
    return out.getvalue().encode()


PROVISION = "260807_PROVISION_FOR_AGED_RECEIVABLE"


class AmazonVendorRemittanceCommon(AmazonVendorCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.currency = cls.company.currency_id
        cls.product = cls.env["product.product"].create(
            {
                "name": "Espresso beans (case)",
                "type": "consu",
                "list_price": 100.0,
                "taxes_id": [fields.Command.clear()],
            }
        )
        cls.bank_journal = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1
        )
        cls.accountant = cls.env["res.users"].create(
            {
                "name": "Amazon accountant",
                "login": "amazon_accountant",
                "groups_id": [
                    fields.Command.link(cls.env.ref("account.group_account_invoice").id),
                    fields.Command.link(cls.env.ref("acorn_amazon_vendor.group_amazon_vendor_user").id),
                ],
            }
        )

    def amazon_invoice(self, amount, date="2026-01-05", currency=None, move_type="out_invoice", **vals):
        """A posted customer invoice (or credit note) to Amazon of ``amount``."""
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": self.amazon_partner.id,
                "invoice_date": date,
                "currency_id": (currency or self.currency).id,
                "invoice_line_ids": [
                    fields.Command.create(
                        {"product_id": self.product.id, "quantity": 1, "price_unit": amount, "tax_ids": []}
                    )
                ],
                **vals,
            }
        )
        move.action_post()
        return move

    def import_file(self, content, filename="Payments.csv", user=None):
        wizard = (
            self.env["amazon.vendor.remittance.import"]
            .with_user(user or self.accountant)
            .create({"data_file": base64.b64encode(content), "data_filename": filename, "account_id": self.account.id})
        )
        return wizard.action_import()

    def remittance(self, number):
        return self.env["amazon.vendor.remittance"].search([("payment_number", "=", number)])

    def claim(self, name):
        return self.env["amazon.vendor.claim"].search([("name", "=", name), ("account_id", "=", self.account.id)])

    def account_balance(self, account):
        lines = self.env["account.move.line"].search([("account_id", "=", account.id), ("parent_state", "=", "posted")])
        return self.currency.round(sum(lines.mapped("balance")))

    def two_payments_data(self):
        """Three invoices paid over two payments that also carry a terms discount, a shortage
        claim in two slices and its partial reversal, a chargeback, a co-op allowance, a
        provision and its reversal, and a line nobody knows."""
        self.inv_a = self.amazon_invoice(1000.0)
        self.inv_b = self.amazon_invoice(500.0)
        self.inv_c = self.amazon_invoice(800.0, invoice_date_due="2026-02-04")
        a, b, c = self.inv_a.name, self.inv_b.name, self.inv_c.name
        return [
            (
                "30001",
                "03/02/2026",
                self.currency.name,
                [
                    (a, "Invoice", 990.0, 10.0),
                    (b, "Invoice", 500.0, 0.0),
                    (f"{c}SC", "Shortage Claim for Invoice", -100.0, 0.0),
                    ("1520586356VCBSINV", "PO on-time accuracy", -50.0, 0.0),
                    ("6268-1490026100", "Co-op", -120.0, 0.0),
                    (PROVISION, "PROVISION_FOR_RECEIVABLE", -300.0, 0.0),
                    ("ZZ-UNKNOWN-77", "", -7.5, 0.0),
                ],
                None,
                None,
            ),
            (
                "30002",
                "03/09/2026",
                self.currency.name,
                [
                    (c, "Invoice", 800.0, 0.0),
                    (f"{c}SC", "Shortage Claim for Invoice", -60.0, 0.0),
                    (f"{c}SCR", "Reversal for Shortage Claim", 40.0, 0.0),
                    (f"{PROVISION}-R", "Reversal for PROVISION_FOR_RECEIVABLE", 300.0, 0.0),
                ],
                None,
                None,
            ),
        ]

    def assert_two_payments_reconciled(self):
        """The two payments of :meth:`two_payments_data` booked to the cent; :return: them"""
        first, second = self.remittance("30001"), self.remittance("30002")
        self.assertRecordValues(
            first | second,
            [
                {"state": "posted", "amount": 912.5, "difference": 0.0, "hidden_lines": False},
                {"state": "posted", "amount": 1080.0, "difference": 0.0, "hidden_lines": False},
            ],
        )
        accounts = self.account._amazon_vendor_remittance_accounts()
        for remittance in first | second:
            move = remittance.move_id
            self.assertEqual(move.state, "posted")
            bank = move.line_ids.filtered(lambda line: line.account_id == accounts["outstanding"])
            self.assertEqual(bank.balance, remittance.amount, "the entry equals Amazon's payment to the cent")
        # Every invoice got exactly what Amazon paid on it, the discount included.
        self.assertEqual((self.inv_a | self.inv_b | self.inv_c).mapped("payment_state"), ["paid"] * 3)
        self.assertEqual(self.account_balance(accounts["discount"]), 10.0)
        # Deductions went to their accounts; the shortage stays open in the clearing account for
        # what Amazon did not give back, the provision cleared itself.
        self.assertEqual(self.account_balance(accounts["claim"]), 120.0)
        self.assertEqual(self.account_balance(accounts["provision"]), 0.0)
        self.assertEqual(self.account_balance(accounts["chargeback"]), 50.0)
        self.assertEqual(self.account_balance(accounts["coop"]), 120.0)
        self.assertEqual(self.account_balance(accounts["suspense"]), 7.5)
        return first, second
