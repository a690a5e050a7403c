"""SP-API simulator: shipments, invoices, reports, Invoices API, control API, CLI and demo."""

import base64
import gzip
import json
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests
from test_simulator import NOW, Api, make_order

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def api(simulator):
    simulator.configure(clock=NOW)
    simulator.add_purchase_orders([make_order()])
    return Api(simulator)


def confirmation(ident="ASN-1", number="PO000001", kind="Original"):
    return {
        "shipmentConfirmations": [
            {
                "shipmentIdentifier": ident,
                "shipmentConfirmationType": kind,
                "shipmentConfirmationDate": "2026-03-10T11:00:00Z",
                "shippedDate": "2026-03-10T11:00:00Z",
                "sellingParty": {"partyId": "ACME1"},
                "shipFromParty": {"partyId": "WH-PDX"},
                "shipToParty": {"partyId": "ABE8"},
                "shippedItems": [
                    {
                        "itemSequenceNumber": "1",
                        "vendorProductIdentifier": "0860123450010",
                        "shippedQuantity": {"amount": 10, "unitOfMeasure": "Cases", "unitSize": 6},
                        "itemDetails": {"purchaseOrderNumber": number},
                    }
                ],
            }
        ]
    }


def invoice(ident="INV-1", number="PO000001", quantity=5):
    return {
        "invoiceType": "Invoice",
        "id": ident,
        "date": "2026-03-10T10:00:00Z",
        "remitToParty": {"partyId": "ACME1"},
        "invoiceTotal": {"currencyCode": "USD", "amount": f"{38.5 * quantity:.2f}"},
        "items": [
            {
                "itemSequenceNumber": 1,
                "vendorProductIdentifier": "0860123450041",
                "invoicedQuantity": {"amount": quantity, "unitOfMeasure": "Eaches"},
                "netCost": {"currencyCode": "USD", "amount": "38.50"},
                "purchaseOrderNumber": number,
            }
        ],
    }


def submit(api, path, body):
    response = api.post(path, body)
    assert response.status_code == 202, response.text
    return api.transaction(response.json()["payload"]["transactionId"])


# ------------------------------------------------------------------ shipments
def test_shipment_confirmation_and_details(api):
    assert submit(api, "/vendor/shipping/v1/shipmentConfirmations", confirmation())["status"] == "Success"
    payload = api.get("/vendor/shipping/v1/shipments").json()["payload"]
    shipment = payload["shipments"][0]
    assert shipment["vendorShipmentIdentifier"] == "ASN-1"
    assert shipment["purchaseOrders"][0]["purchaseOrderNumber"] == "PO000001"
    assert api.get("/vendor/shipping/v1/shipments", buyerWarehouseCode="PHX6").json()["payload"]["shipments"] == []
    assert api.get("/vendor/shipping/v1/shipments", limit=51).status_code == 400
    replaced = submit(api, "/vendor/shipping/v1/shipmentConfirmations", confirmation(kind="Replace"))
    assert replaced["status"] == "Success"


@pytest.mark.parametrize(
    "body, fragment",
    [
        (confirmation(), "already been used"),
        (confirmation("ASN-2", number="NOPE0000"), "does not exist"),
    ],
)
def test_shipment_confirmation_failures(api, body, fragment):
    submit(api, "/vendor/shipping/v1/shipmentConfirmations", confirmation())
    transaction = submit(api, "/vendor/shipping/v1/shipmentConfirmations", body)
    assert transaction["status"] == "Failure"
    assert fragment in transaction["errors"][0]["message"]


