"""Plain-Python helpers of the add-on (no Odoo import): remittance files and deduction rules."""
