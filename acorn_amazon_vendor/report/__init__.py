from . import amazon_vendor_package_label, gs1_label
