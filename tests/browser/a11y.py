"""axe-core over every page the browser journeys visit (issue 11: no serious or critical
violation), at every viewport they run at, with the browser asking for English.

``AxeWatch.attach(context)`` adds an init script to the context: axe-core
(axe-playwright-python's bundled ``axe.min.js``) and a runner that, once the ``load`` event of
a top-level document has fired, asks the test (an exposed function) whether this page still
needs checking and, if so, runs axe-core and reports the violations back through another
exposed function. Popups and second tabs of the context are covered; the page keeps its CSP
(an init script and exposed functions are not subject to it). Nothing in the test's own
thread waits for it (a Playwright call from an event handler of the sync API can deadlock):
``tests/browser/conftest.py`` attaches it to every context a browser test opens, checks the
pages still open at the end once more, and fails the test at teardown, listing page URL,
rule and nodes of every serious or critical violation.

A page is checked once per session for each (viewport width, path with its ids and tokens
replaced by ``*``, title): the same page seen again by a later journey is not re-checked,
which keeps the cost to about one axe run per distinct page. A run cut short because the
test navigated on is simply not reported: the page stays unchecked until a later load.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe

IMPACTS = ("serious", "critical")
_AXE = Axe()
_ID_SEGMENT = re.compile(r"^(?=.*\d)[\w.-]+$|^[\w-]{20,}$")
_HAS_AXE = "() => typeof window.axe !== 'undefined'"
_SUMMARY = """r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
  nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""
# From the test's thread: wait for a run started at load time to finish (axe-core refuses two
# runs at once), then run.
_RUN = """async () => {
  for (let i = 0; i < 200 && axe._running; i++) await new Promise(r => setTimeout(r, 50));
  return (SUMMARY)(await axe.run(document, {resultTypes: ['violations']}));
}""".replace("SUMMARY", _SUMMARY)
_RUNNER = """
(() => {
  if (window.top !== window) return;
  window.addEventListener('load', () => setTimeout(async () => {
    try {
      const url = location.href, width = window.innerWidth, title = document.title;
      if (!(await window.__zwAxeWanted(url, width, title))) return;
      const r = await axe.run(document, {resultTypes: ['violations']});
      await window.__zwAxeReport(url, width, title, (SUMMARY)(r));
    } catch (e) { /* navigated away: checked on a later load */ }
  }, 0));
})();
""".replace("SUMMARY", _SUMMARY)


def page_key(url: str, width: int, title: str) -> tuple[int, str, str]:
    """What makes two visits the same page: viewport width, the path with its ids and tokens
    replaced by ``*`` (``/review/agent/12/`` = ``/review/agent/*/``), and the title."""
    parts = urlsplit(url)
    path = "/".join("*" if _ID_SEGMENT.match(p) else p for p in parts.path.split("/"))
    return width, path, title


@dataclass
class Violation:
    url: str
    width: int
    rule: str
    impact: str
    help: str
    nodes: list[str]

    def __str__(self) -> str:
        return (
            f"{self.url} [{self.width}px] {self.rule} ({self.impact}: {self.help}) "
            f"→ {'; '.join(self.nodes)}"
        )


@dataclass
class AxeWatch:
    """Collects violations for the current test; ``seen`` is shared by the session."""

    seen: set[tuple[int, str, str]]
    violations: list[Violation] = field(default_factory=list)
    #: pages whose load-time run started but never reported (the test navigated on)
    pending: dict[tuple[int, str, str], str] = field(default_factory=dict)
    checked: int = 0
    interrupted: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def attach(self, context: Any) -> None:
        """Check every page ``context`` loads from now on (call before opening pages)."""
        context.expose_function("__zwAxeWanted", self._wanted)
        context.expose_function("__zwAxeReport", self._report)
        context.add_init_script(_AXE.axe_script + "\n" + _RUNNER)

    def _wanted(self, url: str, width: int, title: str) -> bool:
        key = page_key(url, width, title)
        with self._lock:
            wanted = url.startswith("http") and key not in self.seen
            if wanted:
                self.pending[key] = url
            return wanted

    def _report(self, url: str, width: int, title: str, found: list[dict[str, Any]]) -> None:
        self._record(page_key(url, width, title), url, width, found)

    def _record(
        self, key: tuple[int, str, str], url: str, width: int, found: list[dict[str, Any]]
    ) -> None:
        with self._lock:
            self.pending.pop(key, None)
            if key in self.seen:
                return
            self.seen.add(key)
            self.checked += 1
            self.violations.extend(
                Violation(url, width, v["id"], v["impact"], v["help"], v["nodes"])
                for v in found
                if v["impact"] in IMPACTS
            )

    def check(self, page: Any, *, force: bool = False) -> list[Violation]:
        """Run axe on ``page`` now (from the test's thread) unless it was checked before
        (``force``: in any case); return the serious and critical violations found now."""
        try:
            if page.is_closed():
                return []
            width = (page.viewport_size or {}).get("width", 0)
            key = page_key(page.url, width, page.title())
            if not page.url.startswith("http"):
                return []
            with self._lock:
                if key in self.seen and not force:
                    return []
            if not page.evaluate(_HAS_AXE):
                page.evaluate(_AXE.axe_script)
            found = page.evaluate(_RUN)
        except Exception:  # closed or navigating
            self.interrupted += 1
            return []
        if force:
            with self._lock:
                self.seen.discard(key)
        before = len(self.violations)
        self._record(key, page.url, width, found)
        return self.violations[before:]

    def catch_up(self, page: Any) -> None:
        """Visit again, in ``page`` (same context: same cookies), the pages of its viewport
        whose load-time run was cut short, and check them; then check ``page`` itself."""
        self.check(page)
        width = (page.viewport_size or {}).get("width", 0)
        for key, url in list(self.pending.items()):
            if key[0] != width or key in self.seen:
                continue
            self.pending.pop(key, None)
            try:
                page.goto(url, wait_until="load")
            except Exception:
                self.interrupted += 1
                continue
            self.check(page)

    def report(self) -> str:
        return "\n".join(str(v) for v in self.violations)
