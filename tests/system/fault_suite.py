#!/usr/bin/env python3
"""ACORN's fault suite: a real Odoo server, its scheduler, the SP-API simulator, and Amazon
misbehaving. ``./run-tests`` runs it after the Odoo suite; alone:

    python3 tests/system/fault_suite.py --odoo-dir /opt/odoo18 --workdir /tmp/x -- --db_host ... --db_port ...

It installs the add-on in a scratch database, starts ``odoo`` as a server with one cron
worker, and drives it as users do (JSON-RPC on its HTTP port) and as the scheduler does
(a due cron and a ``cron_trigger`` notification, so Odoo's own cron thread runs it with real
commits). Each scenario prints a row; the suite fails unless every row shows 0 duplicated,
0 lost and as many submissions held by Amazon as expected.

The only liberties taken with time: the submission schedule (``next_check_at``) is brought
forward instead of waiting minutes between checks, and Amazon's settling grace is 6 seconds
(the simulator settles at once).
"""

import argparse
import importlib.util
import itertools
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg2
import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from spapi_simulator import Simulator  # noqa: E402

MODULE = "acorn_amazon_vendor"
PASSWORD = "acorn-system"
CREDENTIALS = {
    "lwa_client_id": "acorn-sim-client",
    "lwa_client_secret": "acorn-sim-secret",
    "lwa_refresh_token": "acorn-sim-refresh",
}
PRODUCT_BARCODES = [f"40063813{n:05d}" for n in range(8)]
ACK = "submitAcknowledgement"
CRONS = {
    "import": f"{MODULE}.ir_cron_import_purchase_orders",
    "check": f"{MODULE}.ir_cron_check_transactions",
    "status": f"{MODULE}.ir_cron_sync_po_status",
    "payments": f"{MODULE}.ir_cron_fetch_remittances",
    "post_payments": f"{MODULE}.ir_cron_post_remittances",
    "reports": f"{MODULE}.ir_cron_fetch_reports_daily",
    "forecast": f"{MODULE}.ir_cron_fetch_forecast_weekly",
}


