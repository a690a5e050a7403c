from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.amazon_vendor_claim import CLAIM_TYPES

AGE_BUCKETS = [
    ("0_30", "0-30 days"),
    ("31_60", "31-60 days"),
    ("61_90", "61-90 days"),
    ("91", "Over 90 days"),
]


class AmazonVendorClaimReport(models.Model):
    """Deductions by type, age and deadline: the age is counted when the report is read."""

    _name = "amazon.vendor.claim.report"
    _description = "Amazon Deductions Analysis"
    _auto = False
    _order = "deadline"
    _depends = {
        "amazon.vendor.claim": [
            "name",
            "claim_type",
            "state",
            "account_id",
            "company_id",
            "currency_id",
            "amount",
            "recovered_amount",
            "open_amount",
            "claim_date",
            "deadline",
            "dispute_count",
        ],
    }

    claim_id = fields.Many2one("amazon.vendor.claim", string="Deduction", readonly=True)
    name = fields.Char(string="Claim Number", readonly=True)
    claim_type = fields.Selection(CLAIM_TYPES, string="Type", readonly=True)
    state = fields.Selection(
        [("open", "Open"), ("disputed", "Disputed"), ("won", "Won"), ("lost", "Lost"), ("written_off", "Written Off")],
        readonly=True,
    )
    account_id = fields.Many2one("amazon.vendor.account", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount = fields.Monetary(string="Deducted", readonly=True)
    recovered_amount = fields.Monetary(string="Recovered", readonly=True)
    open_amount = fields.Monetary(string="Open", readonly=True)
    claim_date = fields.Date(string="Deduction Date", readonly=True)
    deadline = fields.Date(string="Dispute Deadline", readonly=True)
    age = fields.Selection(AGE_BUCKETS, readonly=True)
    due_this_week = fields.Boolean(readonly=True)
    overdue = fields.Boolean(string="Deadline Passed", readonly=True)
    dispute_count = fields.Integer(string="Disputes", readonly=True)
    claim_count = fields.Integer(string="Deductions", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %s AS (
                    SELECT c.id, c.id AS claim_id, c.name, c.claim_type, c.state, c.account_id, c.company_id,
                           c.currency_id, c.amount, c.recovered_amount, c.open_amount, c.claim_date, c.deadline,
                           c.dispute_count, 1 AS claim_count,
                           CASE WHEN CURRENT_DATE - c.claim_date <= 30 THEN '0_30'
                                WHEN CURRENT_DATE - c.claim_date <= 60 THEN '31_60'
                                WHEN CURRENT_DATE - c.claim_date <= 90 THEN '61_90'
                                ELSE '91' END AS age,
                           c.state IN ('open', 'disputed') AND c.deadline BETWEEN CURRENT_DATE
                               AND CURRENT_DATE + 7 AS due_this_week,
                           c.state = 'open' AND c.deadline < CURRENT_DATE AS overdue
                      FROM amazon_vendor_claim c
                )
                """,
                SQL.identifier(self._table),
            )
        )
