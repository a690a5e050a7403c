"""Reports API 2021-06-30: createReport, getReport(s), getReportDocument and the document
download (gzipped JSON served by the simulator itself).

A report goes IN_QUEUE -> IN_PROGRESS -> its final status over config
``report_polls_until_done`` getReport calls. The vendor analytics reports follow Amazon's rules
(:mod:`report_rules`) and read the book (:mod:`report_documents`).
"""

import copy
import gzip
import json
import logging
import secrets
from datetime import timedelta

from . import report_documents, report_rules, validation
from .common import ApiError, fmt_iso, invalid_input, not_found, paginate, parse_iso, parse_limit
from .demo import PRODUCTS
from .report_rules import Refusal

_logger = logging.getLogger("spapi_simulator")

# The report types whose documents the simulator makes (and the control API may replace).
DOCUMENT_TYPES = (*report_rules.OPTIONS, report_rules.TRAFFIC)
SCHEMAS = {
    report_rules.SALES: "vendorSalesReport.json",
    report_rules.INVENTORY: "vendorInventoryReport.json",
    report_rules.FORECAST: "vendorForecastingReport.json",
    report_rules.MARGIN: "vendorNetPureProductMarginReport.json",
    report_rules.TRAFFIC: "vendorTrafficReport.json",
}


def _traffic_document(sim, report, spec):
    """GET_VENDOR_TRAFFIC_REPORT: no rules, the demo catalogue, dates as given."""
    now = sim.now()
    start = parse_iso(spec.get("dataStartTime") or fmt_iso(now - timedelta(days=7))).date().isoformat()
    end = parse_iso(spec.get("dataEndTime") or fmt_iso(now - timedelta(days=1))).date().isoformat()
    rows = [
        {"startDate": start, "endDate": end, "asin": p["asin"], "glanceViews": 150 + 25 * i}
        for i, p in enumerate(PRODUCTS)
    ]
    return {
        "reportSpecification": {
            "reportType": report["reportType"],
            "reportOptions": {"reportPeriod": "WEEK", **(spec.get("reportOptions") or {})},
            "lastUpdatedDate": now.date().isoformat(),
            "dataStartTime": start,
            "dataEndTime": end,
            "marketplaceIds": report["marketplaceIds"],
        },
        "trafficAggregate": [{"startDate": start, "endDate": end, "glanceViews": sum(r["glanceViews"] for r in rows)}],
        "trafficByAsin": rows,
    }


def _vendor_document(sim, report_type, spec):
    """The document Amazon makes for a vendor analytics report.

    :raise Refusal: the report ends FATAL, or DONE with only ``errorDetails``
    """
    zone, currency = report_rules.marketplace(spec["marketplaceIds"])
    options = report_rules.check_options(report_type, spec.get("reportOptions"))
    dates = None
    if "reportPeriod" in options:
        today = sim.now().astimezone(zone).date()
        dates = report_rules.check_dates(spec, options["reportPeriod"], zone, today)
    if report_type in sim.report_documents:
        return copy.deepcopy(sim.report_documents[report_type])
    context = report_documents.Context(sim, spec, options, zone, currency, dates)
    document = report_documents.build(report_type, context)
    for error in sim.validator.validate_report(SCHEMAS[report_type], document):
        _logger.error("Simulator made an invalid %s document: %s", report_type, error["message"])
    return document


def _outcome(sim, report, spec, fault):
    """``(final status, document or None)`` of a new report."""
    report_type = report["reportType"]
    forced = (fault or {}).get("processing_status")
    if forced == "CANCELLED":
        return "CANCELLED", None
    if forced == "FATAL":
        return "FATAL", {"errorDetails": "Error in report request: simulated failure (fault processing_status)."}
    if report_type in report_rules.OPTIONS:
        try:
            return "DONE", _vendor_document(sim, report_type, spec)
        except Refusal as refusal:
            return refusal.status, {"errorDetails": refusal.reason}
    if report_type == report_rules.TRAFFIC:
        stored = sim.report_documents.get(report_type)
        return "DONE", copy.deepcopy(stored) if stored else _traffic_document(sim, report, spec)
    return "FATAL", None


def _finish(sim, report, status, document):
    report.update(processingStatus=status, processingEndTime=fmt_iso(sim.now()))
    report.setdefault("processingStartTime", report["processingEndTime"])
    if document is not None:
        document_id = f"amzn1.spdoc.1.4.na.{secrets.token_hex(8)}"
        sim.documents[document_id] = gzip.compress(json.dumps(document).encode())
        report["reportDocumentId"] = document_id


def _advance(sim, report):
    """One getReport call: the first shows IN_QUEUE (when polls remain), later ones
    IN_PROGRESS, the call after ``report_polls_until_done`` the final status."""
    job = sim.report_jobs.get(report["reportId"])
    if job is None:
        return
    job["polls"] += 1
    if job["polls"] > job["until"]:
        del sim.report_jobs[report["reportId"]]
        _finish(sim, report, job["status"], job["document"])
    elif job["polls"] > 1 or job["until"] == 1:
        report["processingStatus"] = "IN_PROGRESS"
        report.setdefault("processingStartTime", fmt_iso(sim.now()))


def create_report(sim, req):
    """POST /reports/2021-06-30/reports"""
    spec = req.body
    errors = sim.validator.validate("reports", "CreateReportSpecification", spec)
    errors += validation.check_required(spec, ["reportType", "marketplaceIds"], "body")
    if errors:
        raise ApiError(400, "InvalidInput", errors[0]["message"], errors[0]["details"])
    report_id = str(50000 + len(sim.reports) + secrets.randbelow(1000) * 1000)
    report = {
        "reportId": report_id,
        "reportType": spec["reportType"],
        "marketplaceIds": list(spec["marketplaceIds"]),
        "createdTime": fmt_iso(sim.now()),
        "processingStatus": "IN_QUEUE",
    }
    for key in ("dataStartTime", "dataEndTime"):
        if spec.get(key):
            report[key] = spec[key]
    status, document = _outcome(sim, report, spec, req.fault)
    until = sim.config["report_polls_until_done"]
    if until:
        sim.report_jobs[report_id] = {"polls": 0, "until": until, "status": status, "document": document}
    else:
        _finish(sim, report, status, document)
    sim.reports[report_id] = report
    return 202, {"reportId": report_id}


def get_report(sim, req):
    """GET /reports/2021-06-30/reports/{reportId}"""
    report = sim.reports.get(req.params["reportId"])
    if not report:
        raise not_found(details=f"Report {req.params['reportId']} was not found.")
    _advance(sim, report)
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


def store_document(sim, report_type, document):
    """Serve ``document`` for the later reports of ``report_type`` (control API).

    :raise ApiError: 400 for a type without documents or a document that is not an object.
    """
    if report_type not in DOCUMENT_TYPES:
        raise invalid_input(
            f"Unknown reportType {report_type!r}.", f"Report types with documents: {', '.join(DOCUMENT_TYPES)}."
        )
    if not isinstance(document, dict):
        raise invalid_input("The document must be a JSON object.", repr(type(document).__name__))
    sim.report_documents[report_type] = copy.deepcopy(document)
    return {"reportType": report_type, "stored": True}
