"""Layout fixes of issue 11: QR codes scale inside their frame (a viewBox, so the stylesheet's
size centres them), the captcha image and 听语音验证码 have room between them, the copy button
is static JS."""

import re
from pathlib import Path

from django.template.loader import render_to_string

from zhengwu.integrations.identity.qr import qr_svg

PORTAL_STATIC = Path(__file__).resolve().parents[1] / "static" / "portal"


def test_qr_svg_scales_to_its_frame():
    svg = qr_svg("https://example.test/face/abc")
    width = re.search(r'width="(\d+)"', svg)[1]
    height = re.search(r'height="(\d+)"', svg)[1]
    assert f'viewBox="0 0 {width} {height}"' in svg.split(">", 1)[0]


def test_captcha_image_and_audio_link_are_spaced():
    html = render_to_string(
        "captcha/widgets/captcha.html",
        {"image": "/captcha/image/x/", "audio": "/a.wav", "widget": {"subwidgets": []}},
    )
    assert re.search(r'<span class="captcha-widget"><img [^>]*class="captcha"', html)
    css = (PORTAL_STATIC / "portal.css").read_text()
    rule = re.search(r"\.captcha-widget \{([^}]*)\}", css)[1]
    assert "gap:" in rule and "inline-flex" in rule


def test_copy_buttons_are_handled_by_the_portal_script():
    assert "[data-copy]" in (PORTAL_STATIC / "portal.js").read_text()
