"""SP-API simulator: the Finance Remittance API 2026-03-17 and its control endpoint."""

import pytest
import requests
from test_simulator import NOW, Api
from test_simulator_more import invoice

from spapi_simulator.common import ApiError

PATH = "/finances/remittances/2026-03-17/remittances"
MARKETPLACE = {"marketplaceId": "A1PA6795UKMFR9"}


def money(amount, currency="EUR"):
    return {"currencyCode": currency, "currencyAmount": amount}


def remittance_item(number="INV-1", paid=1178.1, discount=11.9):
    """A paid invoice line; a deduction is a line of its own with a negative amount."""
    total = round(paid + discount, 2)
    return {
        "invoiceNumber": number,
        "invoiceIssueDate": "2026-02-01T00:00:00Z",
        "withholdingAmount": money(0),
        "totalAmount": money(total),
        "totalAmountBreakdown": [{"breakdownType": "InvoiceAmount", "breakdownAmount": money(total)}],
        "netAmountPaid": money(paid),
        "netAmountPaidBreakdown": [
            {"breakdownType": "AmountPaid", "breakdownAmount": money(paid)},
            {"breakdownType": "TermsDiscountTaken", "breakdownAmount": money(discount)},
        ],
        "description": "Invoice",
        "paymentTerms": "1% 30, NET 60",
        "invoiceType": "Standard",
        "relatedItemIdentifiers": [{"relatedIdentifierName": "VENDOR_CODE", "relatedIdentifierValue": ["ACME1"]}],
    }


def shortage_line(number="INV-1", amount=-38.5):
    return {
        "invoiceNumber": f"{number}SC",
        "netAmountPaid": money(amount),
        "description": f"Shortage Claim for {number}",
    }


def remittance(payment_id="PAY-1", paid_on="2026-03-05T00:00:00Z", items=None, payee=None):
    """A RemittanceHeader with its ``remittanceItems``, as the control API takes it."""
    items = [remittance_item(), shortage_line()] if items is None else items
    related = [{"relatedIdentifierName": "VENDOR_CODE", "relatedIdentifierValue": ["ACME1"]}]
    if payee:
        related.append({"relatedIdentifierName": "PAYEE_CODE", "relatedIdentifierValue": [payee]})
    return {
        "paymentDate": paid_on,
        "paymentNumber": f"N-{payment_id}",
        "uniquePaymentId": payment_id,
        "exchangeRate": 1.0,
        "paymentAmount": money(round(sum(i["netAmountPaid"]["currencyAmount"] for i in items), 2)),
        "paymentMethod": "EFT",
        "remittanceStatus": "SUCCESSFUL",
        "relatedIdentifiers": related,
        "countryCode": "DE",
        "remittanceItems": items,
    }


def add(api, remittances):
    return requests.post(f"{api.url}/_simulator/remittances", json=remittances, timeout=10)


@pytest.fixture
def api(simulator):
    simulator.configure(clock=NOW, rate_limiting=False)
    return Api(simulator)


def test_headers_and_one_remittance(api):
    assert add(api, [remittance()]).json() == {"added": 1, "replaced": 0}
    listed = api.get(PATH, **MARKETPLACE)
    assert listed.status_code == 200 and listed.headers["x-amzn-RateLimit-Limit"] == "1"
    body = listed.json()
    assert body["numOfRecords"] == 1 and "nextToken" not in body
    head = body["remittances"][0]
    assert head["uniquePaymentId"] == "PAY-1" and head["lineItemCount"] == 2
    assert "remittanceItems" not in head and head["paymentAmount"] == money(1139.6)
    one = api.get(f"{PATH}/PAY-1", **MARKETPLACE).json()
    assert one["remittanceHeader"] == head and "nextTokenForLineItems" not in one
    assert [i["netAmountPaid"]["currencyAmount"] for i in one["remittanceItems"]] == [1178.1, -38.5]


def test_replace_keeps_a_given_line_count(api):
    """Vendor Central hides lines of ordering codes not set up: the count may exceed the lines."""
    add(api, [remittance()])
    replacement = dict(remittance(items=[remittance_item()]), lineItemCount=3, remittanceStatus="FAILED")
    assert add(api, [replacement, remittance("PAY-2")]).json() == {"added": 1, "replaced": 1}
    head = api.get(f"{PATH}/PAY-1", **MARKETPLACE).json()
    assert head["remittanceHeader"]["lineItemCount"] == 3 and len(head["remittanceItems"]) == 1
    assert head["remittanceHeader"]["remittanceStatus"] == "FAILED"


