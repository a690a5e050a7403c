#!/usr/bin/env python3
"""ASN of a full truck in a real Odoo 18: building and checking the shipment notice of one delivery.

    python3 bench/bench_asn.py --cartons 1500 --pallets 26 --skus 60

Creates a fresh database ``acorn_bench_asn_<pid>`` with the add-on installed (no demo data) and,
for each pass, one Amazon PO of S items in Eaches (prepaid freight: it has a delivery window)
imported from an in-process simulator, acknowledged as accepted, confirmed, its delivery packed
into C single-SKU cartons (move lines written directly, not Put in Pack C times) spread over P
pallets, SSCCs assigned, and validated with ``button_validate()`` (the add-on's hook checks it and
queues the ASN). On that validated delivery it times and counts the SQL queries of

* build: ``picking._amazon_vendor_prepare_asn_vals("Original")``, caches cold, then a flush;
* check: ``picking._amazon_vendor_asn_problems()``, caches cold (no re-read of Amazon's POs).

Each is called ``--repeat`` times (3): the queries are those of the first call, the time the
best of all calls.

Passes: warm-up (a small truck, untimed: ORM caches, imports); half (C/2 cartons on P/2
pallets, same S); full (C cartons on P pallets); a tracemalloc build of the full delivery for
peak memory (slowed down by tracing, hence a pass of its own). Queries of the full pass must
not exceed the half pass's by more than 10 %, else ``QUERIES GROW WITH CARTONS`` and exit 1.
The table also gives the queries per extra carton (a query per carton shows as 1.0; Odoo's ORM
reads at most 1,000 records per query, which adds one query per model per 1,000 records) and
the time ratio (2x is linear in the cartons, 4x quadratic).

The built body of each pass is checked: its figures (cartons, pallets, items, units), the
add-on's own rules (``spapi.validation.body_problems``) and, when ``jsonschema`` and Amazon's
models (``../shared/spapi-models`` or ``$ACORN_SPAPI_MODELS``) are there, Amazon's JSON schema.
Anything wrong stops the bench with ``FAILED``. The database is dropped unless ``--keep-db``.
"""

import argparse
import gc
import importlib.util
import json
import os
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
from odoo.tools.barcode import get_barcode_check_digit  # noqa: E402

from spapi_simulator import Simulator  # noqa: E402


