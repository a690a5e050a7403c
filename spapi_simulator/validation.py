"""Request body checks: Amazon's JSON schemas (optional, needs jsonschema and the models) and
built-in structural checks that always run."""

import json
from pathlib import Path

from .common import ApiError, parse_iso

MODEL_FILES = {
    "orders": "vendor-orders-api-model/vendorOrders.json",
    "shipments": "vendor-shipments-api-model/vendorShipments.json",
    "invoices": "vendor-invoices-api-model/vendorInvoices.json",
    "reports": "reports-api-model/reports_2021-06-30.json",
    "tokens": "tokens-api-model/tokens_2021-03-01.json",
}
QUANTITY_UNITS = ("Cases", "Eaches")


def error(message, details="", code="InvalidInput"):
    return {"code": code, "message": message, "details": details}


class SchemaValidator:
    """Validates bodies against the official swagger definitions, when available."""

    def __init__(self, models_dir):
        self.models_dir = Path(models_dir) if models_dir else None
        self._docs = {}

    @property
    def active(self):
        if not self.models_dir or not (self.models_dir / "models").is_dir():
            return False
        try:
            import jsonschema  # noqa: F401  (optional dependency, imported lazily)
        except ImportError:
            return False
        return True

    def validate(self, model, definition, body):
        """:return: a list of Amazon-style errors (empty when valid or when inactive)."""
        if not self.active:
            return []
        import jsonschema

        if model not in self._docs:
            path = self.models_dir / "models" / MODEL_FILES[model]
            self._docs[model] = json.loads(path.read_text())
        schema = {"definitions": self._docs[model]["definitions"], "$ref": f"#/definitions/{definition}"}
        validator = jsonschema.Draft4Validator(schema)
        found = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
        return [
            error(
                f"Schema violation at /{'/'.join(str(p) for p in e.absolute_path)}: {e.message}",
                f"{definition} ({e.validator})",
            )
            for e in found[:20]
        ]

    def validate_report(self, schema_file, document):
        """Check a report document against ``schemas/reports/<schema_file>`` (Draft 7).

        :return: a list of Amazon-style errors (empty when valid or when inactive)
        """
        if not self.active:
            return []
        import jsonschema

        if schema_file not in self._docs:
            path = self.models_dir / "schemas" / "reports" / schema_file
            self._docs[schema_file] = json.loads(path.read_text()) if path.is_file() else None
        if self._docs[schema_file] is None:
            return []
        found = sorted(
            jsonschema.Draft7Validator(self._docs[schema_file]).iter_errors(document), key=lambda e: list(e.path)
        )
        return [
            error(f"Schema violation at /{'/'.join(str(p) for p in e.absolute_path)}: {e.message}", schema_file)
            for e in found[:20]
        ]


def require_list(body, key):
    """The top-level list of a submission; anything else is a synchronous 400.

    :raise ApiError: 400 InvalidInput.
    """
    if not isinstance(body, dict) or not isinstance(body.get(key), list) or not body[key]:
        raise ApiError(400, "InvalidInput", f"The request body must hold a non-empty '{key}' list.")
    return body[key]


def check_required(obj, fields, where):
    if not isinstance(obj, dict):
        return [error(f"{where} must be an object.")]
    return [error(f"Missing required field {where}.{f}.") for f in fields if obj.get(f) in (None, "", [], {})]


def check_party(party, where):
    return check_required(party, ["partyId"], where)


def check_date(value, where):
    try:
        parse_iso(value)
    except ApiError:
        return [error(f"{where} is not an ISO-8601 date/time.", str(value))]
    return []


def check_quantity(quantity, where, require_unit=False):
    errors = check_required(quantity, ["amount"] + (["unitOfMeasure"] if require_unit else []), where)
    if errors:
        return errors
    amount = quantity.get("amount")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        errors.append(error(f"{where}.amount must be a non-negative integer.", repr(amount)))
    unit = quantity.get("unitOfMeasure")
    if unit is not None and unit not in QUANTITY_UNITS:
        errors.append(error(f"{where}.unitOfMeasure must be Cases or Eaches.", repr(unit)))
    size = quantity.get("unitSize")
    if size is not None and (not isinstance(size, int) or size < 1):
        errors.append(error(f"{where}.unitSize must be a positive integer.", repr(size)))
    return errors


