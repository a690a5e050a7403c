"""The client against Amazon's official models (../shared/spapi-models).

(a) every request body the client builds validates against the model's schema;
(b) every static sandbox example of an implemented operation: its request passes the client's
strict checks and the schema, and its response goes through the client's lenient parsing.
"""

import pytest
from jsonschema import Draft4Validator, FormatChecker
from spapi import InvalidBodyError, SpApiError, parsing
from spapi.base import error_from_response
from spapi.params import QUERY_PARAMS, build_params
from spapi.validation import BODY_RULES, body_problems, check_body
from test_client_common import acknowledgement, add_orders, invoice, make_client, shipment, shipment_confirmation

MODELS = {
    "orders": "vendor-orders-api-model/vendorOrders.json",
    "shipments": "vendor-shipments-api-model/vendorShipments.json",
    "invoices": "vendor-invoices-api-model/vendorInvoices.json",
    "transactions": "vendor-transaction-status-api-model/vendorTransactionStatus.json",
    "reports": "reports-api-model/reports_2021-06-30.json",
    "tokens": "tokens-api-model/tokens_2021-03-01.json",
    "finances": "finances-api-model/financesInvoices_2026-06-25.json",
}
# operationId -> model it lives in (every operation the client implements).
IMPLEMENTED = {
    "getPurchaseOrders": "orders",
    "getPurchaseOrder": "orders",
    "submitAcknowledgement": "orders",
    "getPurchaseOrdersStatus": "orders",
    "SubmitShipmentConfirmations": "shipments",
    "SubmitShipments": "shipments",
    "GetShipmentDetails": "shipments",
    "GetShipmentLabels": "shipments",
    "submitInvoices": "invoices",
    "getTransaction": "transactions",
    "createReport": "reports",
    "getReport": "reports",
    "getReportDocument": "reports",
    "getReports": "reports",
    "createRestrictedDataToken": "tokens",
    "getInvoiceHeaders": "finances",
    "getInvoice": "finances",
}
# 4xx examples whose fault only Amazon's servers can see (an unknown report type).
SERVER_SIDE_ONLY = {("createReport", "400")}
PAYLOAD_APIS = {"orders", "shipments", "invoices", "transactions"}


def _operation(model, operation_id):
    for methods in model["paths"].values():
        for operation in methods.values():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                return operation
    raise LookupError(operation_id)


def _body_ref(operation):
    for parameter in operation.get("parameters", []):
        if parameter.get("in") == "body":
            return parameter["schema"]["$ref"]
    return None


def _schema_errors(model, ref, body):
    validator = Draft4Validator({**model, "$ref": ref}, format_checker=FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)]


def _examples():
    """(operation, status code, example) for every static sandbox example; collected from
    the models at import time so each case is named (skipped later if models are absent)."""
    import json

    from conftest import MODELS_DIR

    cases = []
    for operation_id, api in IMPLEMENTED.items():
        path = MODELS_DIR / "models" / MODELS[api]
        if not path.is_file():
            continue
        operation = _operation(json.loads(path.read_text()), operation_id)
        for code, response in operation["responses"].items():
            for index, example in enumerate(response.get("x-amzn-api-sandbox", {}).get("static", [])):
                cases.append(pytest.param(operation_id, code, example, id=f"{operation_id}-{code}-{index}"))
    return cases or [pytest.param(None, None, None, id="models-absent")]


# ---- (a) bodies built by the client ----------------------------------------------------------
SUBMITS = {
    "submitAcknowledgement": lambda c, n: c.submit_acknowledgement([acknowledgement(n[0])]),
    "SubmitShipmentConfirmations": lambda c, n: c.submit_shipment_confirmations(
        [shipment_confirmation(n[0]), shipment_confirmation(n[1], ident="ASN-0002")]
    ),
    "SubmitShipments": lambda c, n: c.submit_shipments([shipment(n[0])]),
    "submitInvoices": lambda c, n: c.submit_invoices([invoice(n[0]), invoice(n[1], invoice_id="INV-0002")]),
}


