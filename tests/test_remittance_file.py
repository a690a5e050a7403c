"""Vendor Central's payment files and Amazon's deduction numbers, read without Odoo."""

import io
from datetime import date

import openpyxl
import pytest
from tools.deduction import classify, invoice_of_claim
from tools.remittance_file import (
    RemittanceFileError,
    is_payables,
    parse_amount,
    parse_date,
    parse_payables,
    parse_remittance,
)

PROVISION = "260807_PROVISION_FOR_AGED_RECEIVABLE"
PAYMENTS = [
    "Payment Number", "Payment Date", "Invoice Currency", "Amount in Invoice Currency", "Payment Currency",
    "Amount in Payment Currency", "Exchange Rate", "Payment Type", "Payment Status", "Payment Voided Reason",
]  # fmt: skip
LINES = [
    "Payment Number", "Invoice Number", "Invoice Date", "Description", "Invoice Amount", "Invoice Currency",
    "Withholding Amount", "Terms Discount Taken", "Amount Paid", "Remaining Amount",
]  # fmt: skip


def xlsx(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_xlsx_export_gives_its_payments_and_lines():
    content = xlsx(
        [
            PAYMENTS,
            ["2250001", date(2026, 3, 2), "USD", 885.5, "USD", 885.5, 1, "EFT", "Paid", None],
            [],
            ["Invoices"],
            LINES,
            ["2250001", "INV/2026/0001", date(2026, 1, 5), "Invoice", 1000, "USD", 0, 10, 990, 0],
            [
                "2250001",
                "INV/2026/0002SC",
                date(2026, 1, 7),
                "Shortage Claim for Invoice",
                -104.5,
                "USD",
                0,
                0,
                -104.5,
                0,
            ],
        ]
    )
    parsed = parse_remittance(content, "Payments.xlsx")
    assert parsed["payments"] == [
        {
            "payment_number": "2250001",
            "payment_date": date(2026, 3, 2),
            "invoice_currency": "USD",
            "amount_invoice_currency": 885.5,
            "payment_currency": "USD",
            "amount": 885.5,
            "exchange_rate": 1.0,
            "payment_type": "EFT",
            "payment_status": "Paid",
            "void_reason": None,
        }
    ]
    assert [line["invoice_number"] for line in parsed["lines"]] == ["INV/2026/0001", "INV/2026/0002SC"]
    assert parsed["lines"][0]["discount"] == 10.0
    assert parsed["lines"][1]["amount_paid"] == -104.5
    assert parsed["hidden"] == set()


def test_columns_are_found_by_name_with_the_aliases_of_other_marketplaces():
    content = (
        "Payment Currency;Payment Number;Amount in Payment Currency;Payment Date\n"
        "EUR;9100;1.234,50;03.02.2026\n"
        "\n"
        "Invoices\n"
        "Invoice Number;Payment Number;Net Amount Paid;Discount Taken;Amount Remaining;Invoice Date\n"
        '"DE-77";9100;"1.234,50";0,00;0,00;05.01.2026\n'
    ).encode("cp1252")
    parsed = parse_remittance(content, "Payments.csv")
    assert parsed["payments"][0]["amount"] == 1234.5
    assert parsed["payments"][0]["payment_date"] == date(2026, 2, 3)
    line = parsed["lines"][0]
    assert (line["invoice_number"], line["amount_paid"], line["remaining"]) == ("DE-77", 1234.5, 0.0)


def test_lines_amazon_hides_are_flagged_by_payment():
    content = xlsx(
        [
            PAYMENTS,
            ["2250002", "03/09/2026", "USD", "1,000.00", "USD", "1,000.00", "1", "EFT", "Paid", ""],
            [
                "One or more remittance items processed as part of this payment will not be displayed, as the "
                "corresponding ordering codes are not setup in your account."
            ],
            ["Payment Number", "2250002"],
            ["Invoices"],
            LINES,
            ["2250002", "A1", "03/01/2026", "Invoice", "900.00", "USD", "0", "0", "900.00", "0"],
        ]
    )
    assert parse_remittance(content, "Payments.xlsx")["hidden"] == {"2250002"}


def test_a_bad_cell_names_its_row_and_a_foreign_file_is_refused():
    with pytest.raises(RemittanceFileError, match="Row 6: 'ten'"):
        parse_remittance(
            (",".join(PAYMENTS) + "\n1,03/02/2026,USD,10,USD,10,1,EFT,Paid,\n\nInvoices\n" + ",".join(LINES) + "\n"
             "1,X,03/02/2026,Invoice,ten,USD,0,0,10,0\n").encode()
        )  # fmt: skip
    with pytest.raises(RemittanceFileError, match="not a Vendor Central remittance export"):
        parse_remittance(b"Name,Street\nAcme,Main Street\n")
    with pytest.raises(RemittanceFileError, match="no column Amount Paid"):
        parse_remittance(b"Payment Number,Invoice Number\n1,X\n")


def test_the_payables_list_is_told_apart_and_read():
    content = (
        b"Your payables - ready for deduction\r\n\r\n"
        b"Vendor code,Transaction number,Transaction date,Type,Invoice amount,Deducted amount,Balance,\r\n"
        b"ACME1,1520586356VCBSINV,02/20/2026,Chargeback,-75.00,-25.00,-50.00,\r\n"
        b"ACME1,6268-1490026100,02/21/2026,Contra COGS,-120.00,0.00,-120.00,\r\n"
    )
    assert is_payables(content, "payables.csv")
    assert not is_payables(",".join(PAYMENTS).encode(), "Payments.csv")
    records = parse_payables(content)
    assert [(r["number"], r["type"], r["balance"], r["date"]) for r in records] == [
        ("1520586356VCBSINV", "Chargeback", -50.0, date(2026, 2, 20)),
        ("6268-1490026100", "Contra COGS", -120.0, date(2026, 2, 21)),
    ]


@pytest.mark.parametrize(
    ("text", "amount"),
    [("1,234.56", 1234.56), ("-1.234,56", -1234.56), ("(12.00)", -12.0), ("$ 5", 5.0), ("12,5", 12.5), ("", 0.0)],
)
def test_amounts_in_every_format_vendor_central_writes(text, amount):
    assert parse_amount(text) == amount


def test_slash_dates_are_us_unless_they_cannot_be():
    assert parse_date("03/02/2026") == date(2026, 3, 2)
    assert parse_date("13/02/2026") == date(2026, 2, 13)
    assert parse_date("2026-03-02T00:00:00Z") == date(2026, 3, 2)


@pytest.mark.parametrize(
    ("number", "description", "amount", "expected"),
    [
        ("VC17413SC", "Shortage Claim for Invoice", -10, ("deduction", "shortage", "VC17413")),
        ("VC17413SCR", "Reversal for Shortage Claim", 10, ("reversal", "shortage", "VC17413")),
        ("VC17413SCRSC", "", -5, ("deduction", "shortage", "VC17413")),
        ("INV-9-PC", "Price Claim for Invoice", -3, ("deduction", "price", "INV-9")),
        ("1520586356VCBSINV", "", -50, ("deduction", "chargeback", "1520586356VCBSINV")),
        ("6268-1490026100", "Co-op", -100, ("deduction", "coop", "6268-1490026100")),
        ("IPAPUS1234567", "", -3, ("deduction", "price_protection", "IPAPUS1234567")),
        (PROVISION, "", -561, ("provision", "provision", PROVISION)),
        (f"{PROVISION}-R", "", 561, ("reversal", "provision", PROVISION)),
        ("RET-2026-11", "Product returns", -40, ("deduction", "return", "RET-2026-11")),
        ("16222737HPA26", "DFP for AR Invoice", -9, ("unknown", "", "16222737HPA26")),
    ],
)  # fmt: skip
def test_deductions_are_told_by_their_number_and_description(number, description, amount, expected):
    assert tuple(classify(number, description, amount)) == expected


def test_a_number_odoo_holds_is_an_invoice_or_a_credit_note_whatever_it_looks_like():
    assert classify("INV-PC", "", 100, known_invoice="out_invoice").kind == "invoice"
    assert classify("RINV/1", "", -20, known_invoice="out_refund").kind == "credit_note"
    assert invoice_of_claim(classify("INV/2026/0002SC", "", -1)) == "INV/2026/0002"
    assert invoice_of_claim(classify("1520586356VCBSINV", "", -1)) is None
