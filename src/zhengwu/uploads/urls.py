"""Private uploads (served only through permission-checked views)."""

app_name = "uploads"
urlpatterns: list = []
