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


# Amazon's retail marketplaces (docs:/marketplace-ids): code -> (marketplaceId, region, site).
# Vendor order, shipment and invoice submissions take no marketplace; the Invoices and
# Remittance APIs and the reports do, for the marketplace a vendor code sells into.
MARKETPLACES = {
    "US": ("ATVPDKIKX0DER", "na", "Amazon.com"),
    "CA": ("A2EUQ1WTGCTBG2", "na", "Amazon.ca"),
    "MX": ("A1AM78C64UM0Y8", "na", "Amazon.com.mx"),
    "BR": ("A2Q3Y263D00KWC", "na", "Amazon.com.br"),
    "UK": ("A1F83G8C2ARO7P", "eu", "Amazon.co.uk"),
    "DE": ("A1PA6795UKMFR9", "eu", "Amazon.de"),
    "FR": ("A13V1IB3VIYZZH", "eu", "Amazon.fr"),
    "IT": ("APJ6JRA9NG5V4", "eu", "Amazon.it"),
    "ES": ("A1RKKUPIHCS9HS", "eu", "Amazon.es"),
    "NL": ("A1805IZSGTT6HS", "eu", "Amazon.nl"),
    "SE": ("A2NODRKZP88ZB9", "eu", "Amazon.se"),
    "PL": ("A1C3SOZRARQ6R3", "eu", "Amazon.pl"),
    "BE": ("AMEN7PMS3EDWL", "eu", "Amazon.com.be"),
    "TR": ("A33AVAJ2PDY3EV", "eu", "Amazon.com.tr"),
    "AE": ("A2VIGQ35RCS4UG", "eu", "Amazon.ae"),
    "SA": ("A17E79C6D8DWNP", "eu", "Amazon.sa"),
    "IN": ("A21TJRUUN4KGV", "eu", "Amazon.in"),
    "JP": ("A1VC38T7YXB528", "fe", "Amazon.co.jp"),
    "AU": ("A39IBJ37TRP1C6", "fe", "Amazon.com.au"),
    "SG": ("A19VAU5U5O7RUS", "fe", "Amazon.sg"),
}
# The marketplace assumed for a vendor code that names none: the region's largest.
DEFAULT_MARKETPLACE = {"na": "US", "eu": "DE", "fe": "JP"}


def marketplace_id(code):
    """:return: Amazon's marketplaceId of a marketplace code ("US", "DE"...)
    :raise ValueError: unknown code"""
    try:
        return MARKETPLACES[code][0]
    except KeyError:
        raise ValueError(f"Unknown Amazon marketplace {code!r}") from None
