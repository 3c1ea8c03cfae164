"""Field encryption, key rotation and blind indexes (ACC-7)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from zhengwu.core import crypto

KEY_A = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
KEY_B = "Hx4dHBsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA="


def test_round_trip_and_random_nonce():
    """The same clear text encrypts differently each time and decrypts back."""
    one, two = crypto.encrypt_str("330102199001011234"), crypto.encrypt_str("330102199001011234")
    assert one != two
    assert "330102199001011234" not in one
    assert crypto.decrypt_str(one) == crypto.decrypt_str(two) == "330102199001011234"


def test_token_names_the_active_key():
    """The token starts with the id of the first configured key (rotation)."""
    assert crypto.key_id(crypto.encrypt_str("x")) == "t2"


def test_old_key_still_decrypts_after_rotation():
    """A value written under the old key reads back once a new key is put first."""
    with override_settings(ZHENGWU_FIELD_KEYS=f"old:{KEY_B}"):
        token = crypto.encrypt_str("13812345678")
    with override_settings(ZHENGWU_FIELD_KEYS=f"new:{KEY_A},old:{KEY_B}"):
        assert crypto.decrypt_str(token) == "13812345678"
        assert crypto.key_id(crypto.encrypt_str("13812345678")) == "new"


def test_tampered_token_is_refused():
    """Flipping a byte of the ciphertext fails authentication (GCM tag)."""
    token = crypto.encrypt_str("secret")
    kid, _, body = token.partition("$")
    bad = f"{kid}${body[:-2]}{'A' if body[-2] != 'A' else 'B'}{body[-1]}"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_str(bad)


def test_unknown_key_id_is_refused():
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_str("nokey$AAAA")


def test_blind_index_is_keyed_and_purpose_bound():
    """Equal values give equal hashes; another purpose or key gives another hash."""
    a = crypto.blind_index("13812345678", purpose="mobile")
    assert a == crypto.blind_index("13812345678", purpose="mobile")
    assert a != crypto.blind_index("13812345678", purpose="id_number")
    assert len(a) == 64
    with override_settings(ZHENGWU_HASH_KEY=KEY_B):
        assert crypto.blind_index("13812345678", purpose="mobile") != a


@pytest.mark.parametrize("keys", ["", "nokeyhere", "k1:c2hvcnQ=", "k$1:" + KEY_A])
def test_bad_key_configuration_is_refused(keys):
    """Misconfigured keys fail loudly instead of encrypting with something weak."""
    with override_settings(ZHENGWU_FIELD_KEYS=keys), pytest.raises(ImproperlyConfigured):
        crypto.encrypt_str("x")
