"""External providers behind small interfaces, each with an offline sandbox.

* ``integrations.sms``: the SMS gateway (``SmsGateway.send``), sandbox ``SandboxSmsGateway``;
* ``integrations.identity``: real-name / face verification (``IdentityProvider``), sandbox
  ``SandboxIdentityProvider`` played by a person on ``/sandbox/identity/``;
* ``integrations.registry``: the market-entity register (owned by its own package).

A provider is chosen by a dotted-path setting and loaded with
``zhengwu.integrations.loading.get_provider``. See ``docs/providers.md``.
"""
