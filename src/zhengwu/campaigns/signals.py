"""帮办 recorded when the unit's organisation is created, without touching the wizard: the
registration wizard creates ``accounts.Organisation``; a 帮办 started for its USCC is then
completed. (After the wizard's reshape it may call ``services.assist_complete`` itself.)"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from zhengwu.accounts.models import Organisation


@receiver(post_save, sender=Organisation, dispatch_uid="campaigns.assist_on_organisation")
def _organisation_created(
    sender: Any, instance: Organisation, created: bool, **kwargs: Any
) -> None:
    if not created or not instance.uscc:
        return
    from .services import assist_complete

    # In the wizard's transaction: rolled back with it if the registration fails.
    assist_complete(instance)
