"""SP-API simulator: LWA, access checks, throttling, faults and Retail Procurement Orders."""

import copy

import pytest
import requests

NOW = "2026-03-10T12:00:00Z"
CREDS = {"client_id": "acorn-sim-client", "client_secret": "acorn-sim-secret"}


def make_order(
    number="PO000001", created="2026-03-09T08:00:00Z", vendor="ACME1", items=None, state="New", ship_to="ABE8"
):
    items = items or [
        {
            "itemSequenceNumber": "1",
            "amazonProductIdentifier": "B0ACRN0001",
            "vendorProductIdentifier": "0860123450010",
            "isBackOrderAllowed": False,
            "orderedQuantity": {"amount": 10, "unitOfMeasure": "Cases", "unitSize": 6},
            "netCost": {"currencyCode": "USD", "amount": "11.40"},
        },
        {
            "itemSequenceNumber": "2",
            "amazonProductIdentifier": "B0ACRN0004",
            "vendorProductIdentifier": "0860123450041",
            "isBackOrderAllowed": True,
            "orderedQuantity": {"amount": 5, "unitOfMeasure": "Eaches", "unitSize": 1},
            "netCost": {"currencyCode": "USD", "amount": "38.50"},
        },
    ]
    return {
        "purchaseOrderNumber": number,
        "purchaseOrderState": state,
        "orderDetails": {
            "purchaseOrderDate": created,
            "purchaseOrderStateChangedDate": created,
            "sellingParty": {"partyId": vendor},
            "shipToParty": {"partyId": ship_to},
            "items": items,
        },
    }


def make_ack(number="PO000001", vendor="ACME1", lines=None):
    lines = lines or [
        ("1", "0860123450010", [("Accepted", 10, "Cases", 6)]),
        ("2", "0860123450041", [("Accepted", 3, "Eaches", 1), ("Rejected", 2, "Eaches", 1)]),
    ]
    items = [
        {
            "itemSequenceNumber": seq,
            "vendorProductIdentifier": ean,
            "orderedQuantity": {"amount": 1},
            "itemAcknowledgements": [
                {
                    "acknowledgementCode": code,
                    "acknowledgedQuantity": {"amount": amount, "unitOfMeasure": unit, "unitSize": size},
                    **({"rejectionReason": "TemporarilyUnavailable"} if code == "Rejected" else {}),
                }
                for code, amount, unit, size in acks
            ],
        }
        for seq, ean, acks in lines
    ]
    return {
        "acknowledgements": [
            {
                "purchaseOrderNumber": number,
                "sellingParty": {"partyId": vendor},
                "acknowledgementDate": "2026-03-10T10:00:00Z",
                "items": items,
            }
        ]
    }


class Api:
    def __init__(self, sim):
        self.sim, self.url = sim, sim.url
        self.token = self.lwa().json()["access_token"]

    def lwa(self, **form):
        data = {"grant_type": "refresh_token", "refresh_token": "acorn-sim-refresh", **CREDS, **form}
        return requests.post(f"{self.url}/auth/o2/token", data=data, timeout=10)

    def get(self, path, token=None, **params):
        headers = {"x-amz-access-token": token or self.token}
        return requests.get(self.url + path, params=params, headers=headers, timeout=10)

    def post(self, path, body, token=None):
        headers = {"x-amz-access-token": token or self.token}
        return requests.post(self.url + path, json=body, headers=headers, timeout=10)

    def transaction(self, transaction_id):
        response = self.get(f"/vendor/transactions/v1/transactions/{transaction_id}")
        assert response.status_code == 200, response.text
        return response.json()["payload"]["transactionStatus"]

    def submit_ack(self, body):
        response = self.post("/vendor/orders/v1/acknowledgements", body)
        assert response.status_code == 202, response.text
        return self.transaction(response.json()["payload"]["transactionId"])


@pytest.fixture
def api(simulator):
    simulator.configure(clock=NOW)
    return Api(simulator)


# ------------------------------------------------------------------ LWA and access
def test_lwa_refresh_token_success(api):
    body = api.lwa().json()
    assert body["access_token"].startswith("Atza|")
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600
    assert body["refresh_token"] == "acorn-sim-refresh"


