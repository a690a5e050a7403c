"""The transport core of :class:`SpApiClient`: tokens, rate limit, retries, hook, errors.

Every HTTP call, Login with Amazon included, goes through :meth:`_BaseClient._http` so the
exchange hook sees each attempt and redaction happens in one place.
"""

import itertools
import json as jsonlib
import logging
import random
import re
import time
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import ConnectTimeoutError

from . import auth
from .exceptions import AuthError, OutcomeUnknownError, RequestError, ThrottledError, TransientError
from .exchange import Exchange, call_hook, kept_headers
from .ratelimit import DEFAULT_LIMITER
from .redact import redact, redact_text
from .regions import LWA_TOKEN_URL, api_endpoint
from .timeutil import utcnow

_logger = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Amazon's 403 details when the access token, not the app's role, is the problem.
_TOKEN_REJECTED_RE = re.compile(
    r"access token.*(expired|invalid|revoked|malformed)|"
    r"(expired|invalid).*token",
    re.IGNORECASE,
)


class _Retry(Exception):
    """Internal: the attempt failed in a way worth retrying; ``error`` is raised if not.

    ``reached`` is False only when the request surely never reached Amazon (a 429, a
    connection that could not be opened): only then may a submission be sent again.
    """

    def __init__(self, error, retry_after=None, reached=True):
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after
        self.reached = reached


