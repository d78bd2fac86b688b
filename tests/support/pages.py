"""Drives Keycloak's hosted pages over plain HTTP, like a browser without JavaScript would."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urljoin, urlparse

import requests
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from bs4 import BeautifulSoup
from requests.cookies import RequestsCookieJar

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class LoopbackCookieJar(RequestsCookieJar):
    """Browsers treat http://127.0.0.1 as a secure context and send it Keycloak's Secure cookies;
    Python's cookie jar does not, so the flag is dropped for loopback cookies as they are stored."""

    def set_cookie(self, cookie, *args, **kwargs):
        if cookie.secure and cookie.domain.lstrip(".") in LOOPBACK:
            cookie.secure = False
        return super().set_cookie(cookie, *args, **kwargs)


@dataclass
class Page:
    """One HTML page: its URL, status and parsed body."""

    url: str
    status: int
    soup: BeautifulSoup

    @property
    def text(self) -> str:
        return " ".join(self.soup.get_text(" ").split())

    def form(self, form_id: str | None = None) -> tuple[str, dict[str, str]]:
        """(action URL, default field values) of the page's form."""
        form = self.soup.find("form", id=form_id) if form_id else self.soup.find("form")
        assert form is not None, f"no form on {self.url}: {self.text[:300]}"
        fields = {}
        for field in form.find_all("input"):
            name = field.get("name")
            if not name or field.get("type") in {"submit", "checkbox"}:
                continue
            fields[name] = field.get("value", "")
        return urljoin(self.url, form["action"]), fields

    def field_error(self, field: str) -> str:
        """The message Keycloak shows under one input."""
        node = self.soup.find(id=f"input-error-{field}") or self.soup.find(id=f"input-error-{field}-0")
        return " ".join(node.get_text(" ").split()) if node else ""

    def alert(self) -> str:
        node = self.soup.find(class_="pf-v5-c-alert__title") or self.soup.find(class_="kc-feedback-text")
        return " ".join(node.get_text(" ").split()) if node else ""


class Browser:
    """A cookie jar plus helpers for authorization-code + PKCE flows against one client."""

    def __init__(self, keycloak_url: str, realm: str, client_id: str, redirect_uri: str) -> None:
        self.session = requests.Session()
        self.session.cookies = LoopbackCookieJar()
        self.realm_url = f"{keycloak_url}/realms/{realm}"
        self.client_id = client_id
        self.redirect_uri = redirect_uri
        self.verifier = generate_token(64)
        self.state = generate_token(16)
        self.nonce = generate_token(16)

    def _auth_params(self, **extra: str) -> dict[str, str]:
        return {"client_id": self.client_id, "response_type": "code", "redirect_uri": self.redirect_uri,
                "scope": "openid email profile", "state": self.state, "nonce": self.nonce,
                "code_challenge": create_s256_code_challenge(self.verifier), "code_challenge_method": "S256", **extra}

    def open(self, url: str, **params: str) -> Page:
        response = self.session.get(url, params=params or None, timeout=30)
        return Page(response.url, response.status_code, BeautifulSoup(response.text, "html.parser"))

    def open_registration(self, **extra: str) -> Page:
        return self.open(f"{self.realm_url}/protocol/openid-connect/registrations", **self._auth_params(**extra))

    def open_login(self, **extra: str) -> Page:
        return self.open(f"{self.realm_url}/protocol/openid-connect/auth", **self._auth_params(**extra))

    def submit(self, page: Page, values: dict[str, str], form_id: str | None = None) -> Page | str:
        """Post the form with values; returns the next page, or the authorization code when the
        flow redirects to the client's redirect URI."""
        action, fields = page.form(form_id)
        response = self.session.post(action, data={**fields, **values}, allow_redirects=False, timeout=30)
        return self._follow(response)

    def follow(self, url: str) -> Page | str:
        return self._follow(self.session.get(url, allow_redirects=False, timeout=30))

    def _follow(self, response: requests.Response) -> Page | str:
        for _ in range(10):
            if response.status_code not in (301, 302, 303, 307, 308):
                return Page(response.url, response.status_code, BeautifulSoup(response.text, "html.parser"))
            location = urljoin(response.url, response.headers["Location"])
            if location.startswith(self.redirect_uri):
                query = parse_qs(urlparse(location).query)
                assert query.get("state") == [self.state], f"state mismatch in {location}"
                assert "code" in query, f"no code in {location}"
                return query["code"][0]
            response = self.session.get(location, allow_redirects=False, timeout=30)
        raise AssertionError("too many redirects")

    def login(self, email: str, password: str) -> Page | str:
        page = self.open_login()
        return self.submit(page, {"username": email, "password": password})

    def register(self, email: str, password: str, *, terms: bool = True, confirm: str | None = None,
                 first: str = "Test", last: str = "User", locale: str | None = None) -> Page | str:
        page = self.open_registration(**({"ui_locales": locale} if locale else {}))
        values = {"email": email, "password": password, "firstName": first, "lastName": last,
                  "password-confirm": confirm if confirm is not None else password}
        if terms:
            values["termsAccepted"] = "on"
        return self.submit(page, values)
