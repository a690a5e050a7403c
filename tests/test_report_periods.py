"""Report periods of the vendor analytics reports: aligned, complete, in the marketplace's zone."""

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from spapi import MARKETPLACES, last_complete_period, marketplace_time_zone, report_period_bounds
from spapi.timeutil import to_amz

LA = "America/Los_Angeles"


def dates(bounds):
    return tuple(moment.date().isoformat() for moment in bounds)


def test_wednesday_in_the_us_gives_the_previous_sunday_to_saturday():
    start, end = last_complete_period("WEEK", datetime(2026, 3, 11, 20, 0, tzinfo=timezone.utc), "US")
    assert dates((start, end)) == ("2026-03-01", "2026-03-07")
    assert (start.weekday(), end.weekday()) == (6, 5)  # Sunday, Saturday
    assert (start.time().isoformat(), end.time().isoformat()) == ("00:00:00", "23:59:59")
    assert start.tzinfo == ZoneInfo(LA)
    # Sent to Amazon as UTC instants that fall on those dates in Los Angeles (PST).
    assert (to_amz(start), to_amz(end)) == ("2026-03-01T08:00:00Z", "2026-03-08T07:59:59Z")


def test_week_over_a_daylight_saving_change():
    start, end = last_complete_period("WEEK", date(2026, 3, 16), "ATVPDKIKX0DER")
    assert (to_amz(start), to_amz(end)) == ("2026-03-08T08:00:00Z", "2026-03-15T06:59:59Z")


def test_the_marketplace_time_zone_decides_near_midnight():
    # Sunday 15 March 03:00 UTC is still Saturday evening in Los Angeles: that week is not over.
    moment = datetime(2026, 3, 15, 3, 0)  # naive = UTC, as Odoo stores it
    assert dates(last_complete_period("WEEK", moment, "US")) == ("2026-03-01", "2026-03-07")
    assert dates(last_complete_period("WEEK", moment, "DE")) == ("2026-03-08", "2026-03-14")
    assert dates(report_period_bounds("WEEK", moment, "UTC")) == ("2026-03-08", "2026-03-14")
    # 16:00 UTC on the 10th is already the 11th in Tokyo.
    evening = datetime(2026, 3, 10, 16, 0, tzinfo=timezone.utc)
    assert dates(last_complete_period("DAY", evening, "JP")) == ("2026-03-10", "2026-03-10")
    assert dates(last_complete_period("DAY", evening, "US")) == ("2026-03-09", "2026-03-09")


def test_on_sunday_the_week_just_ended_is_complete():
    assert dates(report_period_bounds("WEEK", date(2026, 3, 8), LA)) == ("2026-03-01", "2026-03-07")
    assert dates(report_period_bounds("WEEK", date(2026, 3, 7), LA)) == ("2026-02-22", "2026-02-28")


@pytest.mark.parametrize(
    "period, today, expected",
    [
        ("MONTH", date(2026, 3, 1), ("2026-02-01", "2026-02-28")),
        ("MONTH", date(2028, 3, 31), ("2028-02-01", "2028-02-29")),
        ("MONTH", date(2026, 1, 15), ("2025-12-01", "2025-12-31")),
        ("QUARTER", date(2026, 5, 15), ("2026-01-01", "2026-03-31")),
        ("QUARTER", date(2026, 1, 1), ("2025-10-01", "2025-12-31")),
        ("QUARTER", date(2026, 12, 31), ("2026-07-01", "2026-09-30")),
        ("YEAR", date(2026, 6, 30), ("2025-01-01", "2025-12-31")),
        ("DAY", date(2026, 3, 1), ("2026-02-28", "2026-02-28")),
    ],
)
def test_months_quarters_years_and_days(period, today, expected):
    assert dates(report_period_bounds(period, today, "Europe/Berlin")) == expected


def test_month_boundary_follows_the_marketplace():
    # 1 April 05:00 UTC: April in Berlin, still 31 March in Los Angeles.
    moment = datetime(2026, 4, 1, 5, 0, tzinfo=timezone.utc)
    assert dates(last_complete_period("MONTH", moment, "DE")) == ("2026-03-01", "2026-03-31")
    assert dates(last_complete_period("MONTH", moment, "US")) == ("2026-02-01", "2026-02-28")


def test_every_marketplace_has_a_time_zone_and_bad_input_is_refused():
    for code, (marketplace, _region, _site) in MARKETPLACES.items():
        assert marketplace_time_zone(code) == marketplace_time_zone(marketplace)
    assert str(marketplace_time_zone("UK")) == "Europe/London"
    assert str(marketplace_time_zone("A1VC38T7YXB528")) == "Asia/Tokyo"
    with pytest.raises(ValueError, match="marketplace"):
        marketplace_time_zone("XX")
    with pytest.raises(ValueError, match="period"):
        report_period_bounds("FORTNIGHT", date(2026, 3, 1), LA)
