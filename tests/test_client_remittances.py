"""The client's Finance Remittance API 2026-03-17 against the simulator."""

import time
from datetime import datetime, timedelta, timezone

import pytest
from spapi import RequestError, ThrottledError
from spapi.params import build_params, windowed
from spapi.timeutil import one_year_before, parse_datetime, to_amz
from test_client_common import make_client
from test_simulator_remittances import remittance, remittance_item, shortage_line

MARKETPLACE = "A1PA6795UKMFR9"


@pytest.fixture
def sim(simulator):
    simulator.configure(rate_limiting=False)
    return simulator


def whole_seconds_ago(**delta):
    return datetime.now(timezone.utc).replace(microsecond=0) - timedelta(**delta)


def big_remittance(payment_id="PAY-BIG", lines=250):
    items = [remittance_item(f"INV-{n:04d}", paid=100.0 + n, discount=1.0) for n in range(lines - 1)]
    return remittance(payment_id, to_amz(whole_seconds_ago(days=3)), items + [shortage_line("INV-0000")])


def test_windows_of_the_remittance_range():
    params = build_params(
        "getRemittanceHeaders",
        {"marketplace_id": MARKETPLACE, "start_date": "2026-01-01T00:00:00Z", "end_date": "2026-07-20T00:00:00Z"},
    )
    windows = windowed("getRemittanceHeaders", params)
    assert [(w["startDate"], w["endDate"]) for w in windows] == [
        ("2026-01-01T00:00:00Z", "2026-04-01T00:00:00Z"),
        ("2026-04-01T00:00:00Z", "2026-06-30T00:00:00Z"),
        ("2026-06-30T00:00:00Z", "2026-07-20T00:00:00Z"),
    ]
    assert all(w["marketplaceId"] == MARKETPLACE for w in windows)
    short = build_params("getRemittanceHeaders", {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-03-31"})
    assert windowed("getRemittanceHeaders", short) == [short]
    lone_end = build_params("getRemittanceHeaders", {"end_date": "2026-07-20T00:00:00Z"})
    assert windowed("getRemittanceHeaders", lone_end) == [lone_end]  # Amazon's 30 days before it


def test_one_year_before_a_leap_day():
    leap = datetime(2028, 2, 29, 10, 0, tzinfo=timezone.utc)
    assert one_year_before(leap) == datetime(2027, 2, 28, 10, 0, tzinfo=timezone.utc)


def test_headers_across_pages_and_two_windows(sim):
    sim.configure(remittance_page_size=4)
    start = whole_seconds_ago(days=150)
    boundary = start + timedelta(days=90)  # where the client's first window ends and the second begins
    dates = [start + timedelta(days=5 * n, hours=1) for n in range(30)] + [boundary]
    sim.add_remittances([remittance(f"PAY-{n:02d}", to_amz(day)) for n, day in enumerate(dates)])
    client, rec = make_client(sim)
    got = list(client.iter_remittance_headers(marketplace_id=MARKETPLACE, start_date=start))
    expected = sorted(enumerate(dates), key=lambda pair: (pair[1], pair[0]))
    assert [h["uniquePaymentId"] for h in got] == [f"PAY-{n:02d}" for n, _day in expected]  # boundary once
    calls = rec.calls("getRemittanceHeaders")
    windows = sorted({(c.params["startDate"], c.params["endDate"]) for c in calls})
    assert len(windows) == 2 and windows[0][1] == windows[1][0] == to_amz(boundary)
    for begin, end in windows:
        assert parse_datetime(end) - parse_datetime(begin) <= timedelta(days=90)
    assert len(calls) == 9 and all(c.status == 200 for c in calls)  # 19 + 13 headers, 4 a page
    assert all(c.params["marketplaceId"] == MARKETPLACE for c in calls)
    page = client.get_remittance_headers(marketplace_id=MARKETPLACE, start_date=start, end_date=boundary)
    assert len(page["remittances"]) == 4 and page["numOfRecords"] == 19 and page["nextToken"]


def test_remittance_with_250_lines_across_pages(sim):
    sim.add_remittances([big_remittance()])
    client, rec = make_client(sim)
    got = client.get_remittance("PAY-BIG", marketplace_id=MARKETPLACE)
    assert set(got) == {"remittanceHeader", "remittanceItems"}
    assert got["remittanceHeader"]["uniquePaymentId"] == "PAY-BIG"
    assert got["remittanceHeader"]["lineItemCount"] == len(got["remittanceItems"]) == 250
    assert got["remittanceItems"][0]["invoiceNumber"] == "INV-0000"
    assert got["remittanceItems"][-1] == shortage_line("INV-0000")  # a deduction: negative
    assert got["remittanceItems"][-1]["netAmountPaid"]["currencyAmount"] < 0
    calls = rec.calls("getRemittance")
    assert [len(c.response_body["remittanceItems"]) for c in calls] == [100, 100, 50]
    assert "nextTokenForLineItems" not in calls[0].params
    assert all(c.params["nextTokenForLineItems"] for c in calls[1:])


def test_exchanges_of_remittance_calls_are_recorded_and_redacted(sim):
    sim.add_remittances([remittance("PAY/1", to_amz(whole_seconds_ago(days=2)))])
    client, rec = make_client(sim)
    assert [h["uniquePaymentId"] for h in client.iter_remittance_headers(marketplace_id=MARKETPLACE)] == ["PAY/1"]
    client.get_remittance("PAY/1", MARKETPLACE)
    for operation, path in (
        ("getRemittanceHeaders", "/finances/remittances/2026-03-17/remittances"),
        ("getRemittance", "/finances/remittances/2026-03-17/remittances/PAY%2F1"),
    ):
        (exchange,) = rec.calls(operation)
        assert exchange.method == "GET" and exchange.path == path and exchange.status == 200
        assert exchange.params == {"marketplaceId": MARKETPLACE} and exchange.request_id
        assert exchange.request_headers["x-amz-access-token"] == "***"
        assert exchange.response_headers["x-amzn-RateLimit-Limit"] == "1"
        assert "Atza|" not in str(exchange.as_dict())


def test_start_more_than_a_year_back_is_refused_before_sending(sim):
    client, rec = make_client(sim)
    too_old = one_year_before(datetime.now(timezone.utc)) - timedelta(minutes=5)
    with pytest.raises(RequestError, match="go back one year") as info:
        client.iter_remittance_headers(marketplace_id=MARKETPLACE, start_date=too_old)
    assert info.value.operation == "getRemittanceHeaders" and info.value.status is None
    with pytest.raises(RequestError, match="go back one year"):
        client.get_remittance_headers(marketplace_id=MARKETPLACE, start_date=too_old)
    assert rec.calls("getRemittanceHeaders") == []
    # Amazon's own refusals arrive as RequestError too, with its errors.
    with pytest.raises(RequestError) as info:
        client.get_remittance_headers(
            marketplace_id=MARKETPLACE, start_date=whole_seconds_ago(days=10), end_date=too_old
        )
    assert info.value.status == 400 and info.value.code == "InvalidInput"
    assert "after endDate" in str(info.value)


def test_unknown_remittance_is_404(sim):
    client, rec = make_client(sim)
    with pytest.raises(RequestError) as info:
        client.get_remittance("PAY-404", marketplace_id=MARKETPLACE)
    assert info.value.status == 404 and info.value.code == "NotFound" and info.value.request_id
    assert [e.status for e in rec.calls("getRemittance")] == [404]  # not retried


def test_429_is_retried(sim):
    sim.add_remittances([remittance("PAY-1", to_amz(whole_seconds_ago(days=1)))])
    sim.configure(faults=[{"operation": "getRemittanceHeaders", "status": 429, "count": 2}])
    client, rec = make_client(sim)
    assert len(list(client.iter_remittance_headers(marketplace_id=MARKETPLACE))) == 1
    assert [e.status for e in rec.calls("getRemittanceHeaders")] == [429, 429, 200]
    sim.configure(faults=[{"operation": "getRemittance", "status": 429, "count": 10}])
    with pytest.raises(ThrottledError) as info:
        client.get_remittance("PAY-1", MARKETPLACE)
    assert info.value.errors[0]["code"] == "QuotaExceeded"


def test_pages_throttled_by_the_simulator_are_fetched_after_waiting(sim):
    """Amazon's bucket (here: burst 1, a token every half second) throttles pages sent back to
    back; the client waits and goes on instead of failing the import."""
    sim.configure(rate_limiting=True, rate_limits={"getRemittance": {"rate": 2, "burst": 1}})
    sim.add_remittances([big_remittance()])
    client, rec = make_client(sim, sleep=time.sleep, backoff_base=0.5, backoff_max=1.0, max_retries=10)
    got = client.get_remittance("PAY-BIG", MARKETPLACE)
    assert len(got["remittanceItems"]) == 250
    statuses = [e.status for e in rec.calls("getRemittance")]
    assert 429 in statuses and statuses.count(200) == 3
