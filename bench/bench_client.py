#!/usr/bin/env python3
"""Client throughput against the in-process simulator: orders/s through pagination.

    python3 bench/bench_client.py --orders 2000 --page 100

Prints orders per second, HTTP calls per second and peak memory of the walk. Rate limits are
off on both sides: this measures the client's own cost (HTTP, JSON, redaction, hook), not
Amazon's quotas.
"""

import argparse
import sys
import time
import tracemalloc
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "acorn_amazon_vendor")]

from spapi import SpApiClient  # noqa: E402

from spapi_simulator import Simulator  # noqa: E402


def make_orders(count, lines, now):
    return [
        {
            "purchaseOrderNumber": f"BENCH{index:06d}",
            "purchaseOrderState": "New",
            "orderDetails": {
                "purchaseOrderDate": (now - timedelta(hours=1, seconds=index)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "purchaseOrderType": "RegularOrder",
                "sellingParty": {"partyId": "ACME1"},
                "shipToParty": {"partyId": "ABE8"},
                "items": [
                    {
                        "itemSequenceNumber": str(line + 1),
                        "vendorProductIdentifier": f"{4000000000000 + line}",
                        "orderedQuantity": {"amount": 12, "unitOfMeasure": "Eaches", "unitSize": 1},
                        "netCost": {"amount": "9.99", "currencyCode": "USD"},
                    }
                    for line in range(lines)
                ],
            },
        }
        for index in range(count)
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--lines", type=int, default=5)
    parser.add_argument("--page", type=int, default=100)
    args = parser.parse_args()

    now = datetime.now(timezone.utc)
    sim = Simulator()
    sim.start(host="127.0.0.1", port=0)
    try:
        sim.configure(rate_limiting=False)
        sim.add_purchase_orders(make_orders(args.orders, args.lines, now))
        calls = []
        client = SpApiClient(
            "acorn-sim-client",
            "acorn-sim-secret",
            "acorn-sim-refresh",
            endpoint=sim.url,
            lwa_url=sim.url + "/auth/o2/token",
            rate_limit=False,
            exchange_hook=calls.append,
        )
        tracemalloc.start()
        started = time.perf_counter()
        seen = sum(1 for _ in client.iter_purchase_orders(created_after=now - timedelta(days=1), limit=args.page))
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    finally:
        sim.stop()
    assert seen == args.orders, f"walked {seen} orders of {args.orders}"
    print(f"orders={seen} lines/order={args.lines} page={args.page} calls={len(calls)}")
    print(
        f"orders/s={seen / elapsed:.0f} calls/s={len(calls) / elapsed:.1f} elapsed={elapsed:.2f}s "
        f"peak_memory={peak / 1e6:.1f}MB"
    )


if __name__ == "__main__":
    main()
