"""Helpers shared by the client tests: a client wired to the simulator, realistic bodies.

No tests here; the name only keeps the file within the client suite's glob.
"""

from datetime import datetime, timedelta, timezone

from spapi import SpApiClient

CLIENT_ID, CLIENT_SECRET = "acorn-sim-client", "acorn-sim-secret"
REFRESH_TOKEN = "acorn-sim-refresh"
VENDOR = "ACRN1"
FC = "ABE2"


class Recorder:
    """Collects Exchanges (the hook) and the delays the client asked to sleep."""

    def __init__(self):
        self.exchanges, self.sleeps = [], []

    def hook(self, exchange):
        self.exchanges.append(exchange)

    def sleep(self, seconds):
        self.sleeps.append(seconds)

    def calls(self, operation):
        return [e for e in self.exchanges if e.operation == operation]


def make_client(sim, recorder=None, **kwargs):
    """A client of the simulator: fake sleep, tiny backoff, hook recording every attempt."""
    recorder = recorder or Recorder()
    options = {
        "endpoint": sim.url,
        "lwa_url": sim.url + "/auth/o2/token",
        "exchange_hook": recorder.hook,
        "sleep": recorder.sleep,
        "backoff_base": 0.01,
        "backoff_max": 0.05,
        "rate_limit": False,
    }
    options.update(kwargs)
    secret = options.pop("client_secret", CLIENT_SECRET)
    refresh = options.pop("refresh_token", REFRESH_TOKEN)
    client_id = options.pop("client_id", CLIENT_ID)
    return SpApiClient(client_id, secret, refresh, **options), recorder


def iso(moment):
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_order(number, created, quantity=10):
    """An Amazon ``Order`` as the vendorOrders model describes it."""
    return {
        "purchaseOrderNumber": number,
        "purchaseOrderState": "New",
        "orderDetails": {
            "purchaseOrderDate": iso(created),
            "purchaseOrderType": "RegularOrder",
            "paymentMethod": "Invoice",
            "buyingParty": {"partyId": "AMZN"},
            "sellingParty": {"partyId": VENDOR},
            "shipToParty": {
                "partyId": FC,
                "address": {
                    "name": "Amazon.com Services LLC",
                    "addressLine1": "705 Boulder Dr",
                    "city": "Breinigsville",
                    "stateOrRegion": "PA",
                    "postalCode": "18031",
                    "countryCode": "US",
                },
            },
            "billToParty": {"partyId": "AMZN"},
            "shipWindow": f"{iso(created + timedelta(days=2))}--{iso(created + timedelta(days=7))}",
            "items": [
                {
                    "itemSequenceNumber": "1",
                    "amazonProductIdentifier": "B0ACORN001",
                    "vendorProductIdentifier": "0012345678905",
                    "orderedQuantity": {"amount": quantity, "unitOfMeasure": "Eaches", "unitSize": 1},
                    "isBackOrderAllowed": False,
                    "netCost": {"currencyCode": "USD", "amount": "12.50"},
                    "listPrice": {"currencyCode": "USD", "amount": "19.99"},
                }
            ],
        },
    }


def add_orders(sim, count, start=None, step=timedelta(hours=1), prefix="PO"):
    """Add ``count`` POs created from ``start`` every ``step``; :return: their numbers."""
    start = start or datetime.now(timezone.utc) - timedelta(days=2)
    orders = [build_order(f"{prefix}{i:05d}", start + i * step) for i in range(count)]
    sim.add_purchase_orders(orders)
    return [o["purchaseOrderNumber"] for o in orders]


def acknowledgement(number, quantity=10):
    return {
        "purchaseOrderNumber": number,
        "sellingParty": {"partyId": VENDOR},
        "acknowledgementDate": datetime.now(timezone.utc),
        "items": [
            {
                "itemSequenceNumber": "1",
                "amazonProductIdentifier": "B0ACORN001",
                "vendorProductIdentifier": "0012345678905",
                "orderedQuantity": {"amount": quantity, "unitOfMeasure": "Eaches", "unitSize": 1},
                "netCost": {"currencyCode": "USD", "amount": "12.50"},
                "itemAcknowledgements": [
                    {
                        "acknowledgementCode": "Accepted",
                        "acknowledgedQuantity": {"amount": quantity, "unitOfMeasure": "Eaches", "unitSize": 1},
                        "scheduledShipDate": datetime.now(timezone.utc) + timedelta(days=2),
                        "scheduledDeliveryDate": datetime.now(timezone.utc) + timedelta(days=5),
                    }
                ],
            }
        ],
    }


WAREHOUSE = {
    "partyId": "ACRNWH1",
    "address": {
        "name": "Jane Roaster",
        "addressLine1": "100 Roastery Way",
        "city": "Portland",
        "stateOrRegion": "OR",
        "postalCode": "97201",
        "countryCode": "US",
        "phone": "+1 503 555 0100",
    },
}