def _load_make_po():
    # By path: importing the add-on's tests package would import Odoo's test framework.
    path = ROOT / MODULE / "tests" / "amazon_orders.py"
    spec = importlib.util.spec_from_file_location("acorn_amazon_orders", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_po


make_po = _load_make_po()


def say(message):
    print(f"[system] {message}", flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RpcError(Exception):
    """An error Odoo answered a JSON-RPC call with (a UserError, an AccessError...)."""


# ---------------------------------------------------------------------- Odoo


class OdooServer:
    """One Odoo 18 server process on a scratch database, with a single cron worker."""

    def __init__(self, args, db_name):
        self.args = args
        self.db_name = db_name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.uids = {}
        self.log_path = Path(args.workdir) / "odoo-server.log"
        self.env = dict(os.environ)
        if args.extra_path:
            self.env["PYTHONPATH"] = os.pathsep.join(filter(None, [args.extra_path, self.env.get("PYTHONPATH")]))

    def command(self, *extra):
        return [
            sys.executable,
            "-m",
            "odoo",
            "--addons-path",
            f"{self.args.odoo_dir}/odoo/addons,{ROOT}",
            "--data-dir",
            str(Path(self.args.workdir) / "filestore"),
            "-d",
            self.db_name,
            *self.args.db_options,
            *extra,
        ]

    def install(self):
        say(f"installing {MODULE} in {self.db_name}")
        with open(Path(self.args.workdir) / "odoo-install.log", "w") as log:
            subprocess.run(
                self.command("-i", MODULE, "--without-demo=all", "--stop-after-init", "--http-port", str(self.port)),
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                check=True,
            )

    def start(self):
        log = open(self.log_path, "a")  # noqa: SIM115 - kept open for the life of the process
        self.process = subprocess.Popen(
            self.command(
                "--db-filter",
                f"^{self.db_name}$",
                "--http-port",
                str(self.port),
                "--max-cron-threads",
                "1",
                "--log-level",
                "info",
            ),
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Odoo exited with {self.process.returncode}; see {self.log_path}")
            try:
                requests.post(f"{self.url}/web/webclient/version_info", json={"params": {}}, timeout=2)
                self.uids.clear()
                return
            except requests.RequestException:
                time.sleep(0.3)
        raise RuntimeError("Odoo did not answer within 120 s")

    def kill(self):
        """SIGKILL: no cleanup, no commit, connections dropped as a crash drops them."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def rpc(self, service, method, *args, timeout=600):
        body = {"jsonrpc": "2.0", "method": "call", "params": {"service": service, "method": method, "args": args}}
        answer = requests.post(f"{self.url}/jsonrpc", json=body, timeout=timeout).json()
        if "error" in answer:
            data = answer["error"].get("data") or {}
            raise RpcError(data.get("message") or answer["error"].get("message"))
        return answer["result"]

    def call(self, model, method, *args, login="admin", **kwargs):
        password = "admin" if login == "admin" else PASSWORD
        if login not in self.uids:
            self.uids[login] = self.rpc("common", "login", self.db_name, login, password)
        return self.rpc("object", "execute_kw", self.db_name, self.uids[login], password, model, method, args, kwargs)

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        [data] = self.call("ir.model.data", "search_read", [("module", "=", module), ("name", "=", name)], ["res_id"])
        return data["res_id"]


class Database:
    """The driver's own connection: counts, and what the scheduler needs to be woken up."""

    def __init__(self, args, db_name):
        self.params = dict(dbname=db_name)
        options = dict(zip(args.db_options[::2], args.db_options[1::2]))
        for option, key in (
            ("--db_host", "host"),
            ("--db_port", "port"),
            ("--db_user", "user"),
            ("--db_password", "password"),
        ):
            if option in options:
                self.params[key] = options[option]

    def query(self, sql, params=(), dbname=None):
        connection = psycopg2.connect(**dict(self.params, **({"dbname": dbname} if dbname else {})))
        try:
            connection.autocommit = True
            with connection.cursor() as cr:
                cr.execute(sql, params)
                return cr.fetchall() if cr.description else None
        finally:
            connection.close()

    def value(self, sql, params=()):
        return self.query(sql, params)[0][0]


# ---------------------------------------------------------------------- the suite


class Suite:
    def __init__(self, args):
        self.args = args
        self.db_name = f"acorn_system_{os.getpid()}"
        self.odoo = OdooServer(args, self.db_name)
        self.db = Database(args, self.db_name)
        self.sim = Simulator(models_dir=self._models_dir())
        self.sim_url = self.sim.start(host="127.0.0.1", port=0)
        self.rows, self.notes = [], []
        self.numbers = itertools.count(1)
        self.accounts = {}

    @staticmethod
    def _models_dir():
        folder = Path(os.environ.get("ACORN_SPAPI_MODELS", ROOT.parent / "shared" / "spapi-models"))
        return folder if (folder / "models").is_dir() else None

    # ---- set-up ------------------------------------------------------------------------------

    def set_up(self):
        self.odoo.install()
        self.odoo.start()
        call = self.odoo.call
        call("res.currency", "write", [self.odoo.ref("base.USD")], {"active": True})
        call("ir.config_parameter", "set_param", "acorn_amazon_vendor.spapi_timeout", "2")
        call("ir.config_parameter", "set_param", "acorn_amazon_vendor.submission_grace_minutes", "0.1")
        call(
            "product.product",
            "create",
            [
                {"name": f"System product {n}", "barcode": code, "list_price": 20}
                for n, code in enumerate(PRODUCT_BARCODES)
            ],
        )
        user_group = self.odoo.ref(f"{MODULE}.group_amazon_vendor_user")
        for login in ("amazon_ann", "amazon_bob"):
            call(
                "res.users",
                "create",
                {"name": login, "login": login, "password": PASSWORD, "groups_id": [(6, 0, [user_group])]},
            )
        # The scenarios decide when the scheduler runs ACORN's crons.
        self.crons = {key: self.odoo.ref(xmlid) for key, xmlid in CRONS.items()}
        call("ir.cron", "write", list(self.crons.values()), {"active": False})

    def account(self, name):
        """A vendor account of its own for a scenario, the only active one while it runs."""
        account_id = self.odoo.call(
            "amazon.vendor.account",
            "create",
            dict(
                CREDENTIALS,
                name=name,
                environment="simulator",
                endpoint_url=self.sim_url,
                vendor_code_ids=[(0, 0, {"name": "ACME1"})],
            ),
        )
        self.accounts[name] = account_id
        return account_id

    def only_active(self, *account_ids):
        call = self.odoo.call
        others = call("amazon.vendor.account", "search", [("id", "not in", list(account_ids))])
        call("amazon.vendor.account", "write", others, {"active": False})
        call("amazon.vendor.account", "write", list(account_ids), {"active": True})

    def load_pos(self, count, lines=1):
        """``count`` new POs in the simulator; :return: their numbers."""
        now = datetime.now(timezone.utc)
        orders = []
        for _index in range(count):
            number = f"2SYS{next(self.numbers):05d}"
            items = [{"ref": PRODUCT_BARCODES[(len(orders) + n) % len(PRODUCT_BARCODES)]} for n in range(lines)]
            orders.append(make_po(number, items, when=now - timedelta(minutes=30)))
        self.sim.add_purchase_orders(orders)
        return [order["purchaseOrderNumber"] for order in orders]

    # ---- the scheduler -------------------------------------------------------------------------

    def run_cron(self, key, timeout=240, wait=True):
        """Make the cron due and wake Odoo's cron worker, then wait until it is rescheduled."""
        cron_id = self.crons[key]
        self.db.query(
            "UPDATE ir_cron SET active = true, nextcall = (now() AT TIME ZONE 'UTC') - interval '1 second' "
            "WHERE id = %s",
            (cron_id,),
        )
        self.db.query("SELECT pg_notify('cron_trigger', %s)", (self.db_name,), dbname="postgres")
        if wait:
            self.wait_for_cron(key, timeout)

    def wait_for_cron(self, key, timeout=240):
        cron_id = self.crons[key]
        deadline = time.monotonic() + timeout
        notified = time.monotonic()
        while time.monotonic() < deadline:
            if self.db.value("SELECT nextcall > now() AT TIME ZONE 'UTC' FROM ir_cron WHERE id = %s", (cron_id,)):
                self.db.query("UPDATE ir_cron SET active = false WHERE id = %s", (cron_id,))
                return
            if time.monotonic() - notified > 2:
                # A worker that was (re)starting may have missed the first notification.
                self.db.query("SELECT pg_notify('cron_trigger', %s)", (self.db_name,), dbname="postgres")
                notified = time.monotonic()
            time.sleep(0.2)
        raise RuntimeError(f"the {key} cron did not finish within {timeout} s")

    def settle_submissions(self, account_id, timeout=180):
        """Run the submission cron until every submission of the account has a final state."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            open_count = self.db.value(
                "SELECT count(*) FROM amazon_vendor_transaction "
                "WHERE account_id = %s AND state NOT IN ('done', 'error')",
                (account_id,),
            )
            if not open_count:
                return
            # The check schedule (1, 5, 15 minutes) is brought forward; Amazon's verdicts are not.
            self.db.query(
                "UPDATE amazon_vendor_transaction "
                "SET next_check_at = date_trunc('second', now() AT TIME ZONE 'UTC') - interval '1 second' "
                "WHERE account_id = %s AND state IN ('draft', 'submitted', 'processing', 'unknown')",
                (account_id,),
            )
            self.run_cron("check")
            time.sleep(1)
        raise RuntimeError("submissions did not settle")

    # ---- users ---------------------------------------------------------------------------------

    def order_ids(self, account_id, numbers):
        return self.odoo.call(
            "sale.order",
            "search",
            [("amazon_vendor_account_id", "=", account_id), ("amazon_vendor_po_number", "in", numbers)],
        )

    def acknowledge(self, order_ids, login="amazon_ann"):
        """Press Acknowledge (then Send) as ``login``; :return: the notification or the error text."""
        try:
            return self.odoo.call("sale.order", "action_amazon_vendor_acknowledge", order_ids, login=login)
        except RpcError as error:
            return str(error)

    # ---- the table -----------------------------------------------------------------------------

    def measure(self, scenario, account_ids, numbers, acknowledged=()):
        """One row of the table: what Odoo holds and what Amazon holds for these POs."""
        rows = self.db.query(
            "SELECT amazon_vendor_account_id, amazon_vendor_po_number, amazon_vendor_ack_state FROM sale_order "
            "WHERE amazon_vendor_account_id IN %s AND amazon_vendor_po_number IN %s",
            (tuple(account_ids), tuple(numbers)),
        )
        distinct = {(account, number) for account, number, _state in rows}
        expected_pos = len(account_ids) * len(numbers)
        held = [
            ack["purchaseOrderNumber"]
            for submission in self.sim.submissions(ACK)
            if submission["valid"]
            for ack in submission["body"]["acknowledgements"]
            if ack["purchaseOrderNumber"] in set(acknowledged)
        ]
        accepted = {number for _account, number, state in rows if number in set(acknowledged) and state == "accepted"}
        lost = (expected_pos - len(distinct)) + len(set(acknowledged) - set(held)) + len(set(acknowledged) - accepted)
        row = {
            "scenario": scenario,
            "pos_expected": expected_pos,
            "imported": len(distinct),
            "duplicated": len(rows) - len(distinct),
            "submissions_expected": len(acknowledged),
            "sent": len(held),
            "lost": lost,
        }
        row["ok"] = row["duplicated"] == 0 and row["lost"] == 0 and row["sent"] == row["submissions_expected"]
        self.rows.append(row)
        say(f"{scenario}: {row}")
        return row

    def print_table(self):
        headers = (
            "scenario",
            "POs or payments expected",
            "imported",
            "duplicated",
            "submissions expected",
            "sent to Amazon",
            "lost",
        )
        keys = ("scenario", "pos_expected", "imported", "duplicated", "submissions_expected", "sent", "lost")
        widths = [max(len(h), *(len(str(r[k])) for r in self.rows)) for h, k in zip(headers, keys)]
        line = " | ".join(h.ljust(w) for h, w in zip(headers, widths))
        print("\n" + line + " | result\n" + "-" * (len(line) + 9))
        for row in self.rows:
            cells = " | ".join(str(row[k]).ljust(w) for k, w in zip(keys, widths))
            print(f"{cells} | {'ok' if row['ok'] else 'FAILED'}")
        for note in self.notes:
            print(f"  note: {note}")
        print(flush=True)

    # ---- scenarios ----------------------------------------------------------------------------

    def scenario(self, name, method):
        self.sim.reset()
        try:
            method(name)
        except Exception as error:  # noqa: BLE001 - a broken scenario is a failed row, the others still run
            say(f"{name}: {type(error).__name__}: {error}")
            self.rows.append(
                dict(
                    scenario=name,
                    pos_expected="?",
                    imported="?",
                    duplicated="?",
                    submissions_expected="?",
                    sent="?",
                    lost="?",
                    ok=False,
                )
            )
        finally:
            self.sim.configure(faults=[])

    def several_accounts(self, name):
        accounts = [self.account(f"{name} {n}") for n in range(3)]
        self.only_active(*accounts)
        numbers = self.load_pos(20, lines=2)
        started = self.db.value("SELECT date_trunc('second', now() AT TIME ZONE 'UTC')")
        self.run_cron("import")
        cursors = self.db.query(
            "SELECT count(*) FROM amazon_vendor_account WHERE id IN %s AND po_created_cursor >= %s "
            "AND po_next_import_at > %s",
            (tuple(accounts), started, started),
        )[0][0]
        if cursors != len(accounts):
            self.notes.append(f"{name}: only {cursors} of {len(accounts)} cursors advanced")
            numbers = numbers + ["cursor-not-advanced"]
        self.measure(name, accounts, numbers)

    def acknowledged_under_faults(self, name, count, faults, import_faults=()):
        """Import ``count`` POs (under ``import_faults``), then acknowledge them all under ``faults``."""
        account = self.account(name)
        self.only_active(account)
        numbers = self.load_pos(count)
        self.sim.configure(faults=list(import_faults))
        self.run_cron("import")
        self.sim.configure(faults=list(faults))
        self.acknowledge(self.order_ids(account, numbers))
        self.settle_submissions(account)
        self.measure(name, [account], numbers, acknowledged=numbers)

    def storm_429(self, name):
        self.acknowledged_under_faults(
            name,
            30,
            faults=[
                {"operation": ACK, "status": 429, "count": 14},
                {"operation": "getTransaction", "status": 429, "count": 6},
            ],
            import_faults=[{"operation": "getPurchaseOrders", "status": 429, "count": 4}],
        )

    def bursts_5xx(self, name):
        self.acknowledged_under_faults(
            name,
            20,
            faults=[
                {"operation": ACK, "status": 500, "processed": True, "count": 3},
                {"operation": ACK, "status": 503, "count": 3},
                {"operation": "getTransaction", "status": 500, "count": 2},
            ],
            import_faults=[{"operation": "getPurchaseOrders", "status": 503, "count": 3}],
        )

    def answer_after_timeout(self, name):
        # The client waits 2 s; Amazon answers after 3.5 s, having taken the acknowledgement.
        self.acknowledged_under_faults(name, 8, faults=[{"operation": ACK, "delay": 3.5, "count": 3}])

    def unreadable_answer(self, name):
        self.acknowledged_under_faults(name, 8, faults=[{"operation": ACK, "malformed": True, "count": 4}])

    def killed_mid_batch(self, name):
        account = self.account(name)
        self.only_active(account)
        numbers = self.load_pos(300)
        self.run_cron("import", wait=False)
        deadline = time.monotonic() + 180
        imported = 0
        while time.monotonic() < deadline:
            imported = self.db.value("SELECT count(*) FROM sale_order WHERE amazon_vendor_account_id = %s", (account,))
            if 0 < imported < len(numbers):
                break
            time.sleep(0.05)
        self.odoo.kill()
        at_kill = self.db.value("SELECT count(*) FROM sale_order WHERE amazon_vendor_account_id = %s", (account,))
        self.notes.append(f"{name}: Odoo killed (SIGKILL) with {at_kill} of {len(numbers)} POs committed")
        if not 0 < at_kill < len(numbers):
            numbers = numbers + ["not-killed-mid-batch"]
        self.odoo.start()
        # The interrupted run is still due: Odoo's scheduler picks it up again by itself.
        self.db.query("SELECT pg_notify('cron_trigger', %s)", (self.db_name,), dbname="postgres")
        self.wait_for_cron("import")
        self.measure(name, [account], numbers)

    def killed_mid_payments(self, name):
        """Amazon's payments read and posted by the daily cron, the worker killed half-way: every
        payment ends up once in Odoo, posted, and every invoice it pays is paid."""
        self.ensure_chart()
        account = self.account(name)
        self.only_active(account)
        payments, invoices = 40, 10
        partner = self.odoo.call("res.partner", "create", {"name": f"Amazon {name}", "is_company": True})
        moves = self.odoo.call(
            "account.move",
            "create",
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner,
                    "invoice_line_ids": [(0, 0, {"name": "Goods", "quantity": 1, "price_unit": 10.0 + n})],
                }
                for n in range(payments * invoices)
            ],
        )
        self.odoo.call("account.move", "action_post", moves)
        names = [m["name"] for m in self.odoo.call("account.move", "read", moves, ["name"])]
        when = datetime.now(timezone.utc) - timedelta(days=2)
        numbers = [f"SYS{next(self.numbers):06d}" for _index in range(payments)]
        remittances = []
        for index, number in enumerate(numbers):
            chunk = [(names[i], 10.0 + i) for i in range(index * invoices, (index + 1) * invoices)]
            total = round(sum(amount for _name, amount in chunk), 2)
            remittances.append(
                {
                    "uniquePaymentId": f"U{number}",
                    "paymentNumber": number,
                    "paymentDate": (when + timedelta(minutes=index)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "paymentAmount": {"currencyCode": "USD", "currencyAmount": total},
                    "remittanceStatus": "SUCCESSFUL",
                    "remittanceItems": [
                        {"invoiceNumber": invoice, "netAmountPaid": {"currencyCode": "USD", "currencyAmount": amount}}
                        for invoice, amount in chunk
                    ],
                }
            )
        self.sim.add_remittances(remittances)
        # Slow answers keep the run going long enough to be killed in the middle.
        self.sim.configure(faults=[{"operation": "getRemittance", "delay": 0.15, "count": payments}])
        self.run_cron("payments", wait=False)
        count = "SELECT count(*) FROM amazon_vendor_remittance WHERE account_id = %s"
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and not 0 < self.db.value(count, (account,)) < payments:
            time.sleep(0.05)
        self.odoo.kill()
        at_kill = self.db.value(count, (account,))
        self.notes.append(f"{name}: Odoo killed (SIGKILL) with {at_kill} of {payments} payments committed")
        expected = list(numbers) if 0 < at_kill < payments else [*numbers, "not-killed-mid-run"]
        self.sim.configure(faults=[])
        self.odoo.start()
        self.db.query("SELECT pg_notify('cron_trigger', %s)", (self.db_name,), dbname="postgres")
        self.wait_for_cron("payments")
        rows = self.db.query(
            "SELECT payment_number, state, move_id IS NOT NULL FROM amazon_vendor_remittance WHERE account_id = %s",
            (account,),
        )
        distinct = {number for number, _state, _move in rows}
        posted = {number for number, state, has_move in rows if state == "posted" and has_move}
        unpaid = self.db.value(
            "SELECT count(*) FROM account_move WHERE id IN %s AND payment_state != 'paid'", (tuple(moves),)
        )
        lost = len(set(expected) - posted) + (unpaid and 1)
        if unpaid:
            self.notes.append(f"{name}: {unpaid} invoice(s) not paid")
        row = {
            "scenario": name,
            "pos_expected": len(expected),
            "imported": len(distinct),
            "duplicated": len(rows) - len(distinct),
            "submissions_expected": 0,
            "sent": 0,
            "lost": lost,
        }
        row["ok"] = row["duplicated"] == 0 and lost == 0
        self.rows.append(row)
        say(f"{name}: {row}")

    def ensure_chart(self):
        """The scenarios that post journal entries need a chart of accounts and a bank journal."""
        company = self.odoo.ref("base.main_company")
        if not self.odoo.call("account.journal", "search", [("type", "=", "bank")]):
            self.odoo.call("account.chart.template", "try_loading", "generic_coa", company)

    def cron_and_import_now(self, name):
        account = self.account(name)
        self.only_active(account)
        numbers = self.load_pos(60)
        # Slow pages: whoever starts first still holds the account when the other arrives.
        self.sim.configure(faults=[{"operation": "getPurchaseOrders", "delay": 1.5, "count": 2}])
        self.run_cron("import", wait=False)
        time.sleep(0.7)
        answer = self.odoo.call("amazon.vendor.account", "action_import_purchase_orders", [account], login="amazon_ann")
        self.wait_for_cron("import")
        message = answer["params"]["message"]
        busy_now = "being imported right now" in message
        skipped_by_cron = not self.db.value(
            "SELECT po_next_import_at IS NOT NULL FROM amazon_vendor_account WHERE id = %s", (account,)
        )
        self.notes.append(
            f"{name}: Import Now answered: {message!r}; the scheduled run skipped the account: {skipped_by_cron}"
        )
        if not (busy_now or skipped_by_cron):
            numbers = numbers + ["no-overlap-observed"]
        # Whichever stood aside imports next time; nothing is imported twice.
        self.odoo.call("amazon.vendor.account", "action_import_purchase_orders", [account], login="amazon_ann")
        self.measure(name, [account], numbers)

    def two_users_at_once(self, name):
        account = self.account(name)
        self.only_active(account)
        numbers = self.load_pos(10)
        self.run_cron("import")
        orders = self.order_ids(account, numbers)
        # Both users' first calls find no access token: one worker refreshes it, the other reuses it.
        self.db.query("DELETE FROM amazon_vendor_access_token WHERE account_id = %s", (account,))
        lwa_before = self.db.value(
            "SELECT count(*) FROM amazon_vendor_audit_log WHERE account_id = %s AND operation = 'lwaToken'", (account,)
        )
        self.sim.configure(faults=[{"operation": ACK, "delay": 0.8, "count": 10}])
        answers = []

        def press(order_id, login):
            answers.append(self.acknowledge([order_id], login=login))

        threads = [
            threading.Thread(target=press, args=(order_id, login))
            for order_id in orders
            for login in ("amazon_ann", "amazon_bob")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.settle_submissions(account)
        lwa = self.db.value(
            "SELECT count(*) FROM amazon_vendor_audit_log WHERE account_id = %s AND operation = 'lwaToken'", (account,)
        )
        refused = sum(1 for answer in answers if isinstance(answer, str))
        self.notes.append(
            f"{name}: {refused} of {len(answers)} presses were told someone else sends; LWA calls: {lwa - lwa_before}"
        )
        if lwa - lwa_before != 1:
            numbers = numbers + ["token-refreshed-more-than-once"]
        self.measure(name, [account], numbers, acknowledged=numbers)

    SCENARIOS = (
        ("several accounts", "several_accounts"),
        ("429 storm", "storm_429"),
        ("5xx bursts", "bursts_5xx"),
        ("POST answered after timeout", "answer_after_timeout"),
        ("unreadable answer to a submission", "unreadable_answer"),
        ("SIGKILL mid import batch", "killed_mid_batch"),
        ("cron and Import Now at once", "cron_and_import_now"),
        ("two users acknowledge at once", "two_users_at_once"),
        ("SIGKILL mid payments run", "killed_mid_payments"),
    )

    def run(self):
        try:
            self.set_up()
            for name, method in self.SCENARIOS:
                say(f"scenario: {name}")
                self.scenario(name, getattr(self, method))
        finally:
            self.odoo.stop()
            self.sim.stop()
            self.db.query(f'DROP DATABASE IF EXISTS "{self.db_name}"', dbname="postgres")
        self.print_table()
        failed = sum(1 for row in self.rows if not row["ok"])
        passed = len(self.rows) - failed
        print(f"SYSTEM RESULT: {passed} passed, {failed} failed", flush=True)
        return 1 if failed or not passed else 0


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--odoo-dir", required=True, help="folder holding Odoo 18's odoo/ package")
    parser.add_argument("--extra-path", default=None, help="PYTHONPATH entry that makes odoo importable")
    parser.add_argument("--workdir", required=True)
    parser.add_argument("db_options", nargs=argparse.REMAINDER, help="Odoo's --db_* options, after --")
    args = parser.parse_args(argv)
    args.db_options = [option for option in args.db_options if option != "--"]
    return args


if __name__ == "__main__":
    sys.exit(Suite(parse_args()).run())
