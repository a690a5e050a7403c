"""Timestamps as Amazon wants them: UTC, second precision, ``Z`` suffix."""

from datetime import date, datetime, time, timedelta, timezone

AMZ_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
MAX_WINDOW = timedelta(days=7)


def utcnow():
    """Aware current UTC time (a function so tests can patch it)."""
    return datetime.now(timezone.utc)


def parse_datetime(value):
    """Turn a datetime, date or ISO 8601 string into an aware UTC datetime.

    Naive datetimes are taken as UTC (Odoo stores naive UTC).

    :param value: datetime, date or ISO string ("2026-11-20T10:00:00Z", "...+01:00")
    :return: aware datetime in UTC
    :raise ValueError: unparsable string
    """
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        value = datetime.fromisoformat(text)
    elif isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time.min)
    if not isinstance(value, datetime):
        raise ValueError(f"Not a date or time: {value!r}")
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def one_year_before(moment):
    """The same moment one calendar year earlier (29 February becomes the 28th).

    :param moment: aware datetime
    :return: aware datetime
    """
    try:
        return moment.replace(year=moment.year - 1)
    except ValueError:
        return moment.replace(year=moment.year - 1, day=28)


def to_amz(value):
    """Format a timestamp for Amazon: ``2026-11-20T10:00:00Z``.

    :param value: datetime (aware or naive UTC), date or ISO string
    :return: string in UTC with a Z suffix
    :raise ValueError: unparsable value
    """
    return parse_datetime(value).strftime(AMZ_FORMAT)


def is_iso_datetime(value):
    """True when ``value`` is an ISO 8601 date-time string carrying a time zone."""
    if not isinstance(value, str) or "T" not in value:
        return False
    text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    try:
        return datetime.fromisoformat(text).tzinfo is not None
    except ValueError:
        return False


def split_windows(after, before=None, max_span=MAX_WINDOW):
    """Split [after, before) into consecutive windows no longer than ``max_span``.

    :param after: window start (datetime or ISO string)
    :param before: window end; defaults to now
    :param max_span: the longest window Amazon accepts
    :return: list of (start, end) aware datetimes; empty when before <= after
    """
    start = parse_datetime(after)
    end = parse_datetime(before) if before is not None else utcnow()
    windows = []
    while start < end:
        stop = min(start + max_span, end)
        windows.append((start, stop))
        start = stop
    return windows
