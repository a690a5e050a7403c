"""What an Amazon remittance line is, read from its invoice number, description and sign.

Amazon puts no type on remittance lines: each deduction is a line of its own whose invoice
number carries the family (``<invoice>SC`` shortage claim, ``<n>VCBSINV`` chargeback,
``NNNN-NNNNNNNNNN`` agreement, ``IPAPUS…`` price protection, ``…PROVISION…`` provisions) and
whose description tells reversals ("Reversal for …"). Plain Python, no Odoo.
"""

import re
from collections import namedtuple

# kind: invoice | credit_note | deduction | reversal | provision | unknown
# family: the deduction family (shortage, price, chargeback, coop, price_protection, return,
# provision, other), or "" for invoices and unknown lines.
# claim: Amazon's claim or deduction number without its slice or reversal suffix.
Classification = namedtuple("Classification", "kind family claim")

_AGREEMENT = re.compile(r"^\d{4}-\d{8,12}$")
_CHARGEBACK = re.compile(r"VCBSINV$", re.IGNORECASE)
_PRICE_PROTECTION = re.compile(r"^IPAP[A-Z]{2}\d+", re.IGNORECASE)
_PROVISION = re.compile(r"PROVISION", re.IGNORECASE)
_REVERSAL_TEXT = re.compile(r"\brevers(e|al)\b", re.IGNORECASE)
_SHORTAGE_TEXT = re.compile(r"shortage|quantity variance|incorrect quantity", re.IGNORECASE)
_PRICE_TEXT = re.compile(r"price (claim|variance|discrepancy)", re.IGNORECASE)
_COOP_TEXT = re.compile(r"co-?op|allowance|marketing|agreement", re.IGNORECASE)
_RETURN_TEXT = re.compile(r"\breturn|\bVRET\b", re.IGNORECASE)
_CHARGEBACK_TEXT = re.compile(r"chargeback|compliance|on-time|prep -|ship in own container", re.IGNORECASE)
# Suffixes Amazon appends to the invoice a claim hits, longest first: a revised shortage claim
# (SCRSC) is a new claim on the same invoice, a reversal (SCR, PCR) gives a claim back.
_SUFFIXES = (
    ("SCRSC", "deduction", "shortage"),
    ("SCR", "reversal", "shortage"),
    ("SC", "deduction", "shortage"),
    ("PCR", "reversal", "price"),
    ("PC", "deduction", "price"),
)


def _strip_separator(number):
    return number.rstrip("-_ ")


def _suffix(number):
    upper = number.upper()
    for suffix, kind, family in _SUFFIXES:
        if upper.endswith(suffix) and len(number) > len(suffix):
            return kind, family, _strip_separator(number[: -len(suffix)])
    return None


def _provision(number, description, amount):
    base = re.sub(r"[-_ ]R$", "", number, flags=re.IGNORECASE)
    reversal = base != number or _REVERSAL_TEXT.search(description) or amount > 0
    return Classification("reversal" if reversal else "provision", "provision", base)


def classify(number, description="", amount=0.0, known_invoice=None):
    """Classify one remittance line.

    :param number: the line's Invoice Number as Amazon prints it
    :param description: the line's Description (free text)
    :param amount: the line's amount (Amazon's sign: deductions negative)
    :param known_invoice: "out_invoice" or "out_refund" when Odoo holds a document with this
        number, else None
    :return: a :class:`Classification`
    """
    number = (number or "").strip()
    description = description or ""
    if known_invoice == "out_invoice":
        return Classification("invoice", "", number)
    if known_invoice == "out_refund":
        return Classification("credit_note", "", number)
    if _PROVISION.search(number) or _PROVISION.search(description):
        return _provision(number, description, amount)
    reversal = bool(_REVERSAL_TEXT.search(description)) or amount > 0
    found = _suffix(number)
    if found:
        kind, family, base = found
        if kind == "deduction" and amount > 0:
            kind = "reversal"
        return Classification(kind, family, base)
    family = _family(number, description)
    if not family:
        return Classification("unknown", "", number)
    return Classification("reversal" if reversal else "deduction", family, number)


def _family(number, description):
    if _CHARGEBACK.search(number):
        return "chargeback"
    if _PRICE_PROTECTION.search(number):
        return "price_protection"
    if _AGREEMENT.match(number):
        return "coop"
    for pattern, family in (
        (_SHORTAGE_TEXT, "shortage"),
        (_PRICE_TEXT, "price"),
        (_CHARGEBACK_TEXT, "chargeback"),
        (_RETURN_TEXT, "return"),
        (_COOP_TEXT, "coop"),
    ):
        if pattern.search(description):
            return family
    return ""


def invoice_of_claim(classification):
    """:return: the number of the invoice a shortage or price claim hits, or None"""
    if classification.family in ("shortage", "price") and classification.kind in ("deduction", "reversal"):
        return classification.claim
    return None
