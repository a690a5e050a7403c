#!/usr/bin/env python3
"""Four-way match of 10,000 Amazon PO lines in a real Odoo 18: reading the report, flagging its discrepancies.

    python3 bench/bench_match.py --orders 500 --lines 20

Creates a fresh database ``acorn_bench_match_<pid>`` with the add-on installed (no demo data),
one vendor account (vendor code ACME1, simulator environment on a closed port: nothing is
called) and N Amazon orders of M lines, with the fields the import sets (PO number, vendor
code, FC, PO date; per line the item sequence, ordered amount in Eaches or Cases, case size,
accepted quantity) and what the following weeks add. They are not imported: headers (orders,
deliveries, packages with SSCCs, invoices) are created by the ORM in batches, their lines
(order lines, moves, move lines, invoice lines and their link to the order lines) inserted by
SQL with the values the ORM stores, and the headers' states set by SQL (no quants, valuation
nor reconciliation: the report reads none of them). 10,000 lines take about 20 seconds:

* 6 orders in 10 shipped in a delivery whose ASN Amazon accepted (two cartons on a pallet)
  and received by Amazon (received units and date on the lines); 1 in 10 shipped with its ASN
  sent, not yet accepted; 3 in 10 confirmed, not shipped;
* 4 orders in 10 invoiced (posted, accepted by Amazon, matched as received), 2 of them paid;
* 1 line in 12 of the received orders (5 % of all lines) received short: a discrepancy, and on
  the invoiced orders invoiced above what Amazon received too.

On that data it times and counts the SQL queries of

* read: the whole report (no limit) with the list view's fields by ``web_search_read``, the
  call of Odoo 18's web client, display names included, as an Amazon manager;
* search_read: the same by the classic ``search_read``, shown only: iterating over more than
  1,000 records, Odoo's ORM prefetches per 1,000 of them, so the display names of the orders
  (and of the products until all are seen) cost a query per 1,000 lines;
* group: ``read_group`` by fulfilment centre with the pivot's measures, as that manager;
* flag: ``account._amazon_vendor_flag_discrepancies()`` as the scheduled action runs it
  (superuser; the account's responsible is another user; the activities reach their to-do list),
  once creating the activities, and again (which must create none).

Read, search_read and group are called ``--repeat`` times (3), caches cold each time: the
queries are those of the first call, the time the best of all calls. Flag runs once each way,
caches cold.

Passes: half (the first N/2 orders, after an untimed warm-up of every measure, whose
activities are then removed); full (the other N/2 orders added and the half pass's activities
removed, so the first flag starts from none again). Tables are analysed after each filling, as
autovacuum would. The queries of read and group at full size must not exceed those at half
size by more than 10 %, else ``QUERIES GROW WITH LINES`` and exit 1: the view is read in one
query, then each many2one's display names in one (up to 1,000 different orders). Flag makes
queries per order flagged, by design: the table gives them per order.

The report's figures (lines, ordered, shipped, received, invoiced, matched, paid,
discrepancies) and the activities created are checked against the plan of the data; anything
wrong stops the bench with ``FAILED``. The database is dropped unless ``--keep-db``.
"""

import argparse
import gc
import os
import shutil
import sys
import tempfile
import time
from collections import Counter as Tally
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _odoo import Counter, bootstrap, create_database, drop_database  # noqa: E402

import odoo  # noqa: E402
from odoo import SUPERUSER_ID, Command, api, fields  # noqa: E402
from odoo.tools.barcode import get_barcode_check_digit  # noqa: E402

MODULE = "acorn_amazon_vendor"
REPORT = "amazon.vendor.match.report"
VENDOR_CODE = "ACME1"
GS1_PREFIX = "0614141"
# Seven FCs: prime to the ten kinds of order, so that every FC gets every kind.
FC_CODES = ("ABE2", "AVP1", "BFI4", "CLT2", "DFW7", "MDW2", "PHX6")
KINDS = 10  # order i is of kind i % 10: shipped and accepted below 6, ASN sent at 6, not shipped above
SHIPPED_ACCEPTED, SHIPPED_SENT = 6, 7
INVOICED, PAID = 4, 2  # kinds below 4 invoiced, below 2 paid too
SHORT_EVERY = 12  # one line in 12 of the received orders received short
CASE_SIZE = 6
INVOICE_AGE = timedelta(days=7)  # younger than the report's 14 days: not flagged as unmatched
INVOICE_TERM = timedelta(days=30)
BATCH = 100  # orders per ORM create
ANALYSED = (
    "sale_order",
    "sale_order_line",
    "stock_picking",
    "stock_move",
    "stock_move_line",
    "stock_quant_package",
    "account_move",
    "account_move_line",
    "sale_order_line_invoice_rel",
    "procurement_group",
)
# The list view's fields (has_discrepancy colours its rows), and the shortage.
READ_FIELDS = [
    "company_id",
    "po_number",
    "item_sequence",
    "product_id",
    "vendor_code",
    "fc_code",
    "po_date",
    "ordered_qty",
    "acknowledged_qty",
    "shipped_qty",
    "received_qty",
    "invoiced_qty",
    "matched_qty",
    "paid_qty",
    "invoiced_amount",
    "paid_amount",
    "price_variance",
    "shortage_qty",
    "is_shortage",
    "is_over_invoiced",
    "is_cost_variance",
    "is_unmatched",
    "has_discrepancy",
    "currency_id",
    "order_id",
    "account_id",
]
# The pivot view's measures.
PIVOT_MEASURES = ["shipped_qty:sum", "received_qty:sum", "invoiced_qty:sum", "paid_amount:sum"]
SUMMED = ("ordered_qty", "acknowledged_qty", "shipped_qty", "received_qty", "invoiced_qty", "matched_qty", "paid_qty")
GROWTH_TOLERANCE = 0.10


