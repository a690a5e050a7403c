"""Report periods of Amazon's vendor analytics reports (sales, inventory, net PPM).

Amazon counts a vendor's days in the marketplace's own time zone, weeks run Sunday to
Saturday, and a report whose dates do not align with its ``reportPeriod`` ends FATAL.
"""

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from .regions import MARKETPLACES

PERIODS = ("DAY", "WEEK", "MONTH", "QUARTER", "YEAR")

# Marketplace code -> IANA time zone of its business day. Amazon's SP-API documents none; these
# are the zones Amazon Advertising reports per marketplace (CA and MX on Pacific time like the
# US), with the country's own zone where Advertising says Europe/Paris (DE, IT, ES: same rules).
MARKETPLACE_TIME_ZONES = {
    "US": "America/Los_Angeles",
    "CA": "America/Los_Angeles",
    "MX": "America/Los_Angeles",
    "BR": "America/Sao_Paulo",
    "UK": "Europe/London",
    "DE": "Europe/Berlin",
    "FR": "Europe/Paris",
    "IT": "Europe/Rome",
    "ES": "Europe/Madrid",
    "NL": "Europe/Amsterdam",
    "SE": "Europe/Stockholm",
    "PL": "Europe/Warsaw",
    "BE": "Europe/Brussels",
    "TR": "Europe/Istanbul",
    "AE": "Asia/Dubai",
    "SA": "Asia/Riyadh",
    "IN": "Asia/Kolkata",
    "JP": "Asia/Tokyo",
    "AU": "Australia/Sydney",
    "SG": "Asia/Singapore",
}
_CODE_BY_ID = {values[0]: code for code, values in MARKETPLACES.items()}


def marketplace_time_zone(marketplace):
    """The time zone in which Amazon counts a marketplace's days.

    :param marketplace: a marketplace code ("US", "DE") or Amazon's marketplaceId
        ("ATVPDKIKX0DER")
    :return: :class:`zoneinfo.ZoneInfo`
    :raise ValueError: unknown marketplace
    """
    code = _CODE_BY_ID.get(marketplace, marketplace)
    try:
        return ZoneInfo(MARKETPLACE_TIME_ZONES[code])
    except (KeyError, TypeError):
        raise ValueError(f"Unknown Amazon marketplace {marketplace!r}") from None


def _local_today(moment, zone):
    if isinstance(moment, datetime):
        aware = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
        return aware.astimezone(zone).date()
    if isinstance(moment, date):
        return moment
    raise ValueError(f"Not a date or time: {moment!r}")


def period_start(period, day):
    """First day of the ``period`` holding ``day`` (weeks start on Sunday).

    :param period: DAY, WEEK, MONTH, QUARTER or YEAR
    :param day: a date
    :return: date
    :raise ValueError: unknown period
    """
    if period == "DAY":
        return day
    if period == "WEEK":
        return day - timedelta(days=(day.weekday() + 1) % 7)
    if period == "MONTH":
        return day.replace(day=1)
    if period == "QUARTER":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if period == "YEAR":
        return date(day.year, 1, 1)
    raise ValueError(f"Unknown report period {period!r}: expected one of {', '.join(PERIODS)}")


def report_period_bounds(period, moment, tz):
    """The last complete ``period`` before ``moment``, aligned the way Amazon requires.

    A WEEK is Sunday to Saturday, a MONTH, QUARTER or YEAR whole calendar ones, a DAY
    yesterday; "today" is the date of ``moment`` in ``tz``, so near midnight the marketplace's
    zone, not UTC, decides which period is complete.

    :param period: DAY, WEEK, MONTH, QUARTER or YEAR
    :param moment: aware datetime, naive datetime (taken as UTC, as Odoo stores them) or the
        local date of today
    :param tz: IANA name ("America/Los_Angeles") or tzinfo
    :return: ``(start, end)`` aware datetimes in ``tz``: 00:00:00 of the first day and
        23:59:59 of the last day (``start.date()``, ``end.date()`` are the report's dates)
    :raise ValueError: unknown period or time zone
    """
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    current = period_start(period, _local_today(moment, zone))
    first = period_start(period, current - timedelta(days=1))
    last = current - timedelta(days=1)
    return (
        datetime.combine(first, time.min, tzinfo=zone),
        datetime.combine(last, time(23, 59, 59), tzinfo=zone),
    )


def last_complete_period(period, moment, marketplace):
    """:func:`report_period_bounds` in the time zone of ``marketplace``.

    :param period: DAY, WEEK, MONTH, QUARTER or YEAR
    :param moment: datetime (naive = UTC) or the marketplace's local date of today
    :param marketplace: a marketplace code ("US") or Amazon's marketplaceId
    :return: ``(start, end)`` aware datetimes in the marketplace's time zone
    :raise ValueError: unknown period or marketplace
    """
    return report_period_bounds(period, moment, marketplace_time_zone(marketplace))


def marketplace_day_bounds(marketplace, first=None, last=None):
    """Plain dates as the first second of ``first`` and the last second of ``last`` in the
    marketplace's time zone; anything else (datetimes, strings, None) unchanged.

    A plain date would otherwise be sent as midnight UTC, the day before in the Americas,
    and the report would be misaligned.

    :param marketplace: a marketplace code or marketplaceId (unknown: UTC)
    :param first: date, or anything create_report takes
    :param last: date, or anything create_report takes
    :return: ``(first, last)``
    """
    try:
        zone = marketplace_time_zone(marketplace)
    except ValueError:
        zone = timezone.utc

    def plain(value):
        return isinstance(value, date) and not isinstance(value, datetime)

    if plain(first):
        first = datetime.combine(first, time.min, tzinfo=zone)
    if plain(last):
        last = datetime.combine(last, time(23, 59, 59), tzinfo=zone)
    return first, last
