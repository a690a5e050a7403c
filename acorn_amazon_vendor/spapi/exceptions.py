"""The small exception hierarchy of the SP-API client.

Callers (Odoo buttons and crons) catch these and turn them into user messages or record
states; ``str(err)`` is already a sentence a user can act on.
"""


class SpApiError(Exception):
    """Base class: any failure talking to Amazon.

    :ivar status: HTTP status, or None when no response arrived
    :ivar errors: Amazon's ``errors[]`` (list of dicts with code, message, details)
    :ivar request_id: Amazon's ``x-amzn-RequestId``
    :ivar operation: the operationId that failed
    """

    def __init__(self, message, *, status=None, errors=None, request_id=None, operation=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.errors = list(errors or [])
        self.request_id = request_id
        self.operation = operation

    def __str__(self):
        text = self.message
        first = self.errors[0] if self.errors else None
        if first and first.get("message") and first["message"] not in text:
            text = f"{text}: {first['message']}"
            if first.get("details"):
                text = f"{text} ({first['details']})"
        if not text.endswith("."):
            text += "."
        if self.request_id:
            text += f" Amazon request id: {self.request_id}."
        return text

    @property
    def code(self):
        """The first Amazon error code, if any."""
        return self.errors[0].get("code") if self.errors else None


class AuthError(SpApiError):
    """Login with Amazon refused the credentials, or SP-API answered 401/403.

    :ivar code: LWA's ``error`` (invalid_client, invalid_grant, ...) or Amazon's error code
        (Unauthorized, ...)
    """

    def __init__(self, message, *, code=None, token_rejected=False, **kwargs):
        super().__init__(message, **kwargs)
        self._code = code
        # True when Amazon says the access token itself expired or is invalid: the client then
        # refreshes the token once and retries, instead of bothering the user.
        self.token_rejected = token_rejected

    @property
    def code(self):
        return self._code or super().code


class ThrottledError(SpApiError):
    """HTTP 429 that outlasted the retries.

    :ivar retry_after: seconds Amazon asked to wait, or None
    """

    def __init__(self, message, *, retry_after=None, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class TransientError(SpApiError):
    """5xx, timeout, connection error or unreadable response that outlasted the retries."""


class OutcomeUnknownError(TransientError):
    """A submission left for Amazon but its answer was lost: a read timeout, a dropped
    connection, a 5xx or an unreadable body. Amazon may hold it or not; it is never sent
    again before Amazon is asked what it holds (Amazon's vendor APIs take no idempotency key).
    """


class RequestError(SpApiError):
    """Amazon rejected the request itself (400, 404, 413, 415, 422...): retrying won't help."""


class InvalidBodyError(RequestError):
    """The outbound body breaks the model's rules; raised before anything is sent.

    :ivar problems: list of "path: problem" strings
    """

    def __init__(self, message, *, problems=(), **kwargs):
        errors = [{"code": "InvalidBody", "message": p, "details": ""} for p in problems]
        super().__init__(message, errors=errors, **kwargs)
        self.problems = list(problems)

    def __str__(self):
        return f"{self.message}: " + "; ".join(self.problems) + "."


class ReportFailedError(SpApiError):
    """Amazon did not make the report: it ended FATAL or CANCELLED, or its document holds
    only Amazon's ``errorDetails`` (vendor reports asked without a required reportOption).

    :ivar report_id: Amazon's reportId
    :ivar report_type: the reportType asked for
    :ivar processing_status: FATAL, CANCELLED, DONE (a document with ``errorDetails``), or the
        last status seen (IN_QUEUE, IN_PROGRESS) for :class:`ReportTimeoutError`
    :ivar reason: Amazon's ``errorDetails``, or None when Amazon gave none
    """

    def __init__(self, message, *, report_id=None, report_type=None, processing_status=None, reason=None, **kwargs):
        super().__init__(message, **kwargs)
        self.report_id = report_id
        self.report_type = report_type
        self.processing_status = processing_status
        self.reason = reason


class ReportTimeoutError(ReportFailedError, TransientError):
    """The report had no final status within the wait allowed. Amazon may still finish it:
    ask again later with its ``report_id`` (``wait_for_report``)."""