# ---------------------------------------------------------------------- the plan of the data


def ean13(index):
    """A valid EAN-13 of the in-store range (prefix 2), so no real product's."""
    body = f"21{index:010d}"
    return body + str(get_barcode_check_digit(body + "0"))


def po_number(index):
    return f"M{index:07d}"


def po_date(now, index):
    """25 to 75 days ago: before the deliveries (20 days ago), the receipts (10) and the invoices (7)."""
    return now - timedelta(days=25 + index % 50, minutes=index)


def insert(cr, table, rows, returning="id"):
    """Insert ``rows`` (dicts; a column missing from one is NULL there) in one statement.

    :return: the ``returning`` columns of the inserted rows
    """
    columns = list(dict.fromkeys(column for row in rows for column in row))
    placeholders = ", ".join(["%s"] * len(rows))
    cr.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES {placeholders} RETURNING {returning}",
        [tuple(row.get(column) for column in columns) for row in rows],
    )
    return cr.fetchall()


@dataclass
class Line:
    """One Amazon PO line as planned: what was ordered, shipped, received, invoiced, matched and paid (units)."""

    order: int
    seq: int
    product: int
    uom: str
    size: int
    amount: int
    cost: float
    shipped: int  # in a done delivery, ASN accepted or not
    accepted: bool  # its ASN accepted by Amazon: the report's shipped quantity
    received: int | None  # None: Amazon has not received it
    invoiced: bool
    paid: bool

    @property
    def units(self):
        return self.amount * self.size

    @property
    def short(self):
        return self.received is not None and self.received < self.shipped

    def expected(self):
        """The report's figures of this line."""
        shipped = self.shipped if self.accepted else 0
        received = self.received or 0
        invoiced = self.units if self.invoiced else 0
        matched = received if self.invoiced else 0
        return {
            "ordered_qty": self.units,
            "acknowledged_qty": self.units,
            "shipped_qty": shipped,
            "received_qty": received,
            "invoiced_qty": invoiced,
            "matched_qty": matched,
            "paid_qty": matched if self.paid else 0,
            "has_discrepancy": self.short,
        }


