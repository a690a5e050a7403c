"""Shared fixtures for the plain-pytest suite (client and simulator; no Odoo).

The SP-API client lives inside the add-on (``acorn_amazon_vendor/spapi``) but never imports
Odoo, so it is imported here as the top-level package ``spapi`` without loading the add-on.
"""

import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "acorn_amazon_vendor"))

MODELS_DIR = Path(os.environ.get("ACORN_SPAPI_MODELS", ROOT.parent / "shared" / "spapi-models"))


@pytest.fixture(scope="session")
def spapi_models_dir():
    """The folder of Amazon's official SP-API models, or a skip when it is absent."""
    if not (MODELS_DIR / "models").is_dir():
        pytest.skip(f"Amazon's SP-API models not found at {MODELS_DIR}: conformance checks skipped")
    return MODELS_DIR


@pytest.fixture(scope="session")
def load_model(spapi_models_dir):
    """Load one official model by its path under ``models/``."""
    cache = {}

    def load(relative):
        if relative not in cache:
            cache[relative] = json.loads((spapi_models_dir / "models" / relative).read_text())
        return cache[relative]

    return load


@pytest.fixture(scope="session")
def simulator_server():
    """One in-process simulator for the whole session, on a free port of 127.0.0.1."""
    from spapi_simulator import Simulator

    models = MODELS_DIR if (MODELS_DIR / "models").is_dir() else None
    sim = Simulator(models_dir=models)
    sim.start(host="127.0.0.1", port=0)
    yield sim
    sim.stop()


@pytest.fixture
def simulator(simulator_server):
    """The session simulator, reset to a clean state (no POs, default config) for each test."""
    simulator_server.reset()
    return simulator_server
