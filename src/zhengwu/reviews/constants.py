"""Who reviews: the permission and the group of the back office (journey 6)."""

from __future__ import annotations

#: The permission that makes an active staff user a reviewer (``ReviewerRole`` declares it).
REVIEW_PERMISSION = "reviews.review_case"
REVIEW_PERMISSION_CODENAME = "review_case"
#: The group created with that permission (post_migrate), to which administrators add reviewers.
REVIEWER_GROUP = "审核人员"

EVENT_CASE_VIEWED = "review.case_viewed"
EVENT_QUEUE_VIEWED = "review.queue_viewed"