@pytest.mark.parametrize("operation_id", sorted(SUBMITS))
def test_submitted_body_matches_model(simulator, load_model, operation_id):
    api = IMPLEMENTED[operation_id]
    model = load_model(MODELS[api])
    simulator.configure(rate_limiting=False)
    numbers = add_orders(simulator, 2)
    client, _rec = make_client(simulator)
    SUBMITS[operation_id](client, numbers)
    submission = simulator.submissions(operation_id)[0]
    ref = _body_ref(_operation(model, operation_id))
    assert _schema_errors(model, ref, submission["body"]) == []
    assert submission["valid"], submission["errors"]


@pytest.mark.parametrize("operation_id", ["createReport", "createRestrictedDataToken"])
def test_other_bodies_match_model(simulator, load_model, operation_id):
    model = load_model(MODELS[IMPLEMENTED[operation_id]])
    simulator.configure(rate_limiting=False)
    client, rec = make_client(simulator)
    if operation_id == "createReport":
        client.create_report(
            "GET_VENDOR_SALES_REPORT",
            ["ATVPDKIKX0DER"],
            data_start_time="2026-11-01T00:00:00Z",
            data_end_time="2026-11-07T23:59:59Z",
            report_options={"reportPeriod": "WEEK"},
        )
    else:
        client.create_restricted_data_token(
            [{"method": "GET", "path": "/vendor/orders/v1/purchaseOrders", "dataElements": ["buyerInfo"]}],
            target_application="amzn1.sellerapps.app.x",
        )
    body = rec.calls(operation_id)[0].request_body
    ref = _body_ref(_operation(model, operation_id))
    assert _schema_errors(model, ref, body) == []


# ---- (b) Amazon's static sandbox examples ------------------------------------------------------
class _Answer:
    """The status line and headers of a model example, for the client's error mapping."""

    def __init__(self, status):
        self.status_code = status
        self.headers = {"x-amzn-RequestId": "example-request-id"}


def _check_request(model, operation_id, code, parameters):
    query = {
        name: p["value"]
        for name, p in parameters.items()
        if name in QUERY_PARAMS.get(operation_id, ()) and "value" in p
    }
    if query:
        build_params(operation_id, query)  # the client accepts every documented filter
    body = (parameters.get("body") or {}).get("value")
    if body is None:
        return
    problems = body_problems(operation_id, body)
    if code.startswith("2"):
        assert problems == [], problems
        ref = _body_ref(_operation(model, operation_id))
        assert _schema_errors(model, ref, body) == []
    elif (operation_id, code) not in SERVER_SIDE_ONLY:
        assert problems, "the strict checks should have caught Amazon's bad example"
        with pytest.raises(InvalidBodyError):
            check_body(operation_id, body)


def _check_response(operation_id, code, api, response):
    if not code.startswith("2"):
        error = error_from_response(operation_id, _Answer(int(code)), response)
        assert isinstance(error, SpApiError) and str(error)
        assert error.errors == response.get("errors", [])
        return
    payload = parsing.payload_of(response)
    if api in PAYLOAD_APIS and "payload" in response:
        assert payload == response["payload"]
    if operation_id in parsing.PAGE_ITEMS:
        assert isinstance(parsing.page_items(operation_id, payload), list)
        token_key = "nextTokenForLineItems" if operation_id == "getInvoice" else "nextToken"
        token = parsing.next_token(payload, token_key)
        assert token is None or isinstance(token, str)
    if operation_id == "getTransaction":
        status = parsing.transaction_status(payload)
        assert status["status"] in parsing.TRANSACTION_STATUSES


@pytest.mark.parametrize("operation_id, code, example", _examples())
def test_static_example(load_model, operation_id, code, example):
    if operation_id is None:
        pytest.skip("Amazon's models are absent")
    api = IMPLEMENTED[operation_id]
    model = load_model(MODELS[api])
    _check_request(model, operation_id, code, example.get("request", {}).get("parameters", {}))
    _check_response(operation_id, code, api, example.get("response") or {})


def test_every_submit_operation_has_rules():
    assert set(SUBMITS) | {"createReport", "createRestrictedDataToken"} == set(BODY_RULES)
