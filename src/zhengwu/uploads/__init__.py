"""Private uploaded files (REG-9): JPEG scans of licences, ID pages and stamped proofs.

Stored encrypted outside the web root, served only through an audited view to the uploader and
to reviewers. Entry points: ``services.upload_store``, ``selectors.get_upload_for_user``,
``forms.JpegUploadField``, ``access.register_viewer_check``.
"""
