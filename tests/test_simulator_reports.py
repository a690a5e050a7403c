"""SP-API simulator: the vendor analytics reports' rules, processing and documents, over HTTP."""

import gzip
import json
from datetime import date

import pytest
import requests
from test_simulator import Api, make_ack, make_order

CLOCK = "2026-03-11T20:00:00Z"  # Wednesday 11 March, 13:00 in Los Angeles (PDT)
US, UK = "ATVPDKIKX0DER", "A1F83G8C2ARO7P"
SALES, INVENTORY, FORECAST, MARGIN = (
    "GET_VENDOR_SALES_REPORT",
    "GET_VENDOR_INVENTORY_REPORT",
    "GET_VENDOR_FORECASTING_REPORT",
    "GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT",
)
FULL = {"reportPeriod": "WEEK", "distributorView": "MANUFACTURING", "sellingProgram": "RETAIL"}
REPORTS = "/reports/2021-06-30/reports"


@pytest.fixture
def api(simulator):
    """A small book: PO000001 placed 2 March (LA), acknowledged (60 of 60 coffee, 3 of 5
    grinders), 30 coffee received on 5 March; reports final at once."""
    simulator.configure(clock=CLOCK, report_polls_until_done=0)
    simulator.add_purchase_orders([make_order(created="2026-03-02T18:00:00Z")])
    api = Api(simulator)
    transaction = api.post("/vendor/orders/v1/acknowledgements", make_ack()).json()["payload"]["transactionId"]
    status = api.get(f"/vendor/transactions/v1/transactions/{transaction}").json()
    assert status["payload"]["transactionStatus"]["status"] == "Success"
    receipt = {"items": [{"itemSequenceNumber": "1", "receivedQuantity": 30, "receiveDate": "2026-03-05T17:00:00Z"}]}
    requests.post(f"{simulator.url}/_simulator/purchase-orders/PO000001/receipts", json=receipt, timeout=10)
    return api


def report(api, report_type, start=None, end=None, options=None, marketplace=US):
    """createReport then getReport: ``(report, document or None)``."""
    spec = {"reportType": report_type, "marketplaceIds": [marketplace], "reportOptions": options or {}}
    if start:
        spec.update(dataStartTime=start, dataEndTime=end)
    created = api.post(REPORTS, spec)
    assert created.status_code == 202, created.text
    found = api.get(f"{REPORTS}/{created.json()['reportId']}").json()
    if not found.get("reportDocumentId"):
        return found, None
    document = api.get(f"/reports/2021-06-30/documents/{found['reportDocumentId']}").json()
    return found, json.loads(gzip.decompress(requests.get(document["url"], timeout=10).content))


def week(api, report_type, options=FULL, **kwargs):
    """Last week, 1-7 March, as dates."""
    return report(api, report_type, "2026-03-01", "2026-03-07", options, **kwargs)


def by_asin(rows):
    return {row["asin"]: row for row in rows}


# ------------------------------------------------------------------ processing
def test_polls_until_done(api, simulator):
    simulator.configure(report_polls_until_done=1)
    created = api.post(REPORTS, {"reportType": FORECAST, "marketplaceIds": [US], "reportOptions": FULL}).json()
    listed = api.get(REPORTS, reportTypes=FORECAST).json()["reports"]
    assert [r["processingStatus"] for r in listed] == ["IN_QUEUE"]
    path = f"{REPORTS}/{created['reportId']}"
    first, second, third = (api.get(path).json() for _ in range(3))
    assert first["processingStatus"] == "IN_PROGRESS" and "reportDocumentId" not in first
    assert second["processingStatus"] == third["processingStatus"] == "DONE"
    assert second["reportDocumentId"] == third["reportDocumentId"]
    assert api.get(REPORTS, reportTypes=FORECAST).json()["reports"][0]["processingStatus"] == "DONE"


def test_fatal_report_has_a_document_with_the_reason(api):
    found, document = report(api, SALES, "2026-03-01T00:00:00Z", "2026-03-07T23:59:59Z", FULL)
    assert found["processingStatus"] == "FATAL" and found["reportDocumentId"]
    assert set(document) == {"errorDetails"} and "America/Los_Angeles" in document["errorDetails"]
    # The same instants are Sunday to Saturday in London.
    found, _document = report(api, SALES, "2026-03-01T00:00:00Z", "2026-03-07T23:59:59Z", FULL, marketplace=UK)
    assert found["processingStatus"] == "DONE"


