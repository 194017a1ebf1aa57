"""nginx.conf as text, from the plane, the route table and the cutover state. Pure.

Per request nginx looks up, in order: the route (`map` of `"$request_method $request_uri"`
onto `<domain>:r|w`, see core.routes) and, for a routed request, ficus.lua's decision: the
route's plan under the current state (core.plan), kept in the shared dict `ficus_plans`, and
for a canary / dual split the shopper's cohort bucket. The plan's mode picks
a named location: `@new_read` fails open to `@legacy` (a 5xx, a timeout, a refused connection,
a 404/405 that `@new_miss` finds is the framework's "no such route"; the service's own 404 is
passed on), `@new_write` never does (`@unwritable`: Magento's 503 shape with Retry-After),
`@draining` answers every write of a draining domain the same way. Everything else goes to
Magento. The plans are written into the shared dict when nginx (re)loads its configuration
(`init_by_lua`) and, live, through the admin listener's `PUT /_ficus/plans`: a state change
needs no reload (a reload closes idle keep-alive connections, which races with clients
reusing them).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from ficus_contracts.cutover import DomainCutover
from ficus_contracts.routes import RouteRow
from ficus_nginx.core.accesslog import http_directives, server_directives
from ficus_nginx.core.admin import admin_server
from ficus_nginx.core.edge import edge_http, edge_location, too_many_location
from ficus_nginx.core.plan import plan_table
from ficus_nginx.core.plane import UNAVAILABLE_MESSAGE, Plane, address
from ficus_nginx.core.routes import route_key, route_regex
from ficus_nginx.core.shadow import comparer, shadowed_location

LUA_FILE = "ficus.lua"
# a request line whose target is not origin-form, or a path Magento's router could read
# differently than nginx: refused (ficus_proxy check_path)
_UNSAFE = r"~*^\S+ (?:[^/]|[^?\s]*(?:\\|%5c|%2e|%00|/\.\.?(?:[/?\s]|$)))"
_LOAD_PLANS = "require('ficus').load_plans("
_TEMP = "tmp"  # under the plane's prefix
_NEW_READ = "/_ficus/new_read"  # internal: ficus.lua's second look at a read's 404/405
_ENCODED_SLASH = r"~*^\S+ [^?]*%2f"
_STATUSES_5XX = "500 501 502 503 504 505 506 507 508 510 511"
_HOP_BY_HOP_DOWN = ("Proxy-Authenticate", "Proxy-Connection", "Trailer", "Upgrade", "Keep-Alive")


def render(plane: Plane, routes: Iterable[RouteRow], cutover: Mapping[str, DomainCutover]) -> str:
    routes = list(routes)
    head = ["# rendered by ficus_nginx from the route table and the cutover state: do not edit"]
    head += [f"load_module {module};" for module in plane.modules]
    head += [
        f"worker_processes {plane.workers};",
        "pcre_jit on;  # the route map's regexes, compiled",
        f"pid {plane.prefix}/nginx.pid;",
        f"error_log {plane.prefix}/error.log warn;",
        f"events {{ worker_connections {plane.worker_connections}; }}",
        "http {",
    ]
    body = [
        *_basics(plane, *plans(plane, routes, cutover)),
        *_upstreams(plane),
        *_route_map(routes),
        *_decision_maps(),
        *edge_http(plane),
        *_header_maps(plane),
        *_proxy_headers(plane),
        *_shopper_server(plane),
        *admin_server(plane),
    ]
    return "\n".join([*head, *("    " + line if line else "" for line in body), "}", ""])


def skeleton(conf: str) -> str:
    """`conf` without its plans: two configurations with the same skeleton differ only in
    plans (values of a closed vocabulary), so one `nginx -t` vouches for both, and the live
    plans can be sent to the running nginx instead of reloading it."""
    return "\n".join(line for line in conf.splitlines() if _LOAD_PLANS not in line)


def plans(
    plane: Plane, routes: Iterable[RouteRow], cutover: Mapping[str, DomainCutover]
) -> tuple[int, dict[str, str]]:
    """The cutover version and the plans nginx needs for `cutover`."""
    keys = dict.fromkeys(route_key(route) for route in routes)
    table = plan_table(
        keys, cutover, plane.upstream_domains(), plane.cohort_cookie_max_age,
        comparer(plane) is not None,
    )  # fmt: skip
    return max((s.version for s in cutover.values()), default=0), table


def _ms(seconds: float) -> str:
    return f"{round(seconds * 1000)}ms"


def _lua_table(table: dict[str, str]) -> str:
    """Keys and plans are plain words (core.routes and core.plan): no escaping needed."""
    return "{" + ", ".join(f'["{key}"] = "{plan}"' for key, plan in table.items()) + "}"


def _q(text: str) -> str:
    """An nginx string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _basics(plane: Plane, version: int, table: dict[str, str]) -> list[str]:
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temp = [f"{kind}_temp_path {plane.prefix}/{_TEMP}/{kind};" for kind in kinds]
    return [
        *http_directives(),
        "server_tokens off;",
        "merge_slashes off;  # the route map reads the raw request line",
        f"client_max_body_size {plane.max_body_bytes};",
        *temp,
        f'lua_package_path "{plane.prefix}/?.lua;;";',
        "lua_shared_dict ficus_plans 1m;  # route key -> plan, for every worker",
        "lua_shared_dict ficus_breakers 1m;  # route key -> its new backend's breaker (the agent)",
        "# the plans, written by the master at every (re)load",
        "init_by_lua_block {",
        *_keys(plane),
        f"    {_LOAD_PLANS}{_lua_table(table)}, {version})",
        "}",
        "",
    ]


