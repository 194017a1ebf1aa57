"""The admin API's HTTP client, used by the CLI; httpx errors are translated here."""

from __future__ import annotations

from typing import Any

import httpx

from ficus_control.errors import ApiRefused, ApiUnavailable, ControlError
from ficus_control.settings import ControlSettings


def resolve_token(settings: ControlSettings) -> str:
    """FICUS_TOKEN, else the file `ficus up` writes, else a clear error."""
    if settings.token is not None and settings.token.get_secret_value().strip():
        return settings.token.get_secret_value().strip()
    try:
        token = settings.token_file.read_text().strip()
    except OSError:
        token = ""
    if not token:
        raise ApiUnavailable(
            f"no API token: set FICUS_TOKEN, or run `ficus up` (it writes {settings.token_file}),"
            " or create one with `ficus token create --name me --role operator`"
        )
    return token


class ControlClient:
    def __init__(
        self,
        base_url: str,
        token: str,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
            transport=transport,
        )

    @classmethod
    def from_settings(cls, settings: ControlSettings) -> ControlClient:
        return cls(settings.api_url, resolve_token(settings), max(settings.http_timeout, 10.0))

    def get(self, path: str, **params: Any) -> Any:
        clean = {k: v for k, v in params.items() if v is not None}
        return self._request("GET", path, params=clean)

    def post(self, path: str, body: dict[str, Any], timeout: float | None = None) -> Any:
        """`timeout`: for a call that waits on purpose (a writes rollback's drain)."""
        extra = {} if timeout is None else {"timeout": max(timeout, self.http.timeout.read or 0)}
        return self._request("POST", path, json=body, **extra)

    def close(self) -> None:
        self.http.close()

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self.http.request(method, f"/api/v1{path}", **kwargs)
        except httpx.HTTPError as exc:
            raise ApiUnavailable(
                f"the admin API at {self.base_url} is unreachable ({exc}); is it running? "
                "`ficus up` starts it; FICUS_CONTROL_API_URL points elsewhere"
            ) from exc
        if response.status_code >= 400:
            raise _refusal(response)
        try:
            return response.json()
        except ValueError as exc:
            raise ApiUnavailable(f"the admin API answered non-JSON: {response.text[:200]}") from exc


def _refusal(response: httpx.Response) -> ControlError:
    try:
        body = response.json()
    except ValueError:
        return ApiRefused(response.status_code, "HTTP", response.text[:500])
    if isinstance(body, dict) and isinstance(body.get("detail"), str):
        return ApiRefused(response.status_code, str(body.get("error", "")), body["detail"])
    if isinstance(body, dict) and isinstance(body.get("detail"), list):  # pydantic's 422
        parts = [f"{'.'.join(map(str, e.get('loc', [])))}: {e.get('msg')}" for e in body["detail"]]
        return ApiRefused(response.status_code, "ValidationError", "; ".join(parts))
    return ApiRefused(response.status_code, "HTTP", str(body)[:500])
