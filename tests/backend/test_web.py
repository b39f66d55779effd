"""The built SPA served by the API's server: caching, precompressed files, client-side routes."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from bookstore import create_app
from bookstore.config import ConfigError, Settings
from bookstore.web.spa import IMMUTABLE

INDEX = b"<!doctype html><html><body><div id=root></div></body></html>"
SCRIPT = b"export const shop = 'books';\n" * 100  # over 1 KB, so the build compresses it
SCRIPT_PATH = "/assets/index-Ab12Cd34.js"
BROTLI = b"pretend-brotli-bytes"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    """A build as `npm run build` leaves it: hashed assets with .gz and .br twins."""
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / ".vite").mkdir()
    (dist / "index.html").write_bytes(INDEX)
    (dist / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (dist / ".vite" / "manifest.json").write_text("{}")
    script = dist / SCRIPT_PATH.lstrip("/")
    script.write_bytes(SCRIPT)
    script.with_name(script.name + ".gz").write_bytes(gzip.compress(SCRIPT))
    script.with_name(script.name + ".br").write_bytes(BROTLI)
    (dist / "assets" / "index-Ab12Cd34.css").write_text("body{margin:0}")
    (tmp_path / "secret.txt").write_text("not part of the build")
    return dist


@pytest.fixture
def web_app(settings: Settings, dist: Path) -> Flask:
    """The app serving the build, as in production."""
    app = create_app(settings.replace(frontend_dist=dist))
    app.config["TESTING"] = True
    return app


@pytest.fixture
def web(web_app: Flask) -> FlaskClient:
    """A client of the production app."""
    return web_app.test_client()


def test_the_shop_page_is_index_html_revalidated_on_every_visit(web: FlaskClient) -> None:
    response = web.get("/")
    assert response.status_code == 200
    assert response.data == INDEX
    assert response.mimetype == "text/html"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["ETag"]


@pytest.mark.parametrize(
    "path", ["/checkout", "/success?payment_intent=pi_123", "/books/the-dream-machine", "/x/y/z"]
)
def test_client_side_routes_load_on_a_hard_refresh(web: FlaskClient, path: str) -> None:
    response = web.get(path)
    assert response.status_code == 200
    assert response.data == INDEX
    assert response.headers["Cache-Control"] == "no-cache"


def test_hashed_assets_are_cached_for_a_year(web: FlaskClient) -> None:
    response = web.get(SCRIPT_PATH)
    assert response.status_code == 200
    assert response.data == SCRIPT
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert IMMUTABLE == "public, max-age=31536000, immutable"
    assert "Content-Encoding" not in response.headers
    assert "Accept-Encoding" in response.headers["Vary"]


def test_gzip_twin_is_sent_to_browsers_that_accept_gzip(web: FlaskClient) -> None:
    response = web.get(SCRIPT_PATH, headers={"Accept-Encoding": "gzip, deflate"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.data) == SCRIPT
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == IMMUTABLE
    plain = web.get(SCRIPT_PATH)
    assert response.headers["ETag"] != plain.headers["ETag"]


def test_brotli_twin_is_preferred_when_accepted(web: FlaskClient) -> None:
    response = web.get(SCRIPT_PATH, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.headers["Content-Encoding"] == "br"
    assert response.data == BROTLI
    assert "Content-Disposition" not in response.headers  # no ".br" file name for the browser
    refused = web.get(SCRIPT_PATH, headers={"Accept-Encoding": "br;q=0, gzip"})
    assert refused.headers["Content-Encoding"] == "gzip"


def test_small_files_without_twins_are_sent_as_they_are(web: FlaskClient) -> None:
    response = web.get("/assets/index-Ab12Cd34.css", headers={"Accept-Encoding": "gzip"})
    assert response.data == b"body{margin:0}"
    assert response.mimetype == "text/css"
    assert "Content-Encoding" not in response.headers
    assert "Vary" not in response.headers or "Accept-Encoding" not in response.headers["Vary"]


def test_an_asset_is_revalidated_with_its_etag(web: FlaskClient) -> None:
    first = web.get(SCRIPT_PATH)
    again = web.get(SCRIPT_PATH, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_files_outside_assets_are_revalidated(web: FlaskClient) -> None:
    response = web.get("/favicon.svg")
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Cache-Control"] == "no-cache"


def test_a_missing_asset_is_a_404_not_the_page(web: FlaskClient) -> None:
    response = web.get("/assets/index-OldHash1.js")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_hidden_files_compressed_twins_and_paths_outside_the_build_are_not_served(
    web: FlaskClient,
) -> None:
    for path in ("/.vite/manifest.json", "/..%2Fsecret.txt"):
        response = web.get(path)
        assert response.data == INDEX, path
    # A twin is only ever sent in place of its file, with the encoding it is in.
    assert web.get(SCRIPT_PATH + ".gz").status_code == 404


def test_unknown_api_paths_keep_the_json_404(web: FlaskClient) -> None:
    for method in ("GET", "POST"):
        for path in ("/api/nope", "/api/nope/deeper", "/demo/nope", "/config/x", "/api"):
            response = web.open(path, method=method)
            assert response.status_code == 404, (method, path)
            assert response.get_json()["error"]["code"] == "not_found"
    assert web.get("/api/books/no-such-book").get_json()["error"]["code"] == "not_found"


def test_the_api_answers_as_in_development(web: FlaskClient) -> None:
    assert web.get("/config").get_json()["mode"] == "demo"
    assert web.get("/api/books").get_json()["books"]
    assert web.get("/healthz").get_json() == {"status": "ok"}
    response = web.delete("/api/books")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_every_api_path_is_kept_out_of_the_spa(web_app: Flask) -> None:
    client = web_app.test_client()
    api_rules = [r for r in web_app.url_map.iter_rules() if not r.endpoint.startswith("web.")]
    assert api_rules
    for rule in api_rules:
        # Below any of the API's paths, an unknown path is the API's business, not a page.
        first_segment = rule.rule.lstrip("/").split("/")[0]
        response = client.get(f"/{first_segment}/no-such-thing")
        assert response.data != INDEX, rule.rule


def test_a_folder_without_index_html_is_refused_at_start(
    settings: Settings, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError, match="FRONTEND_DIST"):
        create_app(settings.replace(frontend_dist=tmp_path / "nothing-built"))


def test_without_a_build_client_routes_are_not_served(client: FlaskClient) -> None:
    # Development: Vite serves the pages; the API alone answers these with its JSON 404.
    response = client.get("/checkout")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_frontend_dist_is_read_from_the_environment_relative_to_the_repository() -> None:
    settings = Settings.from_env({"FRONTEND_DIST": "frontend/dist", "DEMO_MODE": "1"})
    assert settings.frontend_dist is not None
    assert settings.frontend_dist.parts[-2:] == ("frontend", "dist")
    assert settings.frontend_dist.is_absolute()
    assert Settings.from_env({"DEMO_MODE": "1"}).frontend_dist is None


def test_demo_paths_in_stripe_mode_are_the_apis_404_not_the_page(
    stripe_settings: Settings, dist: Path, fake_stripe: object
) -> None:
    # The demo's stand-in for Stripe.js is mounted only in demo mode; in Stripe mode its paths
    # must not turn into the SPA's index.html (docs/api.md says 404).
    web = create_app(stripe_settings.replace(frontend_dist=dist)).test_client()

    response = web.get("/demo/payment_intents/pi_1?client_secret=x")

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
