from odoo import fields, models, tools
from odoo.tools import SQL


class AmazonVendorPerformanceReport(models.Model):
    """One Amazon PO as Amazon judges the vendor: filled, confirmed in time, shipped in its
    window, received as announced."""

    _name = "amazon.vendor.performance.report"
    _description = "Amazon Vendor Performance"
    _auto = False
    _order = "po_date desc"
    _depends = {
        "sale.order": [
            "amazon_vendor_account_id", "company_id", "amazon_vendor_code", "amazon_vendor_fc_code",
            "amazon_vendor_po_date", "amazon_vendor_acknowledged_at", "amazon_vendor_ack_state",
            "amazon_vendor_ship_window_end", "state",
        ],
        "sale.order.line": [
            "order_id", "amazon_vendor_ordered_amount", "amazon_vendor_accepted_qty", "amazon_vendor_ack_accepted",
            "amazon_vendor_received_units",
        ],
        "stock.picking": ["sale_id", "state", "date_done", "amazon_vendor_asn_state", "picking_type_id"],
        "stock.move": ["picking_id", "quantity", "state"],
    }  # fmt: skip

    order_id = fields.Many2one("sale.order", string="Purchase Order", readonly=True)
    account_id = fields.Many2one("amazon.vendor.account", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    vendor_code = fields.Char(readonly=True)
    fc_code = fields.Char(string="Fulfilment Centre", readonly=True)
    po_date = fields.Date(string="PO Date", readonly=True)
    po_count = fields.Integer(string="POs", readonly=True)
    ordered_units = fields.Float(readonly=True)
    accepted_units = fields.Float(readonly=True)
    shipped_units = fields.Float(readonly=True)
    received_units = fields.Float(string="Received by Amazon", readonly=True)
    confirmed_in_time = fields.Integer(string="Confirmed within 24 h", readonly=True)
    shipped = fields.Integer(readonly=True)
    shipped_on_time = fields.Integer(string="Shipped in Window", readonly=True)
    received = fields.Integer(readonly=True)
    ack_open = fields.Integer(string="Acknowledgement Open", readonly=True)
    asn_open = fields.Integer(string="ASN Open", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %s AS (
                    WITH lines AS (
                        SELECT l.order_id,
                               SUM(COALESCE(l.amazon_vendor_ordered_amount, 0)) AS ordered,
                               SUM(COALESCE(NULLIF(l.amazon_vendor_accepted_qty, 0), l.amazon_vendor_ack_accepted, 0))
                                   AS accepted,
                               SUM(COALESCE(l.amazon_vendor_received_units, 0)) AS received
                          FROM sale_order_line l
                         GROUP BY l.order_id
                    ), shipments AS (
                        SELECT p.sale_id,
                               MIN(p.date_done) AS first_done,
                               SUM(m.quantity) AS shipped,
                               COUNT(DISTINCT p.id) FILTER (
                                   WHERE p.amazon_vendor_asn_state IS NULL OR p.amazon_vendor_asn_state != 'done'
                               ) AS asn_open
                          FROM stock_picking p
                          JOIN stock_picking_type t ON t.id = p.picking_type_id AND t.code = 'outgoing'
                          JOIN stock_move m ON m.picking_id = p.id AND m.state = 'done'
                         WHERE p.state = 'done' AND p.sale_id IS NOT NULL
                         GROUP BY p.sale_id
                    )
                    SELECT o.id, o.id AS order_id, o.amazon_vendor_account_id AS account_id, o.company_id,
                           o.amazon_vendor_code AS vendor_code, o.amazon_vendor_fc_code AS fc_code,
                           (o.amazon_vendor_po_date AT TIME ZONE 'UTC')::date AS po_date, 1 AS po_count,
                           COALESCE(l.ordered, 0) AS ordered_units, COALESCE(l.accepted, 0) AS accepted_units,
                           COALESCE(s.shipped, 0) AS shipped_units, COALESCE(l.received, 0) AS received_units,
                           (o.amazon_vendor_acknowledged_at IS NOT NULL
                            AND o.amazon_vendor_acknowledged_at <= o.amazon_vendor_po_date + interval '24 hours')::int
                               AS confirmed_in_time,
                           (s.first_done IS NOT NULL)::int AS shipped,
                           (s.first_done IS NOT NULL AND (o.amazon_vendor_ship_window_end IS NULL
                            OR s.first_done <= o.amazon_vendor_ship_window_end))::int AS shipped_on_time,
                           (COALESCE(l.received, 0) > 0)::int AS received,
                           (o.state != 'cancel' AND o.amazon_vendor_ack_state IN ('none', 'sent', 'error'))::int
                               AS ack_open,
                           COALESCE(s.asn_open, 0) AS asn_open
                      FROM sale_order o
                      LEFT JOIN lines l ON l.order_id = o.id
                      LEFT JOIN shipments s ON s.sale_id = o.id
                     WHERE o.amazon_vendor_account_id IS NOT NULL
                )
                """,
                SQL.identifier(self._table),
            )
        )