def test_submit_shipments_labels_and_pagination(api):
    shipments = [
        {
            "vendorShipmentIdentifier": f"SHP-{i}",
            "transactionType": "New",
            "transactionDate": "2026-03-10T10:00:00Z",
            "buyerReferenceNumber": f"ARN{i}",
            "sellingParty": {"partyId": "ACME1"},
            "shipFromParty": {"partyId": "WH-PDX"},
            "shipToParty": {"partyId": "ABE8"},
            "purchaseOrders": [{"purchaseOrderNumber": "PO000001"}],
        }
        for i in range(3)
    ]
    assert submit(api, "/vendor/shipping/v1/shipments", {"shipments": shipments})["status"] == "Success"
    again = submit(api, "/vendor/shipping/v1/shipments", {"shipments": shipments[:1]})
    assert again["status"] == "Failure" and "already been used" in again["errors"][0]["message"]
    first = api.get("/vendor/shipping/v1/transportLabels", limit=2).json()["payload"]
    assert len(first["transportLabels"]) == 2
    label = first["transportLabels"][0]
    assert base64.b64decode(label["labelData"][0]["label"]).startswith(b"%PDF")
    assert label["shipmentInformation"]["vendorDetails"]["vendorShipmentIdentifier"] == "SHP-0"
    rest = api.get("/vendor/shipping/v1/transportLabels", limit=2, nextToken=first["pagination"]["nextToken"]).json()[
        "payload"
    ]
    assert len(rest["transportLabels"]) == 1 and "pagination" not in rest
    only = api.get("/vendor/shipping/v1/shipments", buyerReferenceNumber="ARN2").json()
    assert [s["vendorShipmentIdentifier"] for s in only["payload"]["shipments"]] == ["SHP-2"]


# ------------------------------------------------------------------ invoices
def test_invoice_success_reuse_and_unknown_po(api):
    assert submit(api, "/vendor/payments/v1/invoices", {"invoices": [invoice()]})["status"] == "Success"
    reused = submit(api, "/vendor/payments/v1/invoices", {"invoices": [invoice()]})
    assert reused["status"] == "Failure" and "already submitted" in reused["errors"][0]["message"]
    unknown = submit(api, "/vendor/payments/v1/invoices", {"invoices": [invoice("INV-2", number="NOPE0000")]})
    assert unknown["status"] == "Failure" and "does not exist" in unknown["errors"][0]["message"]
    other_payee = invoice()
    other_payee["remitToParty"]["partyId"] = "ACME2"
    assert submit(api, "/vendor/payments/v1/invoices", {"invoices": [other_payee]})["status"] == "Success"


def test_invoices_api_reflects_submitted_invoice(api):
    submit(api, "/vendor/payments/v1/invoices", {"invoices": [invoice()]})
    params = {"marketplaceId": "ATVPDKIKX0DER"}
    headers = api.get("/finances/invoices/2026-06-25/invoices", **params).json()
    assert headers["numOfRecords"] == 1 and "nextToken" not in headers
    head = headers["invoices"][0]
    assert head["invoiceIdentifier"] == "INV-1~ACME1"
    assert head["invoiceStatus"] == "IN_PROGRESS" and head["invoiceType"] == "AP_INVENTORY"
    assert head["invoiceAmount"] == {"currencyCode": "USD", "currencyAmount": 192.5}
    requests.post(
        f"{api.url}/_simulator/purchase-orders/PO000001/receipts",
        timeout=10,
        json={"items": [{"itemSequenceNumber": "2", "receivedQuantity": 5}]},
    )
    detail = api.get("/finances/invoices/2026-06-25/invoices/INV-1~ACME1", **params).json()
    assert detail["invoiceHeader"]["invoiceStatus"] == "PAID"
    line = detail["invoiceItems"][0]
    assert line["quantity"] == 5 and line["lineItemContext"]["matchingContext"]["matchedQuantity"] == 5
    assert api.get("/finances/invoices/2026-06-25/invoices").status_code == 400
    assert api.get("/finances/invoices/2026-06-25/invoices/NOPE~X", **params).status_code == 404
    wide = api.get(
        "/finances/invoices/2026-06-25/invoices",
        fromIssueDate="2025-01-01T00:00:00Z",
        toIssueDate="2026-03-10T00:00:00Z",
        **params,
    )
    assert wide.status_code == 400


def test_invoice_numbers_with_slashes_are_found_by_their_encoded_identifier(api):
    """Odoo numbers invoices INV/2026/00001: the identifier travels URL-encoded in the path."""
    submit(api, "/vendor/payments/v1/invoices", {"invoices": [invoice("INV/2026/00001")]})
    found = api.get("/finances/invoices/2026-06-25/invoices/INV%2F2026%2F00001~ACME1", marketplaceId="ATVPDKIKX0DER")
    assert found.status_code == 200
    assert found.json()["invoiceHeader"]["invoiceNumber"] == "INV/2026/00001"


