"""The portal's URLs plus ``/bench/baseline/<uscc>``: a bare view doing one primary-key lookup
on the register table (``registry_marketentity``), the baseline of ``bench/registration.py``."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path


def baseline(request: HttpRequest, code: str) -> HttpResponse:
    from zhengwu.registry.models import MarketEntity

    name = MarketEntity.objects.filter(pk=code).values_list("name", flat=True).first()
    return JsonResponse({"found": name is not None}, status=200 if name else 404)


urlpatterns = [
    path("bench/baseline/<str:code>", baseline),
    path("", include("zhengwu.urls")),
]
