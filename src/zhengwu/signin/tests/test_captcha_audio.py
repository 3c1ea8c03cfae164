"""ACC-1: the image captcha is served locally with an accessible alternative (spoken, by flite)."""

import shutil

import pytest

pytestmark = pytest.mark.django_db

needs_flite = pytest.mark.skipif(
    shutil.which("flite") is None, reason="flite is not installed (Debian package flite)"
)


def test_captcha_image_has_a_chinese_text_alternative_and_its_inputs(client):
    body = client.get("/login/").content.decode()
    assert 'alt="图形验证码"' in body and 'alt="captcha"' not in body
    assert 'id="id_captcha_0"' in body and 'id="id_captcha_1"' in body  # key and answer


@needs_flite
def test_login_offers_the_spoken_captcha_and_it_is_a_wav(client):
    body = client.get("/login/").content.decode()
    assert "听语音验证码" in body
    start = body.index('class="captcha-audio" href="') + len('class="captcha-audio" href="')
    url = body[start : body.index('"', start)]
    assert url.startswith("/captcha/audio/") and url.endswith(".wav")
    response = client.get(url)
    assert response.status_code == 200
    audio = b"".join(response.streaming_content) if response.streaming else response.content
    assert audio[:4] == b"RIFF" and audio[8:12] == b"WAVE"
