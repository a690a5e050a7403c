"""ACORN's SP-API simulator: a small stateful HTTP server that behaves like Amazon's Selling
Partner API (Vendor Central 1P) and Login with Amazon. Standard library only."""

from .simulator import Simulator

__all__ = ["Simulator"]
