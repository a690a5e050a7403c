from odoo import api, fields, models

REPORT_TYPES = [
    ("GET_VENDOR_SALES_REPORT", "Sales"),
    ("GET_VENDOR_INVENTORY_REPORT", "Inventory"),
    ("GET_VENDOR_FORECASTING_REPORT", "Forecast"),
    ("GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT", "Net Pure Product Margin"),
]
PERIODS = [("DAY", "Day"), ("WEEK", "Week"), ("MONTH", "Month"), ("QUARTER", "Quarter"), ("YEAR", "Year")]


class AmazonVendorReport(models.Model):
    """One report Amazon made for the account: what was asked, and Amazon's verdict."""

    _name = "amazon.vendor.report"
    _description = "Amazon Report"
    _order = "id desc"

    account_id = fields.Many2one("amazon.vendor.account", required=True, readonly=True, ondelete="cascade")
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    report_type = fields.Selection(REPORT_TYPES, required=True, readonly=True)
    marketplace_id = fields.Char(string="Amazon Marketplace", readonly=True)
    period = fields.Selection(PERIODS, readonly=True)
    start_date = fields.Date(readonly=True)
    end_date = fields.Date(readonly=True)
    amazon_report_id = fields.Char(string="Amazon Report ID", readonly=True)
    state = fields.Selection(
        [("waiting", "Amazon Still Making It"), ("done", "Done"), ("error", "Refused by Amazon")],
        required=True,
        readonly=True,
        default="done",
    )
    reason = fields.Text(readonly=True, help="Amazon's reason when it could not make the report.")
    row_count = fields.Integer(string="Rows", readonly=True)
    unmapped_count = fields.Integer(string="ASINs Not Mapped", readonly=True)

    def _amazon_vendor_spec(self):
        """:return: the specification the report was asked with (see the account's report specs)"""
        self.ensure_one()
        start = self.start_date and fields.Datetime.to_datetime(self.start_date)
        end = self.end_date and fields.Datetime.to_datetime(self.end_date)
        return {
            "report_type": self.report_type,
            "period": self.period,
            "start": start,
            "end": end,
            "marketplace": self.marketplace_id,
        }


