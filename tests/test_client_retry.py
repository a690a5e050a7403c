"""Retries, error mapping, the exchange hook and the client-side rate limiter."""

import json
import socket
import time

import pytest
from spapi import OutcomeUnknownError, RequestError, ThrottledError, TransientError
from spapi.ratelimit import RateLimiter, TokenBucket
from test_client_common import CLIENT_SECRET, REFRESH_TOKEN, acknowledgement, add_orders, make_client


@pytest.fixture
def sim(simulator):
    simulator.configure(rate_limiting=False)
    return simulator


def test_429_storm_then_success(sim):
    sim.configure(faults=[{"operation": "getPurchaseOrders", "status": 429, "count": 4}])
    client, rec = make_client(sim, max_retries=5)
    assert client.get_purchase_orders() == {"orders": []}
    attempts = rec.calls("getPurchaseOrders")
    assert [e.status for e in attempts] == [429, 429, 429, 429, 200]
    assert [e.attempt for e in attempts] == [1, 2, 3, 4, 5]
    assert len(rec.sleeps) == 4 and all(0 <= s <= 0.05 for s in rec.sleeps)


def test_429_beyond_retries_is_throttled_error(sim):
    sim.configure(faults=[{"operation": "getPurchaseOrders", "status": 429, "count": 10}])
    client, rec = make_client(sim, max_retries=3)
    with pytest.raises(ThrottledError) as info:
        client.get_purchase_orders()
    assert len(rec.calls("getPurchaseOrders")) == 4
    assert info.value.status == 429 and info.value.errors[0]["code"] == "QuotaExceeded"
    assert hasattr(info.value, "retry_after")


def test_retry_time_budget_bounds_retries(sim):
    sim.configure(faults=[{"operation": "getPurchaseOrders", "status": 503, "count": 10}])
    client, rec = make_client(sim, max_retries=10, backoff_base=4, backoff_max=4, max_retry_time=5)
    with pytest.raises(TransientError):
        client.get_purchase_orders()
    assert sum(rec.sleeps) <= 5


def test_503_then_success(sim):
    sim.configure(
        faults=[
            {"operation": "getPurchaseOrders", "status": 503, "count": 1},
            {"operation": "getPurchaseOrders", "status": 500, "count": 1},
        ]
    )
    client, rec = make_client(sim)
    client.get_purchase_orders()
    assert [e.status for e in rec.calls("getPurchaseOrders")] == [503, 500, 200]


def test_5xx_beyond_retries_is_transient_error(sim):
    sim.configure(faults=[{"operation": "*", "status": 500, "count": 10}])
    client, _rec = make_client(sim, max_retries=2)
    with pytest.raises(TransientError) as info:
        client.get_purchase_orders()
    assert info.value.status == 500 and info.value.request_id


def test_malformed_json_is_retried_then_transient(sim):
    sim.configure(faults=[{"operation": "getPurchaseOrders", "malformed": True, "count": 1}])
    client, rec = make_client(sim)
    assert client.get_purchase_orders() == {"orders": []}
    first, second = rec.calls("getPurchaseOrders")
    assert first.error == "response is not valid JSON" and second.error is None
    sim.configure(faults=[{"operation": "getPurchaseOrders", "malformed": True, "count": 9}])
    client, _rec = make_client(sim, max_retries=1)
    with pytest.raises(TransientError, match="non-JSON"):
        client.get_purchase_orders()


def test_timeout_is_retried(sim):
    sim.configure(faults=[{"operation": "getPurchaseOrders", "delay": 0.5, "count": 1}])
    client, rec = make_client(sim, timeout=(2, 0.2))
    assert client.get_purchase_orders() == {"orders": []}
    first = rec.calls("getPurchaseOrders")[0]
    assert first.status is None and "Timeout" in first.error


# ---- submissions: never sent twice -------------------------------------------------------


def _submit_one(sim, **client_options):
    [number] = add_orders(sim, 1)
    client, rec = make_client(sim, **client_options)
    return client, rec, number


@pytest.mark.parametrize(
    "fault, held",
    [
        ({"status": 503}, False),
        ({"status": 500, "processed": True}, True),
        ({"malformed": True}, True),
        ({"delay": 0.6}, True),
    ],
    ids=["503-before", "500-after-processing", "unreadable-answer", "answer-after-timeout"],
)
def test_submission_with_lost_answer_is_never_repeated(sim, fault, held):
    """After a 5xx, an unreadable answer or a read timeout Amazon may hold the submission:
    the client says so and does not send it again."""
    client, rec, number = _submit_one(sim, timeout=(2, 0.2))
    sim.configure(faults=[{"operation": "submitAcknowledgement", "count": 3, **fault}])
    with pytest.raises(OutcomeUnknownError, match="may or may not have received it") as info:
        client.submit_acknowledgement([acknowledgement(number)])
    assert isinstance(info.value, TransientError)
    assert len(rec.calls("submitAcknowledgement")) == 1 and not rec.sleeps
    if "delay" in fault:
        sim.configure(faults=[])
        time.sleep(0.8)  # the simulator answers the request it took after the client gave up
    assert len(sim.submissions("submitAcknowledgement")) == int(held)