def _keys(plane: Plane) -> list[str]:
    """ficus.lua's key material (Magento's crypt key, the cohort keys), as Lua strings of
    decimal byte escapes: no value can end the string or the block."""
    if not plane.magento_crypt_key:
        return []

    def lua(text: str) -> str:
        return '"' + "".join(f"\\{byte}" for byte in text.encode()) + '"'

    pairs = ", ".join(f"{{{lua(key_id)}, {lua(secret)}}}" for key_id, secret in plane.cohort_keys)
    return [f"    require('ficus').configure({lua(plane.magento_crypt_key)}, {{{pairs}}})"]


def _upstreams(plane: Plane) -> list[str]:
    servers = {"legacy": plane.legacy_url} | {
        f"new_{domain}": url for domain, url in sorted(plane.upstreams.items())
    }
    lines = []
    for name, url in servers.items():
        lines += [
            f"upstream {name} {{",
            f"    server {address(url)};",
            f"    keepalive {plane.keepalive};",
            "}",
        ]
    return [*lines, ""]


def _route_map(routes: list[RouteRow]) -> list[str]:
    lines = ['map "$request_method $request_uri" $ficus_route {', '    default "";']
    lines.append(f'    {_q(_ENCODED_SLASH)} "";  # an encoded slash never matches a route')
    for route in routes:
        regex = route_regex(route)
        if regex is not None:
            lines.append(f"    {_q('~' + regex)} {route_key(route)};")
    return [*lines, "}", ""]


def _decision_maps() -> list[str]:
    return [
        "map $ficus_decision $ficus_mode {",
        "    default legacy;",
        "    ~^(?<mode>read|write|drain|reject|shadow): $mode;",
        "}",
        "map $ficus_decision $ficus_new {",
        "    default legacy;",
        "    ~^(?:read|write):(?<domain>.+)$ new_$domain;",
        "}",
        f"map $request $ficus_unsafe {{ default 0; {_q(_UNSAFE)} 1; }}",
        "",
    ]


def _header_maps(plane: Plane) -> list[str]:
    trusted = "".join(f" {cidr} 1;" for cidr in plane.trusted_proxies)
    return [
        # the peer (realip, core.edge, makes $remote_addr the client behind trusted proxies)
        f"geo $realip_remote_addr $ficus_trusted {{ default 0;{trusted} }}",
        "map $http_x_forwarded_for $ficus_xff_appended {",
        '    "" $realip_remote_addr; default "$http_x_forwarded_for, $realip_remote_addr";',
        "}",
        "map $ficus_trusted $ficus_xff { default $realip_remote_addr; 1 $ficus_xff_appended; }",
        "map $http_x_forwarded_proto $ficus_xfp_in {",
        '    default $http_x_forwarded_proto; "" $scheme;',
        "}",
        "map $ficus_trusted $ficus_xfp { default $scheme; 1 $ficus_xfp_in; }",
        "map $http_x_forwarded_host $ficus_xfh_in {",
        '    default $http_x_forwarded_host; "" $http_host;',
        "}",
        "map $ficus_trusted $ficus_xfh { default $http_host; 1 $ficus_xfh_in; }",
        "map $http_x_request_id $ficus_rid {",
        "    default $request_id;",
        "    '~^[A-Za-z0-9._:\\-]{1,128}$' $http_x_request_id;",
        "}",
        'map $upstream_http_x_request_id $ficus_answer_rid { default ""; "" $ficus_rid; }',
        "",
    ]


