"""Read Vendor Central's payment files: the remittance export (Payments.xlsx or its CSV) and the
"payables ready for deduction" CSV. Plain Python, no Odoo.

The remittance export is one sheet with two stacked sections: payments (header row starting
"Payment Number"), then a row "Invoices" and the header of the line items. Columns are found by
header name, with the aliases Vendor Central uses per marketplace.
"""

import csv
import io
import re
from datetime import date, datetime

PAYMENT_COLUMNS = {
    "payment_number": ("payment number",),
    "payment_date": ("payment date",),
    "invoice_currency": ("invoice currency",),
    "amount_invoice_currency": ("amount in invoice currency",),
    "payment_currency": ("payment currency",),
    "amount": ("amount in payment currency", "payment amount", "amount"),
    "exchange_rate": ("exchange rate",),
    "payment_type": ("payment type", "payment method"),
    "payment_status": ("payment status", "status"),
    "void_reason": ("payment voided reason", "voided reason", "void reason"),
}
LINE_COLUMNS = {
    "payment_number": ("payment number",),
    "invoice_number": ("invoice number", "invoice #", "transaction number"),
    "invoice_date": ("invoice date", "transaction date"),
    "description": ("description", "transaction description"),
    "invoice_amount": ("invoice amount", "original amount"),
    "currency": ("invoice currency", "currency"),
    "withholding": ("withholding amount", "withholding"),
    "discount": ("terms discount taken", "discount taken", "terms discount"),
    "amount_paid": ("amount paid", "net amount paid", "paid amount"),
    "remaining": ("remaining amount", "amount remaining"),
    "transaction_type": ("transaction type",),
}
PAYABLE_COLUMNS = {
    "vendor_code": ("vendor code",),
    "number": ("transaction number",),
    "date": ("transaction date",),
    "type": ("type",),
    "invoice_amount": ("invoice amount",),
    "deducted": ("deducted amount",),
    "balance": ("balance",),
}
HIDDEN_LINES = "will not be displayed"
_KNOWN_HEADERS = {
    alias for columns in (PAYMENT_COLUMNS, LINE_COLUMNS) for aliases in columns.values() for alias in aliases
}
_REQUIRED_PAYMENT = ("payment_number", "amount")
_REQUIRED_LINE = ("payment_number", "invoice_number", "amount_paid")


# English texts of the problems a file can have; the add-on shows them translated, by code.
MESSAGES = {
    "unreadable": "The spreadsheet cannot be read: {detail}",
    "missing_columns": "Row {row}: no column {columns} in the header.",
    "bad_cell": "Row {row}: {value!r} is not an amount or a date.",
    "not_remittance": "No payment and no invoice section: this is not a Vendor Central remittance export.",
    "no_payables_header": 'No header row starting with "Vendor code".',
    "payment_without_row": "Payment {payment} has lines but no row in the payment section.",
}


class RemittanceFileError(ValueError):
    """The file is not a remittance export ACORN can read.

    :ivar code: a key of MESSAGES; ``params`` fill its placeholders
    """

    def __init__(self, code, **params):
        self.code = code
        self.params = params
        super().__init__(MESSAGES[code].format(**params))


def _norm(value):
    return re.sub(r"\s+", " ", str(value or "").replace("\ufeff", "")).strip().lower()


def parse_amount(value):
    """:return: a float from "1,234.56", "-1.234,56", "(12.00)", "$ 5" or a number; 0.0 when empty
    :raise ValueError: the text is not an amount"""
    if value is None or value == "":
        return 0.0
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip()
    negative = text.startswith("(") and text.endswith(")") or text.startswith("-") or text.endswith("-")
    text = re.sub(r"[^\d.,]", "", text)
    if not text:
        raise ValueError(value)
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
    elif "," in text:
        decimal = "," if re.search(r",\d{1,2}$", text) else None
    else:
        decimal = "." if re.search(r"\.\d{1,2}$", text) or text.count(".") == 1 else None
    thousands = {",", "."} - {decimal}
    for mark in thousands:
        text = text.replace(mark, "")
    if decimal == ",":
        text = text.replace(",", ".")
    amount = float(text)
    return -amount if negative else amount


_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%d.%m.%Y", "%b %d, %Y", "%d-%b-%Y", "%d %b %Y", "%m/%d/%y")


def parse_date(value):
    """:return: a date from a spreadsheet date or Vendor Central's text ("11/03/2026" is US
    month first unless the first number is over 12), or None when empty"""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for candidate in (text, text.split("T")[0], text.split(" ")[0]):
        for fmt in _DATE_FORMATS:
            try:
                return datetime.strptime(candidate, fmt).date()
            except ValueError:
                continue
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        raise ValueError(value) from None


def _rows_of(content, filename):
    """:return: the rows of the first sheet (xlsx) or of the CSV, as lists of cells"""
    if content[:2] == b"PK" or (filename or "").lower().endswith((".xlsx", ".xlsm")):
        import openpyxl  # noqa: PLC0415 - only xlsx files need it

        try:
            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds on a damaged file
            raise RemittanceFileError("unreadable", detail=str(exc)) from exc
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    # Vendor Central writes commas; a spreadsheet saved in Europe may write semicolons or tabs.
    # Quoted amounts ("1,234.56") defeat csv.Sniffer, so count separators outside quotes.
    sample = re.sub(r'"[^"]*"', "", text[:4096])
    delimiter = max(",;\t", key=sample.count)
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _columns(header, aliases):
    """:return: {key: column index} of the columns of ``header`` found by name or alias"""
    names = [_norm(cell) for cell in header]
    found = {}
    for key, options in aliases.items():
        for option in options:
            if option in names:
                found[key] = names.index(option)
                break
    return found