def plan_order(index, lines, products):
    kind = index % KINDS
    shipped = kind < SHIPPED_SENT
    accepted = kind < SHIPPED_ACCEPTED
    planned = []
    for seq in range(1, lines + 1):
        number = index * lines + seq - 1
        cases = seq % 4 == 0
        line = Line(
            order=index,
            seq=seq,
            product=number % products,
            uom="Cases" if cases else "Eaches",
            size=CASE_SIZE if cases else 1,
            amount=1 + number % 4 if cases else 5 + number % 16,
            cost=round(3.49 + number % 7, 2),
            shipped=0,
            accepted=accepted,
            received=None,
            invoiced=kind < INVOICED,
            paid=kind < PAID,
        )
        if shipped:
            line.shipped = line.units
        if accepted:
            line.received = line.units - (1 + line.units // 4 if number % SHORT_EVERY == 5 else 0)
        planned.append(line)
    return planned


def expected_figures(plans):
    """Totals of the report over ``plans`` ({order index: [Line]}) and the activities the first flag makes."""
    totals = Tally()
    activities = 0
    for lines in plans.values():
        for line in lines:
            totals.update({key: value for key, value in line.expected().items() if key != "has_discrepancy"})
            totals["lines"] += 1
            totals["discrepancies"] += line.short
        if any(line.short for line in lines):
            # "received short", and "invoiced above what Amazon received" when invoiced
            activities += 1 + lines[0].invoiced
    return totals, activities


# ---------------------------------------------------------------------- Odoo


class Bench:
    def __init__(self, env, args):
        self.env = env
        self.args = args
        self.now = fields.Datetime.now()
        self.plans = {}  # order index: [Line]
        self.company = env.company
        self.company.amazon_vendor_gs1_prefix = GS1_PREFIX
        self.currency = self.company.currency_id
        self.warehouse = env["stock.warehouse"].search([("company_id", "=", self.company.id)], limit=1)
        self.customers = env.ref("stock.stock_location_customers")
        self.manager = env.ref("base.user_admin")  # an Amazon manager: the account's responsible, the reader
        Partner = env["res.partner"]
        self.amazon = Partner.create(
            {"name": "Amazon.com Services LLC", "is_company": True, "amazon_vendor_party_id": "AMAZON"}
        )
        self.fcs = dict(
            zip(
                FC_CODES,
                Partner.create(
                    [
                        {"name": f"Amazon FC {code}", "is_company": True, "amazon_vendor_party_id": code}
                        for code in FC_CODES
                    ]
                ),
            )
        )
        self.pricelist = env["product.pricelist"].create({"name": "Amazon USD", "currency_id": self.currency.id})
        self.products = env["product.product"].create(
            [
                {
                    "name": f"Match bench product {index}",
                    "default_code": f"MATCH-{index:04d}",
                    "barcode": ean13(index),
                    "is_storable": True,
                    "list_price": 20.0,
                    "taxes_id": [Command.clear()],  # sold to Amazon for resale: no sales tax
                }
                for index in range(args.products)
            ]
        )
        PackageType = env["stock.package.type"]
        self.carton_type, self.pallet_type = PackageType.create(
            [
                {"name": "Amazon carton", "amazon_vendor_container_type": "carton"},
                {"name": "Amazon pallet", "amazon_vendor_container_type": "pallet"},
            ]
        )
        self.account = env["amazon.vendor.account"].create(
            {
                "name": "Match bench",
                "environment": "simulator",
                "endpoint_url": "http://127.0.0.1:9",
                "lwa_client_id": "acorn-bench-client",
                "lwa_client_secret": "acorn-bench-secret",
                "lwa_refresh_token": "acorn-bench-refresh",
                "user_id": self.manager.id,
                "vendor_code_ids": [
                    Command.create(
                        {"name": VENDOR_CODE, "warehouse_id": self.warehouse.id, "partner_id": self.amazon.id}
                    )
                ],
            }
        )
        self.journal = env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.company.id)], limit=1
        )
        self.income_account = self.journal.default_account_id
        self.receivable_account = self.amazon.property_account_receivable_id
        self.invoice_prefix = f"INV/{self.now.year}/"
        self.invoice_count = 0
        env.cr.commit()

    # ------------------------------------------------------------------ filling

    def fill(self, start, stop):
        """Orders ``start`` to ``stop`` - 1: ordered, delivered, received and invoiced as planned.

        Headers (orders, procurement groups, deliveries, packages, invoices) are created by the
        ORM in batches; their lines (order lines, moves, move lines, invoice lines) are inserted by
        SQL with the values the ORM would store, and the headers' states then set by SQL.

        :return: the Counter of the filling
        """
        plans = {index: plan_order(index, self.args.lines, self.args.products) for index in range(start, stop)}
        env = self.env
        # Set-up, not measured: no chatter, no followers, no "you are assigned" mails.
        self.env = env(
            context=dict(
                env.context,
                tracking_disable=True,
                mail_create_nolog=True,
                mail_create_nosubscribe=True,
                mail_notrack=True,
            )
        )
        try:
            with Counter() as counter:
                for first in range(start, stop, BATCH):
                    batch = {index: plans[index] for index in range(first, min(first + BATCH, stop))}
                    orders, line_ids = self.create_orders(batch)
                    self.deliver(orders, batch)
                    self.invoice(orders, batch, line_ids)
                    self.env.cr.commit()
                    self.env.invalidate_all()
                for table in ANALYSED:
                    self.env.cr.execute(f"ANALYZE {table}")
        finally:
            self.env = env
        self.plans.update(plans)
        return counter

    def stamp(self):
        return {"create_uid": self.env.uid, "write_uid": self.env.uid, "create_date": self.now, "write_date": self.now}

    def create_orders(self, batch):
        """The orders of ``batch`` as the import makes them, acknowledged and confirmed (without procurement).

        :return: the orders, and {(order index, item sequence): sale order line id}
        """
        vals_list = []
        for index in batch:
            fc = FC_CODES[index % len(FC_CODES)]
            when = po_date(self.now, index)
            vals_list.append(
                {
                    "partner_id": self.amazon.id,
                    "partner_invoice_id": self.amazon.id,
                    "partner_shipping_id": self.fcs[fc].id,
                    "user_id": self.manager.id,
                    "company_id": self.company.id,
                    "warehouse_id": self.warehouse.id,
                    "pricelist_id": self.pricelist.id,
                    "amazon_vendor_account_id": self.account.id,
                    "amazon_vendor_po_number": po_number(index),
                    "client_order_ref": po_number(index),
                    "origin": f"Amazon PO {po_number(index)}",
                    "date_order": when,
                    "amazon_vendor_code": VENDOR_CODE,
                    "amazon_vendor_fc_code": fc,
                    "amazon_vendor_po_state": "Acknowledged",
                    "amazon_vendor_po_type": "RegularOrder",
                    "amazon_vendor_po_date": when,
                    "amazon_vendor_ack_state": "accepted",
                    "amazon_vendor_acknowledged_at": when + timedelta(hours=2),
                }
            )
        orders = self.env["sale.order"].create(vals_list)
        orders.write({"state": "sale"})
        self.env.flush_all()
        rows = [self.order_line_row(order, line) for order, lines in zip(orders, batch.values()) for line in lines]
        inserted = insert(self.env.cr, "sale_order_line", rows, "id, order_id, amazon_vendor_item_sequence")
        index_of = dict(zip(orders.ids, batch))
        line_ids = {(index_of[order_id], int(seq)): line_id for line_id, order_id, seq in inserted}
        self.env.cr.execute(
            """
            UPDATE sale_order so
               SET amount_untaxed = total.amount, amount_total = total.amount, amount_tax = 0,
                   invoice_status = total.status
              FROM (SELECT order_id, SUM(price_subtotal) AS amount, MIN(invoice_status) AS status
                      FROM sale_order_line WHERE order_id = ANY(%s) GROUP BY order_id) total
             WHERE so.id = total.order_id
            """,
            [orders.ids],
        )
        return orders, line_ids

    def order_line_row(self, order, line):
        """The ``sale_order_line`` row of ``line``, as the ORM stores it (no taxes, no discount)."""
        product = self.products[line.product]
        subtotal = round(line.units * line.cost, 2)
        received = line.received is not None
        invoiced = line.units if line.invoiced else 0
        return dict(
            self.stamp(),
            order_id=order.id,
            sequence=10,
            company_id=self.company.id,
            currency_id=self.currency.id,
            order_partner_id=self.amazon.id,
            salesman_id=self.manager.id,
            product_id=product.id,
            product_uom=product.uom_id.id,
            state="sale",
            qty_delivered_method="stock_move",
            invoice_status="invoiced" if line.invoiced else "to invoice",
            name=product.display_name,
            product_uom_qty=line.units,
            price_unit=line.cost,
            technical_price_unit=line.cost,
            discount=0,
            price_subtotal=subtotal,
            price_total=subtotal,
            price_tax=0,
            price_reduce_taxexcl=line.cost,
            price_reduce_taxinc=line.cost,
            qty_delivered=line.shipped,
            qty_invoiced=invoiced,
            qty_to_invoice=line.units - invoiced,
            untaxed_amount_invoiced=subtotal if line.invoiced else 0,
            untaxed_amount_to_invoice=0 if line.invoiced else subtotal,
            product_packaging_qty=0,
            customer_lead=0,
            warehouse_id=self.warehouse.id,
            amazon_vendor_item_sequence=str(line.seq),
            amazon_vendor_product_ref=product.barcode,
            amazon_vendor_asin=f"B0MATCH{line.product:03d}",
            amazon_vendor_ordered_amount=line.amount,
            amazon_vendor_ordered_uom=line.uom,
            amazon_vendor_unit_size=line.size,
            amazon_vendor_net_cost=f"{line.cost:.2f}",
            amazon_vendor_cost_currency=self.currency.name,
            amazon_vendor_ack_accepted=line.amount,
            amazon_vendor_received_qty=line.received // line.size if received else 0,
            amazon_vendor_received_units=line.received if received else 0,
            amazon_vendor_last_receive_date=self.now - timedelta(days=10) if received else None,
        )

    def deliver(self, orders, batch):
        """One delivery per order: done (two cartons on a pallet, ASN accepted or sent), or waiting.

        Odoo's picking takes its procurement group (and so its order) from its moves: both are set
        with the moves, by SQL.
        """
        env, cr = self.env, self.env.cr
        groups = env["procurement.group"].create(
            [{"name": order.name, "sale_id": order.id, "partner_id": order.partner_shipping_id.id} for order in orders]
        )
        cr.execute(
            """
            UPDATE sale_order so SET procurement_group_id = pair.group_id
              FROM unnest(%s::int[], %s::int[]) AS pair(order_id, group_id)
             WHERE so.id = pair.order_id
            """,
            [orders.ids, groups.ids],
        )
        pickings = env["stock.picking"].create(
            [
                {
                    "picking_type_id": self.warehouse.out_type_id.id,
                    "location_id": self.warehouse.lot_stock_id.id,
                    "location_dest_id": self.customers.id,
                    "partner_id": order.partner_shipping_id.id,
                    "origin": order.name,
                }
                for order in orders
            ]
        )
        env.flush_all()
        first_lines = [lines[0] for lines in batch.values()]  # the order's kind
        done = [picking.id for picking, line in zip(pickings, first_lines) if line.shipped]
        accepted = [picking.id for picking, line in zip(pickings, first_lines) if line.accepted]
        cartons = self.pack(pickings.browse(done))
        cr.execute(
            """
            INSERT INTO stock_move (sequence, company_id, product_id, product_uom, location_id, location_dest_id,
                                    partner_id, picking_id, group_id, picking_type_id, warehouse_id, name, priority,
                                    state, origin, procure_method, reference, product_qty, product_uom_qty, quantity,
                                    picked, scrapped, propagate_cancel, additional, date, sale_line_id,
                                    create_uid, create_date, write_uid, write_date)
            SELECT 10, sol.company_id, sol.product_id, sol.product_uom, picking.location_id, picking.location_dest_id,
                   picking.partner_id, picking.id, delivery.group_id, picking.picking_type_id, %(warehouse)s, sol.name,
                   '0', CASE WHEN picking.id = ANY(%(done)s) THEN 'done' ELSE 'confirmed' END, picking.origin,
                   'make_to_stock', picking.name, sol.product_uom_qty, sol.product_uom_qty,
                   CASE WHEN picking.id = ANY(%(done)s) THEN sol.product_uom_qty ELSE 0 END,
                   picking.id = ANY(%(done)s), FALSE, TRUE, FALSE,
                   CASE WHEN picking.id = ANY(%(done)s) THEN %(shipped)s ELSE %(now)s END, sol.id,
                   %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM sale_order_line sol
              JOIN unnest(%(pickings)s::int[], %(orders)s::int[], %(groups)s::int[])
                       AS delivery(picking_id, order_id, group_id) ON delivery.order_id = sol.order_id
              JOIN stock_picking picking ON picking.id = delivery.picking_id
             ORDER BY sol.id;
            UPDATE stock_picking picking SET group_id = delivery.group_id, sale_id = delivery.order_id
              FROM unnest(%(pickings)s::int[], %(orders)s::int[], %(groups)s::int[])
                       AS delivery(picking_id, order_id, group_id)
             WHERE picking.id = delivery.picking_id;
            INSERT INTO stock_move_line (company_id, move_id, picking_id, product_id, product_uom_id, location_id,
                                         location_dest_id, quantity, quantity_product_uom, picked, state, date,
                                         reference, result_package_id, create_uid, create_date, write_uid, write_date)
            SELECT move.company_id, move.id, move.picking_id, move.product_id, move.product_uom, move.location_id,
                   move.location_dest_id, move.quantity, move.quantity, TRUE, 'done', move.date, move.reference,
                   carton.id, %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM stock_move move
              JOIN unnest(%(carton_pickings)s::int[], %(carton_slots)s::int[], %(cartons)s::int[])
                       AS carton(picking_id, slot, id)
                ON carton.picking_id = move.picking_id AND carton.slot = move.id %% 2
             WHERE move.picking_id = ANY(%(done)s);
            UPDATE stock_picking
               SET state = 'done', date_done = %(shipped)s, scheduled_date = %(shipped)s, date = %(shipped)s,
                   amazon_vendor_account_id = %(account)s, amazon_vendor_is_amazon = TRUE,
                   amazon_vendor_asn_state = CASE WHEN id = ANY(%(accepted)s) THEN 'done' ELSE 'sent' END,
                   amazon_vendor_asn_sent_at = %(shipped)s,
                   amazon_vendor_shipment_identifier = 'ASNM' || lpad(id::text, 8, '0'),
                   amazon_vendor_bol_number = 'BOLM' || id, amazon_vendor_pro_number = 'PROM' || id,
                   amazon_vendor_carrier_scac = 'ABCD', amazon_vendor_shipment_type = 'LessThanTruckLoad'
             WHERE id = ANY(%(done)s);
            UPDATE stock_picking
               SET state = 'confirmed', scheduled_date = %(now)s, amazon_vendor_account_id = %(account)s,
                   amazon_vendor_is_amazon = TRUE, amazon_vendor_shipment_type = 'SmallParcel'
             WHERE id = ANY(%(pickings)s) AND NOT id = ANY(%(done)s);
            UPDATE sale_order SET amazon_vendor_status = 'in_delivery'
             WHERE id IN (SELECT sale_id FROM stock_picking WHERE id = ANY(%(done)s));
            """,
            {
                "pickings": pickings.ids,
                "orders": orders.ids,
                "groups": groups.ids,
                "done": done,
                "accepted": accepted,
                "warehouse": self.warehouse.id,
                "account": self.account.id,
                "shipped": self.now - timedelta(days=20),
                "now": self.now,
                "uid": env.uid,
                "carton_pickings": [picking for picking, _slot, _carton in cartons],
                "carton_slots": [slot for _picking, slot, _carton in cartons],
                "cartons": [carton for _picking, _slot, carton in cartons],
            },
        )
        env.invalidate_all()

    def pack(self, pickings):
        """Two cartons on a pallet per delivery, SSCCs given: :return: [(picking id, slot 0/1, carton id)]"""
        Package = self.env["stock.quant.package"]
        pallets = Package.create(
            [{"package_type_id": self.pallet_type.id, "package_use": "disposable"} for _picking in pickings]
        )
        cartons = Package.create(
            [
                {
                    "package_type_id": self.carton_type.id,
                    "package_use": "disposable",
                    "amazon_vendor_pallet_id": pallet.id,
                }
                for pallet in pallets
                for _slot in range(2)
            ]
        )
        (cartons | pallets)._amazon_vendor_assign_ssccs(self.company)
        self.env.flush_all()
        return [
            (picking.id, slot, cartons[2 * rank + slot].id) for rank, picking in enumerate(pickings) for slot in (0, 1)
        ]

    def invoice(self, orders, batch, line_ids):
        """A posted invoice per invoiced order, accepted by Amazon, matched as received, some paid."""
        invoiced = [(order, lines) for order, lines in zip(orders, batch.values()) if lines[0].invoiced]
        if not invoiced:
            return
        env, cr = self.env, self.env.cr
        invoice_date = (self.now - INVOICE_AGE).date()
        moves = env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "journal_id": self.journal.id,
                    "partner_id": self.amazon.id,
                    "partner_shipping_id": order.partner_shipping_id.id,
                    "invoice_date": invoice_date,
                    "date": invoice_date,
                    "invoice_origin": order.name,
                    "ref": order.client_order_ref,
                    "currency_id": self.currency.id,
                }
                for order, _lines in invoiced
            ]
        )
        env.flush_all()
        headers, rows, links = [], [], {}  # links: (invoice, line sequence): sale order line
        for move, (_order, lines) in zip(moves, invoiced):
            self.invoice_count += 1
            name = f"{self.invoice_prefix}{self.invoice_count:05d}"
            total = 0.0
            for line in lines:
                product = self.products[line.product]
                subtotal = round(line.units * line.cost, 2)
                total += subtotal
                paid = line.received if line.paid else 0
                rows.append(
                    dict(
                        self.invoice_line_row(move, name, invoice_date),
                        sequence=100 + line.seq,
                        account_id=self.income_account.id,
                        name=product.display_name,
                        display_type="product",
                        product_id=product.id,
                        product_uom_id=product.uom_id.id,
                        quantity=line.units,
                        price_unit=line.cost,
                        price_subtotal=subtotal,
                        price_total=subtotal,
                        debit=0,
                        credit=subtotal,
                        balance=-subtotal,
                        amount_currency=-subtotal,
                        amount_residual=0,
                        amount_residual_currency=0,
                        amazon_vendor_matched_qty=line.received,
                        amazon_vendor_paid_qty=paid,
                        amazon_vendor_paid_amount=round(paid * line.cost, 2),
                    )
                )
                links[move.id, 100 + line.seq] = line_ids[line.order, line.seq]
            total = round(total, 2)
            rows.append(
                dict(
                    self.invoice_line_row(move, name, invoice_date),
                    sequence=12000,
                    account_id=self.receivable_account.id,
                    name=f"{move.ref} - {name}",
                    display_type="payment_term",
                    date_maturity=invoice_date + INVOICE_TERM,
                    quantity=0,
                    price_unit=0,
                    price_subtotal=0,
                    price_total=0,
                    debit=total,
                    credit=0,
                    balance=total,
                    amount_currency=total,
                    amount_residual=total,
                    amount_residual_currency=total,
                )
            )
            headers.append((move.id, name, self.invoice_count, total, lines[0].paid))
        inserted = insert(cr, "account_move_line", rows, "id, move_id, sequence")
        invoice_lines = {(move_id, sequence): line_id for line_id, move_id, sequence in inserted}
        product_lines = [invoice_lines[key] for key in links]
        cr.execute(
            "INSERT INTO sale_order_line_invoice_rel (invoice_line_id, order_line_id) SELECT * FROM unnest(%s, %s)",
            [product_lines, list(links.values())],
        )
        cr.execute(
            """
            UPDATE account_move move
               SET state = 'posted', name = header.name, payment_reference = header.name,
                   sequence_prefix = %(prefix)s, sequence_number = header.number, posted_before = TRUE,
                   checked = TRUE, invoice_date_due = %(due)s, payment_state = 'not_paid',
                   amount_untaxed = header.total, amount_total = header.total, amount_residual = header.total,
                   amount_untaxed_signed = header.total, amount_untaxed_in_currency_signed = header.total,
                   amount_total_signed = header.total, amount_total_in_currency_signed = header.total,
                   amount_residual_signed = header.total, amount_tax = 0, amount_tax_signed = 0,
                   amazon_vendor_account_id = %(account)s, amazon_vendor_invoice_state = 'done',
                   amazon_vendor_payment_status = CASE WHEN header.paid THEN 'PAID' ELSE 'IN_PROGRESS' END
              FROM unnest(%(ids)s::int[], %(names)s::varchar[], %(numbers)s::int[], %(totals)s::numeric[],
                          %(paid)s::bool[]) AS header(id, name, number, total, paid)
             WHERE move.id = header.id
            """,
            {
                "prefix": self.invoice_prefix,
                "due": invoice_date + INVOICE_TERM,
                "account": self.account.id,
                "ids": [header[0] for header in headers],
                "names": [header[1] for header in headers],
                "numbers": [header[2] for header in headers],
                "totals": [header[3] for header in headers],
                "paid": [header[4] for header in headers],
            },
        )
        env.invalidate_all()

    def invoice_line_row(self, move, name, invoice_date):
        return dict(
            self.stamp(),
            move_id=move.id,
            journal_id=self.journal.id,
            company_id=self.company.id,
            company_currency_id=self.currency.id,
            currency_id=self.currency.id,
            partner_id=self.amazon.id,
            move_name=name,
            parent_state="posted",
            ref=move.ref,
            date=invoice_date,
            invoice_date=invoice_date,
            discount=0,
            tax_tag_invert=False,
            reconciled=False,
        )

    # ------------------------------------------------------------------ measures

    def cold(self):
        self.env.invalidate_all()
        gc.collect()

    def measure(self, call):
        """``call()`` ``--repeat`` times, caches cold each time: the queries of the first call, the best time."""
        first = None
        for _attempt in range(self.args.repeat):
            self.cold()
            with Counter() as counter:
                result = call()
                self.env.flush_all()
            if first is None:
                first, first.result = counter, result
            first.seconds = min(first.seconds, counter.seconds)
        return first

    def read(self):
        """The whole report as the web client reads a list: ``web_search_read``, display names per many2one."""
        Report = self.env[REPORT].with_user(self.manager)
        specification = {
            name: {"fields": {"display_name": {}}} if Report._fields[name].type == "many2one" else {}
            for name in READ_FIELDS
        }
        return self.measure(lambda: Report.web_search_read([], specification)["records"])

    def search_read(self):
        """The whole report by the classic ``search_read`` (display names read per 1,000 lines)."""
        return self.measure(lambda: self.env[REPORT].with_user(self.manager).search_read([], READ_FIELDS))

    def group(self):
        return self.measure(
            lambda: self.env[REPORT].with_user(self.manager).read_group([], PIVOT_MEASURES, ["fc_code"], lazy=False)
        )

    def flag(self):
        self.cold()
        with Counter() as counter:
            counter.result = self.account._amazon_vendor_flag_discrepancies()
            self.env.flush_all()
        return counter

    def unflag(self, activities):
        activities.unlink()
        self.env.flush_all()
        self.env.cr.commit()

    # ------------------------------------------------------------------ checks

    def check(self, tag, counters):
        """The report shows the plan, the pivot adds up, the flag made the planned activities: else FAILED."""
        read, group, flag, reflag = (counters[key] for key in ("read", "group", "flag", "reflag"))
        expected, activities = expected_figures(self.plans)
        rows = read.result
        found = Tally()
        for row in rows:
            found.update({key: row[key] for key in SUMMED})
            found["discrepancies"] += row["has_discrepancy"]
        found["lines"] = len(rows)
        problems = [
            f"{key}: {found[key]:g} instead of {expected[key]:g}" for key in expected if found[key] != expected[key]
        ]
        if len(counters["search_read"].result) != expected["lines"]:
            problems.append(f"search_read gave {len(counters['search_read'].result)} lines")
        fcs = {row["fc_code"]: row for row in group.result}
        if set(fcs) != set(FC_CODES):
            problems.append(f"the pivot's FCs are {sorted(fcs, key=str)}")
        for key in ("shipped_qty", "received_qty", "invoiced_qty"):
            total = sum(row[key] for row in group.result)
            if total != expected[key]:
                problems.append(f"the pivot's {key} adds up to {total:g} instead of {expected[key]:g}")
        discrepancy_type = self.env.ref("acorn_amazon_vendor.mail_activity_type_discrepancy")
        if len(flag.result) != activities or flag.result.activity_type_id != discrepancy_type:
            problems.append(f"the first flag made {len(flag.result)} activities instead of {activities}")
        if reflag.result:
            problems.append(f"the second flag made {len(reflag.result)} activities instead of none")
        short = flag.result.filtered(lambda activity: "received short" in (activity.summary or ""))
        if short and "SSCC(s)" not in (short[0].note or ""):
            problems.append(f"no shipping evidence in the activity: {short[0].note}")
        if problems:
            raise SystemExit(f"FAILED: {tag} pass:\n  " + "\n  ".join(problems))
        return expected

    # ------------------------------------------------------------------ passes

    def run_pass(self, tag, warm=False):
        """Read, search_read, group, flag twice; check: :return: {name: Counter} and the expected figures."""
        if warm:
            self.read()
            self.search_read()
            self.group()
            self.unflag(self.flag().result)
        counters = {"read": self.read(), "search_read": self.search_read(), "group": self.group()}
        counters["flag"] = self.flag()
        counters["reflag"] = self.flag()
        self.env.cr.commit()
        expected = self.check(tag, counters)
        counters["flag"].orders = len(set(counters["flag"].result.mapped("res_id")))
        return counters, expected


