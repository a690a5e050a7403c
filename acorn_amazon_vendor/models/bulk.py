"""Rows of Amazon's reports written by the hundred thousand: straight SQL, in pages.

A forecast of 5,000 ASINs over 48 weeks is 240,000 rows. The ORM would compute and write them
one record at a time; these rows are plain read-only data (no mail, no computed fields but
those filled here), so they are inserted and deleted in SQL and the ORM's cache is told.
"""

from odoo import fields
from odoo.tools import SQL

PAGE = 1000


def bulk_insert(model, vals_list):
    """INSERT ``vals_list`` (plain stored columns only) into ``model``'s table.

    :return: how many rows were inserted
    """
    if not vals_list:
        return 0
    columns = sorted({key for vals in vals_list for key in vals})
    now, uid = fields.Datetime.now(), model.env.uid
    names = SQL(", ").join(
        SQL.identifier(column) for column in [*columns, "create_uid", "create_date", "write_uid", "write_date"]
    )
    row_template = "(" + ", ".join(["%s"] * (len(columns) + 4)) + ")"
    model.flush_model()
    for start in range(0, len(vals_list), PAGE):
        page = vals_list[start : start + PAGE]
        # One template per page and a flat list of parameters: no SQL object per cell.
        params = [value for vals in page for value in (*(vals.get(column) for column in columns), uid, now, uid, now)]
        values = SQL(", ".join([row_template] * len(page)), *params)
        model.env.cr.execute(SQL("INSERT INTO %s (%s) VALUES %s", SQL.identifier(model._table), names, values))
    model.invalidate_model()
    return len(vals_list)


def bulk_delete(model, where):
    """DELETE the rows of ``model`` matching the SQL condition ``where``.

    :return: how many rows were deleted
    """
    model.flush_model()
    model.env.cr.execute(SQL("DELETE FROM %s WHERE %s", SQL.identifier(model._table), where))
    model.invalidate_model()
    return model.env.cr.rowcount
