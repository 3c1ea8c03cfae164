"""The enterprise code (企业码, EC-1 … EC-5)."""