def shipment_confirmation(number, ident="ASN-0001", quantity=10):
    now = datetime.now(timezone.utc)
    return {
        "shipmentIdentifier": ident,
        "shipmentConfirmationType": "Original",
        "shipmentType": "SmallParcel",
        "shipmentStructure": "LooseStandardCase",
        "transportationDetails": {
            "carrierScac": "UPSN",
            "transportationMode": "Road",
            "carrierShipmentReferenceNumber": "1Z999",
        },
        "shipmentConfirmationDate": now,
        "shippedDate": now,
        "estimatedDeliveryDate": now + timedelta(days=3),
        "sellingParty": {"partyId": VENDOR},
        "shipFromParty": WAREHOUSE,
        "shipToParty": {"partyId": FC},
        "shipmentMeasurements": {"grossShipmentWeight": {"unitOfMeasure": "Lb", "value": "22.5"}, "cartonCount": 1},
        "shippedItems": [
            {
                "itemSequenceNumber": "1",
                "amazonProductIdentifier": "B0ACORN001",
                "vendorProductIdentifier": "0012345678905",
                "shippedQuantity": {"amount": quantity, "unitOfMeasure": "Eaches", "unitSize": 1},
                "itemDetails": {"purchaseOrderNumber": number, "countryOfOrigin": "US"},
            }
        ],
        "cartons": [
            {
                "cartonIdentifiers": [
                    {"containerIdentificationType": "SSCC", "containerIdentificationNumber": "001234560000000018"}
                ],
                "cartonSequenceNumber": "1",
                "weight": {"unitOfMeasure": "Lb", "value": "22.5"},
                "items": [
                    {
                        "itemReference": "1",
                        "shippedQuantity": {"amount": quantity, "unitOfMeasure": "Eaches", "unitSize": 1},
                        "itemDetails": {"purchaseOrderNumber": number},
                    }
                ],
            }
        ],
    }


def shipment(number, ident="SHP-0001", quantity=10):
    now = datetime.now(timezone.utc)
    return {
        "vendorShipmentIdentifier": ident,
        "transactionType": "New",
        "buyerReferenceNumber": "BRN-1",
        "transactionDate": now,
        "currentShipmentStatus": "Created",
        "currentshipmentStatusDate": now,
        "shipmentFreightTerm": "Collect",
        "sellingParty": {"partyId": VENDOR},
        "shipFromParty": WAREHOUSE,
        "shipToParty": {"partyId": FC},
        "shipmentMeasurements": {"totalCartonCount": 1, "shipmentWeight": {"unitOfMeasure": "Lb", "value": "22.5"}},
        "collectFreightPickupDetails": {"requestedPickUp": now + timedelta(days=1)},
        "purchaseOrders": [
            {
                "purchaseOrderNumber": number,
                "items": [
                    {
                        "itemSequenceNumber": "1",
                        "vendorProductIdentifier": "0012345678905",
                        "shippedQuantity": {"amount": quantity, "unitOfMeasure": "Eaches"},
                    }
                ],
            }
        ],
        "containers": [
            {
                "containerType": "carton",
                "containerSequenceNumber": "1",
                "containerIdentifiers": [
                    {"containerIdentificationType": "SSCC", "containerIdentificationNumber": "001234560000000025"}
                ],
                "packedItems": [
                    {"itemSequenceNumber": "1", "packedQuantity": {"amount": quantity, "unitOfMeasure": "Eaches"}}
                ],
            }
        ],
    }


def invoice(number, invoice_id="INV-0001", quantity=10):
    return {
        "invoiceType": "Invoice",
        "id": invoice_id,
        "date": datetime.now(timezone.utc),
        "remitToParty": {
            "partyId": VENDOR,
            "address": {
                "name": "Acorn Coffee Co",
                "addressLine1": "100 Roastery Way",
                "city": "Portland",
                "stateOrRegion": "OR",
                "postalOrZipCode": "97201",
                "countryCode": "US",
            },
        },
        "billToParty": {"partyId": "AMZN"},
        "shipToParty": {"partyId": FC},
        "paymentTerms": {"type": "Basic", "netDueDays": 30},
        "invoiceTotal": {"currencyCode": "USD", "amount": "135.00"},
        "taxDetails": [{"taxType": "ST", "taxRate": "8", "taxAmount": {"currencyCode": "USD", "amount": "10.00"}}],
        "items": [
            {
                "itemSequenceNumber": 1,
                "amazonProductIdentifier": "B0ACORN001",
                "vendorProductIdentifier": "0012345678905",
                "invoicedQuantity": {"amount": quantity, "unitOfMeasure": "Eaches"},
                "netCost": {"currencyCode": "USD", "amount": "12.50"},
                "purchaseOrderNumber": number,
            }
        ],
    }
