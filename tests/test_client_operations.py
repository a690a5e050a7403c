"""Operations against the simulator: pagination, windows, submissions, reports, redaction."""

from datetime import datetime, timedelta, timezone

import pytest
from spapi import InvalidBodyError, SpApiClient, redact
from spapi.params import build_params, windowed
from spapi.timeutil import to_amz
from test_client_common import acknowledgement, add_orders, invoice, make_client, shipment, shipment_confirmation


@pytest.fixture
def sim(simulator):
    simulator.configure(rate_limiting=False)
    return simulator


def test_pagination_across_many_pages(sim):
    numbers = add_orders(sim, 45)
    client, rec = make_client(sim)
    got = [o["purchaseOrderNumber"] for o in client.iter_purchase_orders(limit=4)]
    assert got == numbers
    pages = rec.calls("getPurchaseOrders")
    assert len(pages) == 12
    assert "nextToken" not in pages[0].params
    assert all(p.params["limit"] == 4 and p.params["nextToken"] for p in pages[1:])


def test_seven_day_windows_are_split(sim):
    start = datetime.now(timezone.utc) - timedelta(days=29)
    numbers = add_orders(sim, 28, start=start, step=timedelta(days=1))
    client, rec = make_client(sim)
    got = [o["purchaseOrderNumber"] for o in client.iter_purchase_orders(created_after=start - timedelta(hours=1))]
    assert got == numbers  # no 400 InvalidInput from the simulator, no duplicates
    windows = [(e.params["createdAfter"], e.params["createdBefore"]) for e in rec.calls("getPurchaseOrders")]
    assert len(windows) == 5 and all(e.status == 200 for e in rec.calls("getPurchaseOrders"))
    for (_a1, b1), (a2, _b2) in zip(windows, windows[1:]):
        assert b1 == a2
    assert all(a.endswith("Z") and b.endswith("Z") for a, b in windows)


def test_windows_follow_descending_sort():
    params = build_params(
        "getPurchaseOrders",
        {"changed_after": "2026-11-01T00:00:00Z", "changed_before": "2026-11-20T00:00:00Z", "sort_order": "DESC"},
    )
    windows = windowed("getPurchaseOrders", params)
    assert [w["changedBefore"] for w in windows] == [
        "2026-11-20T00:00:00Z",
        "2026-11-15T00:00:00Z",
        "2026-11-08T00:00:00Z",
    ]


def test_status_cursor_weeks_old_catches_up_in_windows(sim):
    """A status cursor left behind by an outage: every window is at most 7 days long."""
    start = datetime.now(timezone.utc) - timedelta(days=40)
    client, rec = make_client(sim)
    statuses = list(client.iter_purchase_orders_status(updated_after=start))
    calls = rec.calls("getPurchaseOrdersStatus")
    assert statuses == [] and len(calls) == 6 and all(e.status == 200 for e in calls)
    assert calls[-1].params["updatedBefore"] > calls[0].params["updatedBefore"]


def test_every_date_pair_is_windowed():
    params = build_params(
        "GetShipmentDetails",
        {"shipped_after": "2026-10-01T00:00:00Z", "shipped_before": "2026-10-15T00:00:00Z"},
    )
    assert [(w["shippedAfter"], w["shippedBefore"]) for w in windowed("GetShipmentDetails", params)] == [
        ("2026-10-01T00:00:00Z", "2026-10-08T00:00:00Z"),
        ("2026-10-08T00:00:00Z", "2026-10-15T00:00:00Z"),
    ]
    both = build_params(
        "getPurchaseOrdersStatus",
        {
            "created_after": "2026-10-01T00:00:00Z",
            "created_before": "2026-10-10T00:00:00Z",
            "updated_after": "2026-10-01T00:00:00Z",
            "updated_before": "2026-10-09T00:00:00Z",
        },
    )
    assert len(windowed("getPurchaseOrdersStatus", both)) == 4
    lone = build_params("getInvoiceHeaders", {"invoices_modified_after": "2026-01-01T00:00:00Z"})
    assert windowed("getInvoiceHeaders", lone) == [lone]


