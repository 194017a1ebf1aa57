"""The nginx plane's admin listener, as nginx configuration text. Pure."""

from __future__ import annotations

from ficus_nginx.core.plane import Plane


def admin_server(plane: Plane) -> list[str]:
    """The admin listener (loopback by default; none without a port): health, nginx's
    `stub_status`, and what the agent sets in the running nginx (plans, breakers)."""
    if plane.admin_port is None:
        return []
    return [
        "server {",
        f"    listen {plane.admin_host}:{plane.admin_port};",
        "    location = /healthz {",
        "        default_type application/json;",
        '        return 200 \'{"status": "ok"}\';',
        "    }",
        "    location = /nginx_status { stub_status; }",
        "    location = /_ficus/plans {  # GET: the live plans; PUT: replace them (the agent)",
        "        client_body_buffer_size 1m;",
        "        client_max_body_size 1m;",
        "        content_by_lua_block { require('ficus').admin() }",
        "    }",
        "    location = /_ficus/breakers {  # GET: the tripped breakers; PUT: set one (the agent)",
        "        content_by_lua_block { require('ficus').breakers() }",
        "    }",
        *_diff(plane),
        "    location / { return 404; }",
        "}",
    ]


def _diff(plane: Plane) -> list[str]:
    """`/_ficus/diff` is the shadow comparer's (a Python proxy worker's admin listener): where
    `ficus diff` looks for the proxy's, it finds the comparisons of this plane's copies."""
    if plane.shadow_url is None:
        return []
    return [f"    location = /_ficus/diff {{ proxy_pass {plane.shadow_url.rstrip('/')}; }}"]
