"""Amazon's regional SP-API hosts, Login with Amazon and Vendor Central consent pages."""

LWA_TOKEN_URL = "https://api.amazon.com/auth/o2/token"

REGIONS = {
    "na": {
        "endpoint": "https://sellingpartnerapi-na.amazon.com",
        "sandbox_endpoint": "https://sandbox.sellingpartnerapi-na.amazon.com",
        "aws_region": "us-east-1",
        "vendor_central": "https://vendorcentral.amazon.com",
    },
    "eu": {
        "endpoint": "https://sellingpartnerapi-eu.amazon.com",
        "sandbox_endpoint": "https://sandbox.sellingpartnerapi-eu.amazon.com",
        "aws_region": "eu-west-1",
        "vendor_central": "https://vendorcentral.amazon.co.uk",
    },
    "fe": {
        "endpoint": "https://sellingpartnerapi-fe.amazon.com",
        "sandbox_endpoint": "https://sandbox.sellingpartnerapi-fe.amazon.com",
        "aws_region": "us-west-2",
        "vendor_central": "https://vendorcentral.amazon.co.jp",
    },
}


def region_info(region):
    """Return the settings of ``region`` ("na", "eu" or "fe").

    :param region: region code, case-insensitive
    :return: dict with endpoint, sandbox_endpoint, aws_region, vendor_central
    :raise ValueError: unknown region
    """
    info = REGIONS.get((region or "").lower())
    if info is None:
        raise ValueError(f"Unknown SP-API region {region!r}: expected one of {', '.join(REGIONS)}")
    return info


def api_endpoint(region="na", sandbox=False):
    """Return the SP-API base URL of ``region``, or its sandbox twin.

    :param region: "na", "eu" or "fe"
    :param sandbox: use Amazon's static sandbox host
    :return: base URL without a trailing slash
    :raise ValueError: unknown region
    """
    info = region_info(region)
    return info["sandbox_endpoint"] if sandbox else info["endpoint"]
