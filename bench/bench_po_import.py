#!/usr/bin/env python3
"""PO import throughput in a real Odoo 18: Amazon POs from the in-process simulator to sale orders.

    python3 bench/bench_po_import.py --orders 200 --lines 5

Creates a fresh database ``acorn_bench_<pid>`` with the add-on installed (no demo data), imports
N purchase orders of M lines, and prints POs/s, lines/s, SQL queries per PO and peak memory,
beside a bare batched ``sale.order`` create of the same orders as a ratio. The database is
dropped at the end unless ``--keep-db``.

Each pass uses its own vendor account, its own simulator and its own PO numbers:

* warm-up: a few POs, untimed (ORM caches, imports), so the first measured pass is not penalised;
* bare: one ``sale.order.create([...])`` of N orders x M lines, then a flush;
* half and full: ``_amazon_vendor_import_purchase_orders()`` (fetch + processing) of N/2 and N
  POs; queries per PO of both must agree within 10 %, else ``QUERIES PER PO GROW WITH N``;
* processing: the raw orders are fetched first, then only
  ``_amazon_vendor_process_purchase_orders()`` is timed; the import/bare ratio uses this time;
* memory: the same processing of another N POs under ``tracemalloc`` (Python allocations only,
  the peak of that pass; it is slowed down by tracing, hence a pass of its own).

The import commits per batch of 50 POs, as in production. SQL queries are counted with
``odoo.sql_db.sql_counter``, so they include the audit-log cursor of each HTTP exchange.
"""

import argparse
import importlib.util
import os
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _odoo import Counter, bootstrap, create_database, drop_database  # noqa: E402

import odoo  # noqa: E402
from odoo import SUPERUSER_ID, api  # noqa: E402

from spapi_simulator import Simulator  # noqa: E402


