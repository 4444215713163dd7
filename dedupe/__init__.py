"""dedupe: near-duplicate and cross-source claim comparison for news text."""

__version__ = "0.1.0"

#: Version of the JSON output contracts; bumped when a field changes meaning.
SCHEMA_VERSION = "1.0"
