"""The portal's URLs plus ``/bench/decode``: a bare view that only reads the uploaded image and
decodes its QR with zxing-cpp (no captcha, no database, no session), the baseline of
``bench/agency_signin.py``."""

import io

import zxingcpp
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from PIL import Image


@csrf_exempt
def decode(request: HttpRequest) -> HttpResponse:
    image = Image.open(io.BytesIO(request.FILES["image"].read())).convert("L")
    found = [r.text for r in zxingcpp.read_barcodes(image) if r.valid]
    return JsonResponse({"found": bool(found)}, status=200 if found else 400)


urlpatterns = [
    path("bench/decode", decode),
    path("", include("zhengwu.urls")),
]