@pytest.mark.parametrize(
    "form, status, error",
    [
        ({"client_secret": "wrong"}, 401, "invalid_client"),
        ({"client_id": "other"}, 401, "invalid_client"),
        ({"refresh_token": "revoked"}, 400, "invalid_grant"),
        ({"grant_type": "client_credentials"}, 400, "unsupported_grant_type"),
    ],
)
def test_lwa_errors(api, form, status, error):
    response = api.lwa(**form)
    assert response.status_code == status
    assert response.json()["error"] == error
    if error == "invalid_client":
        assert response.json()["error_description"] == "Client authentication failed"
    if error == "invalid_grant":
        assert response.json()["error_description"] == "The request has an invalid grant parameter : refresh_token"


def test_consent_and_authorization_code(api):
    response = requests.get(
        f"{api.url}/apps/authorize/consent",
        allow_redirects=False,
        timeout=10,
        params={
            "application_id": "amzn1.sp.solution.x",
            "state": "s-42",
            "redirect_uri": "https://odoo.example/amazon/callback",
        },
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("https://odoo.example/amazon/callback?state=s-42&")
    code = requests.utils.urlparse(location).query.split("spapi_oauth_code=")[1]
    assert "selling_partner_id=A2" in location
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": "https://odoo.example/amazon/callback"}
    first = api.lwa(**form)
    assert first.status_code == 200 and first.json()["refresh_token"] == "acorn-sim-refresh"
    again = api.lwa(**form)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_consent_redirect_uri_from_config_or_400(api):
    params = {"application_id": "app", "state": "x"}
    url = f"{api.url}/apps/authorize/consent"
    assert requests.get(url, params=params, allow_redirects=False, timeout=10).status_code == 400
    api.sim.configure(redirect_uri="http://localhost:8069/cb")
    response = requests.get(url, params=params, allow_redirects=False, timeout=10)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("http://localhost:8069/cb?state=x")


def test_missing_and_bad_token(api):
    for token in ("", "Atza|forged"):
        response = requests.get(
            f"{api.url}/vendor/orders/v1/purchaseOrders",
            timeout=10,
            headers={"x-amz-access-token": token} if token else {},
        )
        assert response.status_code == 403
        error = response.json()["errors"][0]
        assert error["code"] == "Unauthorized"
        assert error["details"] == "The access token you provided is revoked, malformed or invalid."
        assert response.headers["x-amzn-RequestId"]


def test_token_expires_on_simulated_clock(api):
    api.sim.configure(token_lifetime=60)
    token = api.lwa().json()["access_token"]
    assert api.get("/vendor/orders/v1/purchaseOrders", token=token).status_code == 200
    api.sim.configure(clock="2026-03-10T12:01:01Z")
    response = api.get("/vendor/orders/v1/purchaseOrders", token=token)
    assert response.status_code == 403
    assert response.json()["errors"][0]["details"] == "The access token you provided has expired."


def test_denied_operation_and_unknown_path(api):
    api.sim.configure(denied_operations=["getPurchaseOrders"])
    response = api.get("/vendor/orders/v1/purchaseOrders")
    assert response.status_code == 403
    assert "required role" in response.json()["errors"][0]["details"]
    assert api.get("/vendor/orders/v1/purchaseOrdersStatus").status_code == 200
    missing = api.get("/vendor/nothing/here")
    assert missing.status_code == 404 and missing.json()["errors"][0]["code"]


def test_restricted_data_token_is_accepted(api):
    body = {"restrictedResources": [{"method": "GET", "path": "/vendor/orders/v1/purchaseOrders"}]}
    response = api.post("/tokens/2021-03-01/restrictedDataToken", body)
    assert response.status_code == 200
    rdt = response.json()
    assert rdt["expiresIn"] == 3600
    assert api.get("/vendor/orders/v1/purchaseOrders", token=rdt["restrictedDataToken"]).ok
    bad = api.post("/tokens/2021-03-01/restrictedDataToken", {"restrictedResources": []})
    assert bad.status_code == 400


# ------------------------------------------------------------------ throttling and faults
def test_rate_limit_429_then_off(api):
    api.sim.configure(rate_limits={"getPurchaseOrder": {"rate": 0.001, "burst": 2}})
    api.sim.add_purchase_orders([make_order()])
    codes = [api.get("/vendor/orders/v1/purchaseOrders/PO000001").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    throttled = api.get("/vendor/orders/v1/purchaseOrders/PO000001")
    assert throttled.json()["errors"][0]["code"] == "QuotaExceeded"
    assert throttled.headers["x-amzn-RateLimit-Limit"] == "0.001"
    api.sim.configure(rate_limiting=False)
    assert api.get("/vendor/orders/v1/purchaseOrders/PO000001").status_code == 200


def test_default_rate_limit_header(api):
    assert api.get("/vendor/orders/v1/purchaseOrders").headers["x-amzn-RateLimit-Limit"] == "10"


@pytest.mark.parametrize("status, code", [(429, "QuotaExceeded"), (500, None), (503, None)])
def test_status_faults_are_consumed(api, status, code):
    api.sim.configure(faults=[{"operation": "getPurchaseOrders", "status": status, "count": 2}])
    first, second, third = (api.get("/vendor/orders/v1/purchaseOrders") for _ in range(3))
    assert (first.status_code, second.status_code, third.status_code) == (status, status, 200)
    assert "errors" in first.json()
    if code:
        assert first.json()["errors"][0]["code"] == code
    assert api.sim.configure()["faults"] == []


def test_faults_in_order_and_wildcard(api):
    api.sim.configure(
        faults=[{"operation": "*", "status": 503}, {"operation": "getPurchaseOrdersStatus", "status": 500}]
    )
    assert api.get("/vendor/orders/v1/purchaseOrdersStatus").status_code == 503
    assert api.get("/vendor/orders/v1/purchaseOrdersStatus").status_code == 500
    assert api.get("/vendor/orders/v1/purchaseOrdersStatus").status_code == 200


def test_delay_and_malformed_faults(api):
    api.sim.configure(
        faults=[
            {"operation": "getPurchaseOrders", "delay": 0.5, "count": 1},
            {"operation": "getPurchaseOrders", "malformed": True},
        ]
    )
    slow = api.get("/vendor/orders/v1/purchaseOrders")
    assert slow.status_code == 200 and slow.elapsed.total_seconds() >= 0.5
    broken = api.get("/vendor/orders/v1/purchaseOrders")
    assert broken.status_code == 200
    with pytest.raises(ValueError):
        broken.json()
    assert api.get("/vendor/orders/v1/purchaseOrders").json()["payload"]["orders"] == []


# ------------------------------------------------------------------ purchase orders
def test_get_purchase_orders_filters(api):
    changed = make_order("PO000002", "2026-03-08T08:00:00Z", vendor="ACME2")
    cancelled = make_order("PO000003", "2026-03-07T08:00:00Z")
    cancelled["orderDetails"]["items"][1]["orderedQuantity"]["amount"] = 0
    future = make_order("PO000004", "2026-03-11T08:00:00Z")
    api.sim.add_purchase_orders([make_order(), changed, cancelled, future])
    api.sim.configure(clock="2026-03-10T12:00:00Z")
    assert api.sim.add_purchase_orders([changed]) == {"added": 0, "replaced": 1}

    def numbers(**params):
        response = api.get("/vendor/orders/v1/purchaseOrders", **params)
        assert response.status_code == 200, response.text
        return [o["purchaseOrderNumber"] for o in response.json()["payload"]["orders"]]

    assert numbers(createdAfter="2026-03-05T00:00:00") == ["PO000003", "PO000002", "PO000001"]
    assert numbers(createdAfter="2026-03-05T00:00:00Z", sortOrder="DESC")[0] == "PO000001"
    assert numbers(changedAfter="2026-03-10T00:00:00Z") == ["PO000002"]
    assert numbers(isPOChanged="true") == ["PO000002"]
    assert numbers(orderingVendorCode="ACME2") == ["PO000002"]
    assert numbers(poItemState="Cancelled") == ["PO000003"]
    assert numbers(purchaseOrderState="Acknowledged") == []
    assert numbers(createdBefore="2026-03-08T12:00:00+00:00") == ["PO000003", "PO000002"]
    short = api.get("/vendor/orders/v1/purchaseOrders", includeDetails="false").json()
    assert short["payload"]["orders"][0] == {"purchaseOrderNumber": "PO000003", "purchaseOrderState": "New"}
    api.sim.configure(clock="2026-03-11T09:00:00Z")
    api.token = api.lwa().json()["access_token"]
    assert "PO000004" in numbers()


def test_replace_sets_changed_date(api):
    api.sim.add_purchase_orders([make_order()])
    order = api.get("/vendor/orders/v1/purchaseOrders/PO000001").json()["payload"]
    assert "purchaseOrderChangedDate" not in order["orderDetails"]
    api.sim.add_purchase_orders([make_order()])
    order = api.get("/vendor/orders/v1/purchaseOrders/PO000001").json()["payload"]
    assert order["orderDetails"]["purchaseOrderChangedDate"] == NOW


@pytest.mark.parametrize(
    "params",
    [
        {"createdAfter": "2026-03-01T00:00:00Z"},
        {"createdAfter": "2026-03-01T00:00:00Z", "createdBefore": "2026-03-09T00:00:01Z"},
        {"changedAfter": "2026-02-20T00:00:00Z", "changedBefore": "2026-03-01T00:00:00Z"},
    ],
)
def test_seven_day_rule(api, params):
    response = api.get("/vendor/orders/v1/purchaseOrders", **params)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "InvalidInput"
    assert "7 days" in response.json()["errors"][0]["message"]
    status = api.get(
        "/vendor/orders/v1/purchaseOrdersStatus", **{k.replace("changed", "updated"): v for k, v in params.items()}
    )
    assert status.status_code == 400


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"createdAfter": "yesterday"}, {"sortOrder": "UP"}])
def test_invalid_parameters(api, params):
    response = api.get("/vendor/orders/v1/purchaseOrders", **params)
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "InvalidInput"


