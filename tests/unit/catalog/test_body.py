import json

from ficus_catalog.core.body import json_bytes, page_body


def test_a_page_from_stored_items_is_the_envelope_starlette_renders() -> None:
    items = [{"id": 1, "name": "Café", "price": 12.5}, {"id": 2, "name": "a/b\n", "price": 1e16}]
    criteria = {"filter_groups": [{"filters": [{"field": "name", "value": "Café %"}]}]}
    body = page_body([json_bytes(i) for i in items], criteria, 42)
    envelope = {"items": items, "search_criteria": criteria, "total_count": 42}
    assert body == json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()


def test_an_empty_page() -> None:
    assert page_body([], {"filter_groups": []}, 0) == (
        b'{"items":[],"search_criteria":{"filter_groups":[]},"total_count":0}'
    )