# ---------------------------------------------------------------------- main


def growth(half, full):
    return full.queries / half.queries - 1 if half.queries else 0.0


def report(env, args, half, full, figures, setup_seconds):
    lines = figures["lines"]
    print(
        f"\nFour-way match of {lines} Amazon PO lines ({args.orders} orders x {args.lines} lines, "
        f"{args.products} products), Odoo {odoo.release.version}, database {env.cr.dbname}"
    )
    print(
        f"  shipped {figures['shipped_qty']:.0f} units (ASN accepted), received {figures['received_qty']:.0f}, "
        f"invoiced {figures['invoiced_qty']:.0f}; {figures['discrepancies']} lines with a discrepancy; "
        f"filled in {setup_seconds:.0f}s"
    )
    rows = [
        ("read    web_search_read, the whole report", "read"),
        ("        search_read, the same (shown only)", "search_read"),
        ("group   read_group by FC (pivot)", "group"),
        ("flag    _amazon_vendor_flag_discrepancies", "flag"),
        ("reflag  the same again (creates none)", "reflag"),
    ]
    print(f"  {'':42} {'full':>17} {'half':>17}   queries: full/half   time: full/half")
    for title, key in rows:
        print(
            f"  {title:42} {full[key].seconds:6.3f}s {full[key].queries:6d} q {half[key].seconds:6.3f}s "
            f"{half[key].queries:6d} q   {growth(half[key], full[key]):+17.1%}   "
            f"{full[key].seconds / half[key].seconds:9.1f}x"
        )
    for name, counters in (("full", full), ("half", half)):
        flag, reflag = counters["flag"], counters["reflag"]
        orders = max(flag.orders, 1)
        print(
            f"  flag {name}: {len(flag.result)} activities on {flag.orders} orders, "
            f"{flag.queries / orders:.1f} queries and {flag.seconds / orders * 1000:.1f} ms per order; "
            f"again: {reflag.queries / orders:.1f} queries and {reflag.seconds / orders * 1000:.1f} ms "
            f"per order"
        )
    print(
        f"  read: {full['read'].seconds / lines * 1e6:.0f} us per line; search_read adds a query per many2one model "
        f"per 1,000 lines (Odoo's prefetch); half = the first {args.orders // 2} orders"
    )
    grown = [key for key in ("read", "group") if growth(half[key], full[key]) > GROWTH_TOLERANCE]
    for key in grown:
        print(
            f"QUERIES GROW WITH LINES: {key} needs {full[key].queries} queries for {lines} lines, "
            f"{half[key].queries} for half of them"
        )
    if not grown:
        print(f"  queries steady: read and group within {GROWTH_TOLERANCE:.0%} at half and full size")
    print(
        f"RESULT lines={lines} orders={args.orders} read_s={full['read'].seconds:.3f} "
        f"read_queries={full['read'].queries} group_s={full['group'].seconds:.3f} "
        f"group_queries={full['group'].queries} flag_s={full['flag'].seconds:.3f} "
        f"flag_queries={full['flag'].queries} activities={len(full['flag'].result)} "
        f"flag_orders={full['flag'].orders} reflag_s={full['reflag'].seconds:.3f} "
        f"reflag_queries={full['reflag'].queries} search_read_s={full['search_read'].seconds:.3f} "
        f"search_read_queries={full['search_read'].queries} read_s_half={half['read'].seconds:.3f} "
        f"read_queries_half={half['read'].queries} search_read_queries_half={half['search_read'].queries} "
        f"group_s_half={half['group'].seconds:.3f} "
        f"group_queries_half={half['group'].queries} flag_s_half={half['flag'].seconds:.3f} "
        f"flag_queries_half={half['flag'].queries} activities_half={len(half['flag'].result)} "
        f"discrepancies={figures['discrepancies']} setup_s={setup_seconds:.1f}"
    )
    return not grown


