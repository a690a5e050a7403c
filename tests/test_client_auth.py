"""Login with Amazon: token exchange, caching, refresh, shared store, errors, consent."""

import threading
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from spapi import (
    REGIONS,
    AccessToken,
    AuthError,
    MemoryTokenStore,
    TokenStore,
    api_endpoint,
    consent_url,
    exchange_authorization_code,
)
from spapi.timeutil import utcnow
from test_client_common import CLIENT_ID, CLIENT_SECRET, add_orders, make_client


def test_token_is_fetched_once_and_reused(simulator):
    client, rec = make_client(simulator)
    token = client.get_access_token()
    assert token.value and token.expires_at > utcnow() + timedelta(minutes=50)
    client.get_purchase_orders()
    client.get_purchase_orders_status()
    assert len(rec.calls("lwaToken")) == 1
    sent = [e for e in rec.exchanges if e.operation != "lwaToken"]
    assert all(e.request_headers["x-amz-access-token"] == "***" for e in sent)


def test_token_refreshed_before_expiry(simulator):
    # A lifetime shorter than the 300 s margin: every call must refresh first.
    simulator.configure(token_lifetime=200)
    client, rec = make_client(simulator)
    client.get_purchase_orders()
    client.get_purchase_orders()
    assert len(rec.calls("lwaToken")) == 2
    simulator.configure(token_lifetime=3600)
    client.get_purchase_orders()
    client.get_purchase_orders()
    assert len(rec.calls("lwaToken")) == 3


def test_expired_token_403_refreshes_once_and_retries(simulator):
    store = MemoryTokenStore()
    client, rec = make_client(simulator, token_store=store)
    # A token the store believes valid but Amazon has never issued (revoked / expired early).
    store.set(client.token_key, AccessToken("Atza|stale", utcnow() + timedelta(hours=1)))
    payload = client.get_purchase_orders()
    assert payload == {"orders": []}
    assert [e.status for e in rec.exchanges] == [403, 200, 200]
    assert store.get(client.token_key).value != "Atza|stale"


def test_token_store_shared_between_clients(simulator):
    store = MemoryTokenStore()
    first, rec1 = make_client(simulator, token_store=store)
    second, rec2 = make_client(simulator, token_store=store)
    first.get_purchase_orders()
    second.get_purchase_orders()
    assert len(rec1.calls("lwaToken")) == 1 and not rec2.calls("lwaToken")
    assert "acorn-sim-refresh" not in first.token_key and CLIENT_ID in first.token_key


def test_concurrent_refresh_happens_once(simulator):
    store = MemoryTokenStore()
    client, rec = make_client(simulator, token_store=store)
    threads = [threading.Thread(target=client.get_access_token) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(rec.calls("lwaToken")) == 1


def test_custom_token_store_lock_is_taken(simulator):
    class Store(TokenStore):
        def __init__(self):
            self.data, self.locked = {}, []

        def get(self, key):
            return self.data.get(key)

        def set(self, key, token):
            self.data[key] = token

        def lock(self, key):
            self.locked.append(key)
            return super().lock(key)

    store = Store()
    client, _rec = make_client(simulator, token_store=store)
    client.get_access_token()
    client.get_access_token()
    assert store.locked == [client.token_key]


@pytest.mark.parametrize(
    "kwargs, code, status",
    [
        ({"client_secret": "wrong"}, "invalid_client", 401),
        ({"client_id": "unknown-app"}, "invalid_client", 401),
        ({"refresh_token": "Atzr|revoked"}, "invalid_grant", 400),
    ],
)
def test_lwa_errors_map_to_auth_error(simulator, kwargs, code, status):
    client, rec = make_client(simulator, **kwargs)
    with pytest.raises(AuthError) as info:
        client.get_purchase_orders()
    assert info.value.code == code and info.value.status == status
    assert code in str(info.value)
    assert len(rec.calls("lwaToken")) == 1, "LWA refusals are not retried"
    assert not rec.calls("getPurchaseOrders")


def test_missing_role_is_auth_error_without_refresh(simulator):
    simulator.configure(denied_operations=["submitInvoices", "getPurchaseOrders"])
    client, rec = make_client(simulator)
    with pytest.raises(AuthError) as info:
        client.get_purchase_orders()
    assert info.value.code == "Unauthorized" and info.value.status == 403
    assert info.value.request_id and info.value.request_id in str(info.value)
    assert len(rec.calls("lwaToken")) == 1 and len(rec.calls("getPurchaseOrders")) == 1


def test_consent_url_and_authorization_code_exchange(simulator):
    assert consent_url("amzn1.sp.solution.x", "s1") == (
        "https://vendorcentral.amazon.com/apps/authorize/consent?application_id=amzn1.sp.solution.x&state=s1"
    )
    assert consent_url("a", "s", region="eu", sandbox=True).startswith(
        "https://vendorcentral.amazon.co.uk/apps/authorize/consent?"
    )
    assert "version=beta" in consent_url("a", "s", region="fe", sandbox=True)
    assert consent_url("a", "s", region="fe").startswith("https://vendorcentral.amazon.co.jp/")
    url = consent_url(
        "amzn1.sp.solution.x",
        "xyz",
        base_url=simulator.url + "/ignored",
        redirect_uri="https://odoo.example.com/amazon/callback",
    )
    answer = requests.get(url, allow_redirects=False, timeout=5)
    assert answer.status_code == 302
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query["state"] == ["xyz"]
    tokens = exchange_authorization_code(
        query["spapi_oauth_code"][0],
        CLIENT_ID,
        CLIENT_SECRET,
        redirect_uri="https://odoo.example.com/amazon/callback",
        lwa_url=simulator.url + "/auth/o2/token",
    )
    assert tokens["refresh_token"] == "acorn-sim-refresh" and tokens["access_token"]
    with pytest.raises(AuthError) as info:  # a code works once
        exchange_authorization_code(
            query["spapi_oauth_code"][0], CLIENT_ID, CLIENT_SECRET, lwa_url=simulator.url + "/auth/o2/token"
        )
    assert info.value.code == "invalid_grant"


def test_regions():
    assert api_endpoint("eu") == "https://sellingpartnerapi-eu.amazon.com"
    assert api_endpoint("fe", sandbox=True) == "https://sandbox.sellingpartnerapi-fe.amazon.com"
    assert set(REGIONS) == {"na", "eu", "fe"}
    with pytest.raises(ValueError):
        api_endpoint("mars")


def test_token_repr_hides_value(simulator):
    add_orders(simulator, 1)
    client, _rec = make_client(simulator)
    token = client.get_access_token()
    assert token.value not in repr(token)
