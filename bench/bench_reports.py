#!/usr/bin/env python3
"""Amazon's forecast and sales reports of 5,000 ASINs stored in a real Odoo 18: time, queries, memory.

    python3 bench/bench_reports.py --asins 5000 --forecast-weeks 48 --sales-weeks 52

Creates a fresh database ``acorn_bench_reports_<pid>`` with the add-on installed (no demo
data), one vendor account (vendor code ACME1 on the main warehouse, simulator environment on a
closed port: nothing is called) and A ASINs, every other one mapped to a product of its own by
``amazon.vendor.product`` (A/2 products and mappings, ORM batches), the others mapped by
nothing (no Amazon order either). Two documents are built in memory beforehand, shaped as
Amazon's ``vendorForecastingReport`` and ``vendorSalesReport`` schemas give them:

* forecast: ``forecastByAsin``, A ASINs x F weeks (Sunday to Saturday) from 2026-03-08, each
  row with its generation date, start and end dates and the mean, P70, P80 and P90 units;
* sales: a WEEK report over S weeks ending 2026-02-28, its ``salesAggregate`` (one row a week)
  and ``salesByAsin`` rows (each week, every ASIN) carrying their own ``startDate`` and
  ``endDate``, ordered and shipped units, customer returns, ordered and shipped revenue and
  shipped COGS in USD.

Each is stored through the add-on's own path, ``account._amazon_vendor_store_report(spec,
document)`` with the spec the fetch passes (forecast: report type, marketplace, options;
sales: report type, period WEEK, start and end as aware datetimes of the marketplace's zone,
marketplace, options), each call followed by a flush. Passes:

* warm-up: both reports of 20 ASINs x 4 weeks, rolled back (ORM caches, imports);
* forecast: the first load, on an empty forecast table, committed, then the table analysed as
  autovacuum would;
* reload: the same forecast again (a re-fetch: it replaces the rows from its first week on),
  committed;
* sales: the sales report, rolled back after its check;
* memory: the three again under ``tracemalloc`` (Python allocations only; slowed down by
  tracing, hence passes of their own), each rolled back; the first load after the forecast
  table is emptied by SQL inside the pass's transaction.

Every pass is timed (wall clock) and its SQL queries counted by ``odoo.sql_db.sql_counter``
(every cursor), caches cold. The untraced passes also give the process's peak resident memory
(``VmHWM`` of ``/proc/self/status``, reset before the pass: C allocations included, psycopg2's
result buffers among them). After each pass the stored rows are checked by SQL: exactly A x F
forecast rows (A/2 x F with a product, every ASIN and week, the warehouse set, the P80 units and
the planned demand summing to the document's), exactly A x S sales rows (A/2 x S with a product,
every week, units and revenue summing to the document's), and the call's own return value
((rows, A/2 unmapped) for sales, (A x F, A/2) for the forecast). Anything wrong stops the bench
with ``FAILED``. ``--profile`` adds a pass of each under ``cProfile`` with the queries tallied
by statement (printed, not checked). The database is dropped unless ``--keep-db``.
"""

import argparse
import cProfile
import gc
import io
import os
import pstats
import re
import shutil
import sys
import tempfile
import time
from collections import Counter as Tally
from contextlib import nullcontext
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _odoo import Counter, Traced, bootstrap, create_database, drop_database  # noqa: E402

import odoo  # noqa: E402
from odoo import SUPERUSER_ID, Command, api  # noqa: E402

