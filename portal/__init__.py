"""The top layer of the platform (see docs/architecture.md): pages that gather every feature app."""
