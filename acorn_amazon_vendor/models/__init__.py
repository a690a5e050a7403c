from . import (
    amazon_vendor_account,
    amazon_vendor_account_po,
    amazon_vendor_audit_log,
    amazon_vendor_code,
    amazon_vendor_product,
    amazon_vendor_transaction,
    res_config_settings,
    res_partner,
    sale_order,
    sale_order_acknowledgement,
    sale_order_amazon_import,
    sale_order_line,
)
