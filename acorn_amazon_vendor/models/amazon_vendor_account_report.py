import functools
import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import SQL

from .. import spapi
from ..spapi.timeutil import parse_datetime
from .bulk import bulk_delete, bulk_insert
from .concurrency import USER_GROUP, check_group, commit
from .notification import notification

_logger = logging.getLogger(__name__)

# Amazon takes from seconds to hours to make a report: a fetch waits this long, then leaves
# the report waiting for the next run instead of holding a worker (system parameter
# acorn_amazon_vendor.report_max_wait, seconds).
DEFAULT_REPORT_WAIT = 90
GIVE_UP_AFTER = timedelta(days=1)

SALES, INVENTORY, FORECAST, MARGIN = (
    "GET_VENDOR_SALES_REPORT",
    "GET_VENDOR_INVENTORY_REPORT",
    "GET_VENDOR_FORECASTING_REPORT",
    "GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT",
)
# Amazon's JSON names of the report rows -> the fields of amazon.vendor.report.line.
UNITS = {
    "orderedUnits": "ordered_units",
    "shippedUnits": "shipped_units",
    "customerReturns": "customer_returns",
    "sellableOnHandInventoryUnits": "sellable_on_hand_units",
    "unsellableOnHandInventoryUnits": "unsellable_on_hand_units",
    "openPurchaseOrderUnits": "open_po_units",
    "netReceivedInventoryUnits": "net_received_units",
    "sellThroughRate": "sell_through_rate",
    "vendorConfirmationRate": "vendor_confirmation_rate",
    "receiveFillRate": "receive_fill_rate",
    "averageVendorLeadTimeDays": "vendor_lead_time_days",
    "unfilledCustomerOrderedUnits": "unfilled_customer_ordered_units",
    "aged90PlusDaysSellableInventoryUnits": "aged_90_plus_units",
    "netPureProductMargin": "net_ppm",
}
AMOUNTS = {
    "orderedRevenue": "ordered_revenue",
    "shippedRevenue": "shipped_revenue",
    "shippedCogs": "shipped_cogs",
    "sellableOnHandInventoryCost": "sellable_on_hand_cost",
}
ROWS = {
    SALES: "salesByAsin",
    INVENTORY: "inventoryByAsin",
    MARGIN: "netPureProductMarginByAsin",
    FORECAST: "forecastByAsin",
}


