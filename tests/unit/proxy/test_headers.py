from __future__ import annotations

from multidict import CIMultiDict

from ficus_proxy.headers import (
    TrustedProxies,
    client_response_headers,
    request_id,
    upstream_request_headers,
)


def test_request_headers_drop_hop_by_hop_internal_and_connection_listed() -> None:
    incoming = [
        ("Host", "shop.example"),
        ("Connection", "keep-alive, X-Secret"),
        ("X-Secret", "drop me"),
        ("Keep-Alive", "timeout=5"),
        ("Transfer-Encoding", "chunked"),
        ("TE", "trailers"),
        ("Upgrade", "h2c"),
        ("X-Ficus-Target", "new"),
        ("x-ficus-bucket", "1"),
        ("Accept", "a"),
        ("Accept", "b"),
        ("X-Forwarded-For", "203.0.113.9"),
        ("X-Forwarded-Proto", "https"),
        ("X-Request-Id", "bad id with spaces"),
    ]
    out = upstream_request_headers(CIMultiDict(incoming), "10.0.0.5", "http", False, "rid1")
    assert out.getall("Accept") == ["a", "b"]
    assert out["Host"] == "shop.example"
    for name in ("Connection", "X-Secret", "Keep-Alive", "Transfer-Encoding", "TE", "Upgrade",
                 "X-Ficus-Target", "X-Ficus-Bucket"):  # fmt: skip
        assert name not in out
    assert out["X-Forwarded-For"] == "10.0.0.5"  # an untrusted client's claim is replaced
    assert out["X-Forwarded-Proto"] == "http"  # an untrusted client's claim is replaced
    assert out["X-Forwarded-Host"] == "shop.example"
    assert out.getall("X-Request-Id") == ["rid1"]


def test_trusted_peer_keeps_its_forwarded_proto_and_host() -> None:
    incoming = [("Host", "10.0.0.2"), ("X-Forwarded-Proto", "https"),
                ("X-Forwarded-Host", "shop.example")]  # fmt: skip
    out = upstream_request_headers(CIMultiDict(incoming), "10.0.0.1", "http", True, "r")
    assert (out["X-Forwarded-Proto"], out["X-Forwarded-Host"]) == ("https", "shop.example")


def test_client_sent_address_headers_are_stripped_and_xff_appended_only_for_trusted_peers() -> None:
    incoming = CIMultiDict(
        [("X-Forwarded-For", "1.2.3.4"), ("X-Real-IP", "1.2.3.4"), ("Forwarded", "for=1.2.3.4"),
         ("True-Client-IP", "1.2.3.4")]
    )  # fmt: skip
    untrusted = upstream_request_headers(incoming, "198.51.100.7", "http", False, "r")
    assert untrusted.getall("X-Forwarded-For") == ["198.51.100.7"]
    for name in ("X-Real-IP", "Forwarded", "True-Client-IP"):
        assert name not in untrusted
    trusted = upstream_request_headers(incoming, "10.0.0.1", "http", True, "r")
    assert trusted.getall("X-Forwarded-For") == ["1.2.3.4, 10.0.0.1"]
    assert "X-Real-IP" not in trusted


def test_trusted_proxies_by_cidr_and_the_client_address_behind_them() -> None:
    none = TrustedProxies(())
    assert "127.0.0.1" not in none
    assert none.client("198.51.100.7", ["1.2.3.4"]) == "198.51.100.7"
    lb = TrustedProxies(["10.0.0.0/8", "::1/128"])
    assert "10.1.2.3" in lb and "::1" in lb and "11.0.0.1" not in lb and "junk" not in lb
    assert (
        lb.client("10.0.0.1", ["6.6.6.6, 1.2.3.4, 10.0.0.9"]) == "1.2.3.4"
    )  # right-most untrusted
    assert lb.client("10.0.0.1", []) == "10.0.0.1"
    assert lb.client("198.51.100.7", ["1.2.3.4"]) == "198.51.100.7"


def test_response_headers_keep_repeats_and_add_request_id() -> None:
    upstream = [
        ("Set-Cookie", "a=1"),
        ("Set-Cookie", "b=2"),
        ("Connection", "close"),
        ("Transfer-Encoding", "chunked"),
        ("X-Ficus-Debug", "x"),
        ("Content-Type", "j"),
    ]
    out = client_response_headers(CIMultiDict(upstream), "rid")  # fmt: skip
    assert out.getall("Set-Cookie") == ["a=1", "b=2"]
    assert "Connection" not in out and "Transfer-Encoding" not in out
    assert "X-Ficus-Debug" not in out
    assert out["X-Request-Id"] == "rid"


def test_request_id_kept_if_sane() -> None:
    assert request_id("abc-123_x.y:z") == "abc-123_x.y:z"
    assert request_id("x" * 129) != "x" * 129
    assert len(request_id(None)) == 24
    assert request_id(None) != request_id(None)
