"""Reports, Tokens, Invoices (2026-06-25) and Finance Remittance (2026-03-17) operations of
SpApiClient."""

import logging
import time
from urllib.parse import quote

from . import parsing
from .base import RETRY_STATUSES, _Retry, _retry_after, error_from_response
from .exceptions import ReportFailedError, ReportTimeoutError, RequestError, SpApiError
from .params import build_params
from .periods import marketplace_day_bounds
from .timeutil import one_year_before, parse_datetime, to_amz, utcnow
from .validation import check_body, jsonable

_logger = logging.getLogger(__name__)

REPORTS = "/reports/2021-06-30"
FINANCE_INVOICES = "/finances/invoices/2026-06-25/invoices"
FINANCE_REMITTANCES = "/finances/remittances/2026-03-17/remittances"
REPORT_STATUSES = ("IN_QUEUE", "IN_PROGRESS", "DONE", "FATAL", "CANCELLED")
FINAL_STATUSES = ("DONE", "FATAL", "CANCELLED")
# Polls of a report wait longer and longer, up to this many seconds between two.
POLL_BACKOFF, POLL_INTERVAL_MAX = 1.5, 60.0


class _ReportsMixin:
    """Operations whose responses have no ``payload`` wrapper."""

    # ---- Reports ---------------------------------------------------------------------------
    def create_report(
        self, report_type, marketplace_ids, data_start_time=None, data_end_time=None, report_options=None
    ):
        """Request a report (createReport).

        :param report_type: e.g. "GET_VENDOR_INVENTORY_REPORT"
        :param marketplace_ids: list of marketplace ids
        :param data_start_time: datetime or ISO string
        :param data_end_time: datetime or ISO string
        :param report_options: dict of strings (e.g. {"reportPeriod": "DAY"})
        :return: the reportId
        :raise InvalidBodyError: invalid specification (nothing sent)
        :raise SpApiError: on failure
        """
        spec = {
            "reportType": report_type,
            "marketplaceIds": list(marketplace_ids),
            "dataStartTime": data_start_time,
            "dataEndTime": data_end_time,
            "reportOptions": report_options,
        }
        body = jsonable({k: v for k, v in spec.items() if v is not None})
        check_body("createReport", body)
        report_id = self._request("createReport", "POST", f"{REPORTS}/reports", json=body, idempotent=True).get(
            "reportId"
        )
        _logger.info("SP-API createReport %s: report %s", report_type, report_id)
        return report_id

    def get_report(self, report_id):
        """Status of a report (getReport).

        :param report_id: from :meth:`create_report`
        :return: Report dict (processingStatus, reportDocumentId when DONE, ...)
        :raise SpApiError: on failure
        """
        path = f"{REPORTS}/reports/{quote(str(report_id), safe='')}"
        return self._request("getReport", "GET", path)

    def get_reports(self, **filters):
        """One page of reports (getReports).

        :param filters: report_types, processing_statuses, marketplace_ids, page_size,
            created_since, created_until, next_token
        :return: {"reports": [...], "nextToken": ...}
        :raise SpApiError: on failure
        """
        return self._request("getReports", "GET", f"{REPORTS}/reports", params=build_params("getReports", filters))

    def get_report_document(self, report_document_id):
        """Where to download a report (getReportDocument).

        :param report_document_id: from the DONE report
        :return: {"reportDocumentId", "url", "compressionAlgorithm"?}
        :raise SpApiError: on failure
        """
        path = f"{REPORTS}/documents/{quote(str(report_document_id), safe='')}"
        return self._request("getReportDocument", "GET", path)

    def download_report_document(self, report_document_id):
        """Fetch a report's content, gunzipped when Amazon compressed it.

        The presigned URL is fetched without the access token: it belongs to S3, not SP-API.

        :param report_document_id: from the DONE report
        :return: the content bytes
        :raise SpApiError: on failure
        """
        document = self.get_report_document(report_document_id)
        content = self._download(document["url"])
        return parsing.maybe_gunzip(content, document.get("compressionAlgorithm"))

    def _download(self, url):
        def attempt(number):
            response, content = self._http(
                "downloadReportDocument", "GET", url, attempt=number, raw=True, headers={"User-Agent": self.user_agent}
            )
            if response.status_code < 300:
                return content
            error = error_from_response("downloadReportDocument", response, content)
            if response.status_code in RETRY_STATUSES:
                raise _Retry(error, _retry_after(response.headers))
            raise error

        return self._with_retries("downloadReportDocument", attempt)

    @staticmethod
    def parse_report_document(content):
        """Decode report content: JSON, XML (xmltodict) or plain text.

        :param content: bytes or str
        :return: dict or list (JSON/XML) or str
        """
        return parsing.parse_report_document(content)

    def fetch_report(
        self,
        report_type,
        marketplace_ids,
        data_start_time=None,
        data_end_time=None,
        report_options=None,
        poll_interval=10.0,
        max_wait=900.0,
        sleep=None,
    ):
        """Request a report, wait until Amazon has made it and return its parsed document.

        createReport, then getReport at once and again after ``poll_interval`` seconds,
        waiting 1.5 times longer each time (at most a minute between two polls; the client's
        rate limits apply), then the document is downloaded and gunzipped. Vendor analytics
        reports want dates aligned with their ``reportPeriod`` in the marketplace's time zone:
        see :func:`spapi.periods.last_complete_period`.

        :param report_type: e.g. "GET_VENDOR_SALES_REPORT"
        :param marketplace_ids: list of marketplace ids
        :param data_start_time: datetime or ISO string (sent as UTC), or a date: its first
            second in the (first) marketplace's time zone
        :param data_end_time: the same; a date: its last second in that zone
        :param report_options: dict of strings, e.g. {"reportPeriod": "WEEK",
            "distributorView": "MANUFACTURING", "sellingProgram": "RETAIL"}
        :param poll_interval: seconds before the second poll (> 0)
        :param max_wait: seconds to wait for a final status before giving up
        :param sleep: callable(seconds) used to wait; default the client's ``sleep``
        :return: the parsed JSON document (dict)
        :raise ReportFailedError: FATAL or CANCELLED report, or a document holding Amazon's
            ``errorDetails`` (``reason``), or a document that is not a JSON object
        :raise ReportTimeoutError: no final status after ``max_wait`` (a ReportFailedError)
        :raise InvalidBodyError: invalid specification (nothing sent)
        :raise SpApiError: on any other failure
        """
        marketplace_ids = list(marketplace_ids)
        first, last = marketplace_day_bounds(
            marketplace_ids[0] if marketplace_ids else None, data_start_time, data_end_time
        )
        report_id = self.create_report(report_type, marketplace_ids, first, last, report_options)
        return self.wait_for_report(report_id, poll_interval=poll_interval, max_wait=max_wait, sleep=sleep)

    def wait_for_report(self, report_id, poll_interval=10.0, max_wait=900.0, sleep=None):
        """Poll a report until Amazon has made it and return its parsed document: the second
        half of :meth:`fetch_report`, also used to go on waiting after a
        :class:`ReportTimeoutError`.

        :param report_id: from :meth:`create_report`
        :param poll_interval: seconds before the second poll (> 0)
        :param max_wait: seconds to wait for a final status before giving up
        :param sleep: callable(seconds) used to wait; default the client's ``sleep``
        :return: the parsed JSON document (dict)
        :raise ReportFailedError: as :meth:`fetch_report`
        :raise ReportTimeoutError: no final status after ``max_wait``
        :raise SpApiError: on any other failure
        """
        if not poll_interval or poll_interval <= 0:
            raise ValueError("poll_interval must be a positive number of seconds")
        report = self._poll_report(report_id, poll_interval, max_wait, sleep or self.sleep)
        if report["processingStatus"] != "DONE":
            raise self._report_failure(report, self._error_details(report))
        document = self.parse_report_document(self.download_report_document(report["reportDocumentId"]))
        reason = _error_details(document)
        if reason is not None or not isinstance(document, dict):
            raise self._report_failure(report, reason or "the report document is not a JSON object")
        _logger.info("SP-API report %s (%s) downloaded", report_id, report.get("reportType"))
        return document

    def _poll_report(self, report_id, poll_interval, max_wait, sleep):
        """getReport until a final status; :return: the Report, status spelled canonically."""
        started, waited, interval, polls = time.monotonic(), 0.0, float(poll_interval), 0
        while True:
            report = dict(self.get_report(report_id))
            polls += 1
            report["processingStatus"] = parsing.normalize_enum(report.get("processingStatus"), REPORT_STATUSES)
            if report["processingStatus"] in FINAL_STATUSES:
                _logger.info("SP-API report %s: %s after %s poll(s)", report_id, report["processingStatus"], polls)
                return report
            # A fake sleep (tests) does not move the clock: count the waits asked for too.
            spent = max(time.monotonic() - started, waited)
            if spent >= max_wait:
                raise ReportTimeoutError(
                    f"Amazon had not made report {report_id} ({report.get('reportType')}) after {max_wait:g} s: "
                    f"still {report['processingStatus']}; ask for it again later",
                    report_id=report_id,
                    report_type=report.get("reportType"),
                    processing_status=report["processingStatus"],
                    operation="getReport",
                )
            delay = min(interval, max_wait - spent)
            sleep(delay)
            waited += delay
            interval = min(interval * POLL_BACKOFF, max(POLL_INTERVAL_MAX, poll_interval))

    def _error_details(self, report):
        """Amazon's reason for a FATAL report, read from its document when it has one."""
        if not report.get("reportDocumentId"):
            return None
        try:
            content = self.download_report_document(report["reportDocumentId"])
        except SpApiError as error:
            _logger.info("SP-API report %s: its error document could not be read (%s)", report["reportId"], error)
            return None
        return _error_details(self.parse_report_document(content))

    @staticmethod
    def _report_failure(report, reason):
        status = report["processingStatus"]
        what = f"report {report.get('reportId')} ({report.get('reportType')})"
        if status == "CANCELLED":
            message = f"Amazon cancelled {what}: it had no data for the request, or the report was cancelled"
        elif status == "FATAL":
            message = f"Amazon could not make {what} (FATAL)"
        else:
            message = f"Amazon made {what} without data"
        if reason:
            message = f"{message}: {reason}"
        return ReportFailedError(
            message,
            report_id=report.get("reportId"),
            report_type=report.get("reportType"),
            processing_status=status,
            reason=reason,
            operation="getReport",
        )

    # ---- Tokens ------------------------------------------------------------------------------
    def create_restricted_data_token(self, restricted_resources, target_application=None):
        """Get a restricted data token for PII operations (createRestrictedDataToken).

        :param restricted_resources: list of {"method", "path", "dataElements"?}
        :param target_application: optional delegate application id
        :return: {"restrictedDataToken", "expiresIn"}
        :raise InvalidBodyError: invalid resources (nothing sent)
        :raise SpApiError: on failure
        """
        body = {"restrictedResources": list(restricted_resources)}
        if target_application:
            body["targetApplication"] = target_application
        check_body("createRestrictedDataToken", body)
        return self._request(
            "createRestrictedDataToken", "POST", "/tokens/2021-03-01/restrictedDataToken", json=body, idempotent=True
        )

    # ---- Invoices API 2026-06-25 ----------------------------------------------------------------
    def get_invoice_headers(self, **filters):
        """One page of invoice headers (getInvoiceHeaders).

        :param filters: marketplace_id (required by Amazon), from_issue_date, to_issue_date
            (at most 90 days apart), invoices_modified_after, next_token
        :return: {"invoices": [...], "numOfRecords", "nextToken"?}
        :raise SpApiError: on failure
        """
        return self._request(
            "getInvoiceHeaders", "GET", FINANCE_INVOICES, params=build_params("getInvoiceHeaders", filters)
        )

    def iter_invoice_headers(self, **filters):
        """Every invoice header matching ``filters``, following ``nextToken``; Amazon may
        send empty pages in between.

        :return: generator of InvoiceHeader dicts
        :raise SpApiError: on failure
        """
        params = build_params("getInvoiceHeaders", filters)
        for page in self._pages("getInvoiceHeaders", FINANCE_INVOICES, params):
            yield from parsing.page_items("getInvoiceHeaders", page)

    def get_invoice(self, invoice_identifier, **params):
        """One invoice with a page of its line items (getInvoice).

        :param invoice_identifier: invoiceIdentifier from the headers
        :param params: marketplace_id (required by Amazon), next_token_for_line_items
        :return: {"invoiceHeader", "invoiceItems", "nextTokenForLineItems"?}
        :raise SpApiError: on failure
        """
        path = f"{FINANCE_INVOICES}/{quote(str(invoice_identifier), safe='')}"
        return self._request("getInvoice", "GET", path, params=build_params("getInvoice", params))

    def iter_invoice_items(self, invoice_identifier, **params):
        """Every line item of one invoice, following ``nextTokenForLineItems``.

        :return: generator of InvoiceItem dicts
        :raise SpApiError: on failure
        """
        path = f"{FINANCE_INVOICES}/{quote(str(invoice_identifier), safe='')}"
        pages = self._pages("getInvoice", path, build_params("getInvoice", params), token_key="nextTokenForLineItems")
        for page in pages:
            yield from parsing.page_items("getInvoice", page)

    # ---- Finance Remittance API 2026-03-17 ------------------------------------------------------
    def get_remittance_headers(self, **filters):
        """One page of payments (getRemittanceHeaders).

        :param filters: marketplace_id (required by Amazon), start_date (default 30 days ago,
            at most one year back), end_date (default now, at most 90 days after start_date),
            next_token; dates as datetimes or ISO strings
        :return: {"remittances": [RemittanceHeader...], "numOfRecords", "nextToken"?}
        :raise RequestError: start_date more than a year back (nothing sent)
        :raise SpApiError: on failure
        """
        params = _remittance_params(filters)
        return self._request("getRemittanceHeaders", "GET", FINANCE_REMITTANCES, params=params)

    def iter_remittance_headers(self, **filters):
        """Every payment between ``start_date`` and ``end_date``, across pages and 90-day
        windows (a payment on a window boundary comes once).

        A start more than one year back is refused rather than shortened: a reconciliation
        that silently lost its oldest payments would look complete.

        :param filters: marketplace_id (required by Amazon), start_date (default: Amazon's
            30 days ago), end_date (default now)
        :return: generator of RemittanceHeader dicts, oldest window first
        :raise RequestError: start_date more than a year back, at the call (nothing sent)
        :raise SpApiError: on failure
        """
        _remittance_params(filters)
        return self._iterate("getRemittanceHeaders", FINANCE_REMITTANCES, filters)

    def get_remittance(self, unique_payment_id, marketplace_id):
        """One payment with all its lines, following ``nextTokenForLineItems`` (getRemittance).

        Deductions (shortage claims, chargebacks, co-op...) are lines of their own with a
        negative ``netAmountPaid``.

        :param unique_payment_id: ``uniquePaymentId`` of a RemittanceHeader
        :param marketplace_id: Amazon's marketplaceId (required by Amazon)
        :return: {"remittanceHeader": {...}, "remittanceItems": [RemittanceItem...]}
        :raise RequestError: unknown payment (404)
        :raise SpApiError: on failure
        """
        path = f"{FINANCE_REMITTANCES}/{quote(str(unique_payment_id), safe='')}"
        params = build_params("getRemittance", {"marketplace_id": marketplace_id})
        header, items = {}, []
        for page in self._pages("getRemittance", path, params, token_key="nextTokenForLineItems"):
            header = header or page.get("remittanceHeader") or {}
            items.extend(parsing.page_items("getRemittance", page))
        if header.get("lineItemCount") not in (None, len(items)):
            # Vendor Central hides the lines of ordering codes not set up in the account.
            _logger.info(
                "SP-API getRemittance %s: %s line(s) read, Amazon counts %s",
                unique_payment_id,
                len(items),
                header["lineItemCount"],
            )
        return {"remittanceHeader": header, "remittanceItems": items}


def _error_details(document):
    """Amazon's ``errorDetails`` of a report document (a string), or None."""
    if isinstance(document, dict) and document.get("errorDetails") not in (None, ""):
        details = document["errorDetails"]
        return details if isinstance(details, str) else str(details)
    return None


def _remittance_params(filters):
    """getRemittanceHeaders' query parameters; a start Amazon would refuse raises first."""
    params = build_params("getRemittanceHeaders", filters)
    if params.get("startDate") is None:
        return params
    start, earliest = params["startDate"], to_amz(one_year_before(utcnow()))
    if parse_datetime(start) < parse_datetime(earliest):
        raise RequestError(
            f"Amazon's remittances go back one year: start the search at {earliest} or later, not {start}",
            operation="getRemittanceHeaders",
        )
    return params