def test_pages_follow_the_configured_sizes(api, simulator):
    simulator.configure(remittance_page_size=2, remittance_item_page_size=3)
    days = ["2026-03-01", "2026-02-20", "2026-03-09", "2026-02-25", "2026-03-03"]
    add(api, [remittance(f"PAY-{i}", f"{day}T00:00:00Z") for i, day in enumerate(days)])
    add(api, [remittance("PAY-BIG", items=[remittance_item(f"INV-{n}") for n in range(7)])])
    seen, params = [], dict(MARKETPLACE)
    while True:
        body = api.get(PATH, **params).json()
        assert body["numOfRecords"] == 6 and len(body["remittances"]) <= 2
        seen += [h["uniquePaymentId"] for h in body["remittances"]]
        if "nextToken" not in body:
            break
        params["nextToken"] = body["nextToken"]
    assert seen == ["PAY-1", "PAY-3", "PAY-0", "PAY-4", "PAY-BIG", "PAY-2"]  # by paymentDate
    items, params = [], dict(MARKETPLACE)
    while True:
        body = api.get(f"{PATH}/PAY-BIG", **params).json()
        items += [i["invoiceNumber"] for i in body["remittanceItems"]]
        if "nextTokenForLineItems" not in body:
            break
        params["nextTokenForLineItems"] = body["nextTokenForLineItems"]
    assert items == [f"INV-{n}" for n in range(7)]
    assert api.get(PATH, nextToken="eyJvIjogMn0=", **MARKETPLACE).status_code == 400  # a token not Amazon's


@pytest.mark.parametrize(
    "query, message",
    [
        ({}, "marketplaceId"),
        ({**MARKETPLACE, "startDate": "2025-03-09T12:00:00Z"}, "one year"),
        ({**MARKETPLACE, "startDate": "2025-11-01T00:00:00Z", "endDate": "2026-03-01T00:00:00Z"}, "90 days"),
        ({**MARKETPLACE, "startDate": "2026-03-01T00:00:00Z", "endDate": "2026-02-01T00:00:00Z"}, "after endDate"),
        ({**MARKETPLACE, "endDate": "2026-01-01T00:00:00Z"}, "after endDate"),  # start defaults to 30 days ago
        ({**MARKETPLACE, "startDate": "March"}, "ISO-8601"),
    ],
)
def test_bad_queries_are_invalid_input(api, query, message):
    answer = api.get(PATH, **query)
    assert answer.status_code == 400
    error = answer.json()["errors"][0]
    assert error["code"] == "InvalidInput" and message in error["message"]


def test_range_limits_are_inclusive(api):
    add(api, [remittance("OLD", "2025-03-10T12:00:00Z"), remittance("EDGE", "2025-06-08T12:00:00Z")])
    exactly = {"startDate": "2025-03-10T12:00:00Z", "endDate": "2025-06-08T12:00:00Z"}
    answer = api.get(PATH, **MARKETPLACE, **exactly)
    assert answer.status_code == 200  # one year back to the second, 90 days to the second
    assert [h["uniquePaymentId"] for h in answer.json()["remittances"]] == ["OLD", "EDGE"]
    assert api.get(PATH, **MARKETPLACE).json()["remittances"] == []  # default: the last 30 days


def test_unknown_remittance_and_missing_marketplace(api):
    add(api, [remittance()])
    missing = api.get(f"{PATH}/PAY-404", **MARKETPLACE)
    assert missing.status_code == 404 and missing.json()["errors"][0]["code"] == "NotFound"
    assert api.get(f"{PATH}/PAY-1").status_code == 400


