"""Strict checks of outbound bodies, derived by hand from Amazon's models.

Amazon answers a malformed submission with a 202 and a transactionId, and only the later
getTransaction says Failure: catching the mistake before sending saves a round trip and a
chargeback-prone delay. Only what the models require is checked; unknown fields pass.
"""

import re
from datetime import date, datetime
from decimal import Decimal

from .exceptions import InvalidBodyError
from .timeutil import is_iso_datetime, to_amz

_DECIMAL_RE = re.compile(r"^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$")


class Rule:
    """A check of one value; ``check`` appends "path: problem" strings to ``problems``."""

    def __init__(self, check, label):
        self._check = check
        self.label = label

    def check(self, value, path, problems):
        if not self._check(value):
            problems.append(f"{path}: must be {self.label}, got {value!r}")


class Obj(Rule):
    """An object with required fields and rules for known fields."""

    def __init__(self, required=(), **fields):
        super().__init__(None, "an object")
        self.required = required
        self.fields = fields

    def check(self, value, path, problems):
        if not isinstance(value, dict):
            problems.append(f"{path}: must be an object, got {type(value).__name__}")
            return
        for name in self.required:
            if value.get(name) in (None, "", [], {}):
                problems.append(f"{path}.{name}: is required")
        for name, rule in self.fields.items():
            if value.get(name) is not None:
                rule.check(value[name], f"{path}.{name}", problems)


class Arr(Rule):
    """A list whose items follow ``item``."""

    def __init__(self, item, min_items=0, max_items=None):
        super().__init__(None, "a list")
        self.item, self.min_items, self.max_items = item, min_items, max_items

    def check(self, value, path, problems):
        if not isinstance(value, list):
            problems.append(f"{path}: must be a list, got {type(value).__name__}")
            return
        if len(value) < self.min_items:
            problems.append(f"{path}: needs at least {self.min_items} item(s)")
        if self.max_items is not None and len(value) > self.max_items:
            problems.append(f"{path}: allows at most {self.max_items} items")
        for index, item in enumerate(value):
            self.item.check(item, f"{path}[{index}]", problems)


def enum(*values):
    """A string among ``values`` (case-sensitive: Amazon's XML backend is)."""
    return Rule(lambda v: v in values, "one of " + ", ".join(values))


def _is_int(value, minimum=None):
    ok = isinstance(value, int) and not isinstance(value, bool)
    return ok and (minimum is None or value >= minimum)


STR = Rule(lambda v: isinstance(v, str) and v.strip() != "", "a non-empty string")
NONNEG_INT = Rule(lambda v: _is_int(v, 0), "a non-negative integer")
POS_INT = Rule(lambda v: _is_int(v, 1), "a positive integer")
NUMBER = Rule(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0, "a non-negative number")
DECIMAL = Rule(lambda v: isinstance(v, str) and bool(_DECIMAL_RE.match(v)), 'a decimal string such as "10.25"')
NONNEG_DECIMAL = Rule(
    lambda v: isinstance(v, str) and bool(_DECIMAL_RE.match(v)) and not v.startswith("-"),
    'a non-negative decimal string such as "10.25"',
)
DATETIME = Rule(is_iso_datetime, "an ISO 8601 date-time with time zone")
COUNTRY = Rule(lambda v: isinstance(v, str) and bool(re.match(r"^[A-Z]{2}$", v)), "a two-letter ISO country code")
CURRENCY = Rule(lambda v: isinstance(v, str) and bool(re.match(r"^[A-Z]{3}$", v)), "a three-letter ISO currency code")