def test_timestamps_are_sent_as_utc_z(sim):
    client, rec = make_client(sim)
    paris = timezone(timedelta(hours=1))
    client.get_purchase_orders(
        created_after=datetime(2026, 11, 20, 11, 0, tzinfo=paris),
        created_before=datetime(2026, 11, 21, 10, 0),
        is_po_changed=False,
    )
    client.get_purchase_orders_status(
        updated_after="2026-11-20T12:00:00+02:00", updated_before="2026-11-21T12:00:00+02:00"
    )
    first, second = rec.calls("getPurchaseOrders")[0], rec.calls("getPurchaseOrdersStatus")[0]
    assert first.params == {
        "createdAfter": "2026-11-20T10:00:00Z",
        "createdBefore": "2026-11-21T10:00:00Z",
        "isPOChanged": "false",
    }
    assert second.params == {"updatedAfter": "2026-11-20T10:00:00Z", "updatedBefore": "2026-11-21T10:00:00Z"}
    assert to_amz("2026-11-20T10:00:00.123456Z") == "2026-11-20T10:00:00Z"


def test_unknown_filter_is_type_error(sim):
    client, rec = make_client(sim)
    with pytest.raises(TypeError, match="created_afer"):
        client.get_purchase_orders(created_afer="2026-11-01")
    assert not rec.exchanges


def test_get_purchase_order_and_status(sim):
    number = add_orders(sim, 1)[0]
    client, _rec = make_client(sim)
    assert client.get_purchase_order(number)["purchaseOrderNumber"] == number
    statuses = list(client.iter_purchase_orders_status())
    assert [s["purchaseOrderNumber"] for s in statuses] == [number]


@pytest.mark.parametrize(
    "outcome, status", [("success", "Success"), ("failure", "Failure"), ("processing", "Processing")]
)
def test_acknowledgement_and_transaction_outcome(sim, outcome, status):
    sim.configure(transaction_outcome=outcome)
    number = add_orders(sim, 1)[0]
    client, _rec = make_client(sim)
    transaction_id = client.submit_acknowledgement([acknowledgement(number)])
    result = client.get_transaction(transaction_id)
    assert result["transactionId"] == transaction_id and result["status"] == status
    sent = sim.submissions("submitAcknowledgement")[0]["body"]["acknowledgements"][0]
    assert sent["acknowledgementDate"].endswith("Z")


def test_rule_break_reported_by_transaction(sim):
    number = add_orders(sim, 1)[0]
    client, _rec = make_client(sim)
    transaction_id = client.submit_acknowledgement([acknowledgement(number, quantity=99)])
    result = client.get_transaction(transaction_id)
    assert result["status"] == "Failure" and result["errors"]


def test_shipments_and_invoices_submitted(sim):
    numbers = add_orders(sim, 2)
    client, _rec = make_client(sim)
    for transaction_id in (
        client.submit_shipment_confirmations([shipment_confirmation(numbers[0])]),
        client.submit_shipments([shipment(numbers[1])]),
        client.submit_invoices([invoice(numbers[0])]),
    ):
        assert client.get_transaction(transaction_id)["status"] == "Success"
    shipments = list(client.iter_shipment_details())
    assert {s["vendorShipmentIdentifier"] for s in shipments} == {"ASN-0001", "SHP-0001"}
    assert isinstance(client.get_shipment_labels(), dict)
    list(client.iter_shipment_labels())


def test_invalid_body_raised_before_sending(sim):
    number = add_orders(sim, 1)[0]
    client, rec = make_client(sim)
    bad = acknowledgement(number)
    bad["acknowledgementDate"] = "yesterday"
    bad["items"][0]["itemAcknowledgements"][0]["acknowledgementCode"] = "accepted"
    bad["items"][0]["orderedQuantity"]["amount"] = -1
    del bad["sellingParty"]
    with pytest.raises(InvalidBodyError) as info:
        client.submit_acknowledgement([bad])
    problems = info.value.problems
    assert len(problems) == 4
    assert any("acknowledgementDate" in p for p in problems)
    assert any("acknowledgementCode" in p for p in problems)
    assert any("orderedQuantity.amount" in p and "non-negative" in p for p in problems)
    assert any("sellingParty: is required" in p for p in problems)
    bad_invoice = invoice(number)
    bad_invoice["invoiceTotal"]["amount"] = 135.0  # Amazon wants a decimal string
    with pytest.raises(InvalidBodyError, match="invoiceTotal.amount"):
        client.submit_invoices([bad_invoice])
    with pytest.raises(InvalidBodyError):
        client.submit_shipment_confirmations([])
    with pytest.raises(InvalidBodyError, match="reportType"):
        client.create_report("", ["ATVPDKIKX0DER"])
    assert sim.submissions() == [] and rec.exchanges == []


