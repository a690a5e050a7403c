"""Masking of secrets and personal data before anything is logged or handed to a hook."""

MASK = "***"

# Credentials: masked wherever they appear.
SECRET_KEYS = frozenset(
    {
        "access_token",
        "refresh_token",
        "client_secret",
        "x-amz-access-token",
        "restricteddatatoken",
        "authorization",
        "spapi_oauth_code",
    }
)
# Only secret in Login with Amazon form bodies: elsewhere "code" is Amazon's error code.
LWA_SECRET_KEYS = SECRET_KEYS | {"code"}
# Personal data (GDPR): street lines, phone and e-mail, anywhere.
PERSONAL_KEYS = frozenset({"addressline1", "addressline2", "addressline3", "phone", "email"})
# A person's name only counts inside an address or a party; a carrier "name" is no secret.
NAME_KEYS = frozenset({"name", "attention"})


def _is_address_context(key):
    lowered = key.lower()
    return lowered.endswith(("address", "party", "partyidentification")) or lowered in (
        "buyerinfo",
        "shipto",
        "billto",
        "shipfrom",
        "customer",
    )


def redact(obj, *, lwa=False):
    """Return a deep copy of ``obj`` with secrets and personal data replaced by "***".

    Works on dicts, lists, tuples, requests' header mappings and scalars.

    :param obj: the structure to mask
    :param lwa: also mask ``code`` (an authorization code in Login with Amazon form bodies)
    :return: a masked copy; the original is untouched
    """
    return _redact(obj, LWA_SECRET_KEYS if lwa else SECRET_KEYS, False)


def _redact(obj, secret_keys, in_address):
    if hasattr(obj, "items"):
        out = {}
        for key, value in obj.items():
            lowered = str(key).lower()
            if value is not None and (
                lowered in secret_keys or lowered in PERSONAL_KEYS or (in_address and lowered in NAME_KEYS)
            ):
                out[key] = MASK
            else:
                out[key] = _redact(value, secret_keys, _is_address_context(str(key)))
        return out
    if isinstance(obj, (list, tuple)):
        # A list under "shipToParty"-like keys keeps the party context for its items.
        return [_redact(item, secret_keys, in_address) for item in obj]
    return obj


def redact_text(text, secrets):
    """Replace every occurrence of each of ``secrets`` in ``text`` by "***"."""
    for secret in secrets:
        if secret and isinstance(text, str):
            text = text.replace(secret, MASK)
    return text