# ---- shared building blocks -------------------------------------------------------------
ADDRESS = Obj(("name", "addressLine1", "countryCode"), name=STR, addressLine1=STR, countryCode=COUNTRY)
TAX_REGISTRATION = Obj(
    ("taxRegistrationType", "taxRegistrationNumber"), taxRegistrationType=enum("VAT", "GST"), taxRegistrationNumber=STR
)
PARTY = Obj(
    ("partyId",), partyId=STR, address=ADDRESS, taxInfo=TAX_REGISTRATION, taxRegistrationDetails=Arr(TAX_REGISTRATION)
)
WEIGHT_UNITS = enum("POUNDS", "OUNCES", "GRAMS", "KILOGRAMS")
TOTAL_WEIGHT = Obj(("amount", "unitOfMeasure"), amount=NONNEG_DECIMAL, unitOfMeasure=WEIGHT_UNITS)
# Orders model: ItemQuantity has no required field (Amazon's own example omits the unit).
ORDER_QTY = Obj(amount=NONNEG_INT, unitOfMeasure=enum("Cases", "Eaches"), unitSize=POS_INT)
QTY = Obj(
    ("amount", "unitOfMeasure"),
    amount=NONNEG_INT,
    unitOfMeasure=enum("Cases", "Eaches"),
    unitSize=POS_INT,
    totalWeight=TOTAL_WEIGHT,
)
ORDER_MONEY = Obj(currencyCode=CURRENCY, amount=DECIMAL, unitOfMeasure=WEIGHT_UNITS)
MONEY_REQUIRED = Obj(("currencyCode", "amount"), currencyCode=CURRENCY, amount=DECIMAL)
MONEY = Obj(currencyCode=CURRENCY, amount=DECIMAL)
WEIGHT = Obj(("unitOfMeasure", "value"), unitOfMeasure=enum("G", "Kg", "Oz", "Lb"), value=NONNEG_DECIMAL)
VOLUME = Obj(("unitOfMeasure", "value"), unitOfMeasure=enum("CuFt", "CuIn", "CuM", "CuY"), value=NONNEG_DECIMAL)
DIMENSIONS = Obj(
    ("length", "width", "height", "unitOfMeasure"),
    length=NONNEG_DECIMAL,
    width=NONNEG_DECIMAL,
    height=NONNEG_DECIMAL,
    unitOfMeasure=enum("In", "Ft", "Meter", "Yard"),
)
CONTAINER_ID = Obj(
    ("containerIdentificationType", "containerIdentificationNumber"),
    containerIdentificationType=enum("SSCC", "AMZNCC", "GTIN", "BPS", "CID"),
    containerIdentificationNumber=STR,
)
HANDLING = enum("Oversized", "Fragile", "Food", "HandleWithCare")
EXPIRY = Obj(
    manufacturerDate=DATETIME,
    expiryDate=DATETIME,
    expiryAfterDuration=Obj(
        ("durationUnit", "durationValue"), durationUnit=enum("Days", "Months"), durationValue=NONNEG_INT
    ),
)
ITEM_DETAILS = Obj(
    countryOfOrigin=COUNTRY,
    expiry=EXPIRY,
    maximumRetailPrice=MONEY_REQUIRED,
    handlingCode=HANDLING,
    lotNumberSourceType=enum("GLN", "FFRN", "USDA_E", "URL"),
)
TRANSPORT_MODE = enum("Road", "Air", "Ocean")
SHIP_MODE = enum("TruckLoad", "LessThanTruckLoad", "SmallParcel")
STOP = Obj(
    ("functionCode",),
    functionCode=enum("PortOfDischarge", "FreightPayableAt", "PortOfLoading"),
    arrivalTime=DATETIME,
    departureTime=DATETIME,
)
IMPORT_DETAILS = Obj(
    methodOfPayment=enum(
        "PaidByBuyer",
        "CollectOnDelivery",
        "DefinedByBuyerAndSeller",
        "FOBPortOfCall",
        "PrepaidBySeller",
        "PaidBySeller",
    ),
    route=Obj(("stops",), stops=Arr(STOP, 1)),
    billableWeight=WEIGHT,
    estimatedShipByDate=DATETIME,
    handlingInstructions=HANDLING,
)

