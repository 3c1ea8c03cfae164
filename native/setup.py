"""Build of the C extension ``zhengwu_native._rows`` (links OpenSSL's libcrypto 3).

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
        )
    ]
)
