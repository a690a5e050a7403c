"""Common base for ACORN's Odoo tests: a real SP-API simulator on 127.0.0.1.

The simulator is the repository's ``spapi_simulator`` package, run as a separate process
(the add-on never imports it). ``ACORN_SIMULATOR_URL`` points the tests at one already
running instead.
"""

import atexit
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from odoo.tests import TransactionCase, new_test_user

from .amazon_orders import make_po  # noqa: F401 - re-exported for the test modules

REPO_ROOT = Path(__file__).resolve().parents[2]
SIM_CLIENT_ID = "acorn-sim-client"
SIM_CLIENT_SECRET = "acorn-sim-secret"
SIM_REFRESH_TOKEN = "acorn-sim-refresh"

_simulator = {}


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url, process, deadline=20.0):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if process.poll() is not None:
            raise RuntimeError(f"The SP-API simulator exited with code {process.returncode}")
        try:
            requests.get(url + "/_simulator/config", timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise RuntimeError(f"The SP-API simulator did not answer on {url}")


def simulator_url():
    """URL of a running simulator, started once per test run (stopped at exit)."""
    if os.environ.get("ACORN_SIMULATOR_URL"):
        return os.environ["ACORN_SIMULATOR_URL"].rstrip("/")
    if "url" not in _simulator:
        port = _free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "spapi_simulator", "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        atexit.register(process.terminate)
        url = f"http://127.0.0.1:{port}"
        _wait_until_up(url, process)
        _simulator.update(url=url, process=process)
    return _simulator["url"]


class SimulatorMixin:
    """Control API of the simulator (see spapi_simulator/README.md)."""

    @classmethod
    def setup_simulator(cls):
        if not (REPO_ROOT / "spapi_simulator").is_dir() and not os.environ.get("ACORN_SIMULATOR_URL"):
            cls.skipTest(cls, "The SP-API simulator is not beside the add-on; set ACORN_SIMULATOR_URL")
        cls.sim_url = simulator_url()

    def sim_post(self, path, payload=None):
        response = requests.post(self.sim_url + path, json=payload, timeout=10)
        response.raise_for_status()
        return response.json()

    def sim_get(self, path, **params):
        response = requests.get(self.sim_url + path, params=params, timeout=10)
        response.raise_for_status()
        return response.json()

    def sim_reset(self, **config):
        self.sim_post("/_simulator/reset")
        if config:
            self.sim_post("/_simulator/config", config)


class AmazonVendorCommon(SimulatorMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_simulator()
        cls.company = cls.env.company
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.amazon_partner = cls.env["res.partner"].create({"name": "Amazon.com Services LLC", "is_company": True})
        cls.account = cls.env["amazon.vendor.account"].create(
            {
                "name": "ACME US",
                "environment": "simulator",
                "endpoint_url": cls.sim_url,
                "lwa_client_id": SIM_CLIENT_ID,
                "lwa_client_secret": SIM_CLIENT_SECRET,
                "lwa_refresh_token": SIM_REFRESH_TOKEN,
                "vendor_code_ids": [
                    (0, 0, {"name": "ACME1", "warehouse_id": cls.warehouse.id, "partner_id": cls.amazon_partner.id}),
                ],
            }
        )
        cls.manager = new_test_user(
            cls.env,
            login="amazon_manager",
            groups="acorn_amazon_vendor.group_amazon_vendor_manager",
        )
        cls.salesman = new_test_user(
            cls.env, login="amazon_user", groups="acorn_amazon_vendor.group_amazon_vendor_user"
        )

    def setUp(self):
        super().setUp()
        self.sim_reset()
        # No real waiting between retries; a small bound keeps the throttled path quick.
        options = type(self.account)._amazon_vendor_client_options
        self.patch(
            type(self.account),
            "_amazon_vendor_client_options",
            lambda account: {
                **options(account),
                "sleep": lambda seconds: None,
                "max_retries": 4,
                "max_retry_time": 60.0,
            },
        )

    def audit_logs(self, **domain):
        return self.env["amazon.vendor.audit.log"].search(
            [("account_id", "=", self.account.id)] + [(k, "=", v) for k, v in domain.items()],
            order="id",
        )
