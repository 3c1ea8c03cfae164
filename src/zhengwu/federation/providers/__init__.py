"""Pluggable providers of the other sign-in methods (ACC-6), chosen by dotted-path settings:

* ``ZHENGWU_FEDERATION_NATIONAL_BACKEND``: national government-service account (``oidc``);
* ``ZHENGWU_FEDERATION_LICENCE_BACKEND``: e-business-licence scan (``licence``);
* ``ZHENGWU_FEDERATION_CERTIFICATE_BACKEND``: legal-person digital certificate (``certificate``).

Each default is a sandbox that works offline and fails like the real service does.
"""
