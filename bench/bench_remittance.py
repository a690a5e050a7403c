#!/usr/bin/env python3
"""An Amazon remittance of 5,000 invoices and its deductions in a real Odoo 18: ACORN's posting beside Odoo's bare one.

    python3 bench/bench_remittance.py --invoices 5000 --deductions 300

Creates a fresh database ``acorn_bench_remittance_<pid>`` with the add-on installed (no demo
data), one vendor account (vendor code ACME1, simulator environment on a closed port: nothing
is called) whose remittance journal and accounts are set up beforehand, and N open customer
invoices to the Amazon partner (posted ``out_invoice``\\ s of one untaxed line, created by the
ORM in batches, committed). Amazon's payment of them is one remittance of N + D lines, as the
Vendor Central file gives it:

* one line per invoice (invoice number = the move's name), paid in full; one in 5 with a 2 %
  terms discount taken (Amazon pays the rest; the invoice's terms carry no early discount, so
  the discount is booked beside it);
* D deductions: 6 in 10 shortage claims ``<invoice>SC`` ("Shortage Claim") on distinct
  invoices, 2 in 10 chargebacks ``<n>VCBSINV``, 2 in 10 co-op deductions ``6268-14900261NN``
  (a number every 100, so some agreements come in two slices);
* the payment's amount is the sum of the lines' amounts paid, in the company's currency.

Passes, each in the same committed database and rolled back after it (every pass sees the same
open invoices and tables):

* warm-up: both paths below on 40 other invoices, untimed (ORM caches, imports);
* ACORN: ``env["amazon.vendor.remittance"]._amazon_vendor_create_from(account, payment, lines,
  "file")`` (create) then ``remittance._amazon_vendor_post()`` (post: classify and match the
  lines, claims, the entry, its posting, the reconciliation, the claims' deadlines), caches
  cold, each followed by a flush; time and SQL queries of each and of both;
* bare: the same reconciliation with Odoo's primitives alone, knowing each line's kind: the
  invoices searched by name, one ``account.move`` (entry) with a receivable credit per invoice
  (its gross: paid + discount), a debit per discount and per deduction (to the accounts ACORN
  uses) and the bank debit to the journal's outstanding receipts, ``action_post()``, then
  ``account.move.line._reconcile_plan([credit_i | receivable_i, ...])``; time and queries of
  the whole;
* memory: both again under ``tracemalloc`` (Python allocations only; slowed down by tracing,
  hence passes of their own).

Each measured pass is checked: every invoice ``paid`` (with an amount residual of zero), the
entry posted and balanced, its outstanding-receipts line equal to Amazon's payment, for ACORN
the remittance posted without problems, its N + D lines and the claims expected. Anything
wrong stops the bench with ``FAILED``. Queries are counted by ``odoo.sql_db.sql_counter``
(every cursor). The database is dropped unless ``--keep-db``.
"""

import argparse
import gc
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _odoo import Counter, Traced, bootstrap, create_database, drop_database  # noqa: E402

import odoo  # noqa: E402
from odoo import SUPERUSER_ID, Command, api, fields  # noqa: E402

MODULE = "acorn_amazon_vendor"
VENDOR_CODE = "ACME1"
WARM_INVOICES = 40
BATCH = 500  # invoices per ORM create
DISCOUNT_EVERY = 5  # one invoice in 5 paid with a terms discount
DISCOUNT_RATE = 0.02
KINDS = 10  # deduction d is of kind d % 10: shortage below 6, chargeback below 8, co-op above
SHORTAGE, CHARGEBACK = 6, 8
INVOICE_AGE = timedelta(days=35)
ANALYSED = ("account_move", "account_move_line", "account_partial_reconcile", "res_partner")


# ---------------------------------------------------------------------- the plan of the remittance


def invoice_amount(index):
    """80.00 to 1,979.99, every cent pattern: no two neighbours alike."""
    return round(80 + (index * 7919) % 1900 + (index % 100) / 100, 2)


