"""The back office (issue 3, journey 6): reviewers' queues, case pages and decisions."""
