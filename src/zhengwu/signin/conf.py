"""Settings of the sign-in app, read at call time (tests override them)."""

from __future__ import annotations

from django.conf import settings


def max_failures() -> int:
    """ACC-2: consecutive wrong passwords that lock an account (seed 000 FAQ 9: 10)."""
    return max(1, int(getattr(settings, "ZHENGWU_SIGNIN_MAX_FAILURES", 10)))


def account_hotline() -> str:
    """The account hotline named in the lock message (seed 000: 法人账户专线)."""
    return str(getattr(settings, "ZHENGWU_ACCOUNT_HOTLINE", "") or settings.ZHENGWU_HOTLINE)


def warn_from() -> int:
    """ACC-2: from this failure on the message says how many attempts are left (还可尝试 N 次);
    the same for a name that matches no account."""
    return max(1, int(getattr(settings, "ZHENGWU_SIGNIN_WARN_FROM", 7)))


def ip_max_failures() -> int:
    """Failed sign-ins from one address (all accounts together) per window before the whole
    address is refused (0: no limit). High enough for a service hall behind one NAT."""
    return int(getattr(settings, "ZHENGWU_SIGNIN_IP_MAX_FAILURES", 200))


def ip_account_max_failures() -> int:
    """Failed sign-ins of one account (or typed name) from one address per window before that
    pair is refused (0: no limit); the others behind the address go on signing in. Above
    ``max_failures`` so that the account's lock (and its message) comes first, and its owner
    can still sign in from the same desk after unlocking it."""
    return int(getattr(settings, "ZHENGWU_SIGNIN_IP_ACCOUNT_MAX_FAILURES", 20))


def ip_window_seconds() -> int:
    return max(1, int(getattr(settings, "ZHENGWU_SIGNIN_IP_WINDOW_SECONDS", 900)))


def idle_seconds() -> int:
    """Idle timeout of a signed-in session (等保 2.0): ``SESSION_COOKIE_AGE``."""
    return max(60, int(settings.SESSION_COOKIE_AGE))


def warning_seconds() -> int:
    """How long before the idle timeout the page warns (and offers to extend)."""
    return max(
        0, min(int(getattr(settings, "ZHENGWU_SESSION_WARNING_SECONDS", 120)), idle_seconds())
    )


def recovery_seconds() -> int:
    """How long a recovery (code sent, then code verified) stays open in the session."""
    return max(60, int(getattr(settings, "ZHENGWU_RECOVERY_TTL_SECONDS", 600)))