def _never_sent(exc):
    """True when ``exc`` happened before a byte of the request left (connect failure)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    if isinstance(exc, requests.exceptions.ConnectionError) and exc.args:
        # requests wraps urllib3's MaxRetryError; NewConnectionError subclasses ConnectTimeoutError.
        return isinstance(getattr(exc.args[0], "reason", exc.args[0]), ConnectTimeoutError)
    return False


def _outcome_unknown(operation, error):
    """The :class:`OutcomeUnknownError` for a submission whose answer was lost."""
    return OutcomeUnknownError(
        f"The answer of Amazon to {operation} was lost ({error.message}); Amazon may or may not have received it",
        status=error.status,
        errors=error.errors,
        request_id=error.request_id,
        operation=operation,
    )


def _retry_after(headers):
    """Seconds from a Retry-After header (delta-seconds or HTTP date), or None."""
    value = (headers or {}).get("Retry-After")
    if not value:
        return None
    if re.fullmatch(r"\s*\d+(\.\d+)?\s*", value):
        return max(0.0, float(value))
    try:
        return max(0.0, (parsedate_to_datetime(value) - utcnow()).total_seconds())
    except (TypeError, ValueError):
        _logger.info("Unreadable Retry-After header %r: backing off instead", value)
        return None


def _decode(response):
    """(decoded JSON or None, ok flag); empty bodies count as an empty dict."""
    if not response.content:
        return {}, True
    try:
        return response.json(), True
    except ValueError:
        return None, False


def error_from_response(operation, response, body):
    """Map a non-2xx SP-API response onto the exception hierarchy.

    :return: an :class:`SpApiError` subclass instance (not raised)
    """
    status = response.status_code
    errors = body.get("errors") if isinstance(body, dict) else None
    errors = [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []
    kwargs = {
        "status": status,
        "errors": errors,
        "operation": operation,
        "request_id": response.headers.get("x-amzn-RequestId"),
    }
    if status in (401, 403):
        text = " ".join(f"{e.get('message', '')} {e.get('details', '')}" for e in errors)
        rejected = bool(_TOKEN_REJECTED_RE.search(text))
        code = errors[0].get("code") if errors else "Unauthorized"
        return AuthError(
            f"Amazon denied access to {operation} (HTTP {status})", code=code, token_rejected=rejected, **kwargs
        )
    if status == 429:
        return ThrottledError(
            f"Amazon throttled {operation} (HTTP 429)", retry_after=_retry_after(response.headers), **kwargs
        )
    if status >= 500:
        return TransientError(f"Amazon failed on {operation} (HTTP {status})", **kwargs)
    return RequestError(f"Amazon rejected {operation} (HTTP {status})", **kwargs)


class _BaseClient:
    """Connection settings and the generic request machinery (see SpApiClient)."""

    def __init__(
        self,
        client_id,
        client_secret,
        refresh_token,
        *,
        region="na",
        sandbox=False,
        endpoint=None,
        lwa_url=None,
        token_store=None,
        exchange_hook=None,
        user_agent="ACORN-Odoo/18.0 (Language=Python)",
        timeout=(10, 60),
        max_retries=5,
        max_retry_time=60.0,
        backoff_base=1.0,
        backoff_max=16.0,
        sleep=time.sleep,
        rate_limit=True,
        session=None,
        refresh_margin=300,
        rate_limiter=None,
    ):
        self.endpoint = (endpoint or api_endpoint(region, sandbox)).rstrip("/")
        self.region, self.sandbox = region, sandbox
        self.client_id = client_id
        self._client_secret = client_secret
        self._refresh_token = refresh_token
        self.lwa_url = lwa_url or LWA_TOKEN_URL
        self.token_store = token_store if token_store is not None else auth.MemoryTokenStore()
        self.token_key = auth.token_key(client_id, refresh_token)
        self.exchange_hook = exchange_hook
        self.user_agent = user_agent
        self.timeout = timeout
        self.max_retries, self.max_retry_time = max_retries, max_retry_time
        self.backoff_base, self.backoff_max = backoff_base, backoff_max
        self.sleep = sleep
        self.rate_limiter = (rate_limiter or DEFAULT_LIMITER) if rate_limit else None
        self.session = session or requests.Session()
        self.refresh_margin = refresh_margin

    def __repr__(self):
        return f"<SpApiClient {self.client_id} @ {self.endpoint}>"

    # ---- access tokens -------------------------------------------------------------------
    def get_access_token(self, force_refresh=False):
        """Return a valid LWA access token, refreshing it shortly before it expires.

        The refresh happens under ``token_store.lock(key)`` and re-reads the store first, so
        concurrent workers refresh once and share the result.

        :param force_refresh: ignore the stored token
        :return: :class:`AccessToken`
        :raise AuthError: LWA refused the credentials (``code`` says why)
        :raise TransientError: LWA unreachable after retries
        """
        token = None if force_refresh else self.token_store.get(self.token_key)
        if token and not token.expires_within(self.refresh_margin):
            return token
        with self.token_store.lock(self.token_key):
            token = None if force_refresh else self.token_store.get(self.token_key)
            if token and not token.expires_within(self.refresh_margin):
                return token
            token = self._fetch_access_token()
            self.token_store.set(self.token_key, token)
            return token

    def _replace_rejected_token(self, rejected):
        """After Amazon rejected ``rejected``: reuse a newer stored token or refresh."""
        with self.token_store.lock(self.token_key):
            current = self.token_store.get(self.token_key)
            if current and current.value != rejected and not current.expires_within(self.refresh_margin):
                return current
            token = self._fetch_access_token()
            self.token_store.set(self.token_key, token)
            return token

    def _fetch_access_token(self):
        data = {
            "grant_type": "refresh_token",
            "refresh_token": self._refresh_token,
            "client_id": self.client_id,
            "client_secret": self._client_secret,
        }

        def attempt(number):
            response, body = self._http(
                "lwaToken", "POST", self.lwa_url, data=data, attempt=number, headers={"Accept": "application/json"}
            )
            if response.status_code == 200 and isinstance(body, dict):
                return auth.token_from_body(body)
            error = auth.lwa_error(response, body)
            if response.status_code in RETRY_STATUSES:
                raise _Retry(error, _retry_after(response.headers))
            raise error

        token = self._with_retries("lwaToken", attempt)
        _logger.info(
            "SP-API: new LWA access token for %s, valid until %s", self.client_id, token.expires_at.isoformat()
        )
        return token

    # ---- one HTTP attempt ----------------------------------------------------------------
    def _http(
        self, operation, method, url, *, attempt, path=None, params=None, json=None, data=None, headers=None, raw=False
    ):
        """Send one request, record it as an :class:`Exchange` and hand it to the hook.

        :return: (response, decoded body); body is bytes when ``raw``
        :raise _Retry: connection error, timeout or unreadable JSON
        """
        started = time.monotonic()
        # A presigned download URL carries its credential in the query string: never record it.
        shown_url = urlsplit(url)._replace(query="", fragment="").geturl()
        exchange = Exchange(
            operation=operation,
            method=method,
            url=shown_url,
            path=path or urlsplit(url).path,
            params=dict(params or {}),
            request_headers=redact(headers or {}),
            request_body=redact(json if json is not None else data, lwa=data is not None),
            attempt=attempt,
        )
        try:
            response = self.session.request(
                method, url, params=params, json=json, data=data, headers=headers, timeout=self.timeout
            )
        except requests.RequestException as exc:
            exchange.error = f"{type(exc).__name__}: {self._scrub(str(exc))}"
            self._finish(exchange, started)
            raise _Retry(
                TransientError(f"Could not reach Amazon for {operation} ({type(exc).__name__})", operation=operation),
                reached=not _never_sent(exc),
            ) from None
        exchange.status = response.status_code
        exchange.response_headers = kept_headers(response.headers)
        exchange.request_id = response.headers.get("x-amzn-RequestId")
        if raw and response.status_code < 300:
            exchange.response_body = f"<{len(response.content)} bytes>"
            self._finish(exchange, started)
            return response, response.content
        body, ok = _decode(response)
        exchange.response_body = redact(body, lwa=data is not None) if ok else self._scrub(response.text[:2000])
        if not ok:
            exchange.error = "response is not valid JSON"
        self._finish(exchange, started)
        if not ok:
            raise _Retry(
                TransientError(
                    f"Amazon sent an unreadable (non-JSON) answer to {operation} (HTTP {response.status_code})",
                    status=response.status_code,
                    operation=operation,
                    request_id=exchange.request_id,
                )
            )
        return response, body

    def _finish(self, exchange, started):
        exchange.duration_ms = int((time.monotonic() - started) * 1000)
        _logger.debug(
            "SP-API %s %s attempt %s -> %s in %s ms (request id %s) %s",
            exchange.operation,
            exchange.method,
            exchange.attempt,
            exchange.status,
            exchange.duration_ms,
            exchange.request_id,
            jsonlib.dumps(exchange.response_body, default=str)[:4000],
        )
        call_hook(self.exchange_hook, exchange)

    def _scrub(self, text):
        """Remove our own secrets from free text (exception messages, bad bodies)."""
        stored = self.token_store.get(self.token_key)
        secrets = [self._client_secret, self._refresh_token, stored.value if stored else None]
        return redact_text(text, secrets)

    # ---- retries ---------------------------------------------------------------------------
    def _backoff(self, attempt):
        """Full-jitter exponential backoff (AWS architecture blog's recommendation)."""
        ceiling = min(self.backoff_max, self.backoff_base * (2 ** (attempt - 1)))
        return random.uniform(0, ceiling)

    def _with_retries(self, operation, attempt_fn):
        """Run ``attempt_fn(attempt_number)`` until it returns, retrying on :class:`_Retry`
        within ``max_retries`` and ``max_retry_time``."""
        started, slept = time.monotonic(), 0.0
        for number in itertools.count(1):
            try:
                return attempt_fn(number)
            except _Retry as retry:
                delay = retry.retry_after if retry.retry_after is not None else self._backoff(number)
                spent = max(time.monotonic() - started, slept)
                if number > self.max_retries or spent + delay > self.max_retry_time:
                    _logger.warning("SP-API %s: giving up after %s attempt(s): %s", operation, number, retry.error)
                    raise retry.error from None
                _logger.info(
                    "SP-API %s: attempt %s failed (%s), retrying in %.2f s", operation, number, retry.error, delay
                )
                self.sleep(delay)
                slept += delay

    # ---- SP-API requests -------------------------------------------------------------------
    def _headers(self, token):
        return {
            "x-amz-access-token": token.value,
            "User-Agent": self.user_agent,
            "x-amz-date": utcnow().strftime("%Y%m%dT%H%M%SZ"),
            "Accept": "application/json",
        }

    def _request(self, operation, method, path, params=None, json=None, idempotent=None):
        """Call one SP-API operation with auth, rate limit, retries and error mapping.

        A request that is not idempotent (a submission: Amazon would take it twice) is only
        repeated when it surely did not reach Amazon: after a 429, a refused connection or a
        rejected access token. Any other failure after sending raises
        :class:`OutcomeUnknownError`.

        :param operation: Amazon's operationId (rate-limit bucket, logs, errors)
        :param method: HTTP method
        :param path: path below the endpoint, already filled in
        :param params: query parameters (None values dropped)
        :param json: JSON body
        :param idempotent: whether repeating the request is harmless (default: GET only)
        :return: the decoded JSON body (dict)
        :raise SpApiError: one of its subclasses
        """
        idempotent = method.upper() == "GET" if idempotent is None else idempotent
        params = {k: v for k, v in (params or {}).items() if v is not None}
        url = self.endpoint + path
        state = {"token": None, "sent": None}

        def attempt(number):
            if self.rate_limiter is not None:
                self.rate_limiter.acquire(self.endpoint, self.client_id, operation, self.sleep)
            token = state["token"] or self.get_access_token()
            state["token"], state["sent"] = None, token.value
            try:
                response, body = self._http(
                    operation,
                    method,
                    url,
                    path=path,
                    params=params,
                    json=json,
                    headers=self._headers(token),
                    attempt=number,
                )
            except _Retry as retry:
                if retry.reached and not idempotent:
                    raise _outcome_unknown(operation, retry.error) from None
                raise
            if response.status_code < 300:
                _logger.debug("SP-API %s ok (request id %s)", operation, response.headers.get("x-amzn-RequestId"))
                return body
            error = error_from_response(operation, response, body)
            if response.status_code == 429:
                # Amazon throttles before processing: the request was not taken.
                raise _Retry(error, _retry_after(response.headers), reached=False)
            if response.status_code in RETRY_STATUSES:
                if not idempotent:
                    raise _outcome_unknown(operation, error)
                raise _Retry(error, _retry_after(response.headers))
            raise error

        try:
            return self._with_retries(operation, attempt)
        except AuthError as error:
            if not error.token_rejected:
                raise
            # The stored token died early (revoked, clock skew): refresh once and retry once.
            _logger.info("SP-API %s: access token rejected (request id %s), refreshing", operation, error.request_id)
            state["token"] = self._replace_rejected_token(state["sent"])
            return self._with_retries(operation, attempt)