def test_pagination_with_filters_and_tampering(api):
    api.sim.add_purchase_orders([make_order(f"PO1{i:05d}", f"2026-03-09T0{i}:00:00Z") for i in range(7)])
    filters = {"createdAfter": "2026-03-04T12:00:00Z", "limit": 3}
    seen, token, pages = [], None, 0
    while True:
        params = dict(filters, **({"nextToken": token} if token else {}))
        payload = api.get("/vendor/orders/v1/purchaseOrders", **params).json()["payload"]
        seen += [o["purchaseOrderNumber"] for o in payload["orders"]]
        pages += 1
        if "pagination" not in payload:
            break
        token = payload["pagination"]["nextToken"]
    assert pages == 3 and seen == [f"PO1{i:05d}" for i in range(7)]
    first = api.get("/vendor/orders/v1/purchaseOrders", **filters).json()["payload"]
    tampered = api.get(
        "/vendor/orders/v1/purchaseOrders",
        createdAfter="2026-03-05T00:00:00Z",
        limit=3,
        nextToken=first["pagination"]["nextToken"],
    )
    assert tampered.status_code == 400
    assert tampered.json()["errors"][0]["code"] == "InvalidInput"
    garbage = api.get("/vendor/orders/v1/purchaseOrders", nextToken="not-a-token")
    assert garbage.status_code == 400


