"""Build of the C extension ``zhengwu_native._rows`` (links OpenSSL's libcrypto 3).

The extension is optional: without a C compiler or OpenSSL 3's headers the package installs
without it (setuptools prints the compiler's error) and the portal prepares import rows in
Python; ``test_the_native_extension_is_built_and_used_for_clean_chunks`` then fails, so a test
run says so. After installing them: ``uv sync --reinstall-package zhengwu-native``.

``ZHENGWU_NATIVE_SANITIZE=address`` builds it with AddressSanitizer (for the fuzz run only).
"""

import os

from setuptools import Extension, setup

extra_compile = ["-O2", "-std=c11", "-Wall", "-Wextra", "-Wno-unused-parameter"]
extra_link: list[str] = []
if sanitize := os.environ.get("ZHENGWU_NATIVE_SANITIZE"):
    extra_compile += [f"-fsanitize={sanitize}", "-fno-omit-frame-pointer", "-O1", "-g"]
    extra_link += [f"-fsanitize={sanitize}"]

setup(
    ext_modules=[
        Extension(
            "zhengwu_native._rows",
            sources=["src/zhengwu_native/_rows.c"],
            libraries=["crypto"],
            extra_compile_args=extra_compile,
            extra_link_args=extra_link,
            optional=True,
        )
    ]
)