class AmazonVendorAccount(models.Model):
    _inherit = "amazon.vendor.account"

    forecast_percentile = fields.Selection(
        [("mean", "Mean"), ("p70", "P70"), ("p80", "P80"), ("p90", "P90")],
        string="Plan Demand At",
        default="p80",
        required=True,
        help="Which of Amazon's weekly forecasts replenishment plans for: the mean, or the quantity Amazon expects "
        "not to exceed with 70, 80 or 90 % confidence.",
    )
    report_period = fields.Selection(
        [("WEEK", "Week"), ("MONTH", "Month")],
        default="WEEK",
        required=True,
        help="The period of the sales, inventory and margin reports fetched.",
    )
    report_distributor_view = fields.Selection(
        [("MANUFACTURING", "Manufacturing"), ("SOURCING", "Sourcing")],
        string="Distributor View",
        default="MANUFACTURING",
        required=True,
        help="Manufacturing: what Amazon sells of the products you make, whoever supplied it; Sourcing: what "
        "Amazon bought from you.",
    )
    report_selling_program = fields.Selection(
        [("RETAIL", "Retail"), ("BUSINESS", "Business"), ("FRESH", "Fresh")],
        string="Selling Program",
        default="RETAIL",
        required=True,
    )
    reports_fetched_at = fields.Datetime(string="Reports Fetched", readonly=True, copy=False)
    report_ids = fields.One2many("amazon.vendor.report", "account_id", string="Reports", readonly=True)

    # ------------------------------------------------------------------ actions and crons

    def action_fetch_reports(self):
        """Fetch and process every report type now, before returning."""
        check_group(self.env, USER_GROUP)
        reports = self.env["amazon.vendor.report"]
        for account in self:
            reports |= account._amazon_vendor_sync_as_system()._amazon_vendor_fetch_reports()
        failed = reports.filtered(lambda r: r.state == "error")
        waiting = reports.filtered(lambda r: r.state == "waiting")
        message = _("%(count)s report(s) fetched from Amazon.", count=len(reports - failed - waiting))
        if waiting:
            message += " " + _("Amazon is still making %(count)s: they come with the next run.", count=len(waiting))
        if failed:
            message += " " + _("Amazon could not make %(count)s: see the account's reports.", count=len(failed))
        return notification(_("Amazon reports"), message, "warning" if failed or waiting else "success")

    @api.model
    def _cron_fetch_reports(self, report_types=None):
        """Fetch Amazon's reports of every account, each account on its own."""
        accounts = self.search([("active", "=", True)])
        for done, account in enumerate(accounts, 1):
            account._amazon_vendor_run_isolated(
                lambda account=account: account._amazon_vendor_fetch_reports(report_types), _("Amazon reports")
            )
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(accounts) - done)
            commit(self.env, "an account's reports are final")

    # ------------------------------------------------------------------ fetching

    def _amazon_vendor_fetch_reports(self, report_types=None):
        """Fetch the last complete period of each report type, per marketplace of the account.

        :param report_types: the report types to fetch (default: all four)
        :return: the ``amazon.vendor.report`` records made, failed ones included
        """
        self.ensure_one()
        client = self._get_spapi_client()
        reports = self._amazon_vendor_resume_reports(client, report_types)
        for marketplace in self._amazon_vendor_report_marketplaces():
            for spec in self._amazon_vendor_report_specs(marketplace, report_types):
                reports |= self._amazon_vendor_fetch_report(client, marketplace, spec)
        self.reports_fetched_at = fields.Datetime.now()
        return reports

    def _amazon_vendor_report_wait(self):
        return float(
            self.env["ir.config_parameter"].sudo().get_param("acorn_amazon_vendor.report_max_wait", DEFAULT_REPORT_WAIT)
        )

    def _amazon_vendor_resume_reports(self, client, report_types=None):
        """Go on waiting for the reports an earlier run left to Amazon; after a day, give up
        with a reason. :return: the reports finished now"""
        waiting = self.env["amazon.vendor.report"].search(
            [("account_id", "=", self.id), ("state", "=", "waiting")]
            + ([("report_type", "in", list(report_types))] if report_types else [])
        )
        for report in waiting:
            spec = report._amazon_vendor_spec()
            try:
                document = client.wait_for_report(report.amazon_report_id, max_wait=self._amazon_vendor_report_wait())
            except spapi.ReportTimeoutError:
                if fields.Datetime.now() - report.create_date > GIVE_UP_AFTER:
                    report.write({"state": "error", "reason": _("Amazon did not make the report within a day.")})
                continue
            except spapi.ReportFailedError as error:
                report.write({"state": "error", "reason": str(error)})
                continue
            except spapi.SpApiError as error:
                report.write({"state": "error", "reason": self._amazon_vendor_explain_error(error)})
                continue
            with self.env.cr.savepoint():
                rows, unmapped = self._amazon_vendor_store_report(spec, document)
            report.write({"state": "done", "row_count": rows, "unmapped_count": unmapped})
        return waiting

    def _amazon_vendor_report_marketplaces(self):
        return sorted(
            {self._amazon_vendor_marketplace_id(code.name) for code in self.vendor_code_ids}
            or {self._amazon_vendor_marketplace_id()}
        )

    def _amazon_vendor_report_specs(self, marketplace, report_types=None):
        """:return: dicts (report_type, period, start, end, options) Amazon accepts: all three
        options for sales and inventory, dates aligned to the period in the marketplace's zone"""
        now = fields.Datetime.now()
        period = self.report_period
        start, end = spapi.last_complete_period(period, now, marketplace)
        options = {
            "reportPeriod": period,
            "distributorView": self.report_distributor_view,
            "sellingProgram": self.report_selling_program,
        }
        inventory_program = self.report_selling_program if self.report_selling_program != "BUSINESS" else "RETAIL"
        specs = [
            {"report_type": SALES, "period": period, "start": start, "end": end, "options": options},
            {
                "report_type": INVENTORY,
                "period": period,
                "start": start,
                "end": end,
                "options": dict(options, sellingProgram=inventory_program),
            },
            {"report_type": FORECAST, "options": {"sellingProgram": inventory_program}},
            {"report_type": MARGIN, "period": period, "start": start, "end": end, "options": {"reportPeriod": period}},
        ]
        return [
            dict(spec, marketplace=marketplace)
            for spec in specs
            if not report_types or spec["report_type"] in report_types
        ]

    def _amazon_vendor_fetch_report(self, client, marketplace, spec):
        """One report, end to end; Amazon's refusal is recorded with its reason, never retried
        in a loop. :return: the ``amazon.vendor.report``"""
        Report = self.env["amazon.vendor.report"]
        vals = {
            "account_id": self.id,
            "report_type": spec["report_type"],
            "marketplace_id": marketplace,
            "period": spec.get("period"),
            "start_date": spec.get("start") and spec["start"].date(),
            "end_date": spec.get("end") and spec["end"].date(),
        }
        try:
            document = client.fetch_report(
                spec["report_type"],
                [marketplace],
                data_start_time=spec.get("start"),
                data_end_time=spec.get("end"),
                report_options=spec["options"],
                max_wait=self._amazon_vendor_report_wait(),
            )
        except spapi.ReportTimeoutError as error:
            return Report.create(dict(vals, state="waiting", amazon_report_id=error.report_id))
        except spapi.ReportFailedError as error:
            _logger.warning("Amazon refused report %s of %s: %s", spec["report_type"], self.name, error)
            return Report.create(dict(vals, state="error", reason=str(error), amazon_report_id=error.report_id))
        except spapi.SpApiError as error:
            return Report.create(dict(vals, state="error", reason=self._amazon_vendor_explain_error(error)))
        with self.env.cr.savepoint():
            rows, unmapped = self._amazon_vendor_store_report(spec, document)
        return Report.create(dict(vals, row_count=rows, unmapped_count=unmapped))

    # ------------------------------------------------------------------ storing

    def _amazon_vendor_products_by_asin(self, asins):
        """:return: {asin: product} from the account's mappings, else its Amazon orders' lines"""
        asins = set(asins)
        mappings = self.env["amazon.vendor.product"].search_read(
            [("account_id", "=", self.id), ("asin", "in", list(asins))], ["asin", "product_id"]
        )
        found = {m["asin"]: m["product_id"][0] for m in mappings}
        rest = asins - set(found)
        if rest:
            self.env["sale.order.line"].flush_model(["amazon_vendor_asin", "product_id", "order_id"])
            self.env["sale.order"].flush_model(["amazon_vendor_account_id"])
            self.env.cr.execute(
                """
                SELECT DISTINCT ON (l.amazon_vendor_asin) l.amazon_vendor_asin, l.product_id
                  FROM sale_order_line l JOIN sale_order o ON o.id = l.order_id
                 WHERE o.amazon_vendor_account_id = %s AND l.amazon_vendor_asin = ANY(%s) AND l.product_id IS NOT NULL
                 ORDER BY l.amazon_vendor_asin, l.id DESC
                """,
                (self.id, list(rest)),
            )
            found.update(dict(self.env.cr.fetchall()))
        return found

    def _amazon_vendor_store_report(self, spec, document):
        """Replace the rows of the report's period by the document's (a re-run report replaces
        its period's rows). :return: (rows stored, ASINs not mapped to a product)"""
        rows = document.get(ROWS[spec["report_type"]]) or []
        products = self._amazon_vendor_products_by_asin(row.get("asin") for row in rows if row.get("asin"))
        unmapped = len({row.get("asin") for row in rows} - set(products))
        if spec["report_type"] == FORECAST:
            return self._amazon_vendor_store_forecast(rows, products, spec["marketplace"]), unmapped
        Line = self.env["amazon.vendor.report.line"]
        start, end = spec["start"].date(), spec["end"].date()
        bulk_delete(
            Line,
            SQL(
                "account_id = %s AND report_type = %s AND period = %s AND start_date BETWEEN %s AND %s",
                self.id,
                spec["report_type"],
                spec["period"],
                start,
                end,
            ),
        )
        currency = self.company_id.currency_id
        currencies = {}
        vals_list = []
        for row in rows:
            if not row.get("asin"):
                continue
            vals = {
                "account_id": self.id,
                "company_id": self.company_id.id,
                "report_type": spec["report_type"],
                "period": spec["period"],
                "start_date": row.get("startDate") or start,
                "end_date": row.get("endDate") or end,
                "asin": row["asin"],
                "product_id": products.get(row["asin"]),
                "currency_id": currency.id,
            }
            for key, field in UNITS.items():
                if row.get(key) is not None:
                    vals[field] = row[key]
            for key, field in AMOUNTS.items():
                amount = row.get(key)
                if isinstance(amount, dict):
                    vals[field] = amount.get("amount") or 0.0
                    code = amount.get("currencyCode")
                    if code not in currencies:
                        currencies[code] = self._amazon_vendor_currency(code, currency).id
                    vals["currency_id"] = currencies[code]
            vals_list.append(vals)
        return bulk_insert(Line, vals_list), unmapped

    def _amazon_vendor_currency(self, code, default):
        return (
            code and self.env["res.currency"].with_context(active_test=False).search([("name", "=", code)], limit=1)
        ) or default

    def _amazon_vendor_store_forecast(self, rows, products, marketplace):
        """A new forecast replaces the account's forecast from its first week on; its demand
        falls on the warehouse of the vendor code selling into the marketplace."""
        if not rows:
            return 0
        codes = self.vendor_code_ids.filtered(lambda c: self._amazon_vendor_marketplace_id(c.name) == marketplace)
        warehouse = (codes or self.vendor_code_ids)[:1].warehouse_id
        Forecast = self.env["amazon.vendor.forecast"]
        first = min(_date(row["startDate"]) for row in rows)
        bulk_delete(Forecast, SQL("account_id = %s AND week_start >= %s", self.id, first))
        percentile = {"mean": "meanForecastUnits"}.get(
            self.forecast_percentile, f"{self.forecast_percentile}ForecastUnits"
        )
        vals_list = [
            {
                "account_id": self.id,
                "company_id": self.company_id.id,
                "demand_units": row.get(percentile) or 0.0,
                "asin": row["asin"],
                "product_id": products.get(row["asin"]),
                "warehouse_id": warehouse.id,
                "week_start": _date(row["startDate"]),
                "week_end": _date(row.get("endDate"))
                if row.get("endDate")
                else _date(row["startDate"]) + timedelta(days=6),
                "generated_on": _date(row.get("forecastGenerationDate"))
                if row.get("forecastGenerationDate")
                else False,
                "mean_units": row.get("meanForecastUnits") or 0.0,
                "p70_units": row.get("p70ForecastUnits") or 0.0,
                "p80_units": row.get("p80ForecastUnits") or 0.0,
                "p90_units": row.get("p90ForecastUnits") or 0.0,
            }
            for row in rows
            if row.get("asin") and row.get("startDate")
        ]
        return bulk_insert(Forecast, vals_list)


@functools.lru_cache(maxsize=1024)
def _date(value):
    """:return: the date of Amazon's date or date-time text"""
    return parse_datetime(value).date() if "T" in str(value) else fields.Date.to_date(str(value)[:10])
