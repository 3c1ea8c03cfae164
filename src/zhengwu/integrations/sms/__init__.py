"""SMS gateway: interface in ``base``, offline sandbox in ``sandbox``."""

from .base import SmsError, SmsGateway, SmsReceipt, SmsRequest

__all__ = ["SmsError", "SmsGateway", "SmsReceipt", "SmsRequest"]