def test_get_purchase_order_unknown(api):
    response = api.get("/vendor/orders/v1/purchaseOrders/NOPE1234")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "NotFound"


# ------------------------------------------------------------------ acknowledgements
def test_acknowledgement_success_changes_state_and_status(api):
    api.sim.add_purchase_orders([make_order()])
    transaction = api.submit_ack(make_ack())
    assert transaction["status"] == "Success" and "errors" not in transaction
    order = api.get("/vendor/orders/v1/purchaseOrders/PO000001").json()["payload"]
    assert order["purchaseOrderState"] == "Acknowledged"
    status = api.get("/vendor/orders/v1/purchaseOrdersStatus", purchaseOrderNumber="PO000001").json()["payload"][
        "ordersStatus"
    ][0]
    first, second = status["itemStatus"]
    assert first["acknowledgementStatus"]["confirmationStatus"] == "ACCEPTED"
    assert first["acknowledgementStatus"]["acceptedQuantity"] == {"amount": 10, "unitOfMeasure": "Cases", "unitSize": 6}
    assert second["acknowledgementStatus"]["confirmationStatus"] == "PARTIALLY_ACCEPTED"
    assert second["acknowledgementStatus"]["rejectedQuantity"]["amount"] == 2
    assert second["receivingStatus"]["receiveStatus"] == "NOT_RECEIVED"
    assert api.sim.submissions("submitAcknowledgement")[0]["valid"] is True