# ---- submitAcknowledgement ---------------------------------------------------------------
ITEM_ACK = Obj(
    ("acknowledgementCode", "acknowledgedQuantity"),
    acknowledgementCode=enum("Accepted", "Backordered", "Rejected"),
    acknowledgedQuantity=ORDER_QTY,
    scheduledShipDate=DATETIME,
    scheduledDeliveryDate=DATETIME,
    rejectionReason=enum("TemporarilyUnavailable", "InvalidProductIdentifier", "ObsoleteProduct"),
)
ACK_ITEM = Obj(
    ("orderedQuantity", "itemAcknowledgements"),
    orderedQuantity=ORDER_QTY,
    netCost=ORDER_MONEY,
    listPrice=ORDER_MONEY,
    itemAcknowledgements=Arr(ITEM_ACK, 1),
)
ACKNOWLEDGEMENT = Obj(
    ("purchaseOrderNumber", "sellingParty", "acknowledgementDate", "items"),
    purchaseOrderNumber=STR,
    sellingParty=PARTY,
    acknowledgementDate=DATETIME,
    items=Arr(ACK_ITEM, 1),
)

# ---- SubmitShipmentConfirmations ---------------------------------------------------------
CONTAINER_ITEM = Obj(
    ("itemReference", "shippedQuantity"), itemReference=STR, shippedQuantity=QTY, itemDetails=ITEM_DETAILS
)
CARTON = Obj(
    ("cartonSequenceNumber", "items"),
    cartonIdentifiers=Arr(CONTAINER_ID),
    cartonSequenceNumber=STR,
    dimensions=DIMENSIONS,
    weight=WEIGHT,
    items=Arr(CONTAINER_ITEM, 1),
)
PALLET = Obj(
    ("palletIdentifiers",),
    palletIdentifiers=Arr(CONTAINER_ID, 1),
    tier=NONNEG_INT,
    block=NONNEG_INT,
    dimensions=DIMENSIONS,
    weight=WEIGHT,
    items=Arr(CONTAINER_ITEM),
    cartonReferenceDetails=Obj(("cartonReferenceNumbers",), cartonCount=NONNEG_INT, cartonReferenceNumbers=Arr(STR, 1)),
)
SHIPPED_ITEM = Obj(
    ("itemSequenceNumber", "shippedQuantity"), itemSequenceNumber=STR, shippedQuantity=QTY, itemDetails=ITEM_DETAILS
)
SHIPMENT_CONFIRMATION = Obj(
    (
        "shipmentIdentifier",
        "shipmentConfirmationType",
        "shipmentConfirmationDate",
        "sellingParty",
        "shipFromParty",
        "shipToParty",
        "shippedItems",
    ),
    shipmentIdentifier=STR,
    shipmentConfirmationType=enum("Original", "Replace"),
    shipmentType=SHIP_MODE,
    shipmentStructure=enum(
        "PalletizedAssortmentCase",
        "LooseAssortmentCase",
        "PalletOfItems",
        "PalletizedStandardCase",
        "LooseStandardCase",
        "MasterPallet",
        "MasterCase",
    ),
    transportationDetails=Obj(transportationMode=TRANSPORT_MODE),
    shipmentConfirmationDate=DATETIME,
    shippedDate=DATETIME,
    estimatedDeliveryDate=DATETIME,
    sellingParty=PARTY,
    shipFromParty=PARTY,
    shipToParty=PARTY,
    shipmentMeasurements=Obj(
        grossShipmentWeight=WEIGHT, shipmentVolume=VOLUME, cartonCount=NONNEG_INT, palletCount=NONNEG_INT
    ),
    importDetails=IMPORT_DETAILS,
    shippedItems=Arr(SHIPPED_ITEM, 1),
    cartons=Arr(CARTON),
    pallets=Arr(PALLET),
)

