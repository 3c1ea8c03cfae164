from django.apps import AppConfig


class RegistrationsConfig(AppConfig):
    name = "zhengwu.registrations"
    label = "registrations"
    verbose_name = "法人注册"

    def ready(self) -> None:
        # Each channel with a back-office review plugs its queue into zhengwu.reviews.
        from .agent import reviews as agent_reviews
        from .manual import reviews as manual_reviews
        from .natural import reviews as natural_reviews

        manual_reviews.register()
        natural_reviews.register()
        agent_reviews.register()