def _proxy_headers(plane: Plane) -> list[str]:
    dropped = ["X-Real-IP", "Forwarded", "True-Client-IP", "Proxy-Authorization",
               "Proxy-Connection", "Trailer", *plane.internal_headers]  # fmt: skip
    hidden = [*_HOP_BY_HOP_DOWN, *plane.internal_headers]
    return [
        "proxy_http_version 1.1;",
        "proxy_next_upstream off;",
        f"proxy_connect_timeout {_ms(plane.connect_timeout)};",
        'proxy_set_header Connection "";',
        "proxy_set_header Host $http_host;",
        "proxy_set_header X-Forwarded-For $ficus_xff;",
        "proxy_set_header X-Forwarded-Proto $ficus_xfp;",
        "proxy_set_header X-Forwarded-Host $ficus_xfh;",
        "proxy_set_header X-Request-Id $ficus_rid;",
        *(f'proxy_set_header {name} "";' for name in dropped),
        *(f"proxy_hide_header {name};" for name in hidden),
        "",
    ]


def _answer_headers() -> list[str]:
    return [
        "    add_header Set-Cookie $ficus_cookie always;",
        "    add_header X-Request-Id $ficus_answer_rid always;",
    ]


def _unavailable(plane: Plane) -> list[str]:
    body = json.dumps({"message": UNAVAILABLE_MESSAGE})
    return [
        f"    add_header Retry-After {max(1, plane.write_retry_after)} always;",
        "    add_header X-Request-Id $ficus_rid always;",
        "    default_type application/json;",
        f"    return 503 {_q(body)};",
    ]


def _shopper_server(plane: Plane) -> list[str]:
    refused = json.dumps({"message": "refused path"})
    new_read = ["error_page 404 405 = @new_miss;", f"error_page {_STATUSES_5XX} = @legacy;"]
    return [
        "server {",
        f"    listen {plane.host}:{plane.port};",
        "    default_type application/json;  # the answers nginx writes itself",
        *server_directives(plane.prefix),
        # no health check of its own (/healthz is Magento's, like any path): the admin's
        "    location / {",
        "        recursive_error_pages on;  # @new_read / @new_write have error pages of their own",
        "        error_page 418 = @new_read;",
        "        error_page 419 = @new_write;",
        "        error_page 420 = @draining;",
        *(["        error_page 421 = @shadowed;"] if comparer(plane) else []),
        *edge_location(plane),
        f"        if ($ficus_unsafe) {{ return 400 {_q(refused)}; }}",
        '        set $ficus_cookie "";',
        "        set $ficus_decision legacy:-;",
        "        if ($ficus_route) {  # the route's plan, or the side of the shopper's bucket",
        "            set_by_lua_block $ficus_decision {",
        "                return require('ficus').route(ngx.var.ficus_route)",
        "            }",
        "        }",
        "        if ($ficus_mode = read) { return 418; }",
        "        if ($ficus_mode = write) { return 419; }",
        "        if ($ficus_mode = drain) { return 420; }",
        "        if ($ficus_mode = reject) { return 420; }  # a write the open breaker refuses",
        "        if ($ficus_mode = shadow) { return 421; }",
        *_legacy_pass(plane),
        "    }",
        *shadowed_location(plane, _legacy_pass(plane)),
        "    location @legacy {",
        *_legacy_pass(plane),
        "    }",
        "    location @new_read {",
        *_new_pass(plane, new_read),
        "    }",
        "    location @new_write {",
        *_new_pass(plane, [f"error_page 405 {_STATUSES_5XX} = @unwritable;"]),
        "    }",
        "    location @new_miss {  # a read's 404/405: the service's own answer, or no such route",
        "        content_by_lua_block { require('ficus').miss() }",
        *("    " + line for line in _answer_headers()),
        "    }",
        f"    location = {_NEW_READ} {{  # @new_miss asks the new backend again (a subrequest)",
        "        internal;",
        "        proxy_pass http://$ficus_new$request_uri;",
        f"        proxy_read_timeout {_ms(plane.new_timeout)};",
        f"        proxy_send_timeout {_ms(plane.new_timeout)};",
        "    }",
        "    location @unwritable {",
        *_unavailable(plane),
        "    }",
        *too_many_location(plane),
        "    location @draining {",
        *_unavailable(plane),
        "    }",
        "}",
        "",
    ]


def _legacy_pass(plane: Plane) -> list[str]:
    return [
        "        proxy_pass http://legacy;",
        f"        proxy_read_timeout {_ms(plane.legacy_timeout)};",
        f"        proxy_send_timeout {_ms(plane.legacy_timeout)};",
        *("    " + line for line in _answer_headers()),
    ]


def _new_pass(plane: Plane, error_pages: list[str]) -> list[str]:
    return [
        "        proxy_pass http://$ficus_new;",
        "        proxy_intercept_errors on;",
        *(f"        {line}" for line in error_pages),
        f"        proxy_read_timeout {_ms(plane.new_timeout)};",
        f"        proxy_send_timeout {_ms(plane.new_timeout)};",
        *("    " + line for line in _answer_headers()),
    ]
