"""The documents of the vendor analytics reports (schemas/reports/vendor*Report.json), read
from the ledgers of :mod:`report_data` and the purchase orders of the book."""

from datetime import timedelta

from . import report_data
from .common import parse_iso
from .orders import to_units
from .report_rules import FORECAST, INVENTORY, MARGIN, SALES, period_start, split

# Forecast quantiles as multiples of the mean: Amazon's p70 <= p80 <= p90.
QUANTILES = (("p70ForecastUnits", 1.15), ("p80ForecastUnits", 1.3), ("p90ForecastUnits", 1.5))


class Context:
    """Everything a document is built from, fixed when the report is requested."""

    def __init__(self, sim, spec, options, zone, currency, dates=None):
        self.spec, self.options, self.zone, self.currency = spec, options, zone, currency
        self.today = sim.now().astimezone(zone).date()
        self.products = report_data.products(sim, zone, currency)
        self.ledgers = {asin: report_data.Ledger(p, zone, self.today) for asin, p in self.products.items()}
        self.dates = dates
        self.forecast_weeks = sim.config["forecast_weeks"]
        self.periods = split(options.get("reportPeriod", "DAY"), *dates) if dates else []

    def money(self, value, asin=None):
        currency = self.products[asin]["currency"] if asin else self.currency
        return {"amount": round(value, 2), "currencyCode": currency}

    def specification(self, report_type):
        spec = {
            "reportType": report_type,
            "reportOptions": dict(self.options),
            "lastUpdatedDate": self.today.isoformat(),
        }
        if self.dates:
            spec["dataStartTime"], spec["dataEndTime"] = (d.isoformat() for d in self.dates)
        spec["marketplaceIds"] = list(self.spec["marketplaceIds"])
        return spec


def build(report_type, context):
    """:return: the document of ``report_type`` for ``context``."""
    builder = {SALES: _sales, INVENTORY: _inventory, FORECAST: _forecast, MARGIN: _margin}[report_type]
    return {"reportSpecification": context.specification(report_type), **builder(context)}


def _dates(start, end):
    return {"startDate": start.isoformat(), "endDate": end.isoformat()}


def _total(rows, start, end, context, keys):
    """The aggregate row of ``rows``: sums of ``keys`` (amounts by their name)."""
    total = _dates(start, end)
    for key in keys:
        values = [row[key] for row in rows if key in row]
        if key.endswith(("Revenue", "Cogs", "Cost")):
            total[key] = context.money(sum(v["amount"] for v in values))
        else:
            total[key] = sum(values)
    return total


# ------------------------------------------------------------------ sales
SALES_KEYS = ("customerReturns", "orderedUnits", "orderedRevenue", "shippedUnits", "shippedRevenue", "shippedCogs")


def _sales_row(context, asin, start, end):
    ledger, product = context.ledgers[asin], context.products[asin]
    program = context.options["sellingProgram"]
    shipped = report_data.program_units(ledger.total("sold", start, end), program)
    row = {**_dates(start, end), "asin": asin}
    if context.options["distributorView"] == "MANUFACTURING":
        ordered = report_data.program_units(ledger.total("demand", start, end), program)
        row.update(orderedUnits=ordered, orderedRevenue=context.money(ordered * product["price"], asin))
    row.update(
        shippedUnits=shipped,
        shippedRevenue=context.money(shipped * product["price"], asin),
        shippedCogs=context.money(shipped * product["cost"], asin),
    )
    if program != "FRESH":
        row["customerReturns"] = report_data.program_units(ledger.returns(start, end), program)
    return row


def _sales(context):
    aggregate, by_asin = [], []
    keys = [k for k in SALES_KEYS if context.options["distributorView"] == "MANUFACTURING" or "ordered" not in k]
    keys = [k for k in keys if context.options["sellingProgram"] != "FRESH" or k != "customerReturns"]
    for start, end in context.periods:
        rows = [_sales_row(context, asin, start, end) for asin in context.ledgers]
        aggregate.append(_total(rows, start, end, context, keys))
        by_asin += rows
    return {"salesAggregate": aggregate, "salesByAsin": by_asin}


# ------------------------------------------------------------------ inventory
def _po_figures(context, asin, start, end):
    """Purchase-order side of one ASIN over [start, end]: open units at the end, and the
    numerators/denominators of the fill, confirmation and lead-time figures."""
    figures = dict.fromkeys(FIGURES, 0)
    for po_day, record, item in context.products[asin]["lines"]:
        if po_day > end:
            continue
        ordered = to_units(item["orderedQuantity"])
        ack = record["item_acks"].get(item["itemSequenceNumber"])
        expected = ack["accepted"] if ack else ordered
        receipts = [
            (parse_iso(r["date"]).astimezone(context.zone).date(), r["units"])
            for r in record["receipts"].get(item["itemSequenceNumber"], [])
        ]
        received = sum(units for day, units in receipts if day <= end)
        if record["order"]["purchaseOrderState"] != "Closed":
            figures["open"] += max(0, expected - received)
        if any(day <= end for day, _units in receipts):
            figures["received"] += received
            figures["confirmed"] += expected
        if ack and po_day >= start:
            figures["accepted"] += ack["accepted"]
            figures["asked"] += ordered
        for day, units in receipts:
            if start <= day <= end:
                figures["lead_units"] += units
                figures["lead_days"] += units * (day - po_day).days
    return figures


