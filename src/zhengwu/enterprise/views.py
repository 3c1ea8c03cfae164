"""Pages of the enterprise code. Thin: parse, check, call one service or selector, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from . import selectors
from .ratelimit import verification_allowed


@login_required
def entry(request: HttpRequest) -> HttpResponse:
    return render(request, "enterprise/entry.html", {})


@never_cache
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """EC-3: the public page a scan opens. No sign-in; rate-limited per IP; no personal data."""
    if not verification_allowed(request):
        return render(request, "enterprise/verify.html", {"outcome": "rate_limited"}, status=429)
    result = selectors.verification_for_token(token)
    status = {"valid": 200, "revoked": 410, "superseded": 410}.get(result.outcome, 404)
    return render(
        request, "enterprise/verify.html", {"v": result, "outcome": result.outcome}, status=status
    )


def help_guide(request: HttpRequest) -> HttpResponse:
    """EC-5: the step-by-step guide of seed 000 附件1 (public: the login page links here)."""
    return render(request, "enterprise/help_guide.html", {})


def help_faq(request: HttpRequest) -> HttpResponse:
    """EC-5: the FAQ of seed 000 附件2."""
    return render(request, "enterprise/help_faq.html", {})
