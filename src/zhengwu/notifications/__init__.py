"""SMS notifications (NTF-1): templates, the outbox with delivery after commit and retries,
verification codes with per-mobile limits. See ``docs/workflows/notifications.md``."""