MODULE = "acorn_amazon_vendor"
VENDOR_CODE = "ACME1"
MARKETPLACE = "ATVPDKIKX0DER"
ZONE = ZoneInfo("America/Los_Angeles")  # the US marketplace's report days
FORECAST = "GET_VENDOR_FORECASTING_REPORT"
SALES = "GET_VENDOR_SALES_REPORT"
SALES_OPTIONS = {"reportPeriod": "WEEK", "distributorView": "MANUFACTURING", "sellingProgram": "RETAIL"}
FORECAST_OPTIONS = {"sellingProgram": "RETAIL"}
FORECAST_FIRST = date(2026, 3, 8)  # a Sunday: Amazon's forecast weeks run Sunday to Saturday
FORECAST_MADE = date(2026, 3, 7)
SALES_LAST = date(2026, 2, 28)  # a Saturday: the last week of the sales report ends here
BATCH = 500  # products and mappings per ORM create
WARM_ASINS, WARM_WEEKS = 20, 4
ANALYSED = ("amazon_vendor_forecast", "amazon_vendor_report_line", "amazon_vendor_product", "product_product")


# ---------------------------------------------------------------------- the documents


def asin(index):
    return f"B0BN{index:06d}"


def mapped(index):
    """Every other ASIN is mapped to a product."""
    return index % 2 == 0


def money(amount):
    return {"amount": amount, "currencyCode": "USD"}


def forecast_units(index, week):
    """Mean, P70, P80, P90: whole tenths, so that their sums compare exactly."""
    mean = 1 + (index * 7 + week * 3) % 40
    return mean, mean + 0.5, mean + 1.0, mean + 2.5


def forecast_document(asins, weeks):
    rows = []
    for index in range(asins):
        for week in range(weeks):
            start = FORECAST_FIRST + timedelta(weeks=week)
            mean, p70, p80, p90 = forecast_units(index, week)
            rows.append(
                {
                    "forecastGenerationDate": FORECAST_MADE.isoformat(),
                    "asin": asin(index),
                    "startDate": start.isoformat(),
                    "endDate": (start + timedelta(days=6)).isoformat(),
                    "meanForecastUnits": mean,
                    "p70ForecastUnits": p70,
                    "p80ForecastUnits": p80,
                    "p90ForecastUnits": p90,
                }
            )
    return {
        "reportSpecification": {
            "reportType": FORECAST,
            "reportOptions": FORECAST_OPTIONS,
            "lastUpdatedDate": FORECAST_MADE.isoformat(),
            "marketplaceIds": [MARKETPLACE],
        },
        "forecastByAsin": rows,
    }


def sales_first(weeks):
    return SALES_LAST - timedelta(days=7 * weeks - 1)


def sales_figures(index, week):
    shipped = (index * 5 + week * 11) % 30
    ordered = shipped + index % 3
    return {
        "customerReturns": (index + week) % 2,
        "orderedUnits": ordered,
        "orderedRevenue": money(ordered * 12.5),
        "shippedUnits": shipped,
        "shippedRevenue": money(shipped * 12.5),
        "shippedCogs": money(shipped * 7.25),
    }


def sales_document(asins, weeks):
    first = sales_first(weeks)
    aggregate, by_asin = [], []
    for week in range(weeks):
        start = first + timedelta(weeks=week)
        dates = {"startDate": start.isoformat(), "endDate": (start + timedelta(days=6)).isoformat()}
        total = Tally()
        for index in range(asins):
            row = dict(dates, asin=asin(index), **sales_figures(index, week))
            by_asin.append(row)
            total.update(
                {
                    key: value["amount"] if isinstance(value, dict) else value
                    for key, value in row.items()
                    if key not in ("asin", "startDate", "endDate")
                }
            )
        aggregate.append(
            dict(
                dates,
                **{key: money(total[key]) if key.endswith(("Revenue", "Cogs")) else total[key] for key in total},
            )
        )
    return {
        "reportSpecification": {
            "reportType": SALES,
            "reportOptions": SALES_OPTIONS,
            "lastUpdatedDate": (SALES_LAST + timedelta(days=1)).isoformat(),
            "dataStartTime": first.isoformat(),
            "dataEndTime": SALES_LAST.isoformat(),
            "marketplaceIds": [MARKETPLACE],
        },
        "salesAggregate": aggregate,
        "salesByAsin": by_asin,
    }


