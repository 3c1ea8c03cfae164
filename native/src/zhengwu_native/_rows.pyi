from collections.abc import Sequence

class Preparer:
    def __init__(
        self,
        *,
        width: int,
        delimiter: str,
        positions: Sequence[int],
        types: dict[str, tuple[str, str]],
        statuses: dict[str, str],
        id_types: dict[str, tuple[str, str]],
        prefixes: dict[str, str],
        provinces: bytes,
        segments: bytes,
        today: int,
        earliest_date: int,
        earliest_birth: int,
        key_id: str,
        aes_key: bytes,
        hash_key: bytes,
        row_key: bytes,
    ) -> None: ...
    def prepare(
        self, text: str, first_line: int
    ) -> tuple[bytes, list[str], list[int], list[tuple[int, str]]]: ...
    def _set_nonces(self, data: bytes, fixed: bool = False) -> None: ...
