"""What every benchmark does with Odoo: configure it, make and drop a scratch database with the
add-on installed, and measure a block (time, SQL queries, Python's peak memory)."""

import logging
import os
import time
import tracemalloc
from pathlib import Path

import odoo
from odoo.tools import config

ROOT = Path(__file__).resolve().parents[1]
MODULE = "acorn_amazon_vendor"


def bootstrap(args, data_dir):
    addons = os.path.join(odoo.__path__[0], "addons")
    config.parse_config(
        [
            f"--addons-path={addons},{ROOT}",
            f"--data-dir={data_dir}",
            "--db_host",
            args.db_host,
            "--db_port",
            str(args.db_port),
            "--db_user",
            args.db_user,
            "--without-demo=all",
            "--log-level=warn",
            "--max-cron-threads=0",
        ]
    )
    # One line per simulated HTTP request would bury the figures.
    logging.getLogger("spapi_simulator").setLevel(logging.WARNING)


def create_database(name):
    odoo.service.db._create_empty_database(name)
    config["init"] = {MODULE: 1}
    config["without_demo"] = "all"
    registry = odoo.modules.registry.Registry.new(name, update_module=True)
    config["init"] = {}
    return registry


def drop_database(name):
    odoo.modules.registry.Registry.delete(name)
    odoo.sql_db.close_db(name)
    odoo.service.db.exp_drop(name)


class Counter:
    """Wall time and SQL queries of a block (``odoo.sql_db.sql_counter`` counts every cursor)."""

    def __enter__(self):
        self.queries = odoo.sql_db.sql_counter
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started
        self.queries = odoo.sql_db.sql_counter - self.queries


class Traced:
    """``tracemalloc`` over a block when ``on``: ``peak`` in bytes (Python allocations only), else 0."""

    def __init__(self, on):
        self.on = on
        self.peak = 0

    def __enter__(self):
        if self.on:
            tracemalloc.start()
        return self

    def __exit__(self, *exc):
        if self.on:
            self.peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
