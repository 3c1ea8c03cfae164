"""Sign-in, lockout and recovery (ACC-1 … ACC-3)."""
