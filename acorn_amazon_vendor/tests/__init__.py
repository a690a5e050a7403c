from . import (
    test_account,
    test_acknowledgement,
    test_audit_log,
    test_authorization,
    test_demo_import,
    test_purchase_order_import,
    test_sales_without_amazon,
    test_scheduler,
    test_security,
    test_shipping,
    test_tour,
    test_transaction,
)
