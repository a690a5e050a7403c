"""SP-API simulator: Amazon-arranged freight (Collect) transport requests, their ARN, pickup and labels."""

import base64

import pytest
from test_simulator import NOW, Api, make_order
from test_simulator_more import confirmation, submit

SHIPMENTS = "/vendor/shipping/v1/shipments"
CONFIRMATIONS = "/vendor/shipping/v1/shipmentConfirmations"


@pytest.fixture
def api(simulator):
    simulator.configure(clock=NOW)
    simulator.add_purchase_orders([make_order()])
    return Api(simulator)


def transport_request(ident="ASN-1", kind="New", pickup="2026-03-12T09:00:00Z", pallets=True, **extra):
    containers = [
        {
            "containerType": "carton",
            "containerSequenceNumber": "1",
            "containerIdentifiers": [
                {"containerIdentificationType": "SSCC", "containerIdentificationNumber": "006141410000000018"}
            ],
        }
    ]
    if pallets:
        containers.append(
            {
                "containerType": "pallet",
                "containerSequenceNumber": "2",
                "containerIdentifiers": [
                    {"containerIdentificationType": "SSCC", "containerIdentificationNumber": "006141410000000025"}
                ],
                "innerContainersDetails": {
                    "containerCount": 1,
                    "containerSequenceNumbers": [{"containerSequenceNumber": "1"}],
                },
            }
        )
    shipment = {
        "vendorShipmentIdentifier": ident,
        "transactionType": kind,
        "transactionDate": "2026-03-10T11:00:00Z",
        "shipmentFreightTerm": "Collect",
        "sellingParty": {"partyId": "ACME1"},
        "shipFromParty": {"partyId": "WH-PDX"},
        "shipToParty": {"partyId": "ABE8"},
        "purchaseOrders": [{"purchaseOrderNumber": "PO000001"}],
        "containers": containers,
        **extra,
    }
    if pickup:
        shipment["collectFreightPickupDetails"] = {"requestedPickUp": pickup}
    return {"shipments": [shipment]}


def details(api, ident="ASN-1"):
    return api.get(SHIPMENTS, vendorShipmentIdentifier=ident).json()["payload"]["shipments"]


def test_amazon_gives_a_collect_request_its_arn_carrier_and_pickup(api):
    assert submit(api, SHIPMENTS, transport_request())["status"] == "Success"

    [shipment] = details(api)
    assert shipment["buyerReferenceNumber"].isdigit() and len(shipment["buyerReferenceNumber"]) == 10
    assert shipment["currentShipmentStatus"] == "CarrierAssigned"
    pickup = shipment["collectFreightPickupDetails"]
    assert pickup["requestedPickUp"] == "2026-03-12T09:00:00Z"
    assert pickup["scheduledPickUp"] == "2026-03-12T09:00:00Z", "the requested pickup, a day ahead or more"
    assert pickup["carrierAssignmentDate"] == NOW
    transport = shipment["transportationDetails"]
    assert transport["shipMode"] == "LessThanTruckLoad"
    assert transport["carrierDetails"]["code"] == "SAFP"
    assert details(api) == [shipment], "Amazon's references do not change from one call to the next"
    only = api.get(SHIPMENTS, buyerReferenceNumber=shipment["buyerReferenceNumber"]).json()["payload"]["shipments"]
    assert [s["vendorShipmentIdentifier"] for s in only] == ["ASN-1"]

    [label] = api.get("/vendor/shipping/v1/transportLabels", vendorShipmentIdentifier="ASN-1").json()["payload"][
        "transportLabels"
    ]
    assert label["shipmentInformation"]["buyerReferenceNumber"] == shipment["buyerReferenceNumber"]
    assert label["shipmentInformation"]["shipMode"] == "LTL"
    assert base64.b64decode(label["labelData"][0]["label"]).startswith(b"%PDF")


def test_a_pickup_too_soon_or_missing_is_scheduled_a_day_ahead(api):
    submit(api, SHIPMENTS, transport_request(pickup="2026-03-10T13:00:00Z", pallets=False))
    submit(api, SHIPMENTS, transport_request("ASN-2", pickup=None))

    [soon] = details(api)
    [unsaid] = details(api, "ASN-2")
    assert soon["collectFreightPickupDetails"]["scheduledPickUp"] == "2026-03-11T12:00:00Z"
    assert unsaid["collectFreightPickupDetails"]["scheduledPickUp"] == "2026-03-11T12:00:00Z"
    assert soon["transportationDetails"]["shipMode"] == "SmallParcel"


def test_prepaid_requests_get_no_arn(api):
    submit(api, SHIPMENTS, transport_request(shipmentFreightTerm="Prepaid"))

    [shipment] = details(api)
    assert "buyerReferenceNumber" not in shipment
    assert "scheduledPickUp" not in shipment["collectFreightPickupDetails"]


def test_the_asn_of_collect_freight_carries_its_arn(api):
    submit(api, SHIPMENTS, transport_request())
    arn = details(api)[0]["buyerReferenceNumber"]

    missing = submit(api, CONFIRMATIONS, confirmation())
    other = confirmation()
    other["shipmentConfirmations"][0]["amazonReferenceNumber"] = "0000000000"
    wrong = submit(api, CONFIRMATIONS, other)

    assert missing["status"] == "Failure" and "amazonReferenceNumber is mandatory" in missing["errors"][0]["message"]
    assert wrong["status"] == "Failure" and "is not the one of shipment ASN-1" in wrong["errors"][0]["message"]

    good = confirmation()
    good["shipmentConfirmations"][0]["amazonReferenceNumber"] = arn
    assert submit(api, CONFIRMATIONS, good)["status"] == "Success"
    [shipped] = details(api)
    assert shipped["currentShipmentStatus"] == "Shipped"
    assert shipped["buyerReferenceNumber"] == arn
    assert shipped["collectFreightPickupDetails"]["scheduledPickUp"] == "2026-03-12T09:00:00Z"
    assert shipped["transportationDetails"]["carrierDetails"]["code"] == "SAFP"
    assert shipped["transportationDetails"]["shippedDate"] == "2026-03-10T11:00:00Z"
    assert [s["shipmentStatus"] for s in shipped["shipmentStatusDetails"]] == ["Created", "CarrierAssigned", "Shipped"]


def test_an_arn_amazon_never_gave_is_refused(api):
    body = confirmation()
    body["shipmentConfirmations"][0]["amazonReferenceNumber"] = "1234567890"

    transaction = submit(api, CONFIRMATIONS, body)

    assert transaction["status"] == "Failure" and "does not exist" in transaction["errors"][0]["message"]


def test_cancel_removes_the_request_until_it_shipped(api):
    submit(api, SHIPMENTS, transport_request())
    assert submit(api, SHIPMENTS, transport_request(kind="Cancel"))["status"] == "Success"
    assert details(api) == []

    submit(api, SHIPMENTS, transport_request("ASN-2"))
    shipped = confirmation("ASN-2")
    shipped["shipmentConfirmations"][0]["amazonReferenceNumber"] = details(api, "ASN-2")[0]["buyerReferenceNumber"]
    submit(api, CONFIRMATIONS, shipped)
    late = submit(api, SHIPMENTS, transport_request("ASN-2", kind="Cancel"))

    assert late["status"] == "Failure" and "has shipped and cannot be cancelled" in late["errors"][0]["message"]