def test_invoices_api_schema_shape(api, load_model):
    jsonschema = pytest.importorskip("jsonschema")

    response = requests.post(
        f"{api.url}/_simulator/invoices",
        timeout=10,
        json=[{"invoice": invoice("INV-9"), "invoiceStatus": "PARTIALLY_PAID"}],
    )
    assert response.json() == {"added": 1}
    model = load_model("finances-api-model/financesInvoices_2026-06-25.json")
    params = {"marketplaceId": "ATVPDKIKX0DER"}
    for path, definition in (("", "GetInvoicesResponse"), ("/INV-9~ACME1", "GetInvoiceResponse")):
        body = api.get(f"/finances/invoices/2026-06-25/invoices{path}", **params).json()
        jsonschema.Draft4Validator(
            {"definitions": model["definitions"], "$ref": f"#/definitions/{definition}"}
        ).validate(body)
    assert body["invoiceHeader"]["invoiceStatus"] == "PARTIALLY_PAID"


# ------------------------------------------------------------------ reports
def test_report_flow_with_gzip_document(api, spapi_models_dir):
    jsonschema = pytest.importorskip("jsonschema")

    # Sunday 1 March to Saturday 7 March in Los Angeles (PST until 8 March).
    spec = {
        "reportType": "GET_VENDOR_SALES_REPORT",
        "marketplaceIds": ["ATVPDKIKX0DER"],
        "dataStartTime": "2026-03-01T08:00:00Z",
        "dataEndTime": "2026-03-08T07:59:59Z",
        "reportOptions": {"reportPeriod": "WEEK", "distributorView": "MANUFACTURING", "sellingProgram": "RETAIL"},
    }
    created = api.post("/reports/2021-06-30/reports", spec)
    assert created.status_code == 202
    path = f"/reports/2021-06-30/reports/{created.json()['reportId']}"
    statuses = [api.get(path).json()["processingStatus"] for _ in range(3)]
    assert statuses == ["IN_QUEUE", "IN_PROGRESS", "DONE"]
    report = api.get(path).json()
    assert report["processingStatus"] == "DONE" and report["processingStartTime"] <= report["processingEndTime"]
    document = api.get(f"/reports/2021-06-30/documents/{report['reportDocumentId']}").json()
    assert document["compressionAlgorithm"] == "GZIP"
    assert document["url"].startswith(api.url + "/_simulator/documents/")
    content = json.loads(gzip.decompress(requests.get(document["url"], timeout=10).content))
    schema = json.loads((spapi_models_dir / "schemas/reports/vendorSalesReport.json").read_text())
    jsonschema.Draft7Validator(schema).validate(content)
    assert content["salesByAsin"] and content["reportSpecification"]["dataStartTime"] == "2026-03-01"
    listed = api.get("/reports/2021-06-30/reports", reportTypes="GET_VENDOR_SALES_REPORT").json()
    assert [r["reportId"] for r in listed["reports"]] == [report["reportId"]]


def test_report_unknown_type_is_fatal_and_bad_body(api, simulator):
    simulator.configure(report_polls_until_done=0)
    created = api.post(
        "/reports/2021-06-30/reports", {"reportType": "GET_NOTHING", "marketplaceIds": ["ATVPDKIKX0DER"]}
    )
    report = api.get(f"/reports/2021-06-30/reports/{created.json()['reportId']}").json()
    assert report["processingStatus"] == "FATAL" and "reportDocumentId" not in report
    assert api.post("/reports/2021-06-30/reports", {"reportType": "X"}).status_code == 400
    assert api.get("/reports/2021-06-30/reports/999").status_code == 404


def test_report_rate_limit_is_amazons(api):
    spec = {"reportType": "GET_VENDOR_TRAFFIC_REPORT", "marketplaceIds": ["ATVPDKIKX0DER"]}
    codes = [api.post("/reports/2021-06-30/reports", spec).status_code for _ in range(16)]
    assert codes.count(202) == 15 and codes[-1] == 429


