"""The error every provider raises: a ``ZhengwuError`` that says whether retrying can help."""

from __future__ import annotations

from zhengwu.core.errors import ZhengwuError


class ProviderError(ZhengwuError):
    """A provider call failed.

    ``permanent`` is the one thing callers branch on: ``True`` means the same request will
    never succeed (an empty number, a refused template), ``False`` that a later retry may
    (time-out, throttling, the vendor being down). ``provider_code`` keeps the vendor's own
    error code for the attempt log.
    """

    code = "provider.failed"
    message = "外部服务调用失败，请稍后再试"
    status = 502

    def __init__(
        self,
        message: str | None = None,
        *,
        permanent: bool,
        code: str | None = None,
        provider_code: str = "",
        field: str | None = None,
    ) -> None:
        super().__init__(message, code=code, field=field)
        self.permanent = permanent
        self.provider_code = provider_code

    def __reduce__(self):  # type: ignore[no-untyped-def]
        # Picklable despite the keyword-only constructor (task results, multiprocessing).
        return (
            _rebuild,
            (type(self), self.message, self.permanent, self.code, self.provider_code, self.field),
        )


def _rebuild(
    cls: type[ProviderError],
    message: str,
    permanent: bool,
    code: str,
    provider_code: str,
    field: str | None,
) -> ProviderError:
    return cls(message, permanent=permanent, code=code, provider_code=provider_code, field=field)
