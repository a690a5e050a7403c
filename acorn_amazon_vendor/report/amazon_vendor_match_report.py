from odoo import api, fields, models
from odoo.tools import SQL

# Days after which an invoice Amazon accepted but has not matched is flagged.
UNMATCHED_AFTER_DAYS = 14


class AmazonVendorMatchReport(models.Model):
    """The four-way match of every Amazon PO line: what Amazon ordered, what was acknowledged,
    shipped (in ASNs Amazon accepted), received by Amazon, invoiced, matched and paid, in units
    (eaches, or the product's unit for goods sold by weight), with the discrepancies flagged."""

    _name = "amazon.vendor.match.report"
    _description = "Amazon Four-Way Match"
    _auto = False
    _order = "po_date desc, po_number, item_sequence"
    _rec_name = "po_number"

    # Pending writes to these are flushed before the view is read.
    _depends = {
        "sale.order": [
            "amazon_vendor_account_id",
            "company_id",
            "amazon_vendor_po_number",
            "amazon_vendor_code",
            "amazon_vendor_fc_code",
            "amazon_vendor_po_date",
            "currency_id",
        ],
        "sale.order.line": [
            "order_id",
            "product_id",
            "display_type",
            "amazon_vendor_item_sequence",
            "amazon_vendor_ordered_uom",
            "amazon_vendor_unit_size",
            "amazon_vendor_ordered_amount",
            "amazon_vendor_ack_accepted",
            "amazon_vendor_ack_backordered",
            "amazon_vendor_received_units",
            "amazon_vendor_last_receive_date",
            "invoice_lines",
        ],
        "stock.move": [
            "sale_line_id",
            "picking_id",
            "state",
            "quantity",
            "product_uom",
            "product_id",
            "location_dest_id",
        ],
        "stock.picking": ["amazon_vendor_asn_state"],
        "account.move": ["state", "move_type", "amazon_vendor_invoice_state", "invoice_date"],
        "account.move.line": [
            "move_id",
            "quantity",
            "price_subtotal",
            "amazon_vendor_matched_qty",
            "amazon_vendor_paid_qty",
            "amazon_vendor_paid_amount",
            "amazon_vendor_price_variance",
        ],
    }

    account_id = fields.Many2one("amazon.vendor.account", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    order_id = fields.Many2one("sale.order", readonly=True)
    sale_line_id = fields.Many2one("sale.order.line", string="Order Line", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    po_number = fields.Char(string="Amazon PO", readonly=True)
    item_sequence = fields.Char(string="Item", readonly=True)
    vendor_code = fields.Char(readonly=True)
    fc_code = fields.Char(string="Fulfilment Centre", readonly=True)
    po_date = fields.Datetime(string="PO Date", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    ordered_qty = fields.Float(string="Ordered", readonly=True)
    acknowledged_qty = fields.Float(string="Acknowledged", readonly=True)
    shipped_qty = fields.Float(string="Shipped", readonly=True, help="In deliveries whose ASN Amazon accepted.")
    received_qty = fields.Float(string="Received", readonly=True, help="Received by Amazon (its PO status).")
    invoiced_qty = fields.Float(string="Invoiced", readonly=True, help="Posted invoices less credit notes.")
    matched_qty = fields.Float(string="Matched", readonly=True, help="Invoiced units Amazon matched.")
    paid_qty = fields.Float(string="Paid", readonly=True)
    invoiced_amount = fields.Monetary(readonly=True)
    paid_amount = fields.Monetary(readonly=True)
    price_variance = fields.Monetary(readonly=True, help="Amazon's purchase price variance on the invoices.")
    shortage_qty = fields.Float(string="Shortage", readonly=True, help="Shipped but not received by Amazon.")
    is_shortage = fields.Boolean(string="Received Short", readonly=True)
    is_over_invoiced = fields.Boolean(string="Invoiced Above Received", readonly=True)
    is_cost_variance = fields.Boolean(string="Cost Differs", readonly=True)
    is_unmatched = fields.Boolean(string="Not Matched", readonly=True)
    has_discrepancy = fields.Boolean(string="Discrepancy", readonly=True)

    @property
    def _table_query(self):
        return SQL(
            """
            WITH shipped AS (
                SELECT move.sale_line_id, SUM(move.quantity / move_uom.factor * product_uom.factor) AS qty
                  FROM stock_move move
                  JOIN stock_picking picking ON picking.id = move.picking_id
                  JOIN stock_location dest ON dest.id = move.location_dest_id
                  JOIN uom_uom move_uom ON move_uom.id = move.product_uom
                  JOIN product_product product ON product.id = move.product_id
                  JOIN product_template template ON template.id = product.product_tmpl_id
                  JOIN uom_uom product_uom ON product_uom.id = template.uom_id
                 WHERE move.state = 'done' AND dest.usage = 'customer'
                   AND picking.amazon_vendor_asn_state = 'done'
                 GROUP BY move.sale_line_id
            ), invoiced AS (
                SELECT rel.order_line_id AS sale_line_id,
                       SUM(CASE WHEN am.move_type = 'out_refund' THEN -aml.quantity ELSE aml.quantity END) AS qty,
                       SUM(CASE WHEN am.move_type = 'out_refund' THEN -aml.price_subtotal
                                ELSE aml.price_subtotal END) AS amount,
                       SUM(COALESCE(aml.amazon_vendor_matched_qty, 0)) AS matched,
                       SUM(COALESCE(aml.amazon_vendor_paid_qty, 0)) AS paid,
                       SUM(COALESCE(aml.amazon_vendor_paid_amount, 0)) AS paid_amount,
                       SUM(COALESCE(aml.amazon_vendor_price_variance, 0)) AS price_variance,
                       BOOL_OR(am.move_type = 'out_invoice' AND am.amazon_vendor_invoice_state = 'done'
                               AND am.invoice_date < (NOW() AT TIME ZONE 'UTC')::date - %(days)s
                               AND COALESCE(aml.amazon_vendor_matched_qty, 0) < aml.quantity) AS unmatched
                  FROM sale_order_line_invoice_rel rel
                  JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                  JOIN account_move am ON am.id = aml.move_id
                 WHERE am.state = 'posted' AND am.move_type IN ('out_invoice', 'out_refund')
                 GROUP BY rel.order_line_id
            ), lines AS (
                SELECT sol.id AS id,
                       so.amazon_vendor_account_id AS account_id,
                       so.company_id,
                       so.id AS order_id,
                       sol.id AS sale_line_id,
                       sol.product_id,
                       so.amazon_vendor_po_number AS po_number,
                       sol.amazon_vendor_item_sequence AS item_sequence,
                       so.amazon_vendor_code AS vendor_code,
                       so.amazon_vendor_fc_code AS fc_code,
                       so.amazon_vendor_po_date AS po_date,
                       so.currency_id,
                       CASE WHEN sol.amazon_vendor_ordered_uom = 'Cases'
                            THEN COALESCE(NULLIF(sol.amazon_vendor_unit_size, 0), 1)
                            ELSE 1 END AS size,
                       sol.amazon_vendor_ordered_amount AS ordered_amount,
                       COALESCE(sol.amazon_vendor_ack_accepted, 0) + COALESCE(sol.amazon_vendor_ack_backordered, 0)
                           AS acknowledged_amount,
                       COALESCE(sol.amazon_vendor_received_units, 0) AS received_qty,
                       sol.amazon_vendor_last_receive_date IS NOT NULL AS received_known,
                       COALESCE(shipped.qty, 0) AS shipped_qty,
                       COALESCE(invoiced.qty, 0) AS invoiced_qty,
                       COALESCE(invoiced.amount, 0) AS invoiced_amount,
                       COALESCE(invoiced.matched, 0) AS matched_qty,
                       COALESCE(invoiced.paid, 0) AS paid_qty,
                       COALESCE(invoiced.paid_amount, 0) AS paid_amount,
                       COALESCE(invoiced.price_variance, 0) AS price_variance,
                       COALESCE(invoiced.unmatched, FALSE) AS is_unmatched
                  FROM sale_order_line sol
                  JOIN sale_order so ON so.id = sol.order_id
             LEFT JOIN shipped ON shipped.sale_line_id = sol.id
             LEFT JOIN invoiced ON invoiced.sale_line_id = sol.id
                 WHERE so.amazon_vendor_po_number IS NOT NULL
                   AND sol.amazon_vendor_item_sequence IS NOT NULL
                   AND sol.display_type IS NULL
            )
            SELECT id, account_id, company_id, order_id, sale_line_id, product_id, po_number, item_sequence,
                   vendor_code, fc_code, po_date, currency_id,
                   ordered_amount * size AS ordered_qty,
                   acknowledged_amount * size AS acknowledged_qty,
                   shipped_qty, received_qty, invoiced_qty, matched_qty, paid_qty,
                   invoiced_amount, paid_amount, price_variance,
                   GREATEST(shipped_qty - received_qty, 0) AS shortage_qty,
                   received_known AND received_qty < shipped_qty AS is_shortage,
                   received_known AND invoiced_qty > received_qty AS is_over_invoiced,
                   price_variance <> 0 AS is_cost_variance,
                   is_unmatched,
                   (received_known AND (received_qty < shipped_qty OR invoiced_qty > received_qty))
                       OR price_variance <> 0 OR is_unmatched AS has_discrepancy
              FROM lines
            """,
            days=UNMATCHED_AFTER_DAYS,
        )

    @api.model
    def _amazon_vendor_discrepancies(self, accounts=None):
        """:return: the lines with a discrepancy, of ``accounts`` (all when None)"""
        domain = [("has_discrepancy", "=", True)]
        if accounts is not None:
            domain.append(("account_id", "in", accounts.ids))
        return self.search(domain)
