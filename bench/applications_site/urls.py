"""The portal's URLs plus the bench views of ``bench/applications.py``:

* ``GET /bench/applications/session`` signs the connection in as the bench operator (the
  subject's requests then carry its session and CSRF cookies, like a browser's);
* ``POST /bench/applications/baseline`` is the baseline: a bare view inserting one row.
"""

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

BENCH_USERNAME = "bench_operator"


def session(request: HttpRequest) -> HttpResponse:
    from zhengwu.accounts.models import User

    user = User.objects.get(username=BENCH_USERNAME)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return JsonResponse({"csrf": get_token(request)})


@csrf_exempt
def baseline(request: HttpRequest) -> HttpResponse:
    from zhengwu.core.models import Transition

    Transition.objects.create(
        subject_type="bench.baseline", subject_id="1", from_state="a", to_state="b"
    )
    return JsonResponse({"ok": True})


urlpatterns = [
    path("bench/applications/session", session),
    path("bench/applications/baseline", baseline),
    path("", include("zhengwu.urls")),
]
