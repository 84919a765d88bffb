"""The vendored schema pieces (tests/data/discord_schemas.json) match Discord's OpenAPI spec."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from jsonschema.exceptions import ValidationError

HERE = Path(__file__).resolve().parent
VENDORED = HERE.parent / "data" / "discord_schemas.json"


def _vendor_module():
    spec = importlib.util.spec_from_file_location("vendor_schemas", HERE / "vendor_schemas.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_vendored_pieces_are_the_reference_ones():
    vendor = _vendor_module()
    if not vendor.DEFAULT_SPEC.exists():
        pytest.skip(f"reference spec not present at {vendor.DEFAULT_SPEC}")
    spec = json.loads(vendor.DEFAULT_SPEC.read_text(encoding="utf-8"))
    assert json.loads(VENDORED.read_text(encoding="utf-8")) == json.loads(json.dumps(vendor.extract(spec)))


def test_the_schemas_reject_what_discord_rejects(discord_schema):
    discord_schema("RichEmbed", {"title": "ok", "fields": [{"name": "n", "value": "v"}]})
    with pytest.raises(ValidationError):
        discord_schema("RichEmbed", {"fields": [{"name": "n", "value": "v"}] * 26})
    with pytest.raises(ValidationError):
        discord_schema("RichEmbed", {"description": "x" * 4097})
    with pytest.raises(ValidationError):
        discord_schema("ApplicationCommandUpdateRequest", {"name": "x" * 33, "description": "d"})
    with pytest.raises(ValidationError):
        discord_schema("ApplicationCommandUpdateRequest", {"name": "ok", "description": "d" * 101})
    with pytest.raises(ValidationError):
        discord_schema("IncomingWebhookRequestPartial", {"content": "x" * 2001})