def _cell(row, columns, key):
    index = columns.get(key)
    if index is None or index >= len(row):
        return None
    value = row[index]
    return value.strip() if isinstance(value, str) else value


def _blank(row):
    return all(cell in (None, "") or (isinstance(cell, str) and not cell.strip()) for cell in row)


def _record(row, columns, amounts, dates):
    record = {}
    for key in columns:
        value = _cell(row, columns, key)
        if key in amounts:
            value = parse_amount(value)
        elif key in dates:
            value = parse_date(value)
        elif value is not None:
            value = str(value).strip()
        record[key] = value
    return record


def parse_remittance(content, filename=""):
    """Read a Vendor Central remittance export.

    :param content: the file's bytes (xlsx or csv)
    :param filename: its name, to tell the format when the bytes do not
    :return: {"payments": [dict], "lines": [dict], "hidden": set of payment numbers whose lines
        Amazon did not display (or {"*"} when the file does not say which), "warnings": [(code of
        MESSAGES, params)]}
    :raise RemittanceFileError: no payment or invoice section, a required column missing, or a
        cell that is not an amount or a date (with its row number)
    """
    rows = _rows_of(content, filename)
    payments, lines, hidden, warnings, warned = [], [], set(), [], False
    section, columns = None, {}
    for number, row in enumerate(rows, 1):
        if _blank(row):
            continue
        text = " ".join(str(cell) for cell in row if cell not in (None, ""))
        first = _norm(row[0]) if row else ""
        if HIDDEN_LINES in text.lower():
            warned = True
            hidden |= set(re.findall(r"\b\d{6,}\b", text))
            continue
        if first == "invoices" and len([c for c in row if c not in (None, "")]) == 1:
            section, columns = "lines_title", {}
            continue
        names = [_norm(cell) for cell in row]
        if "payment number" in names and len(set(names) & _KNOWN_HEADERS) >= 2:
            section = "lines" if section == "lines_title" or "invoice number" in names else "payments"
            columns = _columns(row, LINE_COLUMNS if section == "lines" else PAYMENT_COLUMNS)
            required = _REQUIRED_LINE if section == "lines" else _REQUIRED_PAYMENT
            aliases = LINE_COLUMNS if section == "lines" else PAYMENT_COLUMNS
            missing = [aliases[key][0].title() for key in required if key not in columns]
            if missing:
                raise RemittanceFileError("missing_columns", row=number, columns=", ".join(missing))
            continue
        if first == "payment number":
            # The hidden-lines warning may reuse the label to list the payments concerned.
            hidden |= set(re.findall(r"\b\d{6,}\b", text))
            continue
        if section not in ("payments", "lines"):
            continue
        try:
            if section == "payments":
                payments.append(
                    _record(row, columns, ("amount", "amount_invoice_currency", "exchange_rate"), ("payment_date",))
                )
            else:
                lines.append(
                    _record(
                        row,
                        columns,
                        ("invoice_amount", "withholding", "discount", "amount_paid", "remaining"),
                        ("invoice_date",),
                    )
                )
        except ValueError as exc:
            raise RemittanceFileError("bad_cell", row=number, value=exc.args[0]) from exc
    if warned and not hidden:
        hidden = {"*"}
    if not payments and not lines:
        raise RemittanceFileError("not_remittance")
    known = {p["payment_number"] for p in payments}
    for line in lines:
        if line["payment_number"] not in known:
            known.add(line["payment_number"])
            payments.append({"payment_number": line["payment_number"], "amount": None})
            warnings.append(("payment_without_row", {"payment": line["payment_number"]}))
    return {"payments": payments, "lines": lines, "hidden": hidden, "warnings": warnings}


def parse_payables(content, filename=""):
    """Read the "payables ready for deduction" CSV (title, blank line, header "Vendor code").

    :return: list of dicts: vendor_code, number, date, type, invoice_amount, deducted, balance
    :raise RemittanceFileError: no header row, or a cell that is not an amount or a date
    """
    rows = _rows_of(content, filename)
    columns, records = None, []
    for number, row in enumerate(rows, 1):
        if _blank(row):
            continue
        if columns is None:
            if row and _norm(row[0]) == "vendor code":
                columns = _columns(row, PAYABLE_COLUMNS)
            continue
        try:
            records.append(_record(row, columns, ("invoice_amount", "deducted", "balance"), ("date",)))
        except ValueError as exc:
            raise RemittanceFileError("bad_cell", row=number, value=exc.args[0]) from exc
    if columns is None:
        raise RemittanceFileError("no_payables_header")
    return records


def is_payables(content, filename=""):
    """:return: True when the file is the payables list rather than a remittance export"""
    try:
        rows = _rows_of(content, filename)
    except RemittanceFileError:
        return False
    return any(row and _norm(row[0]) == "vendor code" for row in rows[:10])
