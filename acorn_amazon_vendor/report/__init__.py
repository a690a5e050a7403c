from . import (
    amazon_vendor_claim_report,
    amazon_vendor_match_report,
    amazon_vendor_package_label,
    amazon_vendor_performance_report,
    gs1_label,
)
