"""Amazon's sales, inventory, forecast and margin reports in Odoo, and replenishment planned on
Amazon's forecast, against the simulator."""

from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import new_test_user, tagged

from .common import AmazonVendorCommon

NOW = "2026-03-11 12:00:00"  # a Wednesday: the last complete week is 1-7 March
ASIN_A, ASIN_B, ASIN_LOST = "B0ACRNA001", "B0ACRNB002", "B0NOTMAP99"
SALES = "GET_VENDOR_SALES_REPORT"
INVENTORY = "GET_VENDOR_INVENTORY_REPORT"
MARGIN = "GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT"
FORECAST = "GET_VENDOR_FORECASTING_REPORT"
WEEK_OPTIONS = {"reportPeriod": "WEEK", "distributorView": "MANUFACTURING", "sellingProgram": "RETAIL"}


def money(amount):
    return {"amount": amount, "currencyCode": "USD"}


def sales_document(start="2026-03-01", end="2026-03-07"):
    spec = {
        "reportType": SALES,
        "reportOptions": {"reportPeriod": "WEEK", "distributorView": "MANUFACTURING", "sellingProgram": "RETAIL"},
        "dataStartTime": start,
        "dataEndTime": end,
        "marketplaceIds": ["ATVPDKIKX0DER"],
    }
    row = {
        "startDate": start,
        "endDate": end,
        "customerReturns": 1,
        "orderedRevenue": money(700.0),
        "orderedUnits": 70,
        "shippedCogs": money(420.0),
        "shippedRevenue": money(650.0),
        "shippedUnits": 65,
    }
    return {
        "reportSpecification": spec,
        "salesAggregate": [row],
        "salesByAsin": [dict(row, asin=ASIN_A), dict(row, asin=ASIN_LOST, shippedUnits=5, orderedUnits=5)],
    }


def specification(report_type, options, start="2026-03-01", end="2026-03-07"):
    return {
        "reportType": report_type,
        "reportOptions": options,
        "dataStartTime": start,
        "dataEndTime": end,
        "marketplaceIds": ["ATVPDKIKX0DER"],
    }


def inventory_document(start="2026-03-01", end="2026-03-07"):
    row = {
        "startDate": start,
        "endDate": end,
        "asin": ASIN_A,
        "sellableOnHandInventoryUnits": 120,
        "sellableOnHandInventoryCost": money(720.0),
        "openPurchaseOrderUnits": 48,
        "sellThroughRate": 0.35,
        "averageVendorLeadTimeDays": 6.5,
        "netReceivedInventoryUnits": 60,
        "vendorConfirmationRate": 0.95,
        "unfilledCustomerOrderedUnits": 2,
    }
    return {"reportSpecification": specification(INVENTORY, WEEK_OPTIONS, start, end), "inventoryByAsin": [row]}


def margin_document(start="2026-03-01", end="2026-03-07"):
    return {
        "reportSpecification": specification(MARGIN, {"reportPeriod": "WEEK"}, start, end),
        "netPureProductMarginAggregate": [{"startDate": start, "endDate": end, "netPureProductMargin": 0.31}],
        "netPureProductMarginByAsin": [
            {"startDate": start, "endDate": end, "asin": ASIN_A, "netPureProductMargin": 0.31}
        ],
    }


def forecast_document(weeks=3, first="2026-03-08", p80=70.0):
    start = fields.Date.to_date(first)
    rows = []
    for week in range(weeks):
        monday = start + timedelta(days=7 * week)
        rows.append(
            {
                "forecastGenerationDate": "2026-03-08",
                "asin": ASIN_A,
                "startDate": monday.isoformat(),
                "endDate": (monday + timedelta(days=6)).isoformat(),
                "meanForecastUnits": p80 * 0.8,
                "p70ForecastUnits": p80 * 0.9,
                "p80ForecastUnits": p80,
                "p90ForecastUnits": p80 * 1.2,
            }
        )
    return {
        "reportSpecification": {
            "reportType": FORECAST,
            "reportOptions": {"sellingProgram": "RETAIL"},
            "marketplaceIds": ["ATVPDKIKX0DER"],
        },
        "forecastByAsin": rows,
    }


