"""Lenient reading of Amazon responses.

Amazon's own examples omit "required" fields, so nothing here insists on a field: missing
lists become empty, missing payloads become empty dicts.
"""

import gzip
import io
import json
import logging

import xmltodict

_logger = logging.getLogger(__name__)

# operationId -> the list inside the payload that a page carries.
PAGE_ITEMS = {
    "getPurchaseOrders": "orders",
    "getPurchaseOrdersStatus": "ordersStatus",
    "GetShipmentDetails": "shipments",
    "GetShipmentLabels": "transportLabels",
    "getReports": "reports",
    "getInvoiceHeaders": "invoices",
    "getInvoice": "invoiceItems",
    "getRemittanceHeaders": "remittances",
    "getRemittance": "remittanceItems",
}
TRANSACTION_STATUSES = ("Success", "Failure", "Processing")


def payload_of(body):
    """The ``payload`` of a vendor API response; the body itself for APIs without one.

    :param body: decoded JSON response
    :return: dict (empty when Amazon sent nothing usable)
    """
    if not isinstance(body, dict):
        return {}
    payload = body.get("payload", body)
    return payload if isinstance(payload, dict) else {}


def next_token(payload, key="nextToken"):
    """The token of the next page: ``pagination.nextToken`` (vendor APIs) or a top-level key
    (reports, invoices 2026-06-25, remittances 2026-03-17), or None on the last page."""
    if not isinstance(payload, dict):
        return None
    pagination = payload.get("pagination")
    token = pagination.get(key) if isinstance(pagination, dict) else None
    return token or payload.get(key) or None


def page_items(operation, payload):
    """The records of one page of ``operation`` (empty list when absent)."""
    items = payload.get(PAGE_ITEMS[operation]) if isinstance(payload, dict) else None
    return items if isinstance(items, list) else []


def identity(record):
    """A hashable identity of a listed record: its Amazon number when it has one."""
    if isinstance(record, dict):
        for key in ("purchaseOrderNumber", "vendorShipmentIdentifier", "invoiceIdentifier", "uniquePaymentId"):
            if record.get(key):
                return (key, record[key])
    return json.dumps(record, sort_keys=True, default=str)


def normalize_enum(value, allowed):
    """Map ``value`` onto the spelling in ``allowed``, ignoring case; unknown values pass
    through unchanged so a new Amazon value never breaks an import."""
    if isinstance(value, str):
        for candidate in allowed:
            if candidate.lower() == value.strip().lower():
                return candidate
    return value


def enum_equals(value, expected):
    """Case-insensitive comparison of an Amazon enum value."""
    return isinstance(value, str) and value.strip().lower() == str(expected).lower()


def transaction_status(payload):
    """The ``transactionStatus`` of a getTransaction payload, status spelled canonically."""
    status = dict(payload.get("transactionStatus") or {}) if isinstance(payload, dict) else {}
    if "status" in status:
        status["status"] = normalize_enum(status["status"], TRANSACTION_STATUSES)
    status.setdefault("errors", [])
    return status


def maybe_gunzip(content, compression=None):
    """Decompress ``content`` when ``compression`` is GZIP (or the bytes are gzip anyway)."""
    if (compression or "").upper() == "GZIP" or content[:2] == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=io.BytesIO(content)).read()
    return content


def parse_report_document(content):
    """Decode a downloaded report: JSON, else XML (via xmltodict), else text.

    :param content: bytes (already decompressed) or str
    :return: dict or list for JSON/XML, str otherwise
    """
    if isinstance(content, bytes):
        content = maybe_gunzip(content)
        text = content.decode("utf-8-sig", errors="replace")
    else:
        text = content
    stripped = text.lstrip()
    if stripped[:1] in ("{", "["):
        try:
            return json.loads(stripped)
        except ValueError:
            _logger.info("A report document looks like JSON but is not: returned as text")
    if stripped.startswith("<"):
        try:
            return xmltodict.parse(stripped)
        except Exception:  # noqa: BLE001 - expat raises its own error types
            _logger.info("A report document looks like XML but is not: returned as text")
    return text
