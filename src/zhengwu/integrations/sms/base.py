"""The SMS gateway interface (NTF-1).

One method: ``SmsGateway.send(SmsRequest) -> SmsReceipt``. A gateway delivers one rendered text
to one mainland mobile number, or raises ``SmsError`` whose ``permanent`` flag tells the outbox
whether to retry. Gateways never touch the database of the caller: the outbox
(``zhengwu.notifications``) records attempts; the gateway only talks to its vendor.

Contract for implementations:

* ``send`` is called outside any database transaction and may block on the network; keep a
  time-out well under a minute and map time-outs to ``SmsError(permanent=False)``.
* ``request.idempotency_key`` (= ``request.reference``, ``sms-<outbox id>``) is unique per
  outbox message and stable across its retries and across workers. Pass it to the vendor's
  idempotency / client-reference field (Aliyun ``OutId``, Tencent ``SessionContext``; the
  unified platform's ``Idempotency-Key`` header and ``out_id``): a second request with the
  same key must return the first result without a second delivery. That is what makes the
  outbox's delivery exactly-once end to end: a worker killed after the vendor took the
  message, or a slow worker whose claim ``sms_retry`` took back, makes the outbox send again,
  and the vendor answers with the receipt of the first delivery.
* Vendor errors that can never succeed for this number or text (empty number 空号, number on
  the vendor's blacklist, template or signature not approved, invalid number) are permanent;
  throttling, time-outs, 5xx and "system busy" are transient.

The gateway is chosen by the dotted-path setting ``ZHENGWU_SMS_BACKEND``.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime

from zhengwu.integrations.errors import ProviderError


@dataclass(frozen=True, slots=True)
class SmsRequest:
    """One text to one number. ``mobile`` is the normalised 11-digit number, ``text`` the full
    rendered message including the signature; ``template_code`` is informative (vendors with
    server-side templates map it to their template id); ``reference`` is the idempotency key
    (``sms-<outbox id>``)."""

    mobile: str
    text: str
    reference: str
    template_code: str = ""

    @property
    def idempotency_key(self) -> str:
        """The key a gateway deduplicates on: the outbox message's ``reference``."""
        return self.reference


@dataclass(frozen=True, slots=True)
class SmsReceipt:
    """The vendor accepted the message: its id for delivery reports, and when."""

    provider_message_id: str
    accepted_at: datetime


class SmsError(ProviderError):
    """Sending failed; ``permanent`` says whether retrying can help."""

    code = "sms.delivery_failed"
    message = "短信发送失败"


class SmsGateway(abc.ABC):
    """Delivers SMS texts. Implementations are stateless and shared between threads."""

    @abc.abstractmethod
    def send(self, request: SmsRequest) -> SmsReceipt:
        """Deliver ``request`` or raise ``SmsError``."""