@pytest.mark.parametrize(
    "report_type, options, start, end, status, reason",
    [
        (SALES, {"reportPeriod": "WEEK"}, "2026-03-01", "2026-03-07", "DONE", "distributorView, sellingProgram"),
        (INVENTORY, {}, "2026-03-01", "2026-03-07", "DONE", "reportPeriod, distributorView, sellingProgram"),
        (FORECAST, {}, None, None, "DONE", "requires the sellingProgram"),
        (MARGIN, {}, "2026-03-01", "2026-03-07", "DONE", "requires the reportPeriod"),
        (INVENTORY, dict(FULL, sellingProgram="BUSINESS"), "2026-03-01", "2026-03-07", "FATAL", "not a valid"),
        (SALES, dict(FULL, reportPeriod="WEEKLY"), "2026-03-01", "2026-03-07", "FATAL", "not a valid reportPeriod"),
        (SALES, FULL, None, None, "FATAL", "needs dataStartTime and dataEndTime"),
        (SALES, FULL, "2026-03-08", "2026-03-01", "FATAL", "after dataEndTime"),
        (SALES, FULL, "2026-03-02", "2026-03-07", "FATAL", "Sunday to Saturday"),
        (MARGIN, {"reportPeriod": "MONTH"}, "2026-02-01", "2026-03-07", "FATAL", "last day of a month"),
        (MARGIN, {"reportPeriod": "QUARTER"}, "2026-02-01", "2026-03-31", "FATAL", "first day"),
        (SALES, dict(FULL, reportPeriod="YEAR"), "2025-01-01", "2025-12-30", "FATAL", "year"),
        (SALES, dict(FULL, reportPeriod="DAY"), "2026-02-20", "2026-03-07", "FATAL", "got 16 days"),
        (SALES, dict(FULL, reportPeriod="DAY"), "2022-03-01", "2022-03-02", "FATAL", "1460 days"),
    ],
)
def test_amazons_rules(api, report_type, options, start, end, status, reason):
    found, document = report(api, report_type, start, end, options)
    assert found["processingStatus"] == status
    assert reason in document["errorDetails"]


def test_aligned_periods_are_split(api):
    _found, two_weeks = report(api, SALES, "2026-02-22", "2026-03-07", FULL)
    assert [(r["startDate"], r["endDate"]) for r in two_weeks["salesAggregate"]] == [
        ("2026-02-22", "2026-02-28"),
        ("2026-03-01", "2026-03-07"),
    ]
    assert len(two_weeks["salesByAsin"]) == 4
    _found, quarter = report(api, MARGIN, "2025-10-01", "2026-03-31", {"reportPeriod": "QUARTER"})
    assert [r["endDate"] for r in quarter["netPureProductMarginAggregate"]] == ["2025-12-31", "2026-03-31"]
    _found, days = report(api, INVENTORY, "2026-03-01", "2026-03-15", dict(FULL, reportPeriod="DAY"))
    assert len(days["inventoryAggregate"]) == 15


def test_bad_config_and_faults_are_refused(simulator):
    url = f"{simulator.url}/_simulator/config"
    for bad in (
        {"report_polls_until_done": -1},
        {"report_polls_until_done": True},
        {"forecast_weeks": 0},
        {"forecast_weeks": 53},
        {"faults": [{"operation": "getReport", "processing_status": "CANCELLED"}]},
        {"faults": [{"operation": "createReport", "processing_status": "DONE"}]},
    ):
        assert requests.post(url, json=bad, timeout=10).status_code == 400, bad


