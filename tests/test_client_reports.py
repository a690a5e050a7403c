"""fetch_report against the simulator: the four vendor analytics reports end to end, and every
way Amazon refuses one."""

import json
from datetime import date, datetime

import pytest
from spapi import ReportFailedError, ReportTimeoutError, TransientError, last_complete_period
from test_client_common import make_client

US, DE, UK, JP = "ATVPDKIKX0DER", "A1PA6795UKMFR9", "A1F83G8C2ARO7P", "A1VC38T7YXB528"
CLOCK = "2026-03-11T20:00:00Z"  # a Wednesday; last week is 1-7 March in every zone
SALES, INVENTORY, FORECAST, MARGIN = (
    "GET_VENDOR_SALES_REPORT",
    "GET_VENDOR_INVENTORY_REPORT",
    "GET_VENDOR_FORECASTING_REPORT",
    "GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT",
)
FULL = {"reportPeriod": "WEEK", "distributorView": "MANUFACTURING", "sellingProgram": "RETAIL"}
OPTIONS = {SALES: FULL, INVENTORY: FULL, FORECAST: {"sellingProgram": "RETAIL"}, MARGIN: {"reportPeriod": "WEEK"}}
SCHEMAS = {
    SALES: "vendorSalesReport.json",
    INVENTORY: "vendorInventoryReport.json",
    FORECAST: "vendorForecastingReport.json",
    MARGIN: "vendorNetPureProductMarginReport.json",
}
ROWS = {
    SALES: "salesByAsin",
    INVENTORY: "inventoryByAsin",
    FORECAST: "forecastByAsin",
    MARGIN: "netPureProductMarginByAsin",
}


@pytest.fixture
def sim(simulator):
    simulator.configure(rate_limiting=False, clock=CLOCK)
    simulator.load_demo_data()
    return simulator


def fetch(client, report_type, marketplace=US, options=None, **kwargs):
    """fetch_report over last week, the way the Odoo side asks."""
    dated = report_type != FORECAST
    start, end = last_complete_period("WEEK", client_now(), marketplace) if dated else (None, None)
    options = OPTIONS[report_type] if options is None else options
    return client.fetch_report(report_type, [marketplace], start, end, options, **kwargs)


def client_now():
    return datetime.fromisoformat(CLOCK.replace("Z", "+00:00"))


def assert_valid(spapi_models_dir, report_type, document):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((spapi_models_dir / "schemas" / "reports" / SCHEMAS[report_type]).read_text())
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    assert [e.message for e in validator.iter_errors(document)] == []


@pytest.mark.parametrize("report_type", [SALES, INVENTORY, FORECAST, MARGIN])
def test_each_report_created_polled_and_downloaded(sim, spapi_models_dir, report_type):
    client, rec = make_client(sim)
    document = fetch(client, report_type)
    assert_valid(spapi_models_dir, report_type, document)
    spec = document["reportSpecification"]
    assert spec["reportType"] == report_type and spec["marketplaceIds"] == [US]
    if report_type != FORECAST:
        assert (spec["dataStartTime"], spec["dataEndTime"]) == ("2026-03-01", "2026-03-07")
    demo_asins = {f"B0ACRN000{i}" for i in range(1, 9)}
    assert {row["asin"] for row in document[ROWS[report_type]]} == demo_asins
    # Polled at once, then after the client's waits: IN_QUEUE, IN_PROGRESS, DONE.
    assert len(rec.calls("createReport")) == 1 and len(rec.calls("getReport")) == 3
    assert rec.sleeps == [10.0, 15.0]
    assert [e.response_body["processingStatus"] for e in rec.calls("getReport")] == ["IN_QUEUE", "IN_PROGRESS", "DONE"]
    assert len(rec.calls("downloadReportDocument")) == 1


@pytest.mark.parametrize("marketplace", [DE, UK, JP])
def test_last_complete_period_is_accepted_in_other_zones(sim, marketplace):
    sim.configure(report_polls_until_done=0)
    client, _rec = make_client(sim)
    document = fetch(client, SALES, marketplace=marketplace)
    assert document["reportSpecification"]["dataStartTime"] == "2026-03-01"


def test_missing_option_is_amazons_error_details(sim):
    client, rec = make_client(sim)
    with pytest.raises(ReportFailedError) as info:
        fetch(client, SALES, options={"reportPeriod": "WEEK"})
    error = info.value
    assert error.processing_status == "DONE" and error.report_type == SALES
    assert "distributorView, sellingProgram" in error.reason and error.reason in str(error)
    assert error.report_id == rec.calls("createReport")[0].response_body["reportId"]
    assert not isinstance(error, TransientError)


def test_misaligned_week_is_fatal_with_amazons_reason(sim):
    client, rec = make_client(sim)
    with pytest.raises(ReportFailedError) as info:
        # Midnight UTC on Sunday 1 March is Saturday afternoon in Los Angeles.
        client.fetch_report(SALES, [US], "2026-03-01T00:00:00Z", "2026-03-07T23:59:59Z", FULL)
    error = info.value
    assert error.processing_status == "FATAL"
    assert "Sunday to Saturday" in error.reason and "2026-02-28 (Saturday)" in error.reason
    assert "FATAL" in str(error) and error.reason in str(error)
    # The reason came from the FATAL report's own document.
    assert len(rec.calls("downloadReportDocument")) == 1