def run(env, args):
    half_orders = args.orders // 2
    bench = Bench(env, args)
    print(f"  filling the first {half_orders} orders", flush=True)
    filled = bench.fill(0, half_orders)
    print(f"  half: {half_orders * args.lines} lines (filled in {filled.seconds:.0f}s)", flush=True)
    half, _figures = bench.run_pass("half", warm=True)
    bench.unflag(half["flag"].result)
    print(f"  filling the other {args.orders - half_orders} orders", flush=True)
    filled_more = bench.fill(half_orders, args.orders)
    print(f"  full: {args.orders * args.lines} lines (filled in {filled_more.seconds:.0f}s)", flush=True)
    full, figures = bench.run_pass("full")
    return report(env, args, half, full, figures, filled.seconds + filled_more.seconds)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=500)
    parser.add_argument("--lines", type=int, default=20, help="lines per order")
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument(
        "--repeat", type=int, default=3, help="calls of read, search_read and group per pass; the best time counts"
    )
    parser.add_argument("--db-host", default="127.0.0.1")
    parser.add_argument("--db-port", type=int, default=5432)
    parser.add_argument("--db-user", default="odoo")
    parser.add_argument("--keep-db", action="store_true", help="leave the database (and say its name)")
    args = parser.parse_args()
    if args.orders < 2 * KINDS or min(args.lines, args.products, args.repeat) < 1:
        parser.error(f"--orders must be at least {2 * KINDS}, --lines, --products and --repeat at least 1")

    data_dir = tempfile.mkdtemp(prefix="acorn-bench-match-")
    bootstrap(args, data_dir)
    name = f"acorn_bench_match_{os.getpid()}"
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
        print(f"  whole run: {time.perf_counter() - started:.0f}s")
    if not steady:
        sys.exit(1)


if __name__ == "__main__":
    main()
