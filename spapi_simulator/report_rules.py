"""Amazon's rules for the vendor analytics reports: required reportOptions, dates aligned with
the reportPeriod in the marketplace's time zone, and the reasons (``errorDetails``) Amazon
gives when it refuses one."""

import re
from datetime import date, timedelta, timezone
from zoneinfo import ZoneInfo

from .common import parse_iso

SALES = "GET_VENDOR_SALES_REPORT"
INVENTORY = "GET_VENDOR_INVENTORY_REPORT"
FORECAST = "GET_VENDOR_FORECASTING_REPORT"
MARGIN = "GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT"
TRAFFIC = "GET_VENDOR_TRAFFIC_REPORT"

PERIODS = ("DAY", "WEEK", "MONTH", "QUARTER", "YEAR")
VIEWS = ("MANUFACTURING", "SOURCING")
# reportType -> {reportOption: allowed values}; Amazon requires every option listed.
OPTIONS = {
    SALES: {"reportPeriod": PERIODS, "distributorView": VIEWS, "sellingProgram": ("RETAIL", "BUSINESS", "FRESH")},
    INVENTORY: {"reportPeriod": PERIODS, "distributorView": VIEWS, "sellingProgram": ("RETAIL", "FRESH")},
    FORECAST: {"sellingProgram": ("RETAIL", "FRESH")},
    MARGIN: {"reportPeriod": PERIODS},
}
DAY_MAX_SPAN = 15  # selling-partner-api-models#508
DAY_MAX_LOOKBACK = 1460

# marketplaceId -> (time zone of its business day, currency). The Amazon Advertising zones.
MARKETPLACES = {
    "ATVPDKIKX0DER": ("America/Los_Angeles", "USD"),
    "A2EUQ1WTGCTBG2": ("America/Los_Angeles", "CAD"),
    "A1AM78C64UM0Y8": ("America/Los_Angeles", "MXN"),
    "A2Q3Y263D00KWC": ("America/Sao_Paulo", "BRL"),
    "A1F83G8C2ARO7P": ("Europe/London", "GBP"),
    "A1PA6795UKMFR9": ("Europe/Berlin", "EUR"),
    "A13V1IB3VIYZZH": ("Europe/Paris", "EUR"),
    "APJ6JRA9NG5V4": ("Europe/Rome", "EUR"),
    "A1RKKUPIHCS9HS": ("Europe/Madrid", "EUR"),
    "A1805IZSGTT6HS": ("Europe/Amsterdam", "EUR"),
    "A2NODRKZP88ZB9": ("Europe/Stockholm", "SEK"),
    "A1C3SOZRARQ6R3": ("Europe/Warsaw", "PLN"),
    "AMEN7PMS3EDWL": ("Europe/Brussels", "EUR"),
    "A33AVAJ2PDY3EV": ("Europe/Istanbul", "TRY"),
    "A2VIGQ35RCS4UG": ("Asia/Dubai", "AED"),
    "A17E79C6D8DWNP": ("Asia/Riyadh", "SAR"),
    "A21TJRUUN4KGV": ("Asia/Kolkata", "INR"),
    "A1VC38T7YXB528": ("Asia/Tokyo", "JPY"),
    "A39IBJ37TRP1C6": ("Australia/Sydney", "AUD"),
    "A19VAU5U5O7RUS": ("Asia/Singapore", "SGD"),
}
DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


class Refusal(Exception):
    """Amazon takes the request (202) but makes no data: the report ends ``status`` and its
    document holds ``{"errorDetails": reason}``."""

    def __init__(self, status, reason):
        super().__init__(reason)
        self.status, self.reason = status, reason


def marketplace(marketplace_ids):
    """:return: ``(tzinfo, currency)`` of the first marketplace (UTC/USD when unknown)."""
    zone, currency = MARKETPLACES.get((marketplace_ids or [None])[0], (None, "USD"))
    return (ZoneInfo(zone) if zone else timezone.utc), currency


