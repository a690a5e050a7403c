"""The client action every ACORN button answers with: a toast, then the screen reloaded."""

RELOAD = {"type": "ir.actions.client", "tag": "soft_reload"}
CLOSE = {"type": "ir.actions.act_window_close"}


def notification(title, message, level="success", next_action=None):
    """:param level: success, warning or danger; anything but success stays until closed
    :param next_action: the action after the toast (default: reload the screen)"""
    return {
        "type": "ir.actions.client",
        "tag": "display_notification",
        "params": {
            "title": title,
            "message": message,
            "type": level,
            "sticky": level != "success",
            "next": next_action or dict(RELOAD),
        },
    }
