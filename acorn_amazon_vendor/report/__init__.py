from . import amazon_vendor_match_report, amazon_vendor_package_label, gs1_label
