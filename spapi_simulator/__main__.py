"""``python -m spapi_simulator``: run the simulator as a server (docker-compose, demo)."""

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path

from .simulator import Simulator


def default_models_dir():
    """``../shared/spapi-models`` next to the repository, when it exists."""
    candidate = Path(__file__).resolve().parents[2] / "shared" / "spapi-models"
    return candidate if (candidate / "models").is_dir() else None


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m spapi_simulator", description="Amazon SP-API (Vendor Central) simulator."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8073)
    parser.add_argument("--demo", action="store_true", help="load the demo purchase orders")
    parser.add_argument(
        "--models-dir",
        type=Path,
        default=None,
        help="folder holding Amazon's models/ (default: ../shared/spapi-models)",
    )
    parser.add_argument("--client-id", default="acorn-sim-client")
    parser.add_argument("--client-secret", default="acorn-sim-secret")
    parser.add_argument("--refresh-token", default="acorn-sim-refresh")
    parser.add_argument("--transaction-outcome", choices=("success", "failure", "processing"), default="success")
    parser.add_argument("--no-rate-limit", action="store_true")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    models_dir = args.models_dir or default_models_dir()
    sim = Simulator(
        models_dir=models_dir,
        client_id=args.client_id,
        client_secret=args.client_secret,
        refresh_token=args.refresh_token,
        demo=args.demo,
    )
    sim.configure(transaction_outcome=args.transaction_outcome, rate_limiting=not args.no_rate_limit)

    def shutdown(signum, frame):
        logging.getLogger("spapi_simulator").info("Signal %s: stopping", signum)
        # shutdown() waits for serve_forever to return, so it must not run in its thread.
        threading.Thread(target=sim.stop, daemon=True).start()

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    logging.getLogger("spapi_simulator").info(
        "SP-API simulator on http://%s:%s (models: %s, schema validation: %s)",
        args.host,
        args.port,
        models_dir or "none",
        "on" if sim.validator.active else "off",
    )
    sim.serve_forever(args.host, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