def test_redaction_of_personal_data(sim):
    number = add_orders(sim, 1)[0]
    client, rec = make_client(sim)
    client.get_purchase_order(number)
    client.submit_shipment_confirmations([shipment_confirmation(number)])
    order_exchange = rec.calls("getPurchaseOrder")[0]
    address = order_exchange.response_body["payload"]["orderDetails"]["shipToParty"]["address"]
    assert address["addressLine1"] == "***" and address["name"] == "***"
    assert address["city"] == "Breinigsville" and address["countryCode"] == "US"
    body = rec.calls("SubmitShipmentConfirmations")[0].request_body
    ship_from = body["shipmentConfirmations"][0]["shipFromParty"]["address"]
    assert ship_from["name"] == ship_from["phone"] == ship_from["addressLine1"] == "***"
    assert body["shipmentConfirmations"][0]["transportationDetails"]["carrierScac"] == "UPSN"


def test_redact_keeps_error_codes_and_masks_secrets():
    data = {
        "errors": [{"code": "InvalidInput", "message": "m"}],
        "access_token": "a",
        "x-amz-access-token": "b",
        "restrictedDataToken": "c",
        "buyerInfo": {"name": "Jane", "email": "j@x", "taxInfo": {"taxRegistrationNumber": "DE123"}},
        "carrier": {"name": "UPS"},
    }
    masked = redact(data)
    assert masked["errors"][0]["code"] == "InvalidInput"
    assert masked["access_token"] == masked["x-amz-access-token"] == "***"
    assert masked["restrictedDataToken"] == "***"
    assert masked["buyerInfo"]["name"] == masked["buyerInfo"]["email"] == "***"
    assert masked["buyerInfo"]["taxInfo"]["taxRegistrationNumber"] == "DE123"
    assert masked["carrier"]["name"] == "UPS"
    form = {"code": "ANsecret", "grant_type": "authorization_code"}
    assert redact(form, lwa=True)["code"] == "***"
    assert data["access_token"] == "a"


def test_report_gzip_download(sim):
    # The simulator serves its documents gzipped, like Amazon's S3 links.
    sim.configure(report_polls_until_done=0)
    client, rec = make_client(sim)
    report_id = client.create_report(
        "GET_VENDOR_INVENTORY_REPORT",
        ["A1F83G8C2ARO7P"],  # Amazon.co.uk: London is on UTC in November
        data_start_time=datetime(2026, 11, 1),
        data_end_time="2026-11-07T23:59:59Z",
        report_options={"reportPeriod": "WEEK", "distributorView": "MANUFACTURING", "sellingProgram": "RETAIL"},
    )
    report = client.get_report(report_id)
    assert report["processingStatus"] == "DONE"
    document = client.get_report_document(report["reportDocumentId"])
    assert document["compressionAlgorithm"] == "GZIP"
    content = client.download_report_document(report["reportDocumentId"])
    parsed = client.parse_report_document(content)
    assert parsed["reportSpecification"]["reportType"] == "GET_VENDOR_INVENTORY_REPORT"
    download = rec.calls("downloadReportDocument")[0]
    assert "x-amz-access-token" not in download.request_headers
    sent = rec.calls("createReport")[0].request_body
    assert sent["dataStartTime"] == "2026-11-01T00:00:00Z"
    reports = client.get_reports(report_types=["GET_VENDOR_INVENTORY_REPORT"])
    assert [r["reportId"] for r in reports["reports"]] == [report_id]


def test_parse_report_document_formats():
    client_parse = SpApiClient.parse_report_document
    assert client_parse(b'[{"a": 1}]') == [{"a": 1}]
    assert client_parse(b"<r><a>1</a></r>") == {"r": {"a": "1"}}
    assert client_parse(b"sku\tqty\nA\t1\n") == "sku\tqty\nA\t1\n"


def test_restricted_data_token(sim):
    client, _rec = make_client(sim)
    rdt = client.create_restricted_data_token([{"method": "GET", "path": "/vendor/orders/v1/purchaseOrders"}])
    assert rdt["restrictedDataToken"] and rdt["expiresIn"] > 0


def test_invoices_api_2026(sim):
    numbers = add_orders(sim, 1)
    client, _rec = make_client(sim)
    transaction_id = client.submit_invoices([invoice(numbers[0])])
    assert client.get_transaction(transaction_id)["status"] == "Success"
    headers = list(client.iter_invoice_headers(marketplace_id="ATVPDKIKX0DER"))
    assert headers and headers[0]["invoiceNumber"] == "INV-0001"
    detail = client.get_invoice(headers[0]["invoiceIdentifier"], marketplace_id="ATVPDKIKX0DER")
    assert detail["invoiceHeader"]["invoiceIdentifier"] == headers[0]["invoiceIdentifier"]
    items = list(client.iter_invoice_items(headers[0]["invoiceIdentifier"], marketplace_id="ATVPDKIKX0DER"))
    assert len(items) == len(detail.get("invoiceItems") or [])
