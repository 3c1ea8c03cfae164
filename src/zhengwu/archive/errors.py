"""Refusals of the archive (stable codes; Chinese messages naming the field)."""

from __future__ import annotations

from zhengwu.core.errors import ValidationFailed, ZhengwuError


class ScanRejected(ValidationFailed):
    code = "archive.scan_rejected"
    message = "档案文件须为 PDF 或 JPEG 扫描件"
    field = "file"


class ManifestInvalid(ValidationFailed):
    code = "archive.manifest_invalid"
    message = "清单文件（manifest.csv）格式有误"
    field = "manifest"


class OcrFailed(ZhengwuError):
    code = "archive.ocr_failed"
    message = "文字识别失败"
