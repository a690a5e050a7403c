from odoo import SUPERUSER_ID, _, api, fields, models

# The context key under which a product's forecast quantity includes Amazon's demand.
DEMAND_KEY = "amazon_vendor_demand"


class StockWarehouseOrderpoint(models.Model):
    _inherit = "stock.warehouse.orderpoint"

    amazon_vendor_forecast_units = fields.Float(
        string="Amazon Forecast",
        compute="_compute_amazon_vendor_demand",
        digits="Product Unit of Measure",
        help="Amazon's weekly forecast, at the account's percentile, from today to the end of the lead time.",
    )
    amazon_vendor_open_order_units = fields.Float(
        string="On Amazon Orders",
        compute="_compute_amazon_vendor_demand",
        digits="Product Unit of Measure",
        help="What Amazon's open purchase orders in Odoo already ask for: not counted twice.",
    )
    amazon_vendor_demand_units = fields.Float(
        string="Amazon Demand",
        compute="_compute_amazon_vendor_demand",
        digits="Product Unit of Measure",
        help="The forecast net of Amazon's open orders: what the forecast adds to the demand.",
    )
    amazon_vendor_on_hand = fields.Float(
        string="At Amazon", compute="_compute_amazon_vendor_demand", help="Amazon's sellable units on hand."
    )
    amazon_vendor_weekly_sales = fields.Float(
        string="Amazon Sells / Week", compute="_compute_amazon_vendor_demand", help="Units Amazon shipped to customers."
    )
    amazon_vendor_sell_through = fields.Float(
        string="Amazon Sell-Through",
        compute="_compute_amazon_vendor_demand",
        help="Amazon's sell-through rate of the last inventory report: units sold / units it had.",
    )
    amazon_vendor_weeks_of_cover = fields.Float(
        string="Weeks of Cover at Amazon",
        compute="_compute_amazon_vendor_demand",
        help="Amazon's units on hand and on order, in weeks of its forecast.",
    )
    amazon_vendor_reason = fields.Char(string="Why (Amazon)", compute="_compute_amazon_vendor_demand")

    def _compute_amazon_vendor_demand(self):
        Forecast = self.env["amazon.vendor.forecast"]
        figures = self.env["amazon.vendor.report.line"]._amazon_vendor_latest_figures(self.product_id)
        for (warehouse, date_to), orderpoints in self.grouped(
            lambda o: (o.warehouse_id, o.lead_days_date or fields.Date.context_today(o))
        ).items():
            demand = Forecast._amazon_vendor_net_demand(orderpoints.product_id, warehouse, date_to)
            for orderpoint in orderpoints:
                forecast, on_orders, net = demand.get(orderpoint.product_id.id, (0.0, 0.0, 0.0))
                on_hand, weekly_sales, open_po, sell_through = figures.get(orderpoint.product_id.id, (0.0,) * 4)
                days = max(((date_to - fields.Date.context_today(orderpoint)).days + 1), 1)
                weekly_forecast = forecast * 7 / days
                orderpoint.amazon_vendor_forecast_units = forecast
                orderpoint.amazon_vendor_open_order_units = on_orders
                orderpoint.amazon_vendor_demand_units = net
                orderpoint.amazon_vendor_on_hand = on_hand
                orderpoint.amazon_vendor_weekly_sales = weekly_sales
                orderpoint.amazon_vendor_sell_through = sell_through
                orderpoint.amazon_vendor_weeks_of_cover = (
                    (on_hand + open_po) / weekly_forecast if weekly_forecast else 0.0
                )
                orderpoint.amazon_vendor_reason = (
                    _(
                        "Amazon forecasts %(forecast)s until %(date)s; %(orders)s are on its open orders, so "
                        "%(net)s more are planned.",
                        forecast=round(forecast, 1),
                        date=date_to,
                        orders=round(on_orders, 1),
                        net=round(net, 1),
                    )
                    if forecast
                    else False
                )

    def _get_product_context(self, visibility_days=0):
        return dict(super()._get_product_context(visibility_days=visibility_days), **{DEMAND_KEY: True})

    def _get_orderpoint_action(self):
        """Odoo's replenishment report, with an orderpoint for every product Amazon forecasts
        demand of in a vendor code's warehouse (Odoo only looks at products short of stock)."""
        self._amazon_vendor_create_forecast_orderpoints()
        return super()._get_orderpoint_action()

    @api.model
    def _amazon_vendor_create_forecast_orderpoints(self):
        today = fields.Date.context_today(self)
        groups = (
            self.env["amazon.vendor.forecast"]
            .sudo()
            ._read_group(
                [("week_end", ">=", today), ("product_id.is_storable", "=", True), ("warehouse_id", "!=", False)],
                ["product_id", "warehouse_id"],
            )
        )
        if not groups:
            return self.browse()
        existing = {
            (orderpoint.product_id.id, orderpoint.location_id.id)
            for orderpoint in self.with_context(active_test=False).search(
                [("product_id", "in", list({product.id for product, _warehouse in groups}))]
            )
        }
        vals_list = []
        for product, warehouse in groups:
            location = warehouse.lot_stock_id
            if (product.id, location.id) in existing:
                continue
            vals = self._get_orderpoint_values(product.id, location.id)
            vals.update(name=_("Replenishment Report"), warehouse_id=warehouse.id, company_id=warehouse.company_id.id)
            vals_list.append(vals)
        orderpoints = self.with_user(SUPERUSER_ID).create(vals_list)
        for orderpoint in orderpoints:
            orderpoint._set_default_route_id()
            orderpoint.qty_multiple = orderpoint._get_qty_multiple_to_order()
        return orderpoints


class ProductProduct(models.Model):
    _inherit = "product.product"

    def _compute_quantities_dict(self, lot_id, owner_id, package_id, from_date=False, to_date=False):
        """In a replenishment rule's context, the forecast quantity also spends Amazon's demand
        forecast (net of its open orders, which are already moves) up to the rule's horizon."""
        result = super()._compute_quantities_dict(lot_id, owner_id, package_id, from_date=from_date, to_date=to_date)
        location_id = self.env.context.get("location")
        if not (self.env.context.get(DEMAND_KEY) and to_date and isinstance(location_id, int)):
            return result
        warehouse = self.env["stock.location"].browse(location_id).warehouse_id
        date_to = fields.Datetime.to_datetime(to_date).date()
        demand = self.env["amazon.vendor.forecast"]._amazon_vendor_net_demand(self, warehouse, date_to)
        for product_id, (_forecast, _on_orders, net) in demand.items():
            if product_id in result:
                result[product_id]["virtual_available"] -= net
        return result