def test_throttled_submission_is_sent_again(sim):
    """A 429 is Amazon refusing before processing: sending again cannot duplicate."""
    client, rec, number = _submit_one(sim)
    sim.configure(faults=[{"operation": "submitAcknowledgement", "status": 429, "count": 2}])
    transaction_id = client.submit_acknowledgement([acknowledgement(number)])
    assert [e.status for e in rec.calls("submitAcknowledgement")] == [429, 429, 202]
    [held] = sim.submissions("submitAcknowledgement")
    assert held["transactionId"] == transaction_id


def test_submission_is_retried_while_no_connection_opens(sim):
    client, rec, number = _submit_one(sim, max_retries=2)
    client.get_access_token()
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        client.endpoint = f"http://127.0.0.1:{closed.getsockname()[1]}"
    with pytest.raises(TransientError) as info:
        client.submit_acknowledgement([acknowledgement(number)])
    assert not isinstance(info.value, OutcomeUnknownError)
    assert len(rec.calls("submitAcknowledgement")) == 3 and len(rec.sleeps) == 2


def test_reads_are_retried_after_a_timeout(sim):
    sim.configure(faults=[{"operation": "getPurchaseOrder", "delay": 0.5, "count": 1}])
    [number] = add_orders(sim, 1)
    client, rec = make_client(sim, timeout=(2, 0.2))
    assert client.get_purchase_order(number)["purchaseOrderNumber"] == number
    assert len(rec.calls("getPurchaseOrder")) == 2


def test_400_is_not_retried_and_carries_errors(sim):
    client, rec = make_client(sim)
    with pytest.raises(RequestError) as info:
        client.get_purchase_orders(created_after="2026-01-01T00:00:00Z", created_before="2026-02-01T00:00:00Z")
    error = info.value
    assert len(rec.calls("getPurchaseOrders")) == 1 and not rec.sleeps
    assert error.status == 400 and error.errors[0]["code"] == "InvalidInput"
    assert error.request_id == rec.calls("getPurchaseOrders")[0].request_id
    assert error.errors[0]["message"] in str(error) and error.request_id in str(error)
    assert error.operation == "getPurchaseOrders"


def test_404_is_request_error(sim):
    client, rec = make_client(sim)
    with pytest.raises(RequestError) as info:
        client.get_purchase_order("NOPE")
    assert info.value.status == 404 and len(rec.calls("getPurchaseOrder")) == 1


def test_hook_sees_every_attempt_and_no_secret(sim):
    add_orders(sim, 3)
    sim.configure(faults=[{"operation": "getPurchaseOrders", "status": 503, "count": 1}])
    client, rec = make_client(sim)
    list(client.iter_purchase_orders(limit=1))
    rdt = client.create_restricted_data_token([{"method": "GET", "path": "/x"}])
    access_token = client.get_access_token().value
    operations = [e.operation for e in rec.exchanges]
    assert operations == ["lwaToken"] + ["getPurchaseOrders"] * 4 + ["createRestrictedDataToken"]
    dump = json.dumps([e.as_dict() for e in rec.exchanges], default=str)
    for secret in (CLIENT_SECRET, REFRESH_TOKEN, access_token, rdt["restrictedDataToken"]):
        assert secret not in dump
    for exchange in rec.exchanges:
        assert exchange.request_id and exchange.duration_ms >= 0 and exchange.status


def test_failing_hook_does_not_break_call(sim):
    def hook(exchange):
        raise RuntimeError("log table locked")

    client, _rec = make_client(sim, exchange_hook=hook)
    assert client.get_purchase_orders() == {"orders": []}


def test_token_bucket_timing_with_fake_clock():
    now = [100.0]
    bucket = TokenBucket(rate=2.0, burst=3, clock=lambda: now[0])
    assert [bucket.reserve() for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.reserve() == pytest.approx(0.5)
    assert bucket.reserve() == pytest.approx(1.0)  # queued behind the previous reservation
    now[0] += 10
    assert bucket.reserve() == 0.0


def test_client_waits_through_limiter(sim):
    now = [0.0]
    limiter = RateLimiter(clock=lambda: now[0])
    client, rec = make_client(sim, rate_limit=True, rate_limiter=limiter)
    for _ in range(3):
        client.create_report("GET_VENDOR_INVENTORY_REPORT", ["ATVPDKIKX0DER"])
    assert rec.sleeps == []
    bucket = limiter.bucket(client.endpoint, client.client_id, "createReport")
    assert (bucket.rate, bucket.burst) == (0.0167, 15)
    for _ in range(12):
        bucket.reserve()
    client.create_report("GET_VENDOR_INVENTORY_REPORT", ["ATVPDKIKX0DER"])
    assert rec.sleeps == [pytest.approx(1 / 0.0167)]
    # Another app on the same endpoint has its own bucket.
    other = limiter.bucket(client.endpoint, "other-app", "createReport")
    assert other.reserve() == 0.0


def test_lwa_is_not_rate_limited(sim):
    limiter = RateLimiter(clock=lambda: 0.0)
    client, _rec = make_client(sim, rate_limit=True, rate_limiter=limiter)
    for _ in range(3):
        client.get_access_token(force_refresh=True)
    assert not limiter._buckets