def test_acknowledgement_in_eaches_of_a_cases_line(api):
    api.sim.add_purchase_orders([make_order()])
    ok = make_ack(lines=[("1", "0860123450010", [("Accepted", 60, "Eaches", 1)])])
    assert api.submit_ack(ok)["status"] == "Success"
    too_many = make_ack(lines=[("1", "0860123450010", [("Accepted", 61, "Eaches", 1)])])
    assert api.submit_ack(too_many)["status"] == "Failure"


@pytest.mark.parametrize(
    "mutate, fragment",
    [
        (lambda a: a["acknowledgements"][0].update(purchaseOrderNumber="UNKNOWN1"), "does not exist"),
        (lambda a: a["acknowledgements"][0].update(sellingParty={"partyId": "ACME2"}), "sellingParty"),
        (lambda a: a["acknowledgements"][0]["items"][0].update(vendorProductIdentifier="999"), "does not match"),
        (
            lambda a: a["acknowledgements"][0]["items"][1]["itemAcknowledgements"][0]["acknowledgedQuantity"].update(
                amount=4
            ),
            "only 5 were ordered",
        ),
        (
            lambda a: a["acknowledgements"][0]["items"][0]["itemAcknowledgements"][0]["acknowledgedQuantity"].update(
                amount=11
            ),
            "only 60 were ordered",
        ),
    ],
)
def test_acknowledgement_rule_failures(api, mutate, fragment):
    api.sim.add_purchase_orders([make_order()])
    body = make_ack()
    mutate(body)
    transaction = api.submit_ack(body)
    assert transaction["status"] == "Failure"
    assert any(fragment in e["message"] for e in transaction["errors"]), transaction["errors"]
    assert all({"code", "message", "details"} <= set(e) for e in transaction["errors"])
    view = api.sim.purchase_order("PO000001")
    assert view["order"]["purchaseOrderState"] == "New" and view["acknowledgements"] == []
    submission = api.sim.submissions("submitAcknowledgement")[0]
    assert submission["valid"] is False and submission["errors"] == transaction["errors"]


def test_acknowledgement_schema_failure(api, spapi_models_dir):
    assert api.sim.validator.active
    api.sim.add_purchase_orders([make_order()])
    body = make_ack()
    body["acknowledgements"][0]["items"][0]["itemAcknowledgements"][0]["acknowledgementCode"] = "Maybe"
    body["acknowledgements"][0]["unexpected"] = {"deep": True}
    transaction = api.submit_ack(body)
    assert transaction["status"] == "Failure"
    assert any("Schema violation" in e["message"] and "Maybe" in e["message"] for e in transaction["errors"])


def test_acknowledgement_structural_failure_without_schema(api):
    api.sim.add_purchase_orders([make_order()])
    body = make_ack()
    del body["acknowledgements"][0]["acknowledgementDate"]
    transaction = api.submit_ack(body)
    assert transaction["status"] == "Failure"
    assert any("acknowledgementDate" in e["message"] for e in transaction["errors"])
    assert api.post("/vendor/orders/v1/acknowledgements", {"acks": []}).status_code == 400
    rejected = api.sim.submissions("submitAcknowledgement")[-1]
    assert rejected["transactionId"] is None and rejected["body"] == {"acks": []}
    assert rejected["valid"] is False


