"""Login with Amazon (LWA) token exchange, the website consent page, access-token checks and
Restricted Data Tokens."""

import secrets
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from . import validation
from .common import ApiError
from .simulator import SELLING_PARTNER_ID

UNAUTHORIZED = "Access to requested resource is denied."


def _lwa_error(status, code, description):
    return status, {"error": code, "error_description": description}


def _issue_access_token(sim, prefix="Atza|"):
    token = prefix + secrets.token_urlsafe(48)
    lifetime = int(sim.config["token_lifetime"])
    sim.access_tokens[token] = sim.now() + timedelta(seconds=lifetime)
    return token, lifetime


def token(sim, raw_body):
    """POST /auth/o2/token (form-encoded); :return: ``(status, body)`` like LWA."""
    form = {k: v[-1] for k, v in parse_qs(raw_body.decode("utf-8", "replace"), keep_blank_values=True).items()}
    grant = form.get("grant_type")
    if not grant:
        return _lwa_error(400, "invalid_request", "The request is missing a required parameter : grant_type")
    if grant not in ("refresh_token", "authorization_code"):
        return _lwa_error(400, "unsupported_grant_type", f"Unsupported grant_type : {grant}")
    if form.get("client_id") != sim.client_id or form.get("client_secret") != sim.client_secret:
        return _lwa_error(401, "invalid_client", "Client authentication failed")
    with sim.lock:
        if grant == "refresh_token":
            if not form.get("refresh_token") or form["refresh_token"] != sim.refresh_token:
                return _lwa_error(400, "invalid_grant", "The request has an invalid grant parameter : refresh_token")
        else:
            expected_uri = sim.auth_codes.pop(form.get("code") or "", None)
            if expected_uri is None or (form.get("redirect_uri") or expected_uri) != expected_uri:
                return _lwa_error(400, "invalid_grant", "The request has an invalid grant parameter : code")
        access_token, lifetime = _issue_access_token(sim)
    return 200, {
        "access_token": access_token,
        "refresh_token": sim.refresh_token,
        "token_type": "bearer",
        "expires_in": lifetime,
    }


def consent(sim, query):
    """GET /apps/authorize/consent: :return: ``(status, body, location_or_None)``."""
    redirect_uri = query.get("redirect_uri") or sim.config.get("redirect_uri")
    missing = [n for n in ("application_id", "state") if not query.get(n)]
    if not redirect_uri:
        missing.append("redirect_uri")
    if missing:
        return (
            400,
            {
                "errors": [
                    validation.error(
                        f"Missing parameter(s): {', '.join(missing)}.",
                        "redirect_uri may also come from the simulator config.",
                    )
                ]
            },
            None,
        )
    code = "ANsim" + secrets.token_urlsafe(18)
    with sim.lock:
        sim.auth_codes[code] = redirect_uri
    parts = urlsplit(redirect_uri)
    extra = urlencode({"state": query["state"], "selling_partner_id": SELLING_PARTNER_ID, "spapi_oauth_code": code})
    location = urlunsplit(parts._replace(query=f"{parts.query}&{extra}" if parts.query else extra))
    return 302, {"status": "redirect", "location": location}, location


def check_access(sim, headers, operation):
    """Amazon's checks before any SP-API operation.

    :raise ApiError: 403 Unauthorized for a missing, unknown or expired token, or a role
        the application lacks (config ``denied_operations``).
    """
    token_value = headers.get("x-amz-access-token")
    with sim.lock:
        expiry = sim.access_tokens.get(token_value) if token_value else None
        if expiry is None:
            raise ApiError(
                403, "Unauthorized", UNAUTHORIZED, "The access token you provided is revoked, malformed or invalid."
            )
        if expiry <= sim.now():
            raise ApiError(403, "Unauthorized", UNAUTHORIZED, "The access token you provided has expired.")
        if operation in (sim.config.get("denied_operations") or []):
            raise ApiError(
                403, "Unauthorized", UNAUTHORIZED, "The application does not have the required role for this operation."
            )


def create_restricted_data_token(sim, req):
    """POST /tokens/2021-03-01/restrictedDataToken"""
    errors = sim.validator.validate("tokens", "CreateRestrictedDataTokenRequest", req.body)
    resources = req.body.get("restrictedResources") if isinstance(req.body, dict) else None
    if not isinstance(resources, list) or not resources:
        errors.append(validation.error("restrictedResources is required."))
    else:
        for i, resource in enumerate(resources):
            where = f"restrictedResources[{i}]"
            errors += validation.check_required(resource, ["method", "path"], where) or validation.check_enum(
                resource, "method", ("GET", "PUT", "POST", "DELETE"), where
            )
    if errors:
        raise ApiError(400, "InvalidInput", errors[0]["message"], errors[0]["details"])
    with sim.lock:
        rdt, lifetime = _issue_access_token(sim, "Atz.sprdt|")
    return 200, {"restrictedDataToken": rdt, "expiresIn": lifetime}
