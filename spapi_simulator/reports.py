"""Reports API 2021-06-30: createReport, getReport(s), getReportDocument and the document
download (gzipped JSON served by the simulator itself)."""

import copy
import gzip
import json
import secrets
from datetime import timedelta

from . import validation
from .common import ApiError, fmt_iso, invalid_input, not_found, paginate, parse_iso, parse_limit
from .demo import PRODUCTS

MONEY = "USD"


def _amount(value):
    return {"amount": round(value, 2), "currencyCode": MONEY}


def _sales_rows(start, end):
    rows = []
    for index, product in enumerate(PRODUCTS):
        units = 6 * (index + 2)
        rows.append(
            {
                "startDate": start,
                "endDate": end,
                "asin": product["asin"],
                "customerReturns": index % 2,
                "orderedUnits": units + 3,
                "orderedRevenue": _amount((units + 3) * product["list_price"]),
                "shippedUnits": units,
                "shippedRevenue": _amount(units * product["list_price"]),
                "shippedCogs": _amount(units * product["cost"]),
            }
        )
    return rows


def _aggregate(rows, start, end, keys):
    total = {"startDate": start, "endDate": end}
    for key in keys:
        values = [r[key] for r in rows]
        total[key] = _amount(sum(v["amount"] for v in values)) if isinstance(values[0], dict) else sum(values)
    return total


def _sales(start, end):
    rows = _sales_rows(start, end)
    keys = ["customerReturns", "orderedUnits", "orderedRevenue", "shippedUnits", "shippedRevenue", "shippedCogs"]
    return {"salesAggregate": [_aggregate(rows, start, end, keys)], "salesByAsin": rows}


def _inventory(start, end):
    rows = [
        {
            "startDate": start,
            "endDate": end,
            "asin": p["asin"],
            "netReceivedInventoryUnits": 24 + i,
            "netReceivedInventoryCost": _amount((24 + i) * p["cost"]),
            "openPurchaseOrderUnits": 12,
            "sellableOnHandInventoryUnits": 40 - i,
            "sellableOnHandInventoryCost": _amount((40 - i) * p["cost"]),
        }
        for i, p in enumerate(PRODUCTS)
    ]
    keys = [
        "netReceivedInventoryUnits",
        "netReceivedInventoryCost",
        "openPurchaseOrderUnits",
        "sellableOnHandInventoryUnits",
        "sellableOnHandInventoryCost",
    ]
    return {"inventoryAggregate": [_aggregate(rows, start, end, keys)], "inventoryByAsin": rows}


def _traffic(start, end):
    rows = [
        {"startDate": start, "endDate": end, "asin": p["asin"], "glanceViews": 150 + 25 * i}
        for i, p in enumerate(PRODUCTS)
    ]
    return {"trafficAggregate": [_aggregate(rows, start, end, ["glanceViews"])], "trafficByAsin": rows}


# reportType -> (content builder, default reportOptions)
BUILDERS = {
    "GET_VENDOR_SALES_REPORT": (
        _sales,
        {"distributorView": "MANUFACTURING", "reportPeriod": "WEEK", "sellingProgram": "RETAIL"},
    ),
    "GET_VENDOR_INVENTORY_REPORT": (
        _inventory,
        {"distributorView": "MANUFACTURING", "reportPeriod": "WEEK", "sellingProgram": "RETAIL"},
    ),
    "GET_VENDOR_TRAFFIC_REPORT": (_traffic, {"reportPeriod": "WEEK"}),
}


def _document(sim, report, spec):
    builder, default_options = BUILDERS[report["reportType"]]
    now = sim.now()
    start = parse_iso(spec.get("dataStartTime") or fmt_iso(now - timedelta(days=7)))
    end = parse_iso(spec.get("dataEndTime") or fmt_iso(now - timedelta(days=1)))
    content = {
        "reportSpecification": {
            "reportType": report["reportType"],
            "reportOptions": {**default_options, **(spec.get("reportOptions") or {})},
            "lastUpdatedDate": now.date().isoformat(),
            "dataStartTime": start.date().isoformat(),
            "dataEndTime": end.date().isoformat(),
            "marketplaceIds": report["marketplaceIds"],
        }
    }
    content.update(builder(start.date().isoformat(), end.date().isoformat()))
    return content


def create_report(sim, req):
    """POST /reports/2021-06-30/reports"""
    spec = req.body
    errors = sim.validator.validate("reports", "CreateReportSpecification", spec)
    errors += validation.check_required(spec, ["reportType", "marketplaceIds"], "body")
    if errors:
        raise ApiError(400, "InvalidInput", errors[0]["message"], errors[0]["details"])
    now = fmt_iso(sim.now())
    report_id = str(50000 + len(sim.reports) + secrets.randbelow(1000) * 1000)
    report = {
        "reportId": report_id,
        "reportType": spec["reportType"],
        "marketplaceIds": list(spec["marketplaceIds"]),
        "createdTime": now,
        "processingStatus": "IN_QUEUE",
    }
    for key in ("dataStartTime", "dataEndTime"):
        if spec.get(key):
            report[key] = spec[key]
    if spec["reportType"] in BUILDERS:
        document_id = f"amzn1.spdoc.1.4.na.{secrets.token_hex(8)}"
        sim.documents[document_id] = gzip.compress(json.dumps(_document(sim, report, spec)).encode())
        report.update(processingStatus="DONE", reportDocumentId=document_id)
    else:
        report["processingStatus"] = "FATAL"
    report.update(processingStartTime=now, processingEndTime=now)
    sim.reports[report_id] = report
    return 202, {"reportId": report_id}


def get_report(sim, req):
    """GET /reports/2021-06-30/reports/{reportId}"""
    report = sim.reports.get(req.params["reportId"])
    if not report:
        raise not_found(details=f"Report {req.params['reportId']} was not found.")
    return 200, copy.deepcopy(report)


def get_reports(sim, req):
    """GET /reports/2021-06-30/reports"""
    query = req.query
    if not query.get("reportTypes") and not query.get("nextToken"):
        raise invalid_input("reportTypes is required when nextToken is not provided.")
    limit = parse_limit(query, default=10, maximum=100, name="pageSize")
    types = set((query.get("reportTypes") or "").split(",")) - {""}
    statuses = set((query.get("processingStatuses") or "").split(",")) - {""}
    since = (
        parse_iso(query["createdSince"], "createdSince")
        if query.get("createdSince")
        else sim.now() - timedelta(days=90)
    )
    until = parse_iso(query["createdUntil"], "createdUntil") if query.get("createdUntil") else None
    found = [
        copy.deepcopy(r)
        for r in sim.reports.values()
        if (not types or r["reportType"] in types)
        and (not statuses or r["processingStatus"] in statuses)
        and parse_iso(r["createdTime"]) >= since
        and (until is None or parse_iso(r["createdTime"]) <= until)
    ]
    found.sort(key=lambda r: r["createdTime"], reverse=True)
    page, token = paginate(found, query, limit, ignore=("pageSize",))
    body = {"reports": page}
    if token:
        body["nextToken"] = token
    return 200, body


def get_report_document(sim, req):
    """GET /reports/2021-06-30/documents/{reportDocumentId}"""
    document_id = req.params["reportDocumentId"]
    if document_id not in sim.documents:
        raise not_found(details=f"Report document {document_id} was not found.")
    return 200, {
        "reportDocumentId": document_id,
        "url": f"{req.base_url}/_simulator/documents/{document_id}",
        "compressionAlgorithm": "GZIP",
    }