def test_transaction_outcomes_and_delay(api):
    api.sim.add_purchase_orders([make_order()])
    api.sim.configure(transaction_outcome="failure")
    failed = api.submit_ack(make_ack())
    assert failed["status"] == "Failure" and failed["errors"]
    assert api.sim.purchase_order("PO000001")["order"]["purchaseOrderState"] == "New"
    api.sim.configure(transaction_outcome="processing")
    assert api.submit_ack(make_ack())["status"] == "Processing"
    api.sim.configure(clock="2026-03-20T00:00:00Z")
    assert api.sim.purchase_order("PO000001")["order"]["purchaseOrderState"] == "New"
    api.sim.configure(transaction_outcome="success", transaction_delay=120, clock=NOW)
    response = api.post("/vendor/orders/v1/acknowledgements", make_ack())
    transaction_id = response.json()["payload"]["transactionId"]
    assert api.transaction(transaction_id)["status"] == "Processing"
    api.sim.configure(clock="2026-03-10T12:02:00Z")
    assert api.transaction(transaction_id)["status"] == "Success"
    assert api.sim.purchase_order("PO000001")["order"]["purchaseOrderState"] == "Acknowledged"


def test_unknown_transaction(api):
    response = api.get("/vendor/transactions/v1/transactions/nope")
    assert response.status_code == 404 and response.json()["errors"][0]["code"] == "NotFound"


def test_status_filters_and_receiving(api):
    api.sim.add_purchase_orders([make_order(), make_order("PO000002", ship_to="PHX6")])
    api.submit_ack(make_ack())
    receipts = {
        "items": [
            {"itemSequenceNumber": "1", "receivedQuantity": 30, "receiveDate": "2026-03-10T11:00:00Z"},
            {"vendorProductIdentifier": "0860123450041", "receivedQuantity": 3},
        ]
    }
    response = requests.post(f"{api.url}/_simulator/purchase-orders/PO000001/receipts", json=receipts, timeout=10)
    assert response.status_code == 200
    items = response.json()["status"]["itemStatus"]
    assert items[0]["receivingStatus"] == {
        "receiveStatus": "PARTIALLY_RECEIVED",
        "receivedQuantity": {"amount": 5, "unitOfMeasure": "Cases", "unitSize": 6},
        "lastReceiveDate": "2026-03-10T11:00:00Z",
    }
    assert items[1]["receivingStatus"]["receiveStatus"] == "RECEIVED"

    def numbers(**params):
        payload = api.get("/vendor/orders/v1/purchaseOrdersStatus", **params).json()["payload"]
        return [s["purchaseOrderNumber"] for s in payload["ordersStatus"]]

    assert numbers(itemConfirmationStatus="UNCONFIRMED") == ["PO000002"]
    assert numbers(itemReceiveStatus="PARTIALLY_RECEIVED") == ["PO000001"]
    assert numbers(shipToPartyId="PHX6") == ["PO000002"]
    assert numbers(updatedAfter="2026-03-10T11:59:00Z") == ["PO000001"]
    assert numbers(purchaseOrderStatus="CLOSED") == []
    assert numbers(limit=1, createdAfter="2026-03-09T00:00:00Z") == ["PO000001"]
    page = api.get("/vendor/orders/v1/purchaseOrdersStatus", limit=1).json()["payload"]
    nxt = api.get("/vendor/orders/v1/purchaseOrdersStatus", limit=1, nextToken=page["pagination"]["nextToken"]).json()[
        "payload"
    ]
    assert [s["purchaseOrderNumber"] for s in nxt["ordersStatus"]] == ["PO000002"]
    assert "pagination" not in nxt


def test_closed_po_cannot_be_acknowledged(api):
    api.sim.add_purchase_orders([make_order(state="Closed")])
    status = api.sim.purchase_order("PO000001")["status"]
    assert status["purchaseOrderStatus"] == "CLOSED"
    assert api.submit_ack(copy.deepcopy(make_ack()))["status"] == "Failure"
