"""Regenerate tests/data/discord_schemas.json from Discord's OpenAPI spec (not a test).

Only the components the tests validate against are kept, with everything they reference:
  python tests/discord_app/vendor_schemas.py [path/to/discord-openapi.json]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOTS = (
    "ApplicationCommandUpdateRequest",  # one item of PUT /applications/{id}/commands (bulk overwrite)
    "RichEmbed",
    "IncomingWebhookRequestPartial",  # POST /webhooks/{app_id}/{token} (interaction follow-ups)
    "AvailableLocalesEnum",
)
REPO = Path(__file__).resolve().parents[2]
DEFAULT_SPEC = REPO.parent / "shared" / "reference" / "discord-openapi.json"
OUT = REPO / "tests" / "data" / "discord_schemas.json"


def extract(spec: dict, roots=ROOTS) -> dict:
    schemas = spec["components"]["schemas"]
    keep: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref" and isinstance(value, str):
                    name = value.rsplit("/", 1)[-1]
                    if name not in keep:
                        keep.add(name)
                        walk(schemas[name])
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for root in roots:
        keep.add(root)
        walk(schemas[root])
    return {
        "info": {"source": "discord-openapi.json", "version": spec.get("info", {}).get("version"), "roots": list(roots)},
        "components": {"schemas": {name: schemas[name] for name in sorted(keep)}},
    }


def main() -> None:
    spec_path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SPEC
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(extract(spec), ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
