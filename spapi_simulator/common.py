"""Small helpers shared by every part of the simulator: errors, timestamps, pagination."""

import base64
import hashlib
import json
from datetime import datetime, timezone

MAX_SPAN_DAYS = 7


class ApiError(Exception):
    """An Amazon-style error answer: HTTP status plus ``{"errors": [...]}``."""

    def __init__(self, status, code, message, details=""):
        super().__init__(message)
        self.status = status
        self.errors = [{"code": code, "message": message, "details": details}]

    def body(self):
        return {"errors": self.errors}


def invalid_input(message, details=""):
    return ApiError(400, "InvalidInput", message, details)


def not_found(message="The resource specified does not exist.", details=""):
    return ApiError(404, "NotFound", message, details)


def require_marketplace(query):
    """The Finances APIs take a marketplaceId on every call.

    :raise ApiError: 400 InvalidInput when it is missing.
    """
    if not query.get("marketplaceId"):
        raise invalid_input("Missing required parameter marketplaceId.")


def parse_iso(value, name="timestamp"):
    """Parse an ISO-8601 timestamp with or without ``Z``/offset; naive means UTC.

    :raise ApiError: 400 InvalidInput when the value is not ISO-8601.
    """
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    text = str(value).strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise invalid_input(
            f"Invalid {name}: {value!r} is not an ISO-8601 date/time.",
            "Use a format such as 2024-05-01T12:00:00Z.",
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def fmt_iso(moment):
    """Format as Amazon does: ``2024-05-01T12:00:00Z`` (UTC, second precision)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_span(after, before, after_name, before_name, now):
    """Amazon rejects a window longer than 7 days; a missing Before means now."""
    if after is None:
        return
    end = before or now
    if (end - after).total_seconds() > MAX_SPAN_DAYS * 86400:
        raise invalid_input(
            f"The time range between {after_name} and {before_name} must not exceed 7 days.",
            f"{after_name}={fmt_iso(after)}, {before_name}={fmt_iso(end)}",
        )


def parse_limit(query, default=100, maximum=100, name="limit"):
    raw = query.get(name)
    if raw is None:
        return default
    try:
        limit = int(raw)
    except ValueError:
        limit = 0
    if not 1 <= limit <= maximum:
        raise invalid_input(f"Invalid {name}: must be an integer between 1 and {maximum}.", str(raw))
    return limit


def parse_bool(query, name, default=None):
    raw = query.get(name)
    if raw is None:
        return default
    if raw.lower() not in ("true", "false"):
        raise invalid_input(f"Invalid {name}: must be true or false.", raw)
    return raw.lower() == "true"


def check_enum(query, name, allowed):
    raw = query.get(name)
    if raw is not None and raw not in allowed:
        raise invalid_input(f"Invalid {name}: must be one of {', '.join(allowed)}.", raw)
    return raw


def _fingerprint(query, token_name, ignore):
    kept = {k: v for k, v in query.items() if k not in (token_name, *ignore)}
    digest = hashlib.sha256(json.dumps(kept, sort_keys=True).encode()).hexdigest()
    return digest[:16]


def paginate(items, query, limit, token_name="nextToken", ignore=("limit",)):
    """Slice ``items`` for this page and build the opaque token of the next one.

    Like Amazon, a token is only valid when the caller re-sends the same filters.

    :return: ``(page, next_token_or_None)``
    :raise ApiError: 400 InvalidInput for a foreign, tampered or mismatched token.
    """
    fingerprint = _fingerprint(query, token_name, ignore)
    offset = 0
    token = query.get(token_name)
    if token:
        try:
            data = json.loads(base64.urlsafe_b64decode(token.encode()).decode())
            offset = int(data["o"])
            token_fingerprint = data["f"]
        except (ValueError, KeyError, TypeError):
            raise invalid_input(f"Invalid {token_name}.", "The token is malformed.") from None
        if token_fingerprint != fingerprint:
            raise invalid_input(
                f"Invalid {token_name}: the filters differ from the request that issued it.",
                "Re-send exactly the same query parameters with the token.",
            )
    page = items[offset : offset + limit]
    if offset + limit >= len(items):
        return page, None
    raw = json.dumps({"o": offset + limit, "f": fingerprint}).encode()
    return page, base64.urlsafe_b64encode(raw).decode()