def test_bad_control_bodies_report_every_problem(api, simulator):
    bad = remittance("PAY-B")
    del bad["paymentAmount"]
    wrong_sign = remittance("PAY-C")
    wrong_sign["remittanceItems"][1]["netAmountPaid"]["currencyAmount"] = "-38.50"
    wrong_names = remittance("PAY-D", payee="ACME1")
    wrong_names["relatedIdentifiers"][1]["relatedIdentifierName"] = "PAYEE"
    wrong_names["remittanceItems"][0]["netAmountPaidBreakdown"][0]["breakdownType"] = "QuickPayDiscount"
    answer = add(api, [remittance(), {"paymentDate": "2026-03-05T00:00:00Z"}, bad, wrong_sign, wrong_names])
    assert answer.status_code == 400
    messages = [e["message"] for e in answer.json()["errors"]]
    assert "Missing required field [1].uniquePaymentId." in messages
    assert "Missing required field [1].remittanceStatus." in messages
    assert "Missing required field [2].paymentAmount." in messages
    assert any(m.startswith("[3].remittanceItems[1].netAmountPaid.currencyAmount must be a number") for m in messages)
    assert any(m.startswith("[4].relatedIdentifiers[1].relatedIdentifierName must be one of") for m in messages)
    assert any("[4].remittanceItems[0].netAmountPaidBreakdown[0].breakdownType" in m for m in messages)
    assert add(api, {"uniquePaymentId": "X"}).status_code == 400
    assert simulator.remittances == {}  # nothing stored from a refused body
    assert simulator.configure()["remittance_page_size"] == 10
    with pytest.raises(ApiError, match="positive integer"):
        simulator.configure(remittance_item_page_size=0)


def test_python_api_and_reset(simulator):
    simulator.configure(clock=NOW)
    assert simulator.add_remittances([remittance()]) == {"added": 1, "replaced": 0}
    assert simulator.add_remittances([remittance()]) == {"added": 0, "replaced": 1}
    simulator.reset()
    assert simulator.remittances == {} and simulator.remittance_index == {}


def test_throttled_at_one_request_a_second(simulator):
    simulator.configure(clock=NOW)
    api = Api(simulator)
    assert api.get(PATH, **MARKETPLACE).status_code == 200
    throttled = api.get(PATH, **MARKETPLACE)
    assert throttled.status_code == 429 and throttled.json()["errors"][0]["code"] == "QuotaExceeded"
    assert api.get(f"{PATH}/PAY-1", **MARKETPLACE).status_code == 404  # a bucket per operation


def _payment_ids(api, identifier):
    head = api.get(f"/finances/invoices/2026-06-25/invoices/{identifier}", **MARKETPLACE).json()["invoiceHeader"]
    related = {r["relatedIdentifierName"]: r["relatedIdentifierValue"] for r in head["relatedIdentifiers"]}
    return related.get("UNIQUE_PAYMENT_IDS")


def test_invoices_api_names_the_payments_of_an_invoice(api):
    stored = [{"invoice": invoice("INV-1")}, {"invoice": dict(invoice("INV-1"), remitToParty={"partyId": "ACME2"})}]
    requests.post(f"{api.url}/_simulator/invoices", json=stored, timeout=10)
    assert _payment_ids(api, "INV-1~ACME1") is None
    api.sim.configure(clock="2026-03-11T12:00:00Z")
    api.token = api.lwa().json()["access_token"]  # the one of yesterday expired
    add(api, [remittance("PAY-1"), remittance("PAY-2", payee="ACME2"), remittance("PAY-3", items=[shortage_line()])])
    assert _payment_ids(api, "INV-1~ACME1") == ["PAY-1"]  # PAY-2 pays another payee, PAY-3 only INV-1SC
    assert _payment_ids(api, "INV-1~ACME2") == ["PAY-1", "PAY-2"]
    changed = api.get(
        "/finances/invoices/2026-06-25/invoices", invoicesModifiedAfter="2026-03-11T00:00:00Z", **MARKETPLACE
    ).json()
    assert changed["numOfRecords"] == 2  # a payment is a change of the invoice
    add(api, [remittance("PAY-1", items=[remittance_item("INV-2")])])
    assert _payment_ids(api, "INV-1~ACME1") is None


def test_invoice_with_payments_matches_the_invoices_model(api, load_model):
    jsonschema = pytest.importorskip("jsonschema")
    requests.post(f"{api.url}/_simulator/invoices", json=[{"invoice": invoice("INV-1")}], timeout=10)
    add(api, [remittance("PAY-1")])
    model = load_model("finances-api-model/financesInvoices_2026-06-25.json")
    body = api.get("/finances/invoices/2026-06-25/invoices/INV-1~ACME1", **MARKETPLACE).json()
    schema = {"definitions": model["definitions"], "$ref": "#/definitions/GetInvoiceResponse"}
    jsonschema.Draft4Validator(schema).validate(body)
    assert _payment_ids(api, "INV-1~ACME1") == ["PAY-1"]