# ---- SubmitShipments ---------------------------------------------------------------------
SHIPMENT_STATUS = enum("Created", "TransportationRequested", "CarrierAssigned", "Shipped")
PO_ITEM = Obj(
    ("itemSequenceNumber", "shippedQuantity"),
    itemSequenceNumber=STR,
    shippedQuantity=QTY,
    maximumRetailPrice=MONEY_REQUIRED,
)
CONTAINER = Obj(
    ("containerType", "containerIdentifiers"),
    containerType=enum("carton", "pallet"),
    containerIdentifiers=Arr(CONTAINER_ID, 1),
    dimensions=DIMENSIONS,
    weight=WEIGHT,
    tier=NONNEG_INT,
    block=NONNEG_INT,
    packedItems=Arr(Obj(packedQuantity=QTY, itemDetails=Obj(expiry=EXPIRY))),
)
SHIPMENT = Obj(
    ("vendorShipmentIdentifier", "transactionType", "transactionDate", "sellingParty", "shipFromParty", "shipToParty"),
    vendorShipmentIdentifier=STR,
    transactionType=enum("New", "Cancel"),
    transactionDate=DATETIME,
    currentShipmentStatus=SHIPMENT_STATUS,
    currentshipmentStatusDate=DATETIME,
    shipmentStatusDetails=Arr(Obj(shipmentStatus=SHIPMENT_STATUS, shipmentStatusDate=DATETIME)),
    shipmentCreateDate=DATETIME,
    shipmentConfirmDate=DATETIME,
    packageLabelCreateDate=DATETIME,
    shipmentFreightTerm=enum("Collect", "Prepaid"),
    sellingParty=PARTY,
    shipFromParty=PARTY,
    shipToParty=PARTY,
    shipmentMeasurements=Obj(
        totalCartonCount=NONNEG_INT,
        totalPalletStackable=NONNEG_INT,
        totalPalletNonStackable=NONNEG_INT,
        shipmentWeight=WEIGHT,
        shipmentVolume=VOLUME,
    ),
    collectFreightPickupDetails=Obj(requestedPickUp=DATETIME, scheduledPickUp=DATETIME, carrierAssignmentDate=DATETIME),
    purchaseOrders=Arr(Obj(purchaseOrderDate=DATETIME, items=Arr(PO_ITEM))),
    importDetails=IMPORT_DETAILS,
    containers=Arr(CONTAINER),
    transportationDetails=Obj(
        shipMode=SHIP_MODE,
        transportationMode=TRANSPORT_MODE,
        shippedDate=DATETIME,
        estimatedDeliveryDate=DATETIME,
        shipmentDeliveryDate=DATETIME,
    ),
)