@dataclass
class Line:
    """One remittance line as planned: Amazon's number and description, what it pays, its kind."""

    number: str
    description: str
    paid: float
    discount: float
    kind: str  # invoice | shortage | chargeback | coop
    invoice: int | None = None  # index of the invoice it pays (invoice lines only)


def plan_lines(names, deductions):
    """The lines of a remittance paying the invoices ``names`` (in order) and taking ``deductions``."""
    lines = []
    for index, name in enumerate(names):
        total = invoice_amount(index)
        discount = round(total * DISCOUNT_RATE, 2) if index % DISCOUNT_EVERY == 0 else 0.0
        lines.append(Line(name, "Invoice", round(total - discount, 2), discount, "invoice", index))
    step = max(len(names) // max(deductions, 1), 1)
    for number in range(deductions):
        kind = number % KINDS
        if kind < SHORTAGE:
            target = names[(number * step) % len(names)]
            lines.append(Line(f"{target}SC", "Shortage Claim", -(3.5 + number % 37), 0.0, "shortage"))
        elif kind < CHARGEBACK:
            lines.append(
                Line(f"{1520586000 + number}VCBSINV", "PO on-time accuracy", -(15.0 + number % 20), 0.0, "chargeback")
            )
        else:
            lines.append(Line(f"6268-14900261{number % 100:02d}", "Co-op", -(120.25 + number % 80), 0.0, "coop"))
    return lines


def expected_claims(lines):
    return len({(line.number, line.kind) for line in lines if line.kind != "invoice"})


# ---------------------------------------------------------------------- Odoo


class Bench:
    def __init__(self, env, args):
        self.env = env
        self.args = args
        self.today = fields.Date.context_today(env["res.partner"])
        self.company = env.company
        self.currency = self.company.currency_id
        warehouse = env["stock.warehouse"].search([("company_id", "=", self.company.id)], limit=1)
        self.amazon = env["res.partner"].create({"name": "Amazon.com Services LLC", "is_company": True})
        self.product = env["product.product"].create(
            {"name": "Espresso beans (case)", "type": "consu", "list_price": 100.0, "taxes_id": [Command.clear()]}
        )
        self.account = env["amazon.vendor.account"].create(
            {
                "name": "Remittance bench",
                "environment": "simulator",
                "endpoint_url": "http://127.0.0.1:9",
                "lwa_client_id": "acorn-bench-client",
                "lwa_client_secret": "acorn-bench-secret",
                "lwa_refresh_token": "acorn-bench-refresh",
                "vendor_code_ids": [
                    Command.create({"name": VENDOR_CODE, "warehouse_id": warehouse.id, "partner_id": self.amazon.id})
                ],
            }
        )
        # Configured once, as a first import would: both paths book to the same accounts.
        self.accounts = self.account._amazon_vendor_remittance_accounts()
        self.payments = 0
        env.cr.commit()

    # ------------------------------------------------------------------ set-up

    def invoices(self, count):
        """``count`` posted customer invoices to Amazon, committed. :return: their names, in order"""
        env = self.env(context=dict(self.env.context, tracking_disable=True, mail_create_nolog=True))
        names = []
        for first in range(0, count, BATCH):
            moves = env["account.move"].create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": self.amazon.id,
                        "invoice_date": self.today - INVOICE_AGE,
                        "currency_id": self.currency.id,
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "product_id": self.product.id,
                                    "quantity": 1,
                                    "price_unit": invoice_amount(index),
                                    "tax_ids": [Command.clear()],
                                }
                            )
                        ],
                    }
                    for index in range(first, min(first + BATCH, count))
                ]
            )
            moves.action_post()
            names += moves.mapped("name")
            env.cr.commit()
            env.invalidate_all()
        for table in ANALYSED:
            env.cr.execute(f"ANALYZE {table}")
        env.cr.commit()
        return names

    def check_open(self, lines):
        """Every invoice of ``lines`` still open: the previous pass was rolled back."""
        names = [line.number for line in lines if line.kind == "invoice"]
        open_count = self.env["account.move"].search_count(
            [("name", "in", names), ("move_type", "=", "out_invoice"), ("payment_state", "=", "not_paid")]
        )
        if open_count != len(names):
            raise SystemExit(f"FAILED: {open_count} of {len(names)} invoices open before the pass")

    def payment(self, lines):
        self.check_open(lines)
        self.payments += 1
        amount = self.currency.round(sum(line.paid for line in lines))
        return {
            "payment_number": f"BENCH{self.payments:05d}",
            "payment_date": self.today,
            "payment_currency": self.currency.name,
            "invoice_currency": self.currency.name,
            "amount": amount,
            "amount_invoice_currency": amount,
        }

    def cold(self):
        self.env.invalidate_all()
        gc.collect()

    def rollback(self):
        self.env.cr.rollback()
        self.env.invalidate_all()

    # ------------------------------------------------------------------ ACORN

    def acorn(self, lines, trace=False):
        """Create and post the remittance as ACORN does. :return: (create, post) Counters"""
        payment = self.payment(lines)
        amazon_lines = [
            {
                "invoice_number": line.number,
                "invoice_date": self.today - INVOICE_AGE,
                "description": line.description,
                "invoice_amount": round(line.paid + line.discount, 2),
                "discount": line.discount,
                "withholding": 0.0,
                "amount_paid": line.paid,
            }
            for line in lines
        ]
        Remittance = self.env["amazon.vendor.remittance"]
        self.cold()
        with Traced(trace) as traced:
            with Counter() as create:
                remittance, created = Remittance._amazon_vendor_create_from(self.account, payment, amazon_lines, "file")
                self.env.flush_all()
            with Counter() as post:
                remittance._amazon_vendor_post()
                self.env.flush_all()
        post.peak = traced.peak
        self.check_acorn(remittance, created, payment, lines)
        return create, post

    def check_acorn(self, remittance, created, payment, lines):
        self.env.invalidate_all()
        problems = []
        if not created:
            problems.append("the payment was already there")
        if remittance.state != "posted" or remittance.problems:
            problems.append(f"remittance {remittance.state}: {remittance.problems}")
        if remittance.line_count != len(lines):
            problems.append(f"{remittance.line_count} remittance lines instead of {len(lines)}")
        claims = len(remittance.line_ids.claim_id)
        if claims != expected_claims(lines):
            problems.append(f"{claims} claims instead of {expected_claims(lines)}")
        problems += self.check_entry(remittance.move_id, payment, lines)
        if problems:
            raise SystemExit("FAILED: ACORN:\n  " + "\n  ".join(problems))

    # ------------------------------------------------------------------ bare Odoo

    def bare(self, lines, trace=False):
        """The same reconciliation with Odoo's primitives. :return: Counter (with the entry)"""
        payment = self.payment(lines)
        self.cold()
        with Traced(trace) as traced, Counter() as counter:
            counter.move = self.bare_reconcile(payment, lines)
            self.env.flush_all()
        counter.peak = traced.peak
        self.env.invalidate_all()
        problems = self.check_entry(counter.move, payment, lines)
        if problems:
            raise SystemExit("FAILED: bare:\n  " + "\n  ".join(problems))
        return counter

    def bare_reconcile(self, payment, lines):
        env, accounts, currency = self.env, self.accounts, self.currency
        Move = env["account.move"]
        invoices = Move.search(
            [
                ("name", "in", [line.number for line in lines if line.kind == "invoice"]),
                ("company_id", "=", self.company.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
            ]
        )
        by_name = {invoice.name: invoice for invoice in invoices}
        deduction_accounts = {
            "shortage": accounts["claim"],
            "chargeback": accounts["chargeback"],
            "coop": accounts["coop"],
        }

        def item(account, amount, label, partner=None):
            return {
                "account_id": account.id,
                "name": label,
                "partner_id": (partner or self.amazon).id,
                "currency_id": currency.id,
                "amount_currency": amount,
                "balance": amount,
            }

        items = [item(accounts["outstanding"], payment["amount"], f"Amazon payment {payment['payment_number']}")]
        receivables = {}  # index of the credit in items: the invoice's receivable line
        for line in lines:
            if line.kind == "invoice":
                invoice = by_name[line.number]
                receivable = invoice.line_ids.filtered(lambda aml: aml.account_id.account_type == "asset_receivable")
                receivables[len(items)] = receivable
                gross = currency.round(line.paid + line.discount)
                items.append(item(receivable.account_id, -gross, line.number, invoice.commercial_partner_id))
                if line.discount:
                    items.append(item(accounts["discount"], line.discount, f"{line.number} - Terms discount"))
            else:
                items.append(item(deduction_accounts[line.kind], -line.paid, f"{line.number} - {line.description}"))
        move = Move.create(
            {
                "move_type": "entry",
                "journal_id": accounts["journal"].id,
                "date": payment["payment_date"],
                "ref": f"Amazon payment {payment['payment_number']}",
                "line_ids": [Command.create(vals) for vals in items],
            }
        )
        move.action_post()
        amls = move.line_ids.sorted("id")
        env["account.move.line"]._reconcile_plan(
            [amls[index] | receivable for index, receivable in receivables.items()]
        )
        return move

    # ------------------------------------------------------------------ checks

    def check_entry(self, move, payment, lines):
        """Every invoice paid, the entry posted and balanced, its bank line Amazon's payment."""
        problems = []
        names = [line.number for line in lines if line.kind == "invoice"]
        invoices = self.env["account.move"].search([("name", "in", names), ("move_type", "=", "out_invoice")])
        unpaid = invoices.filtered(
            lambda inv: inv.payment_state != "paid" or not self.currency.is_zero(inv.amount_residual)
        )
        if len(invoices) != len(names) or unpaid:
            problems.append(
                f"{len(invoices)} invoices found of {len(names)}, {len(unpaid)} not paid "
                f"({', '.join(sorted(set(unpaid.mapped('payment_state'))))})"
            )
        if move.state != "posted" or not self.currency.is_zero(sum(move.line_ids.mapped("balance"))):
            problems.append(f"entry {move.name} {move.state}, unbalanced by {sum(move.line_ids.mapped('balance'))}")
        bank = move.line_ids.filtered(lambda aml: aml.account_id == self.accounts["outstanding"])
        if len(bank) != 1 or self.currency.compare_amounts(bank.balance, payment["amount"]):
            problems.append(f"outstanding receipts {bank.mapped('balance')} instead of {payment['amount']}")
        return problems


# ---------------------------------------------------------------------- main


def ratio(numerator, denominator):
    return numerator / denominator if denominator else float("inf")


def report(env, args, lines, create, post, bare, traced_acorn, traced_bare, setup_seconds):
    invoices = sum(line.kind == "invoice" for line in lines)
    deductions = len(lines) - invoices
    acorn_seconds, acorn_queries = create.seconds + post.seconds, create.queries + post.queries
    print(
        f"\nAmazon remittance of {len(lines)} lines ({invoices} invoices, {deductions} deductions, "
        f"{expected_claims(lines)} claims), Odoo {odoo.release.version}, database {env.cr.dbname}"
    )
    print(
        f"  {sum(line.discount > 0 for line in lines)} terms discounts; payment "
        f"{sum(line.paid for line in lines):,.2f} {env.company.currency_id.name}; "
        f"invoices created in {setup_seconds:.0f}s"
    )
    print(f"  {'':58} {'time':>8} {'queries':>8}")
    for title, counter in (
        ("ACORN create  _amazon_vendor_create_from", create),
        ("ACORN post    _amazon_vendor_post", post),
    ):
        print(f"  {title:58} {counter.seconds:7.2f}s {counter.queries:8d}")
    print(f"  {'ACORN total':58} {acorn_seconds:7.2f}s {acorn_queries:8d}")
    print(f"  {'bare          one entry, action_post, _reconcile_plan':58} {bare.seconds:7.2f}s {bare.queries:8d}")
    time_ratio, query_ratio = ratio(acorn_seconds, bare.seconds), ratio(acorn_queries, bare.queries)
    print(f"  ACORN/bare: {time_ratio:.2f}x time, {query_ratio:.2f}x queries")
    print(
        f"  per line: ACORN {acorn_seconds / len(lines) * 1000:.2f} ms and {acorn_queries / len(lines):.2f} queries, "
        f"bare {bare.seconds / len(lines) * 1000:.2f} ms and {bare.queries / len(lines):.2f} queries"
    )
    print(
        f"  peak memory: ACORN {traced_acorn.peak / 1e6:.1f} MB, bare {traced_bare.peak / 1e6:.1f} MB "
        f"(tracemalloc, passes of their own: {traced_acorn.seconds:.1f}s and {traced_bare.seconds:.1f}s traced)"
    )
    print(
        f"RESULT lines={len(lines)} invoices={invoices} deductions={deductions} create_s={create.seconds:.3f} "
        f"create_queries={create.queries} post_s={post.seconds:.3f} post_queries={post.queries} "
        f"acorn_s={acorn_seconds:.3f} acorn_queries={acorn_queries} bare_s={bare.seconds:.3f} "
        f"bare_queries={bare.queries} ratio={time_ratio:.2f} query_ratio={query_ratio:.2f} "
        f"peak_mem_mb={traced_acorn.peak / 1e6:.1f} bare_peak_mem_mb={traced_bare.peak / 1e6:.1f} "
        f"setup_s={setup_seconds:.1f}"
    )


def run(env, args):
    bench = Bench(env, args)
    print(f"  creating {WARM_INVOICES} + {args.invoices} invoices", flush=True)
    with Counter() as setup:
        warm_names = bench.invoices(WARM_INVOICES)
        names = bench.invoices(args.invoices)
    print(f"  invoices created in {setup.seconds:.0f}s", flush=True)
    warm = plan_lines(warm_names, 5)
    bench.acorn(warm)
    bench.rollback()
    bench.bare(warm)
    bench.rollback()
    lines = plan_lines(names, args.deductions)
    print(f"  ACORN: {len(lines)} lines", flush=True)
    create, post = bench.acorn(lines)
    bench.rollback()
    print(f"  ACORN: {create.seconds + post.seconds:.1f}s; bare", flush=True)
    bare = bench.bare(lines)
    bench.rollback()
    print(f"  bare: {bare.seconds:.1f}s; tracemalloc passes", flush=True)
    traced_create, traced_acorn = bench.acorn(lines, trace=True)
    traced_acorn.seconds += traced_create.seconds
    bench.rollback()
    traced_bare = bench.bare(lines, trace=True)
    bench.rollback()
    report(env, args, lines, create, post, bare, traced_acorn, traced_bare, setup.seconds)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--invoices", type=int, default=5000)
    parser.add_argument("--deductions", type=int, default=300)
    parser.add_argument("--db-host", default="127.0.0.1")
    parser.add_argument("--db-port", type=int, default=5432)
    parser.add_argument("--db-user", default="odoo")
    parser.add_argument("--keep-db", action="store_true", help="leave the database (and say its name)")
    args = parser.parse_args()
    if args.invoices < 1 or not 0 <= args.deductions <= args.invoices:
        parser.error("--invoices must be at least 1, --deductions between 0 and --invoices")

    data_dir = tempfile.mkdtemp(prefix="acorn-bench-remittance-")
    bootstrap(args, data_dir)
    name = f"acorn_bench_remittance_{os.getpid()}"
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