def forecast_spec():
    return {"report_type": FORECAST, "marketplace": MARKETPLACE, "options": FORECAST_OPTIONS}


def sales_spec(weeks):
    """As the fetch gives it: the first second of the first Sunday, the last of the last Saturday, marketplace time."""
    first = sales_first(weeks)
    return {
        "report_type": SALES,
        "period": "WEEK",
        "start": datetime(first.year, first.month, first.day, tzinfo=ZONE),
        "end": datetime(SALES_LAST.year, SALES_LAST.month, SALES_LAST.day, 23, 59, 59, tzinfo=ZONE),
        "marketplace": MARKETPLACE,
        "options": SALES_OPTIONS,
    }


def expected_forecast(asins, weeks):
    """:return: (rows, mapped rows, P80 units) of the forecast document"""
    p80 = sum(forecast_units(index, week)[2] for index in range(asins) for week in range(weeks))
    return asins * weeks, sum(mapped(index) for index in range(asins)) * weeks, p80


def expected_sales(asins, weeks):
    """:return: (rows, mapped rows, shipped units, shipped revenue) of the sales document"""
    shipped = sum(sales_figures(index, week)["shippedUnits"] for index in range(asins) for week in range(weeks))
    return asins * weeks, sum(mapped(index) for index in range(asins)) * weeks, shipped, shipped * 12.5


# ---------------------------------------------------------------------- Odoo


class Resident:
    """The process's peak resident memory over a block (Linux: VmHWM, reset before it), in bytes; 0 elsewhere."""

    def __enter__(self):
        self.before = self.peak = 0
        try:
            with open("/proc/self/clear_refs", "w") as refs:
                refs.write("5")  # resets VmHWM to the current RSS
            self.before = _status("VmRSS")
        except OSError:
            pass
        return self

    def __exit__(self, *exc):
        if self.before:
            self.peak = _status("VmHWM")


def _status(key):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    return 0


class Profiled:
    """``cProfile`` and a tally of the SQL statements (numbers blanked) over a block."""

    def __init__(self):
        self.statements = Tally()

    def __enter__(self):
        cursor = odoo.sql_db.Cursor
        self.execute = cursor.execute
        statements, execute = self.statements, self.execute

        def tallied(cr, query, params=None, log_exceptions=True):
            text = query.code if hasattr(query, "code") else str(query)
            statements[re.sub(r"\d+", "N", " ".join(text.split()))[:110]] += 1
            return execute(cr, query, params, log_exceptions)

        cursor.execute = tallied
        self.profile = cProfile.Profile()
        self.profile.enable()
        return self

    def __exit__(self, *exc):
        self.profile.disable()
        odoo.sql_db.Cursor.execute = self.execute

    def print(self, title, top=25):
        print(f"\n--- profile: {title}")
        out = io.StringIO()
        pstats.Stats(self.profile, stream=out).sort_stats("cumulative").print_stats(top)
        print(out.getvalue())
        out = io.StringIO()
        pstats.Stats(self.profile, stream=out).sort_stats("tottime").print_stats(top)
        print(out.getvalue())
        print(f"--- queries by statement: {title}")
        for statement, count in self.statements.most_common(15):
            print(f"  {count:8d}  {statement}")


