"""The sandbox's 手机 App, as the browser journeys play it: one helper, no fixed sleeps."""

from __future__ import annotations

from playwright.sync_api import expect


def pass_face_check(page, masked_name):  # type: ignore[no-untyped-def]
    """Open the identity sandbox in a second tab and press 通过 on the open check of
    ``masked_name``; return once the row has been swapped for its result (htmx)."""
    phone = page.context.new_page()
    phone.goto(page.base_url + "/sandbox/identity/")
    passed = phone.locator("tr", has_text=masked_name).get_by_role(
        "button", name="通过", exact=True
    )
    passed.click()
    expect(passed).to_have_count(0)
    phone.close()
