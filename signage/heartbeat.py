"""The heartbeat's wire formats: the kiosk's JSON status, or a ping that a monitor IT already
runs understands (Uptime Kuma's push URL, a Healthchecks-style check), all through fetch.py.

- json: the whole status POSTed as JSON (for a collector of our own);
- uptime-kuma: GET the push URL with `status=up|down` and `msg=` a one-line summary (the
  other query parameters Kuma shows, such as `ping=`, are kept);
- healthchecks: GET the ping URL (`…/ping/<uuid>`), or `…/<uuid>/fail` when not healthy.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from signage.config.model import Heartbeat
from signage.errors import FetchError
from signage.fetch import fetch, post

PING_LIMIT = 64 * 1024  # a monitor answers "OK": read no more than this of its answer
MSG_LIMIT = 200  # Uptime Kuma shows msg in a table cell


def summary(status: Mapping[str, Any]) -> str:
    """One line for a monitor's log: OK, or what is wrong (source ids only, never content)."""
    problems: list[str] = []
    config = status.get("config") or {}
    if config.get("error"):
        problems.append("config not applied")
    failing = [s["id"] for s in status.get("sources", ()) if not s.get("ok")]
    stale = [s["id"] for s in status.get("sources", ()) if s.get("ok") and s.get("stale")]
    if failing:
        problems.append("failing: " + ", ".join(failing))
    if stale:
        problems.append("stale: " + ", ".join(stale))
    text = "; ".join(problems) if problems else "OK"
    skipped = [f"{s['id']} {s['skipped']}" for s in status.get("sources", ()) if s.get("skipped")]
    if skipped:  # rows a source could not read: not unhealthy, but someone should fix the feed
        text += " (skipped rows: " + ", ".join(skipped) + ")"
    text = f"{status.get('kiosk', '')} {status.get('version', '')}: {text}".strip(" :")
    return text if len(text) <= MSG_LIMIT else text[: MSG_LIMIT - 1] + "…"


def ping_url(heartbeat: Heartbeat, status: Mapping[str, Any]) -> str:
    """The URL a GET-style format requests for this status."""
    healthy = bool(status.get("healthy"))
    url = httpx.URL(heartbeat.url.strip())
    if heartbeat.format == "uptime-kuma":
        url = url.copy_merge_params({"status": "up" if healthy else "down", "msg": summary(status)})
    elif not healthy:  # healthchecks
        url = url.copy_with(path=url.path.rstrip("/") + "/fail")
    return str(url)


async def send(
    client: httpx.AsyncClient, heartbeat: Heartbeat, status: Mapping[str, Any]
) -> str | None:
    """Deliver one heartbeat in the configured format (auth from the environment or a file,
    the shared client and its network settings). None when the server took it, else why not,
    in words IT can act on (never a secret)."""
    try:
        await _deliver(client, heartbeat, status)
    except FetchError as exc:
        return str(exc)
    return None


async def _deliver(
    client: httpx.AsyncClient, heartbeat: Heartbeat, status: Mapping[str, Any]
) -> None:
    if heartbeat.format == "json":
        await post(client, heartbeat.url, status, auth=heartbeat.auth)
    else:
        await fetch(client, ping_url(heartbeat, status), limit=PING_LIMIT, auth=heartbeat.auth)