# ------------------------------------------------------------------ control API
def test_report_documents_endpoint(api, simulator):
    url = f"{simulator.url}/_simulator/report-documents"
    stored = {"reportSpecification": {"reportType": MARGIN}, "netPureProductMarginByAsin": []}
    answer = requests.post(url, json={"reportType": MARGIN, "document": stored}, timeout=10)
    assert answer.status_code == 200 and answer.json() == {"reportType": MARGIN, "stored": True}
    assert week(api, MARGIN, {"reportPeriod": "WEEK"})[1] == stored
    # Amazon's rules still decide: a misaligned request stays FATAL.
    assert report(api, MARGIN, "2026-03-02", "2026-03-07", {"reportPeriod": "WEEK"})[0]["processingStatus"] == "FATAL"
    for bad in (
        {"reportType": "GET_NOTHING", "document": {}},
        {"reportType": MARGIN, "document": []},
        {"reportType": MARGIN},
        ["not", "an", "object"],
    ):
        refused = requests.post(url, json=bad, timeout=10)
        assert refused.status_code == 400 and refused.json()["errors"][0]["code"] == "InvalidInput"
    simulator.reset()
    simulator.configure(clock=CLOCK, report_polls_until_done=0)
    assert week(Api(simulator), MARGIN, {"reportPeriod": "WEEK"})[1] != stored


# ------------------------------------------------------------------ documents and the book
def test_documents_are_valid_and_deterministic(api, spapi_models_dir):
    jsonschema = pytest.importorskip("jsonschema")
    schemas = {
        SALES: "vendorSalesReport.json",
        INVENTORY: "vendorInventoryReport.json",
        FORECAST: "vendorForecastingReport.json",
        MARGIN: "vendorNetPureProductMarginReport.json",
    }
    requests.post(f"{api.url}/_simulator/demo", timeout=10)
    cases = [
        (SALES, FULL),
        (SALES, dict(FULL, distributorView="SOURCING", sellingProgram="BUSINESS")),
        (SALES, dict(FULL, sellingProgram="FRESH", reportPeriod="DAY")),
        (INVENTORY, FULL),
        (INVENTORY, dict(FULL, sellingProgram="FRESH")),
        (MARGIN, {"reportPeriod": "WEEK"}),
        (FORECAST, {"sellingProgram": "FRESH"}),
    ]
    for report_type, options in cases:
        schema = json.loads((spapi_models_dir / "schemas" / "reports" / schemas[report_type]).read_text())
        validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
        first = week(api, report_type, options)[1]
        assert [e.message for e in validator.iter_errors(first)] == [], (report_type, options)
        assert week(api, report_type, options)[1] == first


def test_sales_follow_program_and_view(api):
    retail = by_asin(week(api, SALES)[1]["salesByAsin"])
    business = by_asin(week(api, SALES, dict(FULL, sellingProgram="BUSINESS"))[1]["salesByAsin"])
    sourcing = week(api, SALES, dict(FULL, distributorView="SOURCING"))[1]
    fresh = week(api, SALES, dict(FULL, sellingProgram="FRESH"))[1]
    coffee = retail["B0ACRN0001"]
    assert coffee["shippedUnits"] > 0 and coffee["orderedUnits"] >= coffee["shippedUnits"]
    assert coffee["shippedCogs"]["amount"] == round(coffee["shippedUnits"] * 11.40, 2)
    assert coffee["shippedRevenue"]["amount"] == round(coffee["shippedUnits"] * 21.99, 2)
    assert business["B0ACRN0001"]["shippedUnits"] < coffee["shippedUnits"]
    assert all("orderedUnits" not in row and "orderedRevenue" not in row for row in sourcing["salesByAsin"])
    assert "orderedUnits" not in sourcing["salesAggregate"][0]
    assert all(row["shippedUnits"] == 0 and "customerReturns" not in row for row in fresh["salesByAsin"])
    aggregate = week(api, SALES)[1]["salesAggregate"][0]
    assert aggregate["shippedUnits"] == sum(r["shippedUnits"] for r in retail.values())
    total = sum(r["shippedCogs"]["amount"] for r in retail.values())
    assert aggregate["shippedCogs"] == {"amount": round(total, 2), "currencyCode": "USD"}