def _rates(row, figures, sold_net, held):
    if held:
        row["sellThroughRate"] = round(sold_net / held, 4)
    if figures["confirmed"]:
        row["receiveFillRate"] = round(min(1.0, figures["received"] / figures["confirmed"]), 4)
    if figures["asked"]:
        row["vendorConfirmationRate"] = round(figures["accepted"] / figures["asked"], 4)
    if figures["lead_units"]:
        row["averageVendorLeadTimeDays"] = round(figures["lead_days"] / figures["lead_units"], 1)


INVENTORY_NAMES = (
    "netReceivedInventory",
    "sellableOnHandInventory",
    "unsellableOnHandInventory",
    "aged90PlusDaysSellableInventory",
    "unhealthyInventory",
)
INVENTORY_KEYS = ("openPurchaseOrderUnits", "unfilledCustomerOrderedUnits") + tuple(
    f"{name}{kind}" for name in INVENTORY_NAMES for kind in ("Units", "Cost")
)
FIGURES = ("open", "received", "confirmed", "accepted", "asked", "lead_units", "lead_days")


def _inventory_row(context, asin, start, end):
    """:return: ``(row, sums)``; the sums let the aggregate recompute the rates."""
    ledger, cost = context.ledgers[asin], context.products[asin]["cost"]
    fresh = context.options["sellingProgram"] == "FRESH"
    units = {
        "netReceivedInventory": ledger.total("received", start, end),
        "sellableOnHandInventory": ledger.at("stock", end),
        "unsellableOnHandInventory": ledger.unsellable(end),
        "aged90PlusDaysSellableInventory": ledger.at("aged", end),
        "unhealthyInventory": max(0, ledger.at("stock", end) - round(ledger.rate * report_data.HEALTHY_COVER_DAYS)),
    }
    # The catalogue is not a Fresh one: Amazon holds nothing of it for Fresh.
    units = {k: 0 if fresh else v for k, v in units.items()}
    figures = dict.fromkeys(FIGURES, 0) if fresh else _po_figures(context, asin, start, end)
    row = {**_dates(start, end), "asin": asin, "openPurchaseOrderUnits": figures["open"]}
    for name, count in units.items():
        row[f"{name}Units"] = count
        row[f"{name}Cost"] = context.money(count * cost, asin)
    unfilled = ledger.total("demand", start, end) - ledger.total("sold", start, end)
    row["unfilledCustomerOrderedUnits"] = 0 if fresh else unfilled
    sums = {
        "sold_net": 0 if fresh else ledger.total("sold", start, end) - ledger.returns(start, end),
        "held": 0 if fresh else ledger.held_at_start(start) + units["netReceivedInventory"],
        "oos_days": 0 if fresh else ledger.out_of_stock_days(start, end),
        "days": 0 if fresh else ledger.data_days(start, end),
        **figures,
    }
    _rates(row, figures, sums["sold_net"], sums["held"])
    return row, sums


def _inventory(context):
    aggregate, by_asin = [], []
    for start, end in context.periods:
        pairs = [_inventory_row(context, asin, start, end) for asin in context.ledgers]
        rows = [row for row, _sums in pairs]
        total = _total(rows, start, end, context, INVENTORY_KEYS)
        sums = {k: sum(s[k] for _row, s in pairs) for k in (*FIGURES, "sold_net", "held", "oos_days", "days")}
        _rates(total, sums, sums["sold_net"], sums["held"])
        if sums["days"]:
            total["procurableProductOutOfStockRate"] = round(sums["oos_days"] / sums["days"], 4)
        aggregate.append(total)
        by_asin += rows
    return {"inventoryAggregate": aggregate, "inventoryByAsin": by_asin}


# ------------------------------------------------------------------ net pure product margin
def _margin_parts(context, asin, start, end):
    """``(revenue, cogs, co-op)`` of one ASIN; the unit prices when it sold nothing."""
    product = context.products[asin]
    units = context.ledgers[asin].total("sold", start, end) or 1
    revenue = units * product["price"]
    return revenue, units * product["cost"], revenue * report_data.COOP_RATE


def _margin(context):
    aggregate, by_asin = [], []
    for start, end in context.periods:
        totals = [0.0, 0.0, 0.0]
        for asin in context.ledgers:
            revenue, cogs, coop = _margin_parts(context, asin, start, end)
            totals = [a + b for a, b in zip(totals, (revenue, cogs, coop))]
            margin = round((revenue - cogs - coop) / revenue, 4)
            by_asin.append({**_dates(start, end), "asin": asin, "netPureProductMargin": margin})
        revenue, cogs, coop = totals
        margin = round((revenue - cogs - coop) / revenue, 4) if revenue else 0.0
        aggregate.append({**_dates(start, end), "netPureProductMargin": margin})
    return {"netPureProductMarginAggregate": aggregate, "netPureProductMarginByAsin": by_asin}


# ------------------------------------------------------------------ forecast
def _forecast(context):
    generated = period_start("WEEK", context.today)
    rows = []
    for asin, ledger in context.ledgers.items():
        for week in range(context.forecast_weeks):
            start = generated + timedelta(weeks=week)
            mean = round(ledger.rate * 7 * (0.85 + 0.3 * report_data.noise(asin, "forecast", start)), 1)
            row = {
                "forecastGenerationDate": generated.isoformat(),
                "asin": asin,
                **_dates(start, start + timedelta(days=6)),
                "meanForecastUnits": mean,
            }
            row.update({name: round(mean * factor, 1) for name, factor in QUANTILES})
            rows.append(row)
    return {"forecastByAsin": rows}
