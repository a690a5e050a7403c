"""What the vendor analytics reports say about the simulator's book.

Each ASIN on a held purchase order gets a daily ledger in the marketplace's time zone:
customer demand (the eaches Amazon ordered, spread over the weeks they cover), sales capped by
the stock (an opening stock plus the recorded receipts, consumed first in, first out) and
returns. The reports read that ledger by period, so sales, inventory, net PPM and forecast agree
with each other and with the POs, acknowledgements and receipts. No randomness: the day-to-day
variation is a hash of the ASIN and the date.
"""

import hashlib
import math
from collections import deque
from datetime import timedelta

from .common import parse_iso
from .demo import PRODUCTS
from .orders import to_units

COVER_DAYS = 28  # Amazon orders about four weeks of demand at a time
OPENING_COVER_DAYS = 42  # stock Amazon held when the ledger starts, 28 days before the first PO
RETURN_RATE, RETURN_DELAY_DAYS, UNSELLABLE_DAYS = 0.02, 7, 30
BUSINESS_SHARE = 0.1  # of the units sold, to Amazon Business customers
AGED_DAYS = 90
HEALTHY_COVER_DAYS = 84  # stock beyond 12 weeks of demand is unhealthy
COOP_RATE = 0.03  # vendor-funded co-op, as a share of revenue
WEEKDAY_FACTOR = (0.9, 0.9, 0.95, 0.95, 1.0, 1.15, 1.15)  # Monday ... Sunday
ASIN_BY_EAN = {p["ean"]: p["asin"] for p in PRODUCTS}
PRICE_BY_ASIN = {p["asin"]: p["list_price"] for p in PRODUCTS}


def noise(*parts):
    """A fixed number in [0, 1) for ``parts``: the same book and clock give the same report."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()
    return int(digest[:8], 16) / 0x100000000


def _amount(money):
    try:
        return float(money["amount"])
    except (KeyError, TypeError, ValueError):
        return None


def products(sim, zone, currency):
    """ASIN -> ``{"asin", "cost", "price", "currency", "lines": [(po date, record, item)]}`` for
    every ASIN on a visible PO, sorted by ASIN."""
    found = {}
    now = sim.now()
    for record in sim.orders.values():
        details = record["order"]["orderDetails"]
        created = parse_iso(details["purchaseOrderDate"])
        if created > now:
            continue
        for item in details["items"]:
            asin = item.get("amazonProductIdentifier") or ASIN_BY_EAN.get(item.get("vendorProductIdentifier"))
            if not asin:
                continue
            product = found.setdefault(asin, {"asin": asin, "cost": None, "price": None, "lines": []})
            product["cost"] = product["cost"] or _amount(item.get("netCost"))
            product["price"] = product["price"] or _amount(item.get("listPrice"))
            product.setdefault("currency", (item.get("netCost") or {}).get("currencyCode") or currency)
            product["lines"].append((created.astimezone(zone).date(), record, item))
    for product in found.values():
        product["price"] = (
            product["price"] or PRICE_BY_ASIN.get(product["asin"]) or round((product["cost"] or 1) * 1.9, 2)
        )
        product["cost"] = product["cost"] or round(product["price"] / 1.9, 2)
    return dict(sorted(found.items()))


class Ledger:
    """One ASIN's days from 28 days before its first PO to yesterday (the marketplace's)."""

    def __init__(self, product, zone, today):
        self.asin = product["asin"]
        self.first = min(line[0] for line in product["lines"]) - timedelta(days=COVER_DAYS)
        self.days = max(0, (today - self.first).days)
        ordered = sum(to_units(item["orderedQuantity"]) for _day, _record, item in product["lines"])
        self.rate = ordered / max(COVER_DAYS, self.days)
        self.receipts = self._receipts(product, zone)
        self.opening = math.ceil(self.rate * OPENING_COVER_DAYS)
        self._run()

    def _receipts(self, product, zone):
        by_day = {}
        for _day, record, item in product["lines"]:
            for receipt in record["receipts"].get(item["itemSequenceNumber"], []):
                day = max(parse_iso(receipt["date"]).astimezone(zone).date(), self.first)
                by_day[day] = by_day.get(day, 0) + receipt["units"]
        return by_day

    def _run(self):
        lots = deque([[self.first, self.opening]])
        stock = self.opening
        self.demand, self.sold, self.received, self.begin, self.stock, self.aged = [], [], [], [], [], []
        for index in range(self.days):
            day = self.first + timedelta(days=index)
            self.begin.append(stock)
            received = self.receipts.get(day, 0)
            if received:
                lots.append([day, received])
                stock += received
            wanted = round(self.rate * WEEKDAY_FACTOR[day.weekday()] * (0.75 + 0.5 * noise(self.asin, day)))
            sold = min(wanted, stock)
            stock -= sold
            _consume(lots, sold)
            self.demand.append(wanted)
            self.sold.append(sold)
            self.received.append(received)
            self.stock.append(stock)
            self.aged.append(sum(units for when, units in lots if (day - when).days >= AGED_DAYS))
        self.cum_sold = [0]
        for sold in self.sold:
            self.cum_sold.append(self.cum_sold[-1] + sold)

    def _index(self, day):
        return (day - self.first).days

    def total(self, name, start, end):
        """Sum of a daily series (demand, sold, received) over [start, end]."""
        series = getattr(self, name)
        first, last = max(0, self._index(start)), min(self.days - 1, self._index(end))
        return sum(series[first : last + 1]) if first <= last else 0

    def at(self, name, day):
        """A series at the end of ``day`` (stock, aged): 0 before the ledger, the last value after."""
        index = self._index(day)
        if index < 0 or not self.days:
            return 0
        return getattr(self, name)[min(index, self.days - 1)]

    def held_at_start(self, day):
        """Units held when ``day`` began (the opening stock for a period starting earlier)."""
        if not self.days or self._index(day) >= self.days:
            return self.at("stock", day)
        return self.begin[max(0, self._index(day))]

    def returned_by(self, day):
        """Customer returns received up to ``day``: 2 % of the units sold a week earlier."""
        index = min(self._index(day) - RETURN_DELAY_DAYS + 1, self.days)
        return math.floor(RETURN_RATE * self.cum_sold[index]) if index > 0 else 0

    def returns(self, start, end):
        return self.returned_by(end) - self.returned_by(start - timedelta(days=1))

    def unsellable(self, day):
        """Returned units waiting for disposal (30 days) on ``day``."""
        return self.returned_by(day) - self.returned_by(day - timedelta(days=UNSELLABLE_DAYS))

    def out_of_stock_days(self, start, end):
        first, last = max(0, self._index(start)), min(self.days - 1, self._index(end))
        return sum(1 for i in range(first, last + 1) if self.sold[i] < self.demand[i])

    def data_days(self, start, end):
        return max(0, min(self.days - 1, self._index(end)) - max(0, self._index(start)) + 1)


def _consume(lots, units):
    while units and lots:
        take = min(units, lots[0][1])
        lots[0][1] -= take
        units -= take
        if not lots[0][1]:
            lots.popleft()


def program_units(units, program):
    """Units of ``units`` sold through a selling program (the catalogue is not a Fresh one)."""
    business = round(units * BUSINESS_SHARE)
    return {"RETAIL": units - business, "BUSINESS": business}.get(program, 0)