def test_inventory_reads_the_purchase_orders_and_receipts(api):
    document = week(api, INVENTORY)[1]
    rows = by_asin(document["inventoryByAsin"])
    coffee, grinder = rows["B0ACRN0001"], rows["B0ACRN0004"]
    # 60 coffee accepted, 30 received on 5 March (3 days after the PO); 3 of 5 grinders accepted.
    assert coffee["openPurchaseOrderUnits"] == 30 and grinder["openPurchaseOrderUnits"] == 3
    assert coffee["netReceivedInventoryUnits"] == 30
    assert coffee["netReceivedInventoryCost"] == {"amount": 342.0, "currencyCode": "USD"}
    assert coffee["receiveFillRate"] == 0.5 and coffee["averageVendorLeadTimeDays"] == 3.0
    assert coffee["vendorConfirmationRate"] == 1.0 and grinder["vendorConfirmationRate"] == 0.6
    assert "receiveFillRate" not in grinder and "averageVendorLeadTimeDays" not in grinder
    aggregate = document["inventoryAggregate"][0]
    assert aggregate["openPurchaseOrderUnits"] == 33 and aggregate["vendorConfirmationRate"] == round(63 / 65, 4)
    assert 0 <= aggregate["procurableProductOutOfStockRate"] <= 1
    fresh = week(api, INVENTORY, dict(FULL, sellingProgram="FRESH"))[1]["inventoryAggregate"][0]
    assert fresh["sellableOnHandInventoryUnits"] == 0


def test_stock_moves_with_receipts_and_sales(api):
    """Stock at the end of a week = stock a week earlier + received - sold (all programs)."""
    two_weeks = report(api, INVENTORY, "2026-02-22", "2026-03-07", FULL)[1]["inventoryByAsin"]
    before, after = (r for r in two_weeks if r["asin"] == "B0ACRN0001")
    sold = sum(
        by_asin(week(api, SALES, dict(FULL, sellingProgram=program))[1]["salesByAsin"])["B0ACRN0001"]["shippedUnits"]
        for program in ("RETAIL", "BUSINESS")
    )
    expected = before["sellableOnHandInventoryUnits"] + after["netReceivedInventoryUnits"] - sold
    assert after["sellableOnHandInventoryUnits"] == expected
    held = before["sellableOnHandInventoryUnits"] + after["netReceivedInventoryUnits"]
    returns = sum(
        by_asin(week(api, SALES, dict(FULL, sellingProgram=program))[1]["salesByAsin"])["B0ACRN0001"]["customerReturns"]
        for program in ("RETAIL", "BUSINESS")
    )
    assert after["sellThroughRate"] == round((sold - returns) / held, 4)


def test_forecast_weeks(api, simulator):
    simulator.configure(forecast_weeks=8)
    document = report(api, FORECAST, options={"sellingProgram": "RETAIL"})[1]
    assert "dataStartTime" not in document["reportSpecification"]
    rows = document["forecastByAsin"]
    assert len(rows) == 16 and {r["asin"] for r in rows} == {"B0ACRN0001", "B0ACRN0004"}
    assert {r["forecastGenerationDate"] for r in rows} == {"2026-03-08"}  # the Sunday of this week
    coffee = [r for r in rows if r["asin"] == "B0ACRN0001"]
    assert [r["startDate"] for r in coffee[:2]] == ["2026-03-08", "2026-03-15"]
    for row in rows:
        assert 0 < row["meanForecastUnits"] <= row["p70ForecastUnits"] <= row["p80ForecastUnits"]
        assert row["p80ForecastUnits"] <= row["p90ForecastUnits"]
        start, end = (date.fromisoformat(row[k]) for k in ("startDate", "endDate"))
        assert start.weekday() == 6 and (end - start).days == 6


def test_net_ppm(api):
    document = week(api, MARGIN, {"reportPeriod": "WEEK"})[1]
    rows = by_asin(document["netPureProductMarginByAsin"])
    assert rows["B0ACRN0001"]["netPureProductMargin"] == round((21.99 - 11.40 - 0.03 * 21.99) / 21.99, 4)
    # The grinder's line has no listPrice: the catalogue's 79.00.
    assert rows["B0ACRN0004"]["netPureProductMargin"] == round((79.00 - 38.50 - 0.03 * 79.00) / 79.00, 4)
    aggregate = document["netPureProductMarginAggregate"][0]["netPureProductMargin"]
    low, high = sorted(r["netPureProductMargin"] for r in rows.values())
    assert low <= aggregate <= high