# ------------------------------------------------------------------ control API
def test_control_api_shapes(simulator):
    url = simulator.url
    assert requests.post(f"{url}/_simulator/reset", timeout=10).json() == {"status": "ok"}
    config = requests.post(f"{url}/_simulator/config", json={"clock": NOW}, timeout=10).json()
    assert config["clock"] == NOW and config["transaction_outcome"] == "success"
    assert set(config) == {
        "transaction_outcome",
        "transaction_delay",
        "rate_limiting",
        "rate_limits",
        "faults",
        "clock",
        "token_lifetime",
        "denied_operations",
        "redirect_uri",
        "remittance_page_size",
        "remittance_item_page_size",
        "report_polls_until_done",
        "forecast_weeks",
    }
    assert requests.get(f"{url}/_simulator/config", timeout=10).json() == config
    assert requests.post(f"{url}/_simulator/config", json={"nope": 1}, timeout=10).status_code == 400
    added = requests.post(f"{url}/_simulator/purchase-orders", json=[make_order()], timeout=10)
    assert added.json() == {"added": 1, "replaced": 0}
    bad = requests.post(f"{url}/_simulator/purchase-orders", json={"x": 1}, timeout=10)
    assert bad.status_code == 400 and bad.json()["errors"]
    view = requests.get(f"{url}/_simulator/purchase-orders/PO000001", timeout=10).json()
    assert set(view) == {"purchaseOrderNumber", "order", "status", "acknowledgements"}
    assert view["status"]["itemStatus"][0]["acknowledgementStatus"]["confirmationStatus"] == "UNCONFIRMED"
    assert requests.get(f"{url}/_simulator/purchase-orders/NOPE", timeout=10).status_code == 404
    api = Api(simulator)
    api.post("/vendor/payments/v1/invoices", {"invoices": [invoice()]})
    listed = requests.get(f"{url}/_simulator/submissions", params={"operation": "submitInvoices"}, timeout=10).json()
    assert isinstance(listed, list) and len(listed) == 1
    assert set(listed[0]) == {"operation", "transactionId", "receivedAt", "body", "valid", "errors"}
    assert listed[0]["body"]["invoices"][0]["id"] == "INV-1" and listed[0]["valid"] is True
    assert requests.get(f"{url}/_simulator/submissions", params={"operation": "x"}, timeout=10).json() == []


def test_demo_data(simulator):
    simulator.configure(clock=NOW)
    loaded = requests.post(f"{simulator.url}/_simulator/demo", timeout=10).json()
    assert loaded["added"] >= 12
    from spapi_simulator.demo import PRODUCTS

    assert len(PRODUCTS) >= 8 and len({p["ean"] for p in PRODUCTS}) == len(PRODUCTS)
    api = Api(simulator)
    after = (datetime(2026, 3, 10, 12, tzinfo=timezone.utc) - timedelta(days=7)).isoformat()
    orders = api.get("/vendor/orders/v1/purchaseOrders", createdAfter=after).json()
    orders = orders["payload"]["orders"]
    assert len(orders) == loaded["added"]
    details = [o["orderDetails"] for o in orders]
    assert {d["sellingParty"]["partyId"] for d in details} == {"ACME1", "ACME2"}
    assert {d["shipToParty"]["partyId"] for d in details} >= {"ABE8", "PHX6", "MDW2", "LEX1"}
    assert any(d.get("purchaseOrderChangedDate") for d in details)
    assert any(o["purchaseOrderState"] == "Closed" for o in orders)
    items = [i for d in details for i in d["items"]]
    assert any(i["orderedQuantity"]["amount"] == 0 for i in items)
    assert any(i["netCost"].get("unitOfMeasure") == "POUNDS" for i in items)
    assert {i["orderedQuantity"]["unitOfMeasure"] for i in items} == {"Cases", "Eaches"}
    assert all("--" in d["shipWindow"] for d in details)


# ------------------------------------------------------------------ CLI
def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_cli_serves_and_stops_on_sigterm():
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    process = subprocess.Popen(
        [sys.executable, "-m", "spapi_simulator", "--port", str(port), "--demo", "--no-rate-limit"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(100):
            try:
                response = requests.post(
                    f"http://127.0.0.1:{port}/auth/o2/token",
                    timeout=2,
                    data={
                        "grant_type": "refresh_token",
                        "refresh_token": "acorn-sim-refresh",
                        "client_id": "acorn-sim-client",
                        "client_secret": "acorn-sim-secret",
                    },
                )
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        assert response.status_code == 200 and response.json()["access_token"]
        config = requests.get(f"http://127.0.0.1:{port}/_simulator/config", timeout=2).json()
        assert config["rate_limiting"] is False
    finally:
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=10)
    assert process.returncode == 0
    assert "POST /auth/o2/token -> 200" in err