def test_day_report_over_fifteen_days_is_fatal(sim):
    client, _rec = make_client(sim)
    options = dict(FULL, reportPeriod="DAY")
    with pytest.raises(ReportFailedError, match="at most 15 days") as info:
        client.fetch_report(INVENTORY, [US], date(2026, 2, 1), date(2026, 2, 16), options)
    assert info.value.processing_status == "FATAL"
    # Plain dates are the marketplace's days: sent as Los Angeles midnight, not UTC's.
    fifteen = client.fetch_report(INVENTORY, [US], date(2026, 2, 1), date(2026, 2, 15), options)
    assert len(fifteen["inventoryAggregate"]) == 15
    assert fifteen["reportSpecification"]["dataStartTime"] == "2026-02-01"


def test_cancelled_report(sim):
    sim.configure(faults=[{"operation": "createReport", "processing_status": "CANCELLED"}])
    client, rec = make_client(sim)
    with pytest.raises(ReportFailedError, match="cancelled") as info:
        fetch(client, FORECAST)
    assert info.value.processing_status == "CANCELLED" and info.value.reason is None
    assert rec.calls("downloadReportDocument") == []
    assert fetch(client, FORECAST)["forecastByAsin"]  # the fault was spent on one report


def test_forced_fatal_report(sim):
    sim.configure(faults=[{"operation": "createReport", "processing_status": "FATAL"}], report_polls_until_done=0)
    client, _rec = make_client(sim)
    with pytest.raises(ReportFailedError, match="simulated failure") as info:
        fetch(client, MARGIN)
    assert info.value.processing_status == "FATAL"


def test_gives_up_after_max_wait_and_can_wait_again(sim):
    sim.configure(report_polls_until_done=3)
    client, rec = make_client(sim)
    with pytest.raises(ReportTimeoutError) as info:
        fetch(client, SALES, max_wait=20)
    error = info.value
    assert isinstance(error, ReportFailedError) and isinstance(error, TransientError)
    assert error.processing_status == "IN_PROGRESS" and "20 s" in str(error)
    assert rec.sleeps == [10.0, 10.0]  # the second wait is cut to the deadline
    document = client.wait_for_report(error.report_id, poll_interval=1, sleep=lambda seconds: None)
    assert document["salesByAsin"]


def test_never_loops_forever(sim):
    sim.configure(report_polls_until_done=100)
    client, rec = make_client(sim)
    with pytest.raises(ReportTimeoutError):
        fetch(client, FORECAST, poll_interval=5, max_wait=600)
    assert sum(rec.sleeps) == pytest.approx(600) and max(rec.sleeps) <= 60
    assert len(rec.calls("getReport")) == len(rec.sleeps) + 1
    with pytest.raises(ValueError, match="poll_interval"):
        fetch(client, FORECAST, poll_interval=0)


def test_sleep_argument_replaces_the_clients(sim):
    client, rec = make_client(sim)
    waits = []
    fetch(client, MARGIN, sleep=waits.append, poll_interval=2)
    assert waits == [2.0, 3.0] and rec.sleeps == []


def test_polls_respect_the_clients_rate_limit(sim):
    from spapi.ratelimit import RateLimiter

    sim.configure(report_polls_until_done=20)
    now = [0.0]
    client, rec = make_client(sim, rate_limit=True, rate_limiter=RateLimiter(clock=lambda: now[0]))
    fetch(client, FORECAST, poll_interval=0.01, max_wait=10_000)
    # 21 getReport calls at 2 per second, burst 15, on a clock that stands still: the client
    # waited for its last six tokens, on top of its own waits between polls.
    assert len(rec.calls("getReport")) == 21
    limiter_waits = [s for s in rec.sleeps if round(s * 2, 6) == int(s * 2) and s >= 0.5]
    assert limiter_waits == pytest.approx([0.5, 1.0, 1.5, 2.0, 2.5, 3.0])


def test_stored_document_is_served(sim):
    stored = {
        "reportSpecification": {
            "reportType": FORECAST,
            "reportOptions": {"sellingProgram": "RETAIL"},
            "lastUpdatedDate": "2026-03-08",
            "marketplaceIds": [US],
        },
        "forecastByAsin": [],
    }
    assert sim.store_report_document(FORECAST, stored) == {"reportType": FORECAST, "stored": True}
    client, _rec = make_client(sim)
    assert fetch(client, FORECAST) == stored
    sim.store_report_document(SALES, {"errorDetails": "Report requested with invalid user inputs."})
    with pytest.raises(ReportFailedError, match="invalid user inputs") as info:
        fetch(client, SALES)
    assert info.value.processing_status == "DONE"
    # Amazon's rules still come first.
    with pytest.raises(ReportFailedError, match="requires the sellingProgram"):
        fetch(client, FORECAST, options={})