# ---- submitInvoices ----------------------------------------------------------------------
TAX_DETAILS = Obj(
    ("taxType", "taxAmount"),
    taxType=enum(
        "CGST",
        "SGST",
        "CESS",
        "UTGST",
        "IGST",
        "MwSt.",
        "PST",
        "TVA",
        "VAT",
        "GST",
        "ST",
        "Consumption",
        "MutuallyDefined",
        "DomesticVAT",
    ),
    taxRate=DECIMAL,
    taxAmount=MONEY,
    taxableAmount=MONEY,
)
CHARGE = Obj(
    ("type", "chargeAmount"),
    type=enum(
        "Freight",
        "Packing",
        "Duty",
        "Service",
        "SmallOrder",
        "InsurancePlacementCost",
        "InsuranceFee",
        "SpecialHandlingService",
        "CollectionAndRecyclingService",
        "EnvironmentalProtectionService",
        "TaxCollectedAtSource",
    ),
    chargeAmount=MONEY,
    taxDetails=Arr(TAX_DETAILS),
)
ALLOWANCE = Obj(
    ("type", "allowanceAmount"),
    type=enum("Discount", "DiscountIncentive", "Defective", "Promotional", "UnsaleableMerchandise", "Special"),
    allowanceAmount=MONEY,
    taxDetails=Arr(TAX_DETAILS),
)
INVOICE_ITEM = Obj(
    ("itemSequenceNumber", "invoicedQuantity", "netCost"),
    itemSequenceNumber=POS_INT,
    invoicedQuantity=QTY,
    netCost=MONEY,
    netCostUnitOfMeasure=WEIGHT_UNITS,
    creditNoteDetails=Obj(goodsReturnDate=DATETIME),
    taxDetails=Arr(TAX_DETAILS),
    chargeDetails=Arr(CHARGE),
    allowanceDetails=Arr(ALLOWANCE),
)
INVOICE = Obj(
    ("invoiceType", "id", "date", "remitToParty", "invoiceTotal"),
    invoiceType=enum("Invoice", "CreditNote"),
    id=STR,
    date=DATETIME,
    remitToParty=PARTY,
    shipToParty=PARTY,
    shipFromParty=PARTY,
    billToParty=PARTY,
    paymentTerms=Obj(
        type=enum("Basic", "EndOfMonth", "FixedDate", "Proximo", "PaymentDueUponReceiptOfInvoice", "LetterofCredit"),
        discountPercent=DECIMAL,
        discountDueDays=NUMBER,
        netDueDays=NUMBER,
    ),
    invoiceTotal=MONEY_REQUIRED,
    taxDetails=Arr(TAX_DETAILS),
    additionalDetails=Arr(Obj(("type", "detail"), type=enum("SUR", "OCR", "CartonCount"), detail=STR)),
    chargeDetails=Arr(CHARGE),
    allowanceDetails=Arr(ALLOWANCE),
    items=Arr(INVOICE_ITEM),
)

# ---- reports and tokens ------------------------------------------------------------------
REPORT_SPEC = Obj(
    ("reportType", "marketplaceIds"),
    reportType=STR,
    marketplaceIds=Arr(STR, 1, 25),
    dataStartTime=DATETIME,
    dataEndTime=DATETIME,
    reportOptions=Rule(
        lambda v: isinstance(v, dict) and all(isinstance(x, str) for x in v.values()), "an object of strings"
    ),
)
RDT_REQUEST = Obj(
    ("restrictedResources",),
    targetApplication=STR,
    restrictedResources=Arr(
        Obj(
            ("method", "path"),
            method=enum("GET", "PUT", "POST", "DELETE"),
            path=Rule(lambda v: isinstance(v, str) and v.startswith("/"), 'a path starting with "/"'),
            dataElements=Arr(STR),
        ),
        1,
    ),
)

BODY_RULES = {
    "submitAcknowledgement": Obj(("acknowledgements",), acknowledgements=Arr(ACKNOWLEDGEMENT, 1)),
    "SubmitShipmentConfirmations": Obj(("shipmentConfirmations",), shipmentConfirmations=Arr(SHIPMENT_CONFIRMATION, 1)),
    "SubmitShipments": Obj(("shipments",), shipments=Arr(SHIPMENT, 1)),
    "submitInvoices": Obj(("invoices",), invoices=Arr(INVOICE, 1)),
    "createReport": REPORT_SPEC,
    "createRestrictedDataToken": RDT_REQUEST,
}


def jsonable(value):
    """Copy ``value`` turning datetimes into Amazon timestamps and Decimals into strings,
    the two conversions every caller would otherwise repeat."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (datetime, date)):
        return to_amz(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def body_problems(operation, body):
    """List every rule ``body`` breaks for ``operation`` (empty when it is fine)."""
    problems = []
    BODY_RULES[operation].check(body, "body", problems)
    return problems


def check_body(operation, body):
    """Raise :class:`InvalidBodyError` listing every problem of ``body``.

    :param operation: operationId with rules in :data:`BODY_RULES`
    :param body: the JSON-able request body
    :raise InvalidBodyError: at least one rule is broken
    """
    problems = body_problems(operation, body)
    if problems:
        raise InvalidBodyError(
            f"The {operation} request breaks {len(problems)} rule(s)", problems=problems, operation=operation
        )