def _load_make_po():
    # By path: importing the add-on's tests package would import Odoo's test framework.
    path = ROOT / "acorn_amazon_vendor" / "tests" / "amazon_orders.py"
    spec = importlib.util.spec_from_file_location("acorn_amazon_orders", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_po


make_po = _load_make_po()

MODULE = "acorn_amazon_vendor"
SIM_CREDENTIALS = {
    "lwa_client_id": "acorn-sim-client",
    "lwa_client_secret": "acorn-sim-secret",
    "lwa_refresh_token": "acorn-sim-refresh",
}
PRODUCTS_PER_LINE = 4  # M * 4 products, so the orders do not all share the same few
CASE_SIZE = 6
GROWTH_TOLERANCE = 0.10


# ---------------------------------------------------------------------- data


def product_code(index):
    return f"BENCH-{index:05d}"


def make_orders(prefix, vendor, count, lines, product_count, now):
    """``count`` Amazon Orders built by the add-on tests' ``make_po``, even items in Cases."""

    def item(order_index, line):
        product = (order_index * lines + line) % product_count
        cases = line % 2 == 0
        return {
            "ref": product_code(product),
            "asin": f"B0BENCH{product:04d}",
            "amount": 2 if cases else 10,
            "unit": "Cases" if cases else "Eaches",
            "size": CASE_SIZE if cases else 1,
            "cost": "9.99",
        }

    return [
        make_po(
            f"{prefix}{index:06d}",
            [item(index, line) for line in range(lines)],
            vendor=vendor,
            when=now - timedelta(hours=1, seconds=index),
        )
        for index in range(count)
    ]


# ---------------------------------------------------------------------- Odoo


class Bench:
    def __init__(self, env, args):
        self.env = env
        self.args = args
        self.now = datetime.now(timezone.utc)
        self.simulators = []
        self.product_count = args.lines * PRODUCTS_PER_LINE
        self.company = env.company
        self.warehouse = env["stock.warehouse"].search([("company_id", "=", self.company.id)], limit=1)
        self.amazon_partner = env["res.partner"].create({"name": "Amazon.com Services LLC", "is_company": True})
        self.products = env["product.product"].create(
            [
                {
                    "name": f"Bench product {index}",
                    "default_code": product_code(index),
                    "list_price": 20.0,
                }
                for index in range(self.product_count)
            ]
        )
        env.cr.commit()

    def stop(self):
        for sim in self.simulators:
            sim.stop()

    def account(self, tag, count):
        """A vendor account ``BENCH<tag>`` on a simulator of its own holding ``count`` POs."""
        sim = Simulator()
        self.simulators.append(sim)
        url = sim.start(host="127.0.0.1", port=0)
        sim.configure(rate_limiting=False)
        vendor = f"BENCH{tag}"
        orders = make_orders(f"B{tag}", vendor, count, self.args.lines, self.product_count, self.now)
        sim.add_purchase_orders(orders)
        account = self.env["amazon.vendor.account"].create(
            dict(
                SIM_CREDENTIALS,
                name=f"Bench {tag}",
                environment="simulator",
                endpoint_url=url,
                vendor_code_ids=[
                    (0, 0, {"name": vendor, "warehouse_id": self.warehouse.id, "partner_id": self.amazon_partner.id})
                ],
            )
        )
        # Committed like an account configured in the UI: the audit hook then writes through its
        # own cursor, as in production.
        self.env.cr.commit()
        return account, orders

    def fetch(self, account):
        client = account._get_spapi_client(record=account)
        since = self.now - timedelta(days=7)
        return list(
            client.iter_purchase_orders(
                created_after=since,
                created_before=datetime.now(timezone.utc),
                limit=account._amazon_vendor_po_page_size(),
            )
        )

    def check(self, account, count, result=None):
        """Exactly ``count`` orders of ``--lines`` product lines each, or stop loudly."""
        orders = self.env["sale.order"].search_count([("amazon_vendor_account_id", "=", account.id)])
        lines = self.env["sale.order.line"].search_count(
            [("order_id.amazon_vendor_account_id", "=", account.id), ("display_type", "=", False)]
        )
        others = self.env["sale.order.line"].search_count(
            [("order_id.amazon_vendor_account_id", "=", account.id), ("display_type", "!=", False)]
        )
        problems = []
        if (orders, lines, others) != (count, count * self.args.lines, 0):
            problems.append(
                f"expected {count} orders / {count * self.args.lines} lines / 0 note lines, "
                f"got {orders} / {lines} / {others}"
            )
        if result is not None and (result.get("created") != count or result.get("failed")):
            problems.append(f"import result {result}")
        if problems:
            raise SystemExit(f"FAILED: {account.name}: " + "; ".join(problems))

    # ------------------------------------------------------------------ passes

    def warm_up(self):
        account, _orders = self.account("W", 5)
        self.check(account, 5, account._amazon_vendor_import_purchase_orders())
        self.warm_account = account
        self.bare_create(self.bare_vals(3))
        self.env.cr.commit()

    def full_import(self, tag, count):
        account, _orders = self.account(tag, count)
        self.env.invalidate_all()
        with Counter() as counter:
            result = account._amazon_vendor_import_purchase_orders()
            self.env.flush_all()
        self.check(account, count, result)
        return counter

    def processing(self, tag, count, trace=False):
        account, _orders = self.account(tag, count)
        raw_orders = self.fetch(account)
        assert len(raw_orders) == count, f"fetched {len(raw_orders)} of {count} POs"
        self.env.invalidate_all()
        if trace:
            tracemalloc.start()
        with Counter() as counter:
            result = account._amazon_vendor_process_purchase_orders(raw_orders)
            self.env.flush_all()
        counter.peak = tracemalloc.get_traced_memory()[1] if trace else 0
        if trace:
            tracemalloc.stop()
        self.check(account, count, result)
        return counter

    def bare_vals(self, count):
        """The orders the import makes, as plain values: partner, pricelist, warehouse, lines."""
        pricelist = (
            self.env["sale.order"]
            .search([("amazon_vendor_account_id", "=", self.warm_account.id)], limit=1)
            .pricelist_id
        )
        vals_list = []
        for index, order in enumerate(
            make_orders("BARE", "BARE", count, self.args.lines, self.product_count, self.now)
        ):
            lines = []
            for line, item in enumerate(order["orderDetails"]["items"]):
                quantity = item["orderedQuantity"]
                lines.append(
                    (
                        0,
                        0,
                        {
                            "product_id": self.products[(index * self.args.lines + line) % self.product_count].id,
                            "product_uom_qty": quantity["amount"] * quantity["unitSize"],
                            "price_unit": float(item["netCost"]["amount"]),
                        },
                    )
                )
            vals_list.append(
                {
                    "partner_id": self.amazon_partner.id,
                    "pricelist_id": pricelist.id,
                    "warehouse_id": self.warehouse.id,
                    "client_order_ref": f"BARE{index:06d}",
                    "order_line": lines,
                }
            )
        return vals_list

    def bare_create(self, vals_list):
        with Counter() as counter:
            orders = self.env["sale.order"].create(vals_list)
            self.env.flush_all()
        if len(orders) != len(vals_list) or len(orders.order_line) != len(vals_list) * self.args.lines:
            raise SystemExit(f"FAILED: bare create made {len(orders)} orders, {len(orders.order_line)} lines")
        return counter


# ---------------------------------------------------------------------- main


def run(env, args):
    n, m = args.orders, args.lines
    half = max(n // 2, 1)
    bench = Bench(env, args)
    try:
        bench.warm_up()
        bare = bench.bare_create(bench.bare_vals(n))
        env.cr.commit()
        small = bench.full_import("H", half)
        large = bench.full_import("F", n)
        process = bench.processing("P", n)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        memory = bench.processing("T", n, trace=True)
        rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    finally:
        bench.stop()
    qpo_small, qpo_large = small.queries / half, large.queries / n
    ratio = process.seconds / bare.seconds
    print(f"\nPO import: {n} POs x {m} lines ({n * m} lines), Odoo {odoo.release.version}, database {env.cr.dbname}")
    print(
        f"  full import (fetch + processing): {large.seconds:.2f}s  {n / large.seconds:.1f} POs/s  "
        f"{n * m / large.seconds:.0f} lines/s  {qpo_large:.1f} queries/PO"
    )
    print(
        f"  processing alone:                 {process.seconds:.2f}s  {n / process.seconds:.1f} POs/s  "
        f"{n * m / process.seconds:.0f} lines/s  {process.queries / n:.1f} queries/PO"
    )
    print(
        f"  full import of N/2 = {half}:        {small.seconds:.2f}s  {half / small.seconds:.1f} POs/s  "
        f"{qpo_small:.1f} queries/PO"
    )
    print(
        f"  bare sale.order create (one batch): {bare.seconds:.2f}s  {n / bare.seconds:.1f} orders/s  "
        f"{bare.queries / n:.1f} queries/order"
    )
    print(f"  import/bare ratio (processing alone / bare): {ratio:.1f}x")
    print(
        f"  peak memory: {memory.peak / 1e6:.1f} MB (tracemalloc peak of a separate processing pass of {n} POs; "
        f"that pass took {memory.seconds:.2f}s traced); ru_maxrss grew {rss_growth / 1024:.1f} MB during it"
    )
    if qpo_large > qpo_small * (1 + GROWTH_TOLERANCE):
        print(f"QUERIES PER PO GROW WITH N: {qpo_small:.1f} at {half} POs, {qpo_large:.1f} at {n} POs")
    else:
        print(f"  queries/PO steady: {qpo_small:.1f} at {half} POs, {qpo_large:.1f} at {n} POs")
    print(
        f"RESULT orders={n} lines={n * m} pos_per_s={n / large.seconds:.1f} lines_per_s={n * m / large.seconds:.0f} "
        f"queries_per_po={qpo_large:.1f} queries_per_po_half={qpo_small:.1f} peak_mem_mb={memory.peak / 1e6:.1f} "
        f"bare_s={bare.seconds:.3f} import_s={large.seconds:.3f} process_s={process.seconds:.3f} ratio={ratio:.2f}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--lines", type=int, default=5)
    parser.add_argument("--db-host", default="127.0.0.1")
    parser.add_argument("--db-port", type=int, default=5432)
    parser.add_argument("--db-user", default="odoo")
    parser.add_argument("--keep-db", action="store_true", help="leave the database (and say its name)")
    args = parser.parse_args()
    if args.orders < 2 or args.lines < 1:
        parser.error("--orders must be at least 2 and --lines at least 1")

    data_dir = tempfile.mkdtemp(prefix="acorn-bench-")
    bootstrap(args, data_dir)
    name = f"acorn_bench_{os.getpid()}"
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


if __name__ == "__main__":
    main()
