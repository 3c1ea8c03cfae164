"""Where private files live: the local disk (embedded default) or an S3-compatible store.

Every private file (uploads, archive scans, agency attachments, published article PDFs,
catalogue forms) is written through Django's ``default`` storage, sealed by the portal first
(``zhengwu.uploads.sealing``), so the store only ever holds ciphertext. With
``ZHENGWU_S3_BUCKET`` set the ``default`` storage is django-storages' ``S3Storage`` on that
bucket; several app hosts then see the same files. Decision 0025.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .env import env_int, env_str


def private_storage(var_dir: Path) -> dict[str, Any]:
    """The ``STORAGES["default"]`` entry chosen by the environment."""
    bucket = env_str("ZHENGWU_S3_BUCKET")
    if not bucket:
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            # Outside the web root; served only through views that check permission (REG-9).
            "OPTIONS": {"location": str(var_dir / "private")},
        }
    from botocore.config import Config

    endpoint = env_str("ZHENGWU_S3_ENDPOINT_URL")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint or None,
            "region_name": env_str("ZHENGWU_S3_REGION") or None,
            "access_key": env_str("ZHENGWU_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("ZHENGWU_S3_SECRET_ACCESS_KEY") or None,
            "location": env_str("ZHENGWU_S3_PREFIX"),
            # Most on-premises stores (MinIO, Ceph RGW, OSS/COS private clouds) want
            # path-style addresses; AWS itself takes either.
            "addressing_style": env_str("ZHENGWU_S3_ADDRESSING_STYLE", "path"),
            "signature_version": "s3v4",
            # A private CA's bundle for the store's TLS certificate; else the system's.
            "verify": env_str("ZHENGWU_S3_CA_BUNDLE") or None,
            # Same semantics as the local disk: a taken name gets a suffix, never overwritten.
            "file_overwrite": False,
            # Private objects, never a public ACL; nothing is ever served by URL from the store.
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 60,
            "client_config": Config(
                connect_timeout=env_int("ZHENGWU_S3_TIMEOUT", 10),
                read_timeout=env_int("ZHENGWU_S3_TIMEOUT", 10),
                retries={"max_attempts": 3, "mode": "standard"},
            ),
        },
    }