def local_date(value, zone, name):
    """The marketplace's date of ``value``: a date as given, a time converted to ``zone``.

    :raise ApiError: 400 InvalidInput when the value is not ISO-8601.
    """
    text = str(value).strip()
    if DATE_ONLY.fullmatch(text):
        return date.fromisoformat(text)
    return parse_iso(text, name).astimezone(zone).date()


def period_start(period, day):
    """First day of the period holding ``day`` (weeks start on Sunday)."""
    if period == "WEEK":
        return day - timedelta(days=(day.weekday() + 1) % 7)
    if period == "MONTH":
        return day.replace(day=1)
    if period == "QUARTER":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if period == "YEAR":
        return date(day.year, 1, 1)
    return day


def period_end(period, day):
    """Last day of the period holding ``day``."""
    if period == "DAY":
        return day
    if period == "WEEK":
        return period_start(period, day) + timedelta(days=6)
    months = {"MONTH": 1, "QUARTER": 3, "YEAR": 12}[period]
    first = period_start(period, day)
    month = first.month - 1 + months
    return date(first.year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def split(period, start, end):
    """The consecutive periods covering [start, end]: list of ``(first, last)`` dates."""
    periods = []
    while start <= end:
        last = min(period_end(period, start), end)
        periods.append((start, last))
        start = last + timedelta(days=1)
    return periods


def check_options(report_type, options):
    """The reportOptions Amazon wants for ``report_type``.

    :return: the options (strings) known to the type
    :raise Refusal: DONE with errorDetails when one is missing, FATAL when one is invalid
    """
    wanted = OPTIONS[report_type]
    options = options or {}
    missing = [name for name in wanted if not options.get(name)]
    if missing:
        raise Refusal(
            "DONE",
            f"This report type requires the {', '.join(missing)} reportOption to be specified. "
            "Provide a value for each in your request and try again.",
        )
    for name, allowed in wanted.items():
        if options[name] not in allowed:
            raise Refusal(
                "FATAL",
                f"Error in report request: {options[name]!r} is not a valid {name} for {report_type}; "
                f"valid values: {', '.join(allowed)}.",
            )
    return {name: options[name] for name in wanted}


def check_dates(spec, period, zone, today):
    """The report's first and last day in the marketplace's time zone.

    :return: ``(start, end)`` dates
    :raise Refusal: FATAL when they are missing, reversed or misaligned with ``period``, or
        a DAY report spans more than 15 days or starts more than 1,460 days back
    """
    if not spec.get("dataStartTime") or not spec.get("dataEndTime"):
        raise Refusal("FATAL", f"Error in report request: reportPeriod {period} needs dataStartTime and dataEndTime.")
    start = local_date(spec["dataStartTime"], zone, "dataStartTime")
    end = local_date(spec["dataEndTime"], zone, "dataEndTime")
    shown = f"{start:%Y-%m-%d} ({start:%A}) to {end:%Y-%m-%d} ({end:%A}) in {zone}"
    if start > end:
        raise Refusal("FATAL", f"Error in report request: dataStartTime is after dataEndTime ({shown}).")
    if period_start(period, start) != start or period_end(period, end) != end:
        raise Refusal(
            "FATAL",
            f"Error in report request: for reportPeriod {period}, dataStartTime must be the first day and "
            f"dataEndTime the last day of a {period.lower()}{' (Sunday to Saturday)' if period == 'WEEK' else ''} "
            f"in the marketplace's time zone; got {shown}.",
        )
    if period == "DAY" and (end - start).days + 1 > DAY_MAX_SPAN:
        raise Refusal(
            "FATAL",
            f"Error in report request: reportPeriod DAY spans at most {DAY_MAX_SPAN} days; "
            f"got {(end - start).days + 1} days ({shown}).",
        )
    if period == "DAY" and (today - start).days > DAY_MAX_LOOKBACK:
        raise Refusal(
            "FATAL", f"Error in report request: reportPeriod DAY looks back at most {DAY_MAX_LOOKBACK} days ({shown})."
        )
    return start, end
