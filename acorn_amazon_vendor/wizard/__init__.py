from . import (
    account_move_send_wizard,
    amazon_vendor_ack_wizard,
    amazon_vendor_asn_wizard,
    amazon_vendor_pallet_wizard,
    amazon_vendor_performance,
    amazon_vendor_po_import_wizard,
    amazon_vendor_remittance_import,
)
