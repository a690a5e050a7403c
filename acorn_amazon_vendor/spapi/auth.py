"""Login with Amazon (LWA): access tokens, their shared store, and the consent flow."""

import hashlib
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode, urlsplit

import requests

from .exceptions import AuthError, TransientError
from .regions import LWA_TOKEN_URL, region_info
from .timeutil import utcnow

LWA_MESSAGES = {
    "invalid_client": "Login with Amazon rejected the client id or client secret of the app",
    "invalid_grant": "The refresh token is invalid, expired or revoked: authorize the app again",
    "unauthorized_client": "The app is not authorized to use this grant type",
    "invalid_request": "Login with Amazon rejected the token request as malformed",
    "invalid_scope": "Login with Amazon rejected the requested scope",
    "unsupported_grant_type": "Login with Amazon does not support this grant type",
    "server_error": "Login with Amazon had an internal error",
    "temporarily_unavailable": "Login with Amazon is temporarily unavailable",
}


@dataclass(frozen=True)
class AccessToken:
    """An LWA access token and its UTC-aware expiry."""

    value: str
    expires_at: datetime

    def expires_within(self, seconds):
        """True when the token expires in less than ``seconds`` from now."""
        return self.expires_at - utcnow() < timedelta(seconds=seconds)

    def __repr__(self):
        # Never let a token reach a log line through repr().
        return f"AccessToken(value='***', expires_at={self.expires_at.isoformat()})"


class TokenStore:
    """Where access tokens live between calls; the Odoo add-on stores them in the database.

    ``key`` identifies one app + refresh token (see :func:`token_key`), never a raw secret.
    """

    def get(self, key):
        """:return: the stored :class:`AccessToken` or None"""
        raise NotImplementedError

    def set(self, key, token):
        """Store ``token`` (an :class:`AccessToken`) under ``key``."""
        raise NotImplementedError

    @contextmanager
    def lock(self, key):
        """Context manager held while refreshing, so one worker refreshes and the others
        reuse its token. The default does not lock."""
        yield


class MemoryTokenStore(TokenStore):
    """A process-local store guarded by one threading lock per key."""

    def __init__(self):
        self._tokens = {}
        self._locks = {}
        self._guard = threading.Lock()

    def get(self, key):
        return self._tokens.get(key)

    def set(self, key, token):
        self._tokens[key] = token

    @contextmanager
    def lock(self, key):
        with self._guard:
            key_lock = self._locks.setdefault(key, threading.Lock())
        with key_lock:
            yield


def token_key(client_id, refresh_token):
    """The store key of one app and refresh token: client id plus a hash, never the secret."""
    digest = hashlib.sha256((refresh_token or "").encode()).hexdigest()[:16]
    return f"lwa:{client_id}:{digest}"


def lwa_error(response, body):
    """Build the exception for a failed LWA response.

    :param response: the requests response
    :param body: its decoded JSON (dict) or None
    :return: :class:`AuthError` for 4xx, :class:`TransientError` for 5xx
    """
    body = body if isinstance(body, dict) else {}
    code = body.get("error") or f"http_{response.status_code}"
    description = body.get("error_description") or ""
    text = LWA_MESSAGES.get(code, "Login with Amazon refused the token request")
    message = f"{text} ({code}{': ' + description if description else ''})"
    request_id = response.headers.get("x-amzn-RequestId")
    errors = [{"code": code, "message": description or text, "details": ""}]
    if response.status_code >= 500:
        return TransientError(
            message, status=response.status_code, errors=errors, request_id=request_id, operation="lwaToken"
        )
    return AuthError(
        message, code=code, status=response.status_code, errors=errors, request_id=request_id, operation="lwaToken"
    )


def token_from_body(body):
    """Turn an LWA success body into an :class:`AccessToken`.

    :raise AuthError: the body has no access_token
    """
    if not isinstance(body, dict) or not body.get("access_token"):
        raise AuthError(
            "Login with Amazon answered without an access token", code="invalid_response", operation="lwaToken"
        )
    lifetime = int(body.get("expires_in") or 3600)
    return AccessToken(body["access_token"], utcnow() + timedelta(seconds=lifetime))


def exchange_authorization_code(
    code, client_id, client_secret, redirect_uri=None, lwa_url=LWA_TOKEN_URL, session=None, timeout=(10, 60)
):
    """Trade the ``spapi_oauth_code`` of the website authorization flow for tokens.

    :param code: the authorization code Amazon sent to the redirect URI
    :param client_id: LWA client id of the app
    :param client_secret: LWA client secret of the app
    :param redirect_uri: the redirect URI used in the consent step, if any
    :param lwa_url: LWA token endpoint (the simulator's for tests)
    :param session: optional requests.Session
    :param timeout: (connect, read) seconds
    :return: dict with access_token, refresh_token, expires_in (and token_type)
    :raise AuthError: LWA refused the code or the credentials
    :raise TransientError: LWA unreachable or failing
    """
    data = {"grant_type": "authorization_code", "code": code, "client_id": client_id, "client_secret": client_secret}
    if redirect_uri:
        data["redirect_uri"] = redirect_uri
    http = session or requests
    try:
        response = http.post(lwa_url, data=data, timeout=timeout, headers={"Accept": "application/json"})
    except requests.RequestException as exc:
        raise TransientError(f"Login with Amazon unreachable: {type(exc).__name__}", operation="lwaToken") from None
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code != 200 or not isinstance(body, dict):
        raise lwa_error(response, body)
    return {k: body.get(k) for k in ("access_token", "refresh_token", "expires_in", "token_type")}


def consent_url(application_id, state, region="na", sandbox=False, redirect_uri=None, base_url=None):
    """The Vendor Central page where a vendor authorizes the app.

    :param application_id: the app's id (amzn1.sp.solution...)
    :param state: anti-CSRF value echoed back to the redirect URI
    :param region: "na", "eu" or "fe"
    :param sandbox: draft app: adds ``version=beta``
    :param redirect_uri: optional redirect URI registered on the app
    :param base_url: replace scheme and host (the simulator's URL in tests)
    :return: the full URL
    :raise ValueError: unknown region
    """
    host = region_info(region)["vendor_central"]
    if base_url:
        parts = urlsplit(base_url)
        host = f"{parts.scheme}://{parts.netloc}"
    query = {"application_id": application_id, "state": state}
    if sandbox:
        query["version"] = "beta"
    if redirect_uri:
        query["redirect_uri"] = redirect_uri
    return f"{host}/apps/authorize/consent?{urlencode(query)}"