@tagged("post_install", "-at_install")
class TestReports(AmazonVendorCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create({"name": "Espresso beans 1 kg", "is_storable": True})
        cls.env["amazon.vendor.product"].create(
            {"account_id": cls.account.id, "product_id": cls.product.id, "asin": ASIN_A}
        )

    def setUp(self):
        super().setUp()
        self.sim_reset(clock="2026-03-11T12:00:00Z", rate_limiting=False)

    def serve(self, report_type, document):
        self.sim_post("/_simulator/report-documents", {"reportType": report_type, "document": document})

    def fetch(self, *report_types):
        # The clock ticks: a report Amazon is slow to make must be able to time out.
        with freeze_time(NOW, tick=True):
            if report_types:
                return self.account._amazon_vendor_fetch_reports(list(report_types))
            return self.account.with_user(self.salesman).action_fetch_reports()

    def rows(self, report_type=SALES):
        return self.env["amazon.vendor.report.line"].search(
            [("account_id", "=", self.account.id), ("report_type", "=", report_type)], order="asin"
        )

    def test_every_report_type_is_fetched_and_stored_for_the_last_complete_week(self):
        self.serve(SALES, sales_document())
        self.serve(INVENTORY, inventory_document())
        self.serve(MARGIN, margin_document())
        self.serve(FORECAST, forecast_document())
        self.fetch()
        reports = self.env["amazon.vendor.report"].search([("account_id", "=", self.account.id)])
        self.assertEqual(len(reports), 4)
        self.assertEqual(set(reports.mapped("state")), {"done"}, reports.mapped("reason"))
        sales = reports.filtered(lambda r: r.report_type == SALES)
        # Weeks are Sunday to Saturday in the marketplace's time zone.
        self.assertEqual((sales.start_date, sales.end_date), (date(2026, 3, 1), date(2026, 3, 7)))
        self.assertEqual(sales.start_date.weekday(), 6)
        self.assertRecordValues(
            self.rows(),
            [
                {"asin": ASIN_A, "product_id": self.product.id, "shipped_units": 65, "shipped_revenue": 650.0},
                {"asin": ASIN_LOST, "product_id": False, "shipped_units": 5, "shipped_revenue": 650.0},
            ],
        )
        self.assertEqual(sales.unmapped_count, 1, "an ASIN no product maps is listed for mapping, not dropped")
        self.assertRecordValues(
            self.rows(INVENTORY),
            [{"asin": ASIN_A, "product_id": self.product.id, "sellable_on_hand_units": 120, "open_po_units": 48}],
        )
        self.assertEqual(self.rows(MARGIN).mapped("net_ppm"), [0.31])
        forecast = self.env["amazon.vendor.forecast"].search([("account_id", "=", self.account.id)])
        self.assertEqual(forecast.mapped("p80_units"), [70.0, 70.0, 70.0])
        # The product shows what Amazon holds, sells and expects.
        with freeze_time(NOW):
            template = self.product.product_tmpl_id
            template.invalidate_recordset()
            self.assertRecordValues(
                template,
                [
                    {
                        "amazon_vendor_on_hand": 120,
                        "amazon_vendor_open_po_units": 48,
                        "amazon_vendor_weekly_sales": 65,
                        "amazon_vendor_sell_through": 0.35,
                        "amazon_vendor_forecast_4w": 210,
                        # (120 + 48) units / (210 / 4) a week
                        "amazon_vendor_weeks_of_cover": 3.2,
                    }
                ],
            )

    def test_a_report_fetched_again_replaces_its_period(self):
        self.serve(SALES, sales_document())
        self.fetch(SALES)
        self.fetch(SALES)
        self.assertEqual(len(self.rows()), 2)

    def test_a_report_amazon_is_slow_to_make_waits_for_the_next_run(self):
        self.serve(SALES, sales_document())
        self.sim_post("/_simulator/config", {"report_polls_until_done": 100})
        self.env["ir.config_parameter"].sudo().set_param("acorn_amazon_vendor.report_max_wait", "0.01")
        [waiting] = self.fetch(SALES)
        self.assertRecordValues(waiting, [{"state": "waiting", "row_count": 0}])
        self.assertTrue(waiting.amazon_report_id)
        # The next run goes on polling the same report until Amazon has made it.
        self.env["ir.config_parameter"].sudo().set_param("acorn_amazon_vendor.report_max_wait", "100000")
        self.fetch(SALES)
        self.assertRecordValues(waiting, [{"state": "done", "row_count": 2}])
        self.assertEqual(len(self.rows()), 2)

    def test_amazons_refusals_are_recorded_with_their_reason(self):
        self.serve(SALES, {"errorDetails": "Missing reportOptions: distributorView."})
        reports = self.fetch(SALES)
        self.assertRecordValues(reports, [{"state": "error"}])
        self.assertIn("distributorView", reports.reason)
        self.assertFalse(self.rows())
        # A week that does not start on Sunday: Amazon makes the report FATAL.
        client = self.account._get_spapi_client()
        spec = {
            "report_type": SALES,
            "period": "WEEK",
            "start": fields.Datetime.to_datetime("2026-03-02 00:00:00"),
            "end": fields.Datetime.to_datetime("2026-03-08 23:59:59"),
            "options": {"reportPeriod": "WEEK", "distributorView": "MANUFACTURING", "sellingProgram": "RETAIL"},
            "marketplace": "ATVPDKIKX0DER",
        }
        with freeze_time(NOW):
            fatal = self.account._amazon_vendor_fetch_report(client, "ATVPDKIKX0DER", spec)
        self.assertEqual(fatal.state, "error")
        self.assertTrue(fatal.reason)


@tagged("post_install", "-at_install")
class TestForecastReplenishment(AmazonVendorCommon):
    """Amazon's forecast becomes demand in Odoo's own Replenishment, net of Amazon's open orders."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create({"name": "Grinder", "is_storable": True})
        cls.env["amazon.vendor.product"].create(
            {"account_id": cls.account.id, "product_id": cls.product.id, "asin": ASIN_A}
        )
        supplier = cls.env.ref("stock.stock_location_suppliers")
        cls.route = cls.env["stock.route"].create(
            {
                "name": "Made in two weeks",
                "product_selectable": True,
                "rule_ids": [
                    Command.create(
                        {
                            "name": "Supplier to stock",
                            "action": "pull",
                            "location_src_id": supplier.id,
                            "location_dest_id": cls.warehouse.lot_stock_id.id,
                            "picking_type_id": cls.warehouse.in_type_id.id,
                            "procure_method": "make_to_stock",
                            "delay": 14,
                        }
                    )
                ],
            }
        )
        cls.product.route_ids = cls.route
        cls.env["stock.quant"]._update_available_quantity(cls.product, cls.warehouse.lot_stock_id, 30)

    def setUp(self):
        super().setUp()
        self.sim_reset(clock="2026-03-11T12:00:00Z", rate_limiting=False)

    def open_amazon_order(self, units):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.amazon_partner.id,
                "warehouse_id": self.warehouse.id,
                "amazon_vendor_account_id": self.account.id,
                "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": units})],
            }
        )
        order.action_confirm()
        return order

    def test_the_replenishment_screen_plans_amazons_forecast_net_of_its_open_orders(self):
        self.sim_post("/_simulator/report-documents", {"reportType": FORECAST, "document": forecast_document()})
        with freeze_time(NOW):
            self.account._amazon_vendor_fetch_reports([FORECAST])
            forecast = self.env["amazon.vendor.forecast"].search([("account_id", "=", self.account.id)])
            self.assertEqual(len(forecast), 3)
            self.assertEqual(forecast.product_id, self.product)
            self.assertEqual(forecast.warehouse_id, self.warehouse)
            self.assertEqual(forecast.mapped("demand_units"), [70.0] * 3, "P80 by default")
            self.open_amazon_order(40)
            self.env["stock.warehouse.orderpoint"]._get_orderpoint_action()
            orderpoint = self.env["stock.warehouse.orderpoint"].search([("product_id", "=", self.product.id)])
            self.assertEqual(orderpoint.lead_days_date, date(2026, 3, 25))
            # 11 to 25 March: 15 days of 10 units a day; 40 of them are on the open Amazon order.
            self.assertRecordValues(
                orderpoint,
                [
                    {
                        "amazon_vendor_forecast_units": 150.0,
                        "amazon_vendor_open_order_units": 40.0,
                        "amazon_vendor_demand_units": 110.0,
                        "qty_forecast": 30 - 40 - 110,
                        "qty_to_order": 120.0,
                    }
                ],
            )
            self.assertIn("110", orderpoint.amazon_vendor_reason)
            # A stock manager outside the Amazon groups opens the same screen and gets the same quantity.
            planner = new_test_user(self.env, login="plain_planner", groups="stock.group_stock_manager")
            OrderPoint = self.env["stock.warehouse.orderpoint"].with_user(planner)
            self.assertEqual(OrderPoint.action_open_orderpoints()["res_model"], "stock.warehouse.orderpoint")
            replenishment = self.env.ref("stock.view_warehouse_orderpoint_tree_editable").id
            views = OrderPoint.get_views([(replenishment, "list")])["views"]["list"]["arch"]
            self.assertNotIn("amazon", views.lower())
            self.assertEqual(OrderPoint.browse(orderpoint.id).qty_to_order, 120.0)
            # A higher percentile plans more.
            self.account.forecast_percentile = "p90"
            orderpoint.invalidate_recordset()
            self.assertEqual(orderpoint.amazon_vendor_forecast_units, 180.0)


@tagged("post_install", "-at_install")
class TestVendorPerformance(AmazonVendorCommon):
    """The dashboard's figures on a small known history: 10 POs of 10 units, one accepted for 8,
    one confirmed after 30 hours, two shipped after their window, one received 3 short."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create({"name": "Kettle", "is_storable": True})
        cls.env["stock.quant"]._update_available_quantity(cls.product, cls.warehouse.lot_stock_id, 100)
        po_date = fields.Datetime.to_datetime("2026-03-02 10:00:00")
        cls.orders = cls.env["sale.order"]
        for index in range(10):
            order = cls.env["sale.order"].create(
                {
                    "partner_id": cls.amazon_partner.id,
                    "warehouse_id": cls.warehouse.id,
                    "amazon_vendor_account_id": cls.account.id,
                    "amazon_vendor_po_number": f"2PERF{index:03d}",
                    "amazon_vendor_code": "ACME1",
                    "amazon_vendor_po_date": po_date,
                    "amazon_vendor_ship_window_end": fields.Datetime.to_datetime("2026-03-06 23:59:59"),
                    "amazon_vendor_acknowledged_at": po_date + timedelta(hours=30 if index == 0 else 2),
                    "amazon_vendor_ack_state": "accepted",
                    "order_line": [
                        Command.create(
                            {
                                "product_id": cls.product.id,
                                "product_uom_qty": 10,
                                "amazon_vendor_ordered_amount": 10,
                                "amazon_vendor_ack_accepted": 8 if index == 1 else 10,
                            }
                        )
                    ],
                }
            )
            order.action_confirm()
            picking = order.picking_ids
            picking.move_ids.quantity = 10
            picking.with_context(skip_backorder=True).button_validate()
            picking.date_done = "2026-03-08 09:00:00" if index in (2, 3) else "2026-03-05 09:00:00"
            order.order_line.amazon_vendor_received_units = 7 if index == 4 else 10
            cls.orders |= order

    def dashboard(self):
        return (
            self.env["amazon.vendor.performance"]
            .with_user(self.salesman)
            .create({"account_id": self.account.id, "date_from": "2026-03-01", "date_to": "2026-03-31"})
        )

    def test_the_figures_equal_the_hand_computed_ones_and_open_their_records(self):
        dashboard = self.dashboard()
        self.assertRecordValues(
            dashboard,
            [
                {
                    "po_count": 10,
                    "fill_rate": 0.98,
                    "confirmation_rate": 0.9,
                    "late_count": 2,
                    "on_time_rate": 0.8,
                    "asn_accuracy": 0.97,
                    "short_count": 1,
                    "open_ack_count": 0,
                }
            ],
        )
        late = self.env["sale.order"].search(dashboard.action_open_late()["domain"])
        self.assertEqual(late, self.orders[2] | self.orders[3])
        short = self.env["sale.order"].search(dashboard.action_open_short()["domain"])
        self.assertEqual(short, self.orders[4])
        unconfirmed = self.env["sale.order"].search(dashboard.action_open_unconfirmed()["domain"])
        self.assertEqual(unconfirmed, self.orders[0])

    def test_a_period_without_orders_shows_zero_not_an_error(self):
        dashboard = self.dashboard()
        dashboard.write({"date_from": "2025-01-01", "date_to": "2025-01-31"})
        self.assertRecordValues(dashboard, [{"po_count": 0, "fill_rate": 0.0, "on_time_rate": 0.0}])