class Bench:
    def __init__(self, env, args):
        self.env = env
        self.args = args
        self.company = env.company
        warehouse = env["stock.warehouse"].search([("company_id", "=", self.company.id)], limit=1)
        self.warehouse = warehouse
        amazon = env["res.partner"].create({"name": "Amazon.com Services LLC", "is_company": True})
        self.account = env["amazon.vendor.account"].create(
            {
                "name": "Reports bench",
                "environment": "simulator",
                "endpoint_url": "http://127.0.0.1:9",
                "lwa_client_id": "acorn-bench-client",
                "lwa_client_secret": "acorn-bench-secret",
                "lwa_refresh_token": "acorn-bench-refresh",
                "vendor_code_ids": [
                    Command.create({"name": VENDOR_CODE, "warehouse_id": warehouse.id, "partner_id": amazon.id})
                ],
            }
        )
        env.cr.commit()

    def map_products(self):
        """A product and an ``amazon.vendor.product`` mapping for every other ASIN, committed."""
        env = self.env(context=dict(self.env.context, tracking_disable=True, mail_create_nolog=True))
        indexes = [index for index in range(self.args.asins) if mapped(index)]
        for first in range(0, len(indexes), BATCH):
            batch = indexes[first : first + BATCH]
            products = env["product.product"].create(
                [
                    {"name": f"Reports bench item {index}", "default_code": f"RB-{index:05d}", "is_storable": True}
                    for index in batch
                ]
            )
            env["amazon.vendor.product"].create(
                [
                    {"account_id": self.account.id, "product_id": product.id, "asin": asin(index)}
                    for index, product in zip(batch, products)
                ]
            )
            env.cr.commit()
            env.invalidate_all()
        self.analyse()
        return len(indexes)

    def analyse(self):
        for table in ANALYSED:
            self.env.cr.execute(f"ANALYZE {table}")
        self.env.cr.commit()

    def cold(self):
        self.env.invalidate_all()
        gc.collect()

    def rollback(self):
        self.env.cr.rollback()
        self.env.invalidate_all()

    # ------------------------------------------------------------------ loading

    def store(self, spec, document, trace=False, profile=None):
        """``account._amazon_vendor_store_report(spec, document)`` and a flush, caches cold.

        :return: Counter with ``result`` (the call's), ``peak`` (tracemalloc) and ``resident``
        """
        account = self.account
        self.cold()
        with Resident() as resident, Traced(trace) as traced, profile or nullcontext(), Counter() as counter:
            counter.result = account._amazon_vendor_store_report(spec, document)
            self.env.flush_all()
        counter.peak, counter.resident, counter.resident_before = traced.peak, resident.peak, resident.before
        return counter

    def again(self, forecast_doc, sales_doc, trace=False, profiles=None):
        """The three loads again, each checked and rolled back (the first on an emptied forecast table).

        :return: {pass name: Counter}
        """
        a, f, s = self.args.asins, self.args.forecast_weeks, self.args.sales_weeks
        profiles = profiles or {}
        counters = {}
        self.empty_forecast()
        for name, spec, document, check, weeks in (
            ("forecast", forecast_spec(), forecast_doc, self.check_forecast, f),
            ("reload", forecast_spec(), forecast_doc, self.check_forecast, f),
            ("sales", sales_spec(s), sales_doc, self.check_sales, s),
        ):
            counters[name] = self.store(spec, document, trace=trace, profile=profiles.get(name))
            check(f"{name} ({'traced' if trace else 'profiled'})", counters[name], a, weeks)
            self.rollback()
        return counters

    # ------------------------------------------------------------------ checks

    def check_forecast(self, tag, counter, asins, weeks):
        rows, mapped_rows, p80 = expected_forecast(asins, weeks)
        self.env.cr.execute(
            """
            SELECT COUNT(*), COUNT(product_id), COUNT(DISTINCT asin), COUNT(DISTINCT week_start),
                   COUNT(*) FILTER (WHERE warehouse_id = %s AND week_end = week_start + 6 AND generated_on IS NOT NULL),
                   COALESCE(SUM(p80_units), 0), COALESCE(SUM(demand_units), 0)
              FROM amazon_vendor_forecast WHERE account_id = %s
            """,
            (self.warehouse.id, self.account.id),
        )
        found = self.env.cr.fetchone()
        expected = (rows, mapped_rows, asins, weeks, rows, p80, p80)  # the account plans at P80
        problems = [
            f"{name}: {got} instead of {want}"
            for name, got, want in zip(
                ("rows", "rows with a product", "ASINs", "weeks", "rows on the warehouse", "P80 units", "demand"),
                found,
                expected,
            )
            if abs(float(got) - want) > 1e-6
        ]
        if counter.result != (rows, asins - mapped_rows // weeks):
            problems.append(f"the call returned {counter.result} instead of {(rows, asins - mapped_rows // weeks)}")
        self.fail_on(tag, problems)

    def check_sales(self, tag, counter, asins, weeks):
        rows, mapped_rows, shipped, revenue = expected_sales(asins, weeks)
        self.env.cr.execute(
            """
            SELECT COUNT(*), COUNT(product_id), COUNT(DISTINCT asin), COUNT(DISTINCT start_date),
                   COUNT(*) FILTER (WHERE end_date = start_date + 6 AND period = 'WEEK'),
                   COALESCE(SUM(shipped_units), 0), COALESCE(SUM(shipped_revenue), 0)
              FROM amazon_vendor_report_line WHERE account_id = %s AND report_type = %s
            """,
            (self.account.id, SALES),
        )
        found = self.env.cr.fetchone()
        expected = (rows, mapped_rows, asins, weeks, rows, shipped, revenue)
        problems = [
            f"{name}: {got} instead of {want}"
            for name, got, want in zip(
                ("rows", "rows with a product", "ASINs", "weeks", "weekly rows", "shipped units", "shipped revenue"),
                found,
                expected,
            )
            if abs(float(got) - want) > 1e-6
        ]
        if counter.result != (rows, asins - mapped_rows // weeks):
            problems.append(f"the call returned {counter.result} instead of {(rows, asins - mapped_rows // weeks)}")
        self.fail_on(tag, problems)

    @staticmethod
    def fail_on(tag, problems):
        if problems:
            raise SystemExit(f"FAILED: {tag}:\n  " + "\n  ".join(problems))

    def empty_forecast(self):
        self.env.cr.execute("DELETE FROM amazon_vendor_forecast WHERE account_id = %s", (self.account.id,))
        self.env.invalidate_all()


# ---------------------------------------------------------------------- main


def run(env, args):
    a, f, s = args.asins, args.forecast_weeks, args.sales_weeks
    bench = Bench(env, args)
    with Counter() as setup:
        products = bench.map_products()
        forecast_doc, sales_doc = forecast_document(a, f), sales_document(a, s)
    print(
        f"  {products} products mapped, documents built ({len(forecast_doc['forecastByAsin'])} forecast rows, "
        f"{len(sales_doc['salesByAsin'])} sales rows) in {setup.seconds:.0f}s",
        flush=True,
    )
    warm = bench.store(forecast_spec(), forecast_document(WARM_ASINS, WARM_WEEKS))
    bench.check_forecast("warm-up forecast", warm, WARM_ASINS, WARM_WEEKS)
    warm = bench.store(sales_spec(WARM_WEEKS), sales_document(WARM_ASINS, WARM_WEEKS))
    bench.check_sales("warm-up sales", warm, WARM_ASINS, WARM_WEEKS)
    bench.rollback()

    passes = {}
    print("  forecast: first load", flush=True)
    passes["forecast"] = bench.store(forecast_spec(), forecast_doc)
    bench.check_forecast("forecast", passes["forecast"], a, f)
    env.cr.commit()
    bench.analyse()
    print(f"  forecast: {passes['forecast'].seconds:.1f}s; reload", flush=True)
    passes["reload"] = bench.store(forecast_spec(), forecast_doc)
    bench.check_forecast("reload", passes["reload"], a, f)
    env.cr.commit()
    print(f"  reload: {passes['reload'].seconds:.1f}s; sales", flush=True)
    passes["sales"] = bench.store(sales_spec(s), sales_doc)
    bench.check_sales("sales", passes["sales"], a, s)
    bench.rollback()
    print(f"  sales: {passes['sales'].seconds:.1f}s" + ("" if args.no_trace else "; tracemalloc passes"), flush=True)

    traced = {} if args.no_trace else bench.again(forecast_doc, sales_doc, trace=True)
    if args.profile:
        profiles = {name: Profiled() for name in ("forecast", "reload", "sales")}
        bench.again(forecast_doc, sales_doc, profiles=profiles)
        for name, profile in profiles.items():
            profile.print(name)
    report(env, args, passes, traced, setup.seconds)


def report(env, args, passes, traced, setup_seconds):
    a, f, s = args.asins, args.forecast_weeks, args.sales_weeks
    rows = {"forecast": a * f, "reload": a * f, "sales": a * s}
    print(
        f"\nAmazon reports of {a} ASINs ({a - a // 2} mapped to products, {a // 2} not), Odoo {odoo.release.version}, "
        f"database {env.cr.dbname}"
    )
    print(f"  {'':52} {'rows':>8} {'time':>8} {'queries':>8} {'tracemalloc':>12} {'peak RSS':>9}")
    titles = {
        "forecast": f"forecast {a} x {f} weeks, first load",
        "reload": "forecast again (replaces its rows)",
        "sales": f"sales {a} x {s} weeks (WEEK rows)",
    }
    for key, title in titles.items():
        counter = passes[key]
        peak = f"{traced[key].peak / 1e6:9.1f} MB" if key in traced else f"{'-':>12}"
        print(
            f"  {title:52} {rows[key]:8d} {counter.seconds:7.1f}s {counter.queries:8d} {peak} "
            f"{counter.resident / 1e6:6.0f} MB"
        )
    for key in titles:
        counter = passes[key]
        print(
            f"  {key}: {rows[key] / counter.seconds:,.0f} rows/s, {counter.queries / rows[key]:.3f} queries a row, "
            f"RSS {counter.resident_before / 1e6:.0f} MB before"
            + (f"; traced pass {traced[key].seconds:.1f}s" if key in traced else "")
        )
    print(
        f"RESULT asins={a} forecast_weeks={f} sales_weeks={s} "
        + " ".join(
            f"{key}_rows={rows[key]} {key}_s={passes[key].seconds:.2f} {key}_queries={passes[key].queries} "
            f"{key}_peak_mem_mb={traced[key].peak / 1e6 if key in traced else 0:.1f} "
            f"{key}_rss_mb={passes[key].resident / 1e6:.0f}"
            for key in titles
        )
        + f" setup_s={setup_seconds:.1f}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--asins", type=int, default=5000)
    parser.add_argument("--forecast-weeks", type=int, default=48)
    parser.add_argument("--sales-weeks", type=int, default=52)
    parser.add_argument("--no-trace", action="store_true", help="skip the tracemalloc passes")
    parser.add_argument("--profile", action="store_true", help="add cProfile passes, with queries by statement")
    parser.add_argument("--db-host", default="127.0.0.1")
    parser.add_argument("--db-port", type=int, default=5432)
    parser.add_argument("--db-user", default="odoo")
    parser.add_argument("--keep-db", action="store_true", help="leave the database (and say its name)")
    args = parser.parse_args()
    if args.asins < 2 or min(args.forecast_weeks, args.sales_weeks) < 1:
        parser.error("--asins must be at least 2, the weeks at least 1")

    data_dir = tempfile.mkdtemp(prefix="acorn-bench-reports-")
    bootstrap(args, data_dir)
    name = f"acorn_bench_reports_{os.getpid()}"
    started = time.perf_counter()
    print(f"Creating database {name} with {MODULE} (no demo data)...", flush=True)
    try:
        registry = create_database(name)
        print(f"  installed in {time.perf_counter() - started:.0f}s", flush=True)
        with registry.cursor() as cr:
            run(api.Environment(cr, SUPERUSER_ID, {}), args)
    finally:
        if args.keep_db:
            print(f"kept database {name} (filestore in {data_dir})")
        else:
            drop_database(name)
            shutil.rmtree(data_dir, ignore_errors=True)
        print(f"  whole run: {time.perf_counter() - started:.0f}s")


if __name__ == "__main__":
    main()