def _load_amazon_orders():
    # By path: importing the add-on's tests package would import Odoo's test framework.
    path = ROOT / "acorn_amazon_vendor" / "tests" / "amazon_orders.py"
    spec = importlib.util.spec_from_file_location("acorn_amazon_orders", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


amazon_orders = _load_amazon_orders()

MODULE = "acorn_amazon_vendor"
ASN = "SubmitShipmentConfirmations"
SIM_CREDENTIALS = {
    "lwa_client_id": "acorn-sim-client",
    "lwa_client_secret": "acorn-sim-secret",
    "lwa_refresh_token": "acorn-sim-refresh",
}
GS1_PREFIX = "0614141"
MODELS_DIR = Path(os.environ.get("ACORN_SPAPI_MODELS", ROOT.parent / "shared" / "spapi-models"))
SHIPMENTS_MODEL = MODELS_DIR / "models" / "vendor-shipments-api-model" / "vendorShipments.json"
PRODUCT_WEIGHT = 0.45  # kg per unit
STOCK_PER_SKU = 100_000
GROWTH_TOLERANCE = 0.10


# ---------------------------------------------------------------------- data


def ean13(index):
    """A valid EAN-13 of the in-store range (prefix 2), so no real product's."""
    body = f"20{index:010d}"
    return body + str(get_barcode_check_digit(body + "0"))


def carton_plan(cartons, pallets, skus):
    """(SKU index, pallet index) of each carton: SKUs taken in turn, pallets loaded in order."""
    return [(index % skus, index * pallets // cartons) for index in range(cartons)]


def schema_validator():
    """Amazon's Draft 4 validator of a SubmitShipmentConfirmations body, or (None, why not)."""
    try:
        import jsonschema
    except ImportError:
        return None, "jsonschema is not installed"
    if not SHIPMENTS_MODEL.is_file():
        return None, f"Amazon's model is not at {SHIPMENTS_MODEL}"
    model = json.loads(SHIPMENTS_MODEL.read_text())
    schema = {"definitions": model["definitions"], "$ref": "#/definitions/SubmitShipmentConfirmationsRequest"}
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()), None


# ---------------------------------------------------------------------- Odoo


class Truck:
    """One validated Amazon delivery of ``cartons`` cartons on ``pallets`` pallets, and its figures."""

    def __init__(self, tag, cartons, pallets, skus, units):
        self.tag, self.cartons, self.pallets, self.skus, self.units = tag, cartons, pallets, skus, units
        self.plan = carton_plan(cartons, pallets, skus)
        self.cartons_per_sku = [sum(1 for sku, _pallet in self.plan if sku == index) for index in range(skus)]
        self.picking = None

    @property
    def label(self):
        return f"{self.cartons} cartons / {self.pallets} pallets / {self.skus} SKUs"


class Bench:
    def __init__(self, env, args):
        self.env = env
        self.args = args
        self.now = datetime.now(timezone.utc)
        self.simulators = []
        self.company = env.company
        self.company.amazon_vendor_gs1_prefix = GS1_PREFIX
        self.warehouse = env["stock.warehouse"].search([("company_id", "=", self.company.id)], limit=1)
        self.amazon_partner = env["res.partner"].create({"name": "Amazon.com Services LLC", "is_company": True})
        PackageType = env["stock.package.type"]
        self.carton_type = PackageType.create(
            {
                "name": "Amazon carton",
                "amazon_vendor_container_type": "carton",
                "packaging_length": 400,
                "width": 300,
                "height": 250,
                "base_weight": 0.5,
            }
        )
        self.pallet_type = PackageType.create(
            {
                "name": "Amazon pallet",
                "amazon_vendor_container_type": "pallet",
                "packaging_length": 1200,
                "width": 1000,
                "height": 1500,
                "base_weight": 20,
            }
        )
        self.products = env["product.product"].create(
            [
                {
                    "name": f"ASN bench product {index}",
                    "default_code": f"ASN-BENCH-{index:03d}",
                    "barcode": ean13(index),
                    "is_storable": True,
                    "weight": PRODUCT_WEIGHT,
                    "list_price": 20.0,
                }
                for index in range(args.skus)
            ]
        )
        for product in self.products:
            env["stock.quant"]._update_available_quantity(product, self.warehouse.lot_stock_id, STOCK_PER_SKU)
        env.cr.commit()

    def stop(self):
        for sim in self.simulators:
            sim.stop()

    # ------------------------------------------------------------------ the delivery

    def account(self, truck):
        """A vendor account ``ASN<tag>`` on a simulator of its own holding the truck's PO."""
        sim = Simulator()
        self.simulators.append(sim)
        url = sim.start(host="127.0.0.1", port=0)
        sim.configure(rate_limiting=False)
        vendor = f"ASN{truck.tag}"
        when = self.now - timedelta(hours=2)
        window = (
            f"{amazon_orders.amz_time(when + timedelta(days=3))}--{amazon_orders.amz_time(when + timedelta(days=6))}"
        )
        items = [
            {
                "ref": product.barcode,
                "asin": f"B0ASN{index:05d}",
                "amount": truck.cartons_per_sku[index] * truck.units,
                "unit": "Eaches",
                "size": 1,
                "cost": "4.99",
            }
            for index, product in enumerate(self.products[: truck.skus])
        ]
        truck.po_number = f"9ASN{truck.tag}{os.getpid() % 10000:04d}"
        sim.add_purchase_orders(
            [amazon_orders.make_po(truck.po_number, items, vendor=vendor, when=when, deliveryWindow=window)]
        )
        account = self.env["amazon.vendor.account"].create(
            dict(
                SIM_CREDENTIALS,
                name=f"ASN bench {truck.tag}",
                environment="simulator",
                endpoint_url=url,
                vendor_code_ids=[
                    (0, 0, {"name": vendor, "warehouse_id": self.warehouse.id, "partner_id": self.amazon_partner.id})
                ],
            )
        )
        # Committed like an account configured in the UI: the audit hook writes through its own cursor.
        self.env.cr.commit()
        return account

    def confirmed_order(self, truck):
        """Import the PO, let Amazon accept it in full, confirm: :return: the sale order."""
        account = self.account(truck)
        result = account._amazon_vendor_import_purchase_orders()
        order = self.env["sale.order"].search(
            [("amazon_vendor_account_id", "=", account.id), ("amazon_vendor_po_number", "=", truck.po_number)]
        )
        lines = order.order_line.filtered(lambda line: not line.display_type)
        if len(order) != 1 or len(lines) != truck.skus or order.amazon_vendor_issues:
            raise SystemExit(
                f"FAILED: import of {truck.po_number}: {result}; {len(order)} order(s), {len(lines)} lines, "
                f"issues {order.amazon_vendor_issues!r}"
            )
        order.amazon_vendor_ack_state = "accepted"
        for line in lines:
            line.amazon_vendor_ack_accepted = line.amazon_vendor_ordered_amount
        order.action_confirm()
        return order

    def packed_delivery(self, truck):
        """The order's delivery, its move lines one per carton, cartons on pallets, every SSCC given."""
        order = self.confirmed_order(truck)
        picking = order.picking_ids
        if len(picking) != 1 or len(picking.move_ids) != truck.skus:
            raise SystemExit(f"FAILED: {order.name} has {len(picking)} deliveries, {len(picking.move_ids)} moves")
        Package = self.env["stock.quant.package"]
        pallets = Package.create(
            [{"package_type_id": self.pallet_type.id, "package_use": "disposable"}] * truck.pallets
        )
        cartons = Package.create(
            [
                {
                    "package_type_id": self.carton_type.id,
                    "package_use": "disposable",
                    "amazon_vendor_pallet_id": pallets[pallet].id,
                }
                for _sku, pallet in truck.plan
            ]
        )
        move_by_product = {move.product_id: move for move in picking.move_ids}
        # The reservation made at confirmation is replaced by one reserved line per carton.
        picking.move_line_ids.unlink()
        vals_list = []
        for carton, (sku, _pallet) in zip(cartons, truck.plan):
            move = move_by_product[self.products[sku]]
            vals_list.append(
                {
                    "move_id": move.id,
                    "picking_id": picking.id,
                    "product_id": move.product_id.id,
                    "product_uom_id": move.product_uom.id,
                    "location_id": move.location_id.id,
                    "location_dest_id": move.location_dest_id.id,
                    "quantity": truck.units,
                    "result_package_id": carton.id,
                    "picked": True,
                }
            )
        self.env["stock.move.line"].create(vals_list)
        (cartons | pallets)._amazon_vendor_assign_ssccs(self.company)
        picking.write(
            {
                "amazon_vendor_shipment_type": "TruckLoad",
                "amazon_vendor_carrier_scac": "ABCD",
                "amazon_vendor_pro_number": f"PRO{truck.tag}{os.getpid()}",
            }
        )
        picking.move_ids.picked = True
        return picking

    def fresh(self, picking):
        """``picking`` with an empty cache and a prefetch set of its own, as the cron's search gives it.

        A delivery reached through ``order.picking_ids`` prefetches through the order's cached
        ``picking_ids``; once the cache is invalidated that chain is empty, and every move line
        would then be read by a query of its own (one per carton), which no user ever sees.
        """
        self.env.invalidate_all()
        return self.env["stock.picking"].browse(picking.id)

    def validated_delivery(self, truck):
        """Pack and validate the truck; :return: the Counter of ``button_validate()``."""
        picking = self.packed_delivery(truck)
        self.env.cr.commit()
        picking = self.fresh(picking)
        with Counter() as counter:
            result = picking.button_validate()
            self.env.flush_all()
        if picking.state != "done":
            raise SystemExit(f"FAILED: {picking.name} not validated ({picking.state}): {result}")
        if picking.amazon_vendor_asn_state not in ("to_send", "to_approve"):
            raise SystemExit(
                f"FAILED: the ASN of {picking.name} is {picking.amazon_vendor_asn_state}: "
                f"{picking.amazon_vendor_asn_problems}"
            )
        if len(picking._amazon_vendor_cartons()) != truck.cartons or len(picking._amazon_vendor_pallets()) != (
            truck.pallets
        ):
            raise SystemExit(f"FAILED: {picking.name} does not hold {truck.label}")
        self.env.cr.commit()
        truck.picking = picking
        return counter

    # ------------------------------------------------------------------ measures

    def measure(self, truck, method, *args):
        """Call ``method`` on the validated delivery ``--repeat`` times, caches cold each time.

        :return: a Counter with the queries of the first call (the first build also numbers the
            bill of lading, as the first build in production does), the best time of all calls
            (the least disturbed by the machine and the garbage collector) and the first result
        """
        first = None
        for _attempt in range(self.args.repeat):
            picking = self.fresh(truck.picking)
            gc.collect()
            with Counter() as counter:
                result = getattr(picking, method)(*args)
                self.env.flush_all()
            if first is None:
                first, first.result = counter, result
            first.seconds = min(first.seconds, counter.seconds)
        return first

    def build(self, truck):
        counter = self.measure(truck, "_amazon_vendor_prepare_asn_vals", "Original")
        counter.vals = counter.result
        return counter

    def check(self, truck):
        counter = self.measure(truck, "_amazon_vendor_asn_problems")
        if counter.result:
            raise SystemExit(f"FAILED: {truck.picking.name} has ASN problems: {counter.result}")
        return counter

    def traced_build(self, truck):
        picking = self.fresh(truck.picking)
        tracemalloc.start()
        try:
            with Counter() as counter:
                picking._amazon_vendor_prepare_asn_vals("Original")
            counter.peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        return counter

    def body_problems(self, truck, vals):
        """What is wrong with the body: its figures, the add-on's rules, Amazon's schema.

        :return: (problems, schema verdict: "ok", "N errors" or why it was not run)
        """
        from odoo.addons.acorn_amazon_vendor.spapi.validation import body_problems

        body = {"shipmentConfirmations": [vals]}
        problems = list(body_problems(ASN, body))
        expected = {
            "cartons": truck.cartons,
            "pallets": truck.pallets,
            "shippedItems": truck.skus,
            "shipmentMeasurements.cartonCount": truck.cartons,
            "shipmentMeasurements.palletCount": truck.pallets,
            "carton references": truck.cartons,
            "units": truck.cartons * truck.units,
        }
        found = {
            "cartons": len(vals.get("cartons") or []),
            "pallets": len(vals.get("pallets") or []),
            "shippedItems": len(vals.get("shippedItems") or []),
            "shipmentMeasurements.cartonCount": vals.get("shipmentMeasurements", {}).get("cartonCount"),
            "shipmentMeasurements.palletCount": vals.get("shipmentMeasurements", {}).get("palletCount"),
            "carton references": sum(
                len(pallet["cartonReferenceDetails"]["cartonReferenceNumbers"]) for pallet in vals.get("pallets") or []
            ),
            "units": sum(item["shippedQuantity"]["amount"] for item in vals.get("shippedItems") or []),
        }
        problems += [
            f"{key}: {found[key]} instead of {value}" for key, value in expected.items() if found[key] != value
        ]
        validator, why_not = schema_validator()
        if validator is None:
            return problems, f"not run ({why_not})"
        errors = [f"/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)]
        problems += [f"Amazon's schema: {error}" for error in errors[:20]]
        return problems, f"{len(errors)} errors" if errors else "ok"

    def run_truck(self, truck):
        """Validate the truck, build and check its ASN: :return: {name: Counter} and the schema verdict."""
        validate = self.validated_delivery(truck)
        build = self.build(truck)
        check = self.check(truck)
        problems, schema = self.body_problems(truck, build.vals)
        if problems:
            raise SystemExit(f"FAILED: the ASN of {truck.label} is wrong:\n  " + "\n  ".join(problems))
        build.size = len(json.dumps(build.vals))
        self.env.cr.commit()
        return {"validate": validate, "build": build, "check": check}, schema


# ---------------------------------------------------------------------- main


def growth(half, full):
    return full.queries / half.queries - 1 if half.queries else 0.0


def report(env, args, half_truck, full_truck, half, full, traced, schema):
    print(
        f"\nASN of a full truck: {full_truck.label} ({full_truck.units} units per carton), "
        f"Odoo {odoo.release.version}, database {env.cr.dbname}"
    )
    print(f"  picking {full_truck.picking.name}, shipment {full_truck.picking.amazon_vendor_shipment_identifier}")
    rows = [
        ("build  _amazon_vendor_prepare_asn_vals", "build"),
        ("check  _amazon_vendor_asn_problems", "check"),
        ("validate  button_validate (Odoo + hook)", "validate"),
    ]
    extra = full_truck.cartons - half_truck.cartons
    print(f"  {'':42} {'full':>17} {'half':>17}   queries: full/half  per extra carton   time: full/half")
    for title, key in rows:
        print(
            f"  {title:42} {full[key].seconds:6.3f}s {full[key].queries:6d} q {half[key].seconds:6.3f}s "
            f"{half[key].queries:6d} q   {growth(half[key], full[key]):+16.1%} "
            f"{(full[key].queries - half[key].queries) / extra:17.3f}   {full[key].seconds / half[key].seconds:9.1f}x"
        )
    print(f"  half = {half_truck.label}; validate is Odoo's own per-move-line work, shown only")
    print(f"  body: {full['build'].size / 1e6:.2f} MB of JSON; add-on rules ok; Amazon's schema: {schema}")
    print(
        f"  peak memory of the build: {traced.peak / 1e6:.1f} MB (tracemalloc, that pass {traced.seconds:.2f}s traced)"
    )
    grown = [key for key in ("build", "check") if growth(half[key], full[key]) > GROWTH_TOLERANCE]
    for key in grown:
        print(
            f"QUERIES GROW WITH CARTONS: {key} needs {full[key].queries} queries for {full_truck.cartons} cartons, "
            f"{half[key].queries} for {half_truck.cartons}"
        )
    if not grown:
        print(
            f"  queries steady: build and check within {GROWTH_TOLERANCE:.0%} at {half_truck.cartons} and "
            f"{full_truck.cartons} cartons"
        )
    print(
        f"RESULT cartons={full_truck.cartons} pallets={full_truck.pallets} skus={full_truck.skus} "
        f"build_s={full['build'].seconds:.3f} build_queries={full['build'].queries} "
        f"check_s={full['check'].seconds:.3f} check_queries={full['check'].queries} "
        f"build_s_half={half['build'].seconds:.3f} build_queries_half={half['build'].queries} "
        f"check_s_half={half['check'].seconds:.3f} check_queries_half={half['check'].queries} "
        f"validate_s={full['validate'].seconds:.3f} validate_queries={full['validate'].queries} "
        f"peak_mem_mb={traced.peak / 1e6:.1f} body_mb={full['build'].size / 1e6:.2f} schema={schema.split()[0]}"
    )
    return not grown


def run(env, args):
    units = args.units_per_carton
    warm_truck = Truck("W", 2 * args.skus, 2, args.skus, units)
    half_truck = Truck("H", args.cartons // 2, max(args.pallets // 2, 1), args.skus, units)
    full_truck = Truck("F", args.cartons, args.pallets, args.skus, units)
    bench = Bench(env, args)
    try:
        print(f"  warm-up: {warm_truck.label}", flush=True)
        bench.run_truck(warm_truck)
        print(f"  half: {half_truck.label}", flush=True)
        half, _schema = bench.run_truck(half_truck)
        print(f"  full: {full_truck.label}", flush=True)
        full, schema = bench.run_truck(full_truck)
        traced = bench.traced_build(full_truck)
    finally:
        bench.stop()
    return report(env, args, half_truck, full_truck, half, full, traced, schema)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cartons", type=int, default=1500)
    parser.add_argument("--pallets", type=int, default=26)
    parser.add_argument("--skus", type=int, default=60)
    parser.add_argument("--units-per-carton", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=3, help="calls of build and check per pass; the best time counts")
    parser.add_argument("--db-host", default="127.0.0.1")
    parser.add_argument("--db-port", type=int, default=5432)
    parser.add_argument("--db-user", default="odoo")
    parser.add_argument("--keep-db", action="store_true", help="leave the database (and say its name)")
    args = parser.parse_args()
    if min(args.skus, args.units_per_carton, args.repeat) < 1 or args.pallets < 2:
        parser.error("--skus, --units-per-carton and --repeat must be at least 1, --pallets at least 2")
    if args.cartons // 2 < max(args.skus, args.pallets):
        parser.error("half the cartons must fill every SKU and every pallet: --cartons >= 2 * max(--skus, --pallets)")

    data_dir = tempfile.mkdtemp(prefix="acorn-bench-asn-")
    bootstrap(args, data_dir)
    name = f"acorn_bench_asn_{os.getpid()}"
    started = time.perf_counter()
    print(f"Creating database {name} with {MODULE} (no demo data)...", flush=True)
    try:
        registry = create_database(name)
        print(f"  installed in {time.perf_counter() - started:.0f}s", flush=True)
        with registry.cursor() as cr:
            steady = run(api.Environment(cr, SUPERUSER_ID, {}), args)
    finally:
        if args.keep_db:
            print(f"kept database {name} (filestore in {data_dir})")
        else:
            drop_database(name)
            shutil.rmtree(data_dir, ignore_errors=True)
    if not steady:
        sys.exit(1)


if __name__ == "__main__":
    main()
