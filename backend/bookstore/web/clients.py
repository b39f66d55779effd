"""Who a request comes from, for per-client limits: an IPv4 address, or an IPv6 /64.

One IPv6 subscriber is usually given a whole /64 and may use any address in it, so a limit
per IPv6 address would be no limit at all; a /64 is what one household or phone holds.
"""

from __future__ import annotations

import ipaddress

# Stored on orders (Order.client_key): an IPv6 /64 is at most 24 characters.
MAX_CLIENT_KEY = 64
IPV6_CLIENT_PREFIX = 64


def client_key(remote_addr: str | None) -> str:
    """The client an address belongs to: "203.0.113.7" or "2001:db8:1:2::/64"."""
    if not remote_addr:
        return "unknown"
    try:
        address = ipaddress.ip_address(remote_addr)
    except ValueError:
        return remote_addr[:MAX_CLIENT_KEY]  # not an IP address (a Unix socket, say)
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:  # ::ffff:203.0.113.7 is the IPv4 client
            return str(address.ipv4_mapped)
        # The integer drops any zone (fe80::1%eth0): the prefix alone names the client.
        network = ipaddress.IPv6Network((int(address), IPV6_CLIENT_PREFIX), strict=False)
        return str(network)
    return str(address)