def check_enum(obj, field, allowed, where):
    value = obj.get(field)
    if value is not None and value not in allowed:
        return [error(f"{where}.{field} must be one of {', '.join(allowed)}.", repr(value))]
    return []


def structure_acknowledgement(ack, where):
    """Structural checks of one ``OrderAcknowledgement``."""
    errors = check_required(ack, ["purchaseOrderNumber", "sellingParty", "acknowledgementDate", "items"], where)
    if errors:
        return errors
    errors += check_party(ack["sellingParty"], f"{where}.sellingParty")
    errors += check_date(ack["acknowledgementDate"], f"{where}.acknowledgementDate")
    for i, item in enumerate(ack["items"]):
        at = f"{where}.items[{i}]"
        item_errors = check_required(item, ["orderedQuantity", "itemAcknowledgements"], at)
        if item_errors:
            errors += item_errors
            continue
        errors += check_quantity(item["orderedQuantity"], f"{at}.orderedQuantity")
        for j, line in enumerate(item["itemAcknowledgements"]):
            line_at = f"{at}.itemAcknowledgements[{j}]"
            line_errors = check_required(line, ["acknowledgementCode", "acknowledgedQuantity"], line_at)
            errors += line_errors or (
                check_enum(line, "acknowledgementCode", ("Accepted", "Backordered", "Rejected"), line_at)
                + check_enum(
                    line,
                    "rejectionReason",
                    ("TemporarilyUnavailable", "InvalidProductIdentifier", "ObsoleteProduct"),
                    line_at,
                )
                + check_quantity(line["acknowledgedQuantity"], f"{line_at}.acknowledgedQuantity")
            )
    return errors


def structure_confirmation(conf, where):
    """Structural checks of one ``ShipmentConfirmation``."""
    errors = check_required(
        conf,
        [
            "shipmentIdentifier",
            "shipmentConfirmationType",
            "shipmentConfirmationDate",
            "sellingParty",
            "shipFromParty",
            "shipToParty",
            "shippedItems",
        ],
        where,
    )
    if errors:
        return errors
    errors += check_enum(conf, "shipmentConfirmationType", ("Original", "Replace"), where)
    errors += check_date(conf["shipmentConfirmationDate"], f"{where}.shipmentConfirmationDate")
    for party in ("sellingParty", "shipFromParty", "shipToParty"):
        errors += check_party(conf[party], f"{where}.{party}")
    for i, item in enumerate(conf["shippedItems"]):
        at = f"{where}.shippedItems[{i}]"
        errors += check_required(item, ["itemSequenceNumber", "shippedQuantity"], at) or check_quantity(
            item["shippedQuantity"], f"{at}.shippedQuantity", require_unit=True
        )
    return errors


def structure_shipment(shipment, where):
    """Structural checks of one ``Shipment`` (SubmitShipments)."""
    errors = check_required(
        shipment,
        [
            "vendorShipmentIdentifier",
            "transactionType",
            "transactionDate",
            "sellingParty",
            "shipFromParty",
            "shipToParty",
        ],
        where,
    )
    if errors:
        return errors
    errors += check_enum(shipment, "transactionType", ("New", "Cancel"), where)
    errors += check_date(shipment["transactionDate"], f"{where}.transactionDate")
    for party in ("sellingParty", "shipFromParty", "shipToParty"):
        errors += check_party(shipment[party], f"{where}.{party}")
    return errors


def structure_invoice(invoice, where):
    """Structural checks of one vendor ``Invoice``."""
    errors = check_required(invoice, ["invoiceType", "id", "date", "remitToParty", "invoiceTotal"], where)
    if errors:
        return errors
    errors += check_enum(invoice, "invoiceType", ("Invoice", "CreditNote"), where)
    errors += check_date(invoice["date"], f"{where}.date")
    errors += check_party(invoice["remitToParty"], f"{where}.remitToParty")
    errors += check_required(invoice["invoiceTotal"], ["currencyCode", "amount"], f"{where}.invoiceTotal")
    for i, item in enumerate(invoice.get("items") or []):
        at = f"{where}.items[{i}]"
        errors += check_required(item, ["itemSequenceNumber", "invoicedQuantity", "netCost"], at) or check_quantity(
            item["invoicedQuantity"], f"{at}.invoicedQuantity", True
        )
    return errors
