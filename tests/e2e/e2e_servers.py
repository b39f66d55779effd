"""What the end-to-end tests know of the servers they started."""

from __future__ import annotations

import json
import urllib.request
from typing import Any


class Servers:
    """Addresses of the running API and web servers."""

    def __init__(self, api_url: str, web_url: str) -> None:
        self.api_url = api_url
        self.web_url = web_url

    def get_json(self, path: str) -> Any:
        """GET a path of the API directly (not through the browser)."""
        with urllib.request.urlopen(self.api_url + path, timeout=10) as response:  # noqa: S310
            return json.load(response)
