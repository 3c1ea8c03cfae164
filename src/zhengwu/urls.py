from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from zhengwu.api.api import api

urlpatterns = [
    # First: the JSON API answers the most requests (mobile apps, issuers); every pattern
    # tried before it costs each of them (the "" includes below list dozens).
    path("api/v1/", api.urls),
    # Next the public verification pages that every QR scan opens (licences, enterprise
    # codes: bench/verification.py), before the "" includes; no "" include has paths there.
    path("licences/", include("zhengwu.licences.urls")),
    path("code/", include("zhengwu.enterprise.urls")),
    path("", include("zhengwu.portal.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("captcha/", include("captcha.urls")),
    path("admin/", admin.site.urls),
    path("register/", include("zhengwu.registrations.urls")),
    path("", include("zhengwu.accounts.urls")),
    path("uploads/", include("zhengwu.uploads.urls")),
    path("review/", include("zhengwu.reviews.urls")),
    path("", include("zhengwu.signin.urls")),
    path("org/", include("zhengwu.orgcentre.urls")),
    path("federation/", include("zhengwu.federation.urls")),
    path("audit/", include("zhengwu.audit.urls")),
    path("campaigns/", include("zhengwu.campaigns.urls")),
    path("archive/", include("zhengwu.archive.urls")),
    path("agency/", include("zhengwu.agency.urls")),
    path("services/", include("zhengwu.onlineservices.urls")),
    path("me/", include("zhengwu.workspace.urls")),
]

if settings.ZHENGWU_SANDBOX:
    urlpatterns += [
        path("sandbox/federation/", include("zhengwu.federation.sandbox_urls")),
        path("sandbox/", include("zhengwu.integrations.sandbox_urls")),
    ]