class AmazonVendorReportLine(models.Model):
    """One ASIN over one period of Amazon's sales, inventory or margin report."""

    _name = "amazon.vendor.report.line"
    _description = "Amazon Report Row"
    _order = "start_date desc, asin"

    account_id = fields.Many2one("amazon.vendor.account", required=True, readonly=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    report_type = fields.Selection(REPORT_TYPES, required=True, readonly=True, index=True)
    period = fields.Selection(PERIODS, readonly=True)
    start_date = fields.Date(readonly=True, index=True)
    end_date = fields.Date(readonly=True)
    asin = fields.Char(string="ASIN", required=True, readonly=True, index=True)
    product_id = fields.Many2one("product.product", readonly=True, index="btree_not_null")
    currency_id = fields.Many2one("res.currency", readonly=True)
    # Sales
    ordered_units = fields.Float(readonly=True)
    ordered_revenue = fields.Monetary(readonly=True)
    shipped_units = fields.Float(readonly=True)
    shipped_revenue = fields.Monetary(readonly=True)
    shipped_cogs = fields.Monetary(string="Shipped COGS", readonly=True)
    customer_returns = fields.Float(readonly=True)
    # Inventory
    sellable_on_hand_units = fields.Float(string="Amazon On Hand", readonly=True)
    sellable_on_hand_cost = fields.Monetary(string="Amazon On Hand Cost", readonly=True)
    unsellable_on_hand_units = fields.Float(string="Unsellable On Hand", readonly=True)
    open_po_units = fields.Float(string="Open PO Units", readonly=True)
    net_received_units = fields.Float(readonly=True)
    sell_through_rate = fields.Float(readonly=True, aggregator="avg")
    vendor_confirmation_rate = fields.Float(readonly=True, aggregator="avg")
    receive_fill_rate = fields.Float(readonly=True, aggregator="avg")
    vendor_lead_time_days = fields.Float(string="Vendor Lead Time (days)", readonly=True, aggregator="avg")
    unfilled_customer_ordered_units = fields.Float(readonly=True)
    aged_90_plus_units = fields.Float(string="Aged 90+ Days Units", readonly=True)
    # Net pure product margin
    net_ppm = fields.Float(string="Net PPM", readonly=True, aggregator="avg")

    _sql_constraints = [
        (
            "row_uniq",
            "unique(account_id, report_type, period, start_date, asin)",
            "Amazon's report already has a row for this ASIN and period.",
        ),
    ]

    @api.model
    def _amazon_vendor_latest_figures(self, products):
        """:return: {product id: (Amazon's units on hand, units it sells a week, its open PO
        units, its sell-through rate)} from the latest inventory and sales rows of each product"""
        if not products:
            return {}
        self.flush_model()
        self.env.cr.execute(
            """
            SELECT DISTINCT ON (product_id, report_type) product_id, report_type, period, start_date, end_date,
                   sellable_on_hand_units, open_po_units, shipped_units, sell_through_rate
              FROM amazon_vendor_report_line
             WHERE product_id = ANY(%s) AND report_type IN ('GET_VENDOR_INVENTORY_REPORT', 'GET_VENDOR_SALES_REPORT')
             ORDER BY product_id, report_type, start_date DESC
            """,
            (products.ids,),
        )
        figures = {}
        for (
            product_id,
            report_type,
            _period,
            start,
            end,
            on_hand,
            open_po,
            shipped,
            sell_through,
        ) in self.env.cr.fetchall():
            current = figures.setdefault(product_id, [0.0, 0.0, 0.0, 0.0])
            if report_type == "GET_VENDOR_INVENTORY_REPORT":
                current[0], current[2], current[3] = on_hand or 0.0, open_po or 0.0, sell_through or 0.0
            elif start and end:
                current[1] = (shipped or 0.0) * 7 / ((end - start).days + 1)
        return {product_id: tuple(values) for product_id, values in figures.items()}


class AmazonVendorForecast(models.Model):
    """Amazon's weekly demand forecast of one ASIN."""

    _name = "amazon.vendor.forecast"
    _description = "Amazon Demand Forecast"
    _order = "week_start, asin"

    account_id = fields.Many2one("amazon.vendor.account", required=True, readonly=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    product_id = fields.Many2one("product.product", readonly=True, index="btree_not_null")
    asin = fields.Char(string="ASIN", required=True, readonly=True, index=True)
    warehouse_id = fields.Many2one(
        "stock.warehouse", readonly=True, index=True, help="Where the demand falls: the vendor code's warehouse."
    )
    week_start = fields.Date(required=True, readonly=True, index=True)
    week_end = fields.Date(readonly=True)
    generated_on = fields.Date(string="Forecast Of", readonly=True)
    mean_units = fields.Float(string="Mean", readonly=True)
    p70_units = fields.Float(string="P70", readonly=True)
    p80_units = fields.Float(string="P80", readonly=True)
    p90_units = fields.Float(string="P90", readonly=True)
    demand_units = fields.Float(
        string="Planned Demand",
        compute="_compute_demand_units",
        store=True,
        help="The units the account plans for: the forecast at its chosen percentile.",
    )

    _sql_constraints = [
        ("week_uniq", "unique(account_id, asin, week_start)", "Amazon's forecast already has this ASIN and week."),
    ]

    @api.depends("mean_units", "p70_units", "p80_units", "p90_units", "account_id.forecast_percentile")
    def _compute_demand_units(self):
        for forecast in self:
            percentile = forecast.account_id.forecast_percentile or "p80"
            forecast.demand_units = forecast[f"{percentile}_units"] if percentile != "mean" else forecast.mean_units

    @api.model
    def _amazon_vendor_net_demand(self, products, warehouse, date_to):
        """Amazon's forecast demand of ``products`` on ``warehouse`` from today to ``date_to``
        (weeks cut to the days inside), net of what Amazon's open orders in Odoo already ask for.

        :return: {product id: (forecast units, open order units, net units)}
        """
        today = fields.Date.context_today(self)
        if not products or not warehouse or date_to < today:
            return {}
        forecasts = self.sudo().search_fetch(
            [
                ("product_id", "in", products.ids),
                ("warehouse_id", "=", warehouse.id),
                ("week_end", ">=", today),
                ("week_start", "<=", date_to),
            ],
            ["product_id", "week_start", "week_end", "demand_units"],
        )
        demand = dict.fromkeys(forecasts.product_id.ids, 0.0)
        for forecast in forecasts:
            first, last = max(forecast.week_start, today), min(forecast.week_end, date_to)
            days = (last - first).days + 1
            span = (forecast.week_end - forecast.week_start).days + 1
            demand[forecast.product_id.id] += forecast.demand_units * days / span
        if not demand:
            return {}
        open_units = self._amazon_vendor_open_order_units(list(demand), warehouse)
        return {
            product_id: (units, open_units.get(product_id, 0.0), max(0.0, units - open_units.get(product_id, 0.0)))
            for product_id, units in demand.items()
        }

    @api.model
    def _amazon_vendor_open_order_units(self, product_ids, warehouse):
        """:return: {product id: units of Amazon's confirmed orders on ``warehouse`` not delivered yet}"""
        self.env["sale.order"].flush_model(["amazon_vendor_account_id", "state", "warehouse_id"])
        self.env["sale.order.line"].flush_model(["product_id", "product_uom_qty", "qty_delivered", "order_id"])
        self.env.cr.execute(
            """
            SELECT l.product_id, SUM(GREATEST(l.product_uom_qty - l.qty_delivered, 0))
              FROM sale_order_line l JOIN sale_order o ON o.id = l.order_id
             WHERE o.amazon_vendor_account_id IS NOT NULL AND o.state = 'sale' AND o.warehouse_id = %s
               AND l.product_id = ANY(%s)
             GROUP BY l.product_id
            """,
            (warehouse.id, list(product_ids)),
        )
        return dict(self.env.cr.fetchall())
