"""Project-wide pytest fixtures."""

import os

import pytest
from hypothesis import settings

# No per-example time limit: correctness tests must not fail because the machine is busy (CI
# and parallel runs share cores); speed is measured in bench/, never in unit tests.
settings.register_profile("zhengwu", deadline=None)
settings.load_profile("zhengwu")


@pytest.fixture(autouse=True)
def _isolated_cache():
    """Each test starts with an empty cache (rate limits, provider state)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


# --- the S3-compatible object store (issue 15): moto's server mode, on a free port ----------

S3_ACCESS_KEY = "zhengwu-test"
S3_SECRET_KEY = "zhengwu-test-secret"  # moto accepts any; a real store checks them
S3_REGION = "cn-north-1"


@pytest.fixture(scope="session")
def s3_server():
    """A local S3-compatible server (moto's ``ThreadedMotoServer``) for the whole run; its
    endpoint URL. Nothing outside the test process is needed, so CI runs it on a clean clone."""
    import socket

    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def s3_client(endpoint: str):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=S3_REGION,
        aws_access_key_id=S3_ACCESS_KEY,
        aws_secret_access_key=S3_SECRET_KEY,
    )


def s3_environment(endpoint: str, bucket: str) -> dict[str, str]:
    """The environment that points the portal at ``bucket`` (docs/configuration.md)."""
    return {
        "ZHENGWU_S3_BUCKET": bucket,
        "ZHENGWU_S3_ENDPOINT_URL": endpoint,
        "ZHENGWU_S3_REGION": S3_REGION,
        "ZHENGWU_S3_ACCESS_KEY_ID": S3_ACCESS_KEY,
        "ZHENGWU_S3_SECRET_ACCESS_KEY": S3_SECRET_KEY,
    }


@pytest.fixture
def s3_bucket(s3_server):
    """A new empty bucket on the local server: (client, bucket name, environment)."""
    import uuid

    bucket = f"zhengwu-{uuid.uuid4().hex[:12]}"
    client = s3_client(s3_server)
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": S3_REGION})
    return client, bucket, s3_environment(s3_server, bucket)


@pytest.fixture
def s3_storage(settings, s3_bucket, monkeypatch):
    """The ``default`` storage switched to the object store, built by the same settings code
    as production (``zhengwu.settings.objectstore``); yields (client, bucket)."""
    from zhengwu.settings.objectstore import private_storage

    client, bucket, environment = s3_bucket
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {**settings.STORAGES, "default": private_storage(settings.VAR_DIR)}
    return client, bucket


# --- Redis for the tests that run several processes (issue 15) ------------------------------


def _redis_up(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


@pytest.fixture(scope="session")
def redis_url():
    """A Redis the server processes share: ``ZHENGWU_TEST_REDIS_URL`` (default DB 5 on the
    local server), else a private ``redis-server`` on a free port, else the test is skipped."""
    import shutil
    import socket
    import subprocess
    import time

    url = os.environ.get("ZHENGWU_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
    if _redis_up(url):
        yield url
        return
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip(f"needs Redis ({url}) or redis-server on PATH")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [server, "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(50):
        if _redis_up(url):
            break
        time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(10)
