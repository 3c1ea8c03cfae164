/*
 * zhengwu_native._rows: the native fast path of registry.services.rows.RowPreparer.
 *
 * Preparer.prepare(text, first_line) takes a *clean* chunk of unquoted CSV records (the
 * ``clean=True`` case of RowPreparer.prepare_rows: no quotes, no whitespace to strip or fold,
 * no backslash) and returns
 *
 *     (payload: bytes, keys: list[str], lines: list[int], back: list[tuple[int, str]])
 *
 * ``payload`` is the PostgreSQL COPY text RowPreparer.prepare produces for every row this code
 * can fully handle (the plain valid common case), ``keys``/``lines`` its USCCs and line
 * numbers, and ``back`` the ``(line, record)`` of every other non-empty record: the caller
 * prepares those with the Python code, which words the errors. Anything not plainly valid is
 * handed back, never judged here: this code only ever accepts.
 *
 * Everything is bounds-checked against the lengths of the UTF-8 text; nothing relies on NUL
 * termination. Key material lives only in OpenSSL contexts and in this object's SHA-256
 * states, which are cleansed when the object is freed.
 */
#define PY_SSIZE_T_CLEAN
#define OPENSSL_SUPPRESS_DEPRECATED
#include <Python.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdint.h>
#include <string.h>

#define NCOLS 11
#define NONCE 12
#define TAG 16
#define NONCE_BLOCK (NONCE * 2048)
#define MAX_TABLE 512
#define MAX_VALUE 256
#define SEGMENTS 10000
#define MAX_ID 20

enum { C_USCC, C_NAME, C_TYPE, C_STATUS, C_REGION, C_UNIT, C_REP, C_IDTYPE, C_ID, C_PHONE, C_DATE };

typedef struct {
    char *raw;
    Py_ssize_t raw_len;
    char *value; /* entity type / status value */
    Py_ssize_t value_len;
    char *extra; /* entity type: the legal-person type */
    Py_ssize_t extra_len;
} Entry;

typedef struct {
    Entry *items;
    Py_ssize_t n;
} Table;

typedef struct {
    PyObject_HEAD
    Py_ssize_t width;
    char delimiter;
    Py_ssize_t pos[NCOLS]; /* == width: the column is absent (an empty cell) */
    Table types, statuses, id_types;
    signed char prefix_index[128][128]; /* [c1][c2] -> index into ptypes, -1: invalid */
    char ptypes[64][32];                 /* legal-person types of the valid prefixes */
    int nptypes;
    unsigned char provinces[100];
    unsigned char segments[SEGMENTS]; /* mobile validity of the 5-digit prefixes "1xxxx" */
    long today, earliest_date, earliest_birth; /* yyyymmdd */
    char key_id[64];
    Py_ssize_t key_id_len;
    EVP_CIPHER_CTX *aes;
    SHA256_CTX outer, id_inner, phone_inner;
    EVP_MAC *mac;
    EVP_MAC_CTX *row_mac;
    unsigned char nonces[NONCE_BLOCK];
    Py_ssize_t nonce_pos, nonce_len;
    unsigned char *injected; /* test hook: nonces used before RAND_bytes */
    Py_ssize_t injected_pos, injected_len;
    unsigned char fixed_nonce[NONCE];
    int has_fixed_nonce;
    Py_ssize_t *cell_start, *cell_len; /* width + 1 cells */
    int busy;                          /* in prepare(): not re-entrant */
} Preparer;

/* ---------------------------------------------------------------------------------------- */
/* a growable byte buffer                                                                   */

typedef struct {
    char *data;
    Py_ssize_t len, cap;
} Buf;

static int buf_reserve(Buf *b, Py_ssize_t extra) {
    if (extra < 0 || b->len > PY_SSIZE_T_MAX - extra) return -1;
    if (b->len + extra <= b->cap) return 0;
    Py_ssize_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + extra) {
        if (cap > PY_SSIZE_T_MAX / 2) return -1;
        cap *= 2;
    }
    char *d = PyMem_Realloc(b->data, (size_t)cap);
    if (!d) return -1;
    b->data = d;
    b->cap = cap;
    return 0;
}

/* The caller reserved room. */
static inline void put(Buf *b, const char *s, Py_ssize_t n) {
    memcpy(b->data + b->len, s, (size_t)n);
    b->len += n;
}
static inline void putc1(Buf *b, char c) { b->data[b->len++] = c; }

static const char HEX[] = "0123456789abcdef";
static const char B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void put_hex(Buf *b, const unsigned char *s, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++) {
        b->data[b->len++] = HEX[s[i] >> 4];
        b->data[b->len++] = HEX[s[i] & 15];
    }
}

/* base64url without padding */
static void put_b64(Buf *b, const unsigned char *s, Py_ssize_t n) {
    Py_ssize_t i = 0;
    char *o = b->data + b->len;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = ((uint32_t)s[i] << 16) | ((uint32_t)s[i + 1] << 8) | s[i + 2];
        *o++ = B64URL[(v >> 18) & 63];
        *o++ = B64URL[(v >> 12) & 63];
        *o++ = B64URL[(v >> 6) & 63];
        *o++ = B64URL[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)s[i] << 16;
        *o++ = B64URL[(v >> 18) & 63];
        *o++ = B64URL[(v >> 12) & 63];
    } else if (n - i == 2) {
        uint32_t v = ((uint32_t)s[i] << 16) | ((uint32_t)s[i + 1] << 8);
        *o++ = B64URL[(v >> 18) & 63];
        *o++ = B64URL[(v >> 12) & 63];
        *o++ = B64URL[(v >> 6) & 63];
    }
    b->len = o - b->data;
}

/* ---------------------------------------------------------------------------------------- */
/* checks (each a port of the Python reference it names)                                    */

static inline int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* GB 32100 alphabet values (0-30) by byte, -1 elsewhere; filled once at module import */
static signed char GB32100[256];

static void init_gb32100(void) {
    static const char *ALPHA = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    memset(GB32100, -1, sizeof GB32100);
    for (int i = 0; ALPHA[i]; i++) GB32100[(unsigned char)ALPHA[i]] = (signed char)i;
}

static inline int gb32100_value(unsigned char c) { return GB32100[c]; }

/* identifiers.uscc.is_valid on an 18-byte upper-case ASCII code (no normalisation: anything
 * else is handed back). Prefix validity is checked by the caller's prefix table. */
static int uscc_valid(const unsigned char *s) {
    int v[18];
    for (int i = 0; i < 18; i++) {
        v[i] = gb32100_value(s[i]);
        if (v[i] < 0) return 0;
    }
    for (int i = 2; i < 8; i++)
        if (!is_digit(s[i])) return 0;
    if (!(is_digit(s[16]) || s[16] == 'X')) return 0;
    /* GB 11714 over positions 9-17: letters take A=10 ... Y=34 (base-36 values) */
    int acc = 0;
    for (int i = 8; i < 16; i++) {
        int d = is_digit(s[i]) ? s[i] - '0' : s[i] - 'A' + 10;
        acc = (acc * 35 + d) % 11;
    }
    int c17 = s[16] == 'X' ? 10 : s[16] - '0';
    if ((2 * acc + c17) % 11 != 0) return 0;
    /* GB 32100: sum of v_j * 3^j (j = 0..16) + v_17 = 0 (mod 31) */
    int sum = 0, w = 1;
    for (int j = 0; j < 17; j++) {
        sum = (sum + v[j] * w) % 31;
        w = (w * 3) % 31;
    }
    return (sum + v[17]) % 31 == 0;
}

static int days_in_month(long y, long m) {
    static const int D[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return D[m - 1];
}

/* yyyymmdd of 8 ASCII digits at y(4) m(2) d(2), or -1 if not a real date (datetime.date). */
static long real_date(const unsigned char *y, const unsigned char *m, const unsigned char *d) {
    for (int i = 0; i < 4; i++)
        if (!is_digit(y[i])) return -1;
    for (int i = 0; i < 2; i++)
        if (!is_digit(m[i]) || !is_digit(d[i])) return -1;
    long yy = (y[0] - '0') * 1000 + (y[1] - '0') * 100 + (y[2] - '0') * 10 + (y[3] - '0');
    long mm = (m[0] - '0') * 10 + (m[1] - '0');
    long dd = (d[0] - '0') * 10 + (d[1] - '0');
    if (yy < 1 || mm < 1 || mm > 12 || dd < 1 || dd > days_in_month(yy, mm)) return -1;
    return yy * 10000 + mm * 100 + dd;
}

/* rows.resident_id_fast_valid on the upper-cased 18 bytes */
static int resident_valid(const Preparer *p, const unsigned char *n) {
    if (n[0] < '1' || n[0] > '8') return 0;
    for (int i = 1; i < 17; i++)
        if (!is_digit(n[i])) return 0;
    if (!(is_digit(n[17]) || n[17] == 'X')) return 0;
    if (!p->provinces[(n[0] - '0') * 10 + (n[1] - '0')]) return 0;
    long born = real_date(n + 6, n + 10, n + 12);
    if (born < 0 || born < p->earliest_birth || born > p->today) return 0;
    /* _MOD11_2[(1 - 2 * int(n[:17], 13)) % 11] == n[17] */
    int x = 0;
    for (int i = 0; i < 17; i++) x = (x * 13 + (n[i] - '0')) % 11;
    int idx = ((1 - 2 * x) % 11 + 11) % 11;
    return "0123456789X"[idx] == n[17];
}

/* A landline exactly as mobile.validate_landline writes it (so it is stored as typed):
 * 0AA-NNNNNNNN for 010 and 02x, or 0AAA-NNNNNNN(N), the number not starting with 0 or 1;
 * no extension, no other separator (anything else is handed back). */
static int canonical_landline(const unsigned char *t, Py_ssize_t n) {
    if (n < 12 || n > 13 || t[0] != '0') return 0;
    Py_ssize_t dash;
    if ((t[1] == '1' && t[2] == '0') || (t[1] == '2' && is_digit(t[2]))) {
        if (n != 12) return 0;
        dash = 3;
    } else if (t[1] >= '3' && t[1] <= '9' && is_digit(t[2]) && is_digit(t[3])) {
        dash = 4;
    } else {
        return 0;
    }
    if (t[dash] != '-' || t[dash + 1] < '2' || t[dash + 1] > '9') return 0;
    for (Py_ssize_t i = dash + 2; i < n; i++)
        if (!is_digit(t[i])) return 0;
    return 1;
}

/* identifiers.hkmo_permit: H/M + 8 digits (+ 2), or HA/MA + 7 digits, as normalised */
static int hkmo_valid(const unsigned char *t, Py_ssize_t n) {
    if (n < 9 || n > 11 || n == 10 || (t[0] != 'H' && t[0] != 'M')) return 0;
    Py_ssize_t from = (n == 9 && t[1] == 'A') ? 2 : 1;
    for (Py_ssize_t i = from; i < n; i++)
        if (!is_digit(t[i])) return 0;
    return 1;
}

/* The ID number check of rows.id_number_key for one kind of ID type (from Python's table):
 * 'r' resident ID (resident_id_fast_valid; a final x is upper-cased in place), 'h' HK/Macao
 * permit, 't' Taiwan permit (8 or 10 digits), 'f' the free form of foreign passports and
 * other documents ([A-Z0-9]{5,20}). Only numbers already in their normalised form. */
static int id_valid(const Preparer *p, char kind, unsigned char *id, Py_ssize_t n) {
    switch (kind) {
    case 'r':
        if (n != 18) return 0;
        if (id[17] == 'x') id[17] = 'X';
        return resident_valid(p, id);
    case 'h':
        return hkmo_valid(id, n);
    case 't':
        if (n != 8 && n != 10) return 0;
        for (Py_ssize_t i = 0; i < n; i++)
            if (!is_digit(id[i])) return 0;
        return 1;
    case 'f':
        if (n < 5 || n > 20) return 0;
        for (Py_ssize_t i = 0; i < n; i++)
            if (!is_digit(id[i]) && !(id[i] >= 'A' && id[i] <= 'Z')) return 0;
        return 1;
    default:
        return 0;
    }
}

/* code points of valid UTF-8 */
static Py_ssize_t code_points(const unsigned char *s, Py_ssize_t n) {
    Py_ssize_t k = 0;
    for (Py_ssize_t i = 0; i < n; i++) k += (s[i] & 0xC0) != 0x80;
    return k;
}

static const Entry *lookup(const Table *t, const char *s, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < t->n; i++)
        if (t->items[i].raw_len == n && memcmp(t->items[i].raw, s, (size_t)n) == 0)
            return &t->items[i];
    return NULL;
}

/* ---------------------------------------------------------------------------------------- */
/* crypto                                                                                   */

static int next_nonce(Preparer *p, unsigned char *out) {
    if (p->has_fixed_nonce) {
        memcpy(out, p->fixed_nonce, NONCE);
        return 0;
    }
    if (p->injected && p->injected_pos + NONCE <= p->injected_len) {
        memcpy(out, p->injected + p->injected_pos, NONCE);
        p->injected_pos += NONCE;
        return 0;
    }
    if (p->nonce_pos + NONCE > p->nonce_len) {
        if (RAND_bytes(p->nonces, NONCE_BLOCK) != 1) return -1;
        p->nonce_pos = 0;
        p->nonce_len = NONCE_BLOCK;
    }
    memcpy(out, p->nonces + p->nonce_pos, NONCE);
    p->nonce_pos += NONCE;
    return 0;
}

/* key_id$base64url(nonce || ciphertext || tag); plaintext at most MAX_VALUE bytes */
static int put_sealed(Preparer *p, Buf *b, const unsigned char *text, Py_ssize_t n) {
    unsigned char raw[NONCE + MAX_VALUE + TAG];
    int len = 0, fin = 0;
    if (n > MAX_VALUE) return -1;
    if (next_nonce(p, raw) < 0) return -1;
    if (EVP_EncryptInit_ex(p->aes, NULL, NULL, NULL, raw) != 1) return -1;
    if (EVP_EncryptUpdate(p->aes, raw + NONCE, &len, text, (int)n) != 1) return -1;
    if (EVP_EncryptFinal_ex(p->aes, raw + NONCE + len, &fin) != 1) return -1;
    len += fin;
    if (EVP_CIPHER_CTX_ctrl(p->aes, EVP_CTRL_GCM_GET_TAG, TAG, raw + NONCE + len) != 1) return -1;
    put(b, p->key_id, p->key_id_len);
    putc1(b, '$');
    put_b64(b, raw, NONCE + len + TAG);
    return 0;
}

/* HMAC-SHA256(hash_key, purpose || 0 || value) as hex, from the keyed inner/outer states */
static void put_index(Preparer *p, Buf *b, const SHA256_CTX *inner, const unsigned char *v,
                      Py_ssize_t n) {
    SHA256_CTX h = *inner, o = p->outer;
    unsigned char d[SHA256_DIGEST_LENGTH];
    SHA256_Update(&h, v, (size_t)n);
    SHA256_Final(d, &h);
    SHA256_Update(&o, d, sizeof d);
    SHA256_Final(d, &o);
    put_hex(b, d, sizeof d);
    /* the copies of the keyed states: with one, anyone could compute this purpose's index */
    OPENSSL_cleanse(&h, sizeof h);
    OPENSSL_cleanse(&o, sizeof o);
}

/* ---------------------------------------------------------------------------------------- */
/* one record                                                                               */

/* 1: the row was appended to out (and its USCC to *code), 0: hand it back, -1: error set */
static int prepare_record(Preparer *p, const unsigned char *rec, Py_ssize_t rn, Buf *out,
                          Buf *scratch) {
    Py_ssize_t width = p->width, ncells = 0, start = 0;
    char delim = p->delimiter;
    for (Py_ssize_t i = 0; i < rn; i++) {
        unsigned char c = rec[i];
        if (c == (unsigned char)delim) {
            if (ncells >= width - 1) return 0; /* too many cells */
            p->cell_start[ncells] = start;
            p->cell_len[ncells] = i - start;
            ncells++;
            start = i + 1;
        } else if (c < 0x20 || c == '\\' || c == '"' || c == 0x7f) {
            return 0; /* not a clean record: the Python code decides */
        }
    }
    p->cell_start[ncells] = start;
    p->cell_len[ncells] = rn - start;
    ncells++;
    if (ncells != width) return 0;
    p->cell_start[width] = 0; /* the absent column: an empty cell */
    p->cell_len[width] = 0;

    const unsigned char *v[NCOLS];
    Py_ssize_t n[NCOLS];
    for (int k = 0; k < NCOLS; k++) {
        Py_ssize_t c = p->pos[k];
        v[k] = rec + p->cell_start[c];
        n[k] = p->cell_len[c];
    }
    /* required cells */
    if (!n[C_USCC] || !n[C_NAME] || !n[C_TYPE] || !n[C_STATUS] || !n[C_REGION] || !n[C_REP] ||
        !n[C_IDTYPE] || !n[C_ID] || !n[C_DATE])
        return 0;
    /* USCC */
    if (n[C_USCC] != 18 || !uscc_valid(v[C_USCC])) return 0;
    int pi = p->prefix_index[v[C_USCC][0] & 127][v[C_USCC][1] & 127];
    if (pi < 0) return 0;
    const char *prefix_type = p->ptypes[pi];
    /* type, REG-2, status */
    const Entry *type = lookup(&p->types, (const char *)v[C_TYPE], n[C_TYPE]);
    if (!type || strcmp(type->extra, prefix_type) != 0) return 0;
    const Entry *status = lookup(&p->statuses, (const char *)v[C_STATUS], n[C_STATUS]);
    if (!status) return 0;
    /* region */
    if (n[C_REGION] != 6) return 0;
    for (int i = 0; i < 6; i++)
        if (!is_digit(v[C_REGION][i])) return 0;
    if (!p->provinces[(v[C_REGION][0] - '0') * 10 + (v[C_REGION][1] - '0')]) return 0;
    /* lengths in code points */
    if (n[C_NAME] > 200 && code_points(v[C_NAME], n[C_NAME]) > 200) return 0;
    if (n[C_UNIT] > 100 && code_points(v[C_UNIT], n[C_UNIT]) > 100) return 0;
    if (n[C_REP] > 100 && code_points(v[C_REP], n[C_REP]) > 100) return 0;
    /* the ID number, for the ID types whose number is checked here (the table's kind) */
    const Entry *id_type = lookup(&p->id_types, (const char *)v[C_IDTYPE], n[C_IDTYPE]);
    if (!id_type || n[C_ID] > MAX_ID) return 0;
    unsigned char id[MAX_ID];
    Py_ssize_t id_n = n[C_ID];
    memcpy(id, v[C_ID], (size_t)id_n);
    if (!id_valid(p, id_type->extra[0], id, id_n)) return 0;
    /* phone: empty, a mobile, or a landline in its canonical form (flagged, REG-5) */
    int landline = 0;
    if (n[C_PHONE]) {
        const unsigned char *t = v[C_PHONE];
        if (n[C_PHONE] == 11) {
            if (t[0] != '1') return 0;
            for (int i = 0; i < 11; i++)
                if (!is_digit(t[i])) return 0;
            int seg = (t[1] - '0') * 1000 + (t[2] - '0') * 100 + (t[3] - '0') * 10 + (t[4] - '0');
            if (!p->segments[seg]) return 0;
        } else if (canonical_landline(t, n[C_PHONE])) {
            landline = 1;
        } else {
            return 0;
        }
    }
    /* date: ISO YYYY-MM-DD in bounds */
    if (n[C_DATE] != 10) return 0;
    const unsigned char *d = v[C_DATE];
    if (d[4] != '-' || d[7] != '-') return 0;
    long date = real_date(d, d + 5, d + 8);
    if (date < 0 || date < p->earliest_date || date > p->today) return 0;

    /* the row hash: \x1f-joined fields and the key id, keyed BLAKE2b-128 */
    const char *etype = type->value, *category = type->extra, *stat = status->value;
    Py_ssize_t etype_n = type->value_len, category_n = type->extra_len,
               stat_n = status->value_len;
    const unsigned char *parts[12] = {v[C_USCC],
                                      v[C_NAME],
                                      (const unsigned char *)etype,
                                      (const unsigned char *)stat,
                                      v[C_REGION],
                                      v[C_UNIT],
                                      v[C_REP],
                                      (const unsigned char *)id_type->value,
                                      id,
                                      v[C_PHONE],
                                      d,
                                      (const unsigned char *)p->key_id};
    Py_ssize_t lens[12] = {18,      n[C_NAME], etype_n,         stat_n,      6,  n[C_UNIT],
                           n[C_REP], id_type->value_len, id_n, n[C_PHONE], 10, p->key_id_len};
    /* room: the cells (the same column may serve two keys through the C API), the table
     * values (at most MAX_VALUE each) and the fixed parts */
    Py_ssize_t cells = 0;
    for (int k = 0; k < NCOLS; k++) cells += n[k];
    scratch->len = 0;
    if (buf_reserve(scratch, cells + 4 * MAX_VALUE + 64 + p->key_id_len) < 0) {
        PyErr_NoMemory();
        return -1;
    }
    for (int k = 0; k < 12; k++) {
        if (k) putc1(scratch, '\x1f');
        put(scratch, (const char *)parts[k], lens[k]);
    }
    unsigned char row_hash[16];
    size_t hash_len = 0;
    if (EVP_MAC_init(p->row_mac, NULL, 0, NULL) != 1 ||
        EVP_MAC_update(p->row_mac, (unsigned char *)scratch->data, (size_t)scratch->len) != 1 ||
        EVP_MAC_final(p->row_mac, row_hash, &hash_len, sizeof row_hash) != 1 || hash_len != 16) {
        PyErr_SetString(PyExc_RuntimeError, "BLAKE2b row hash failed");
        return -1;
    }

    /* the COPY line */
    if (buf_reserve(out, cells + 4 * MAX_VALUE + 1024 + 4 * p->key_id_len) < 0) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t mark = out->len;
    put(out, (const char *)v[C_USCC], 18);
    putc1(out, '\t');
    put(out, (const char *)v[C_NAME], n[C_NAME]);
    putc1(out, '\t');
    put(out, etype, etype_n);
    putc1(out, '\t');
    put(out, category, category_n);
    putc1(out, '\t');
    put(out, stat, stat_n);
    putc1(out, '\t');
    put(out, (const char *)v[C_REGION], 6);
    putc1(out, '\t');
    put(out, (const char *)v[C_UNIT], n[C_UNIT]);
    putc1(out, '\t');
    put(out, (const char *)v[C_REP], n[C_REP]);
    putc1(out, '\t');
    put(out, id_type->value, id_type->value_len);
    putc1(out, '\t');
    /* RowPreparer.prepare seals the phone first, then the ID number (nonce order) */
    Buf phone_part = {0};
    unsigned char phone_sealed[512];
    phone_part.data = (char *)phone_sealed;
    phone_part.cap = sizeof phone_sealed;
    if (n[C_PHONE] && put_sealed(p, &phone_part, v[C_PHONE], n[C_PHONE]) < 0) goto crypto_error;
    if (put_sealed(p, out, id, id_n) < 0) goto crypto_error;
    putc1(out, '\t');
    put_index(p, out, &p->id_inner, id, id_n);
    putc1(out, '\t');
    if (n[C_PHONE]) {
        put(out, phone_part.data, phone_part.len);
        putc1(out, '\t');
        put_index(p, out, &p->phone_inner, v[C_PHONE], n[C_PHONE]);
    } else {
        putc1(out, '\t');
    }
    put(out, landline ? "\tt\tf\t" : "\tf\tf\t", 5);
    put(out, (const char *)d, 10);
    putc1(out, '\t');
    put_hex(out, row_hash, 16);
    putc1(out, '\n');
    return 1;

crypto_error:
    out->len = mark;
    PyErr_SetString(PyExc_RuntimeError, "AES-GCM sealing failed");
    return -1;
}

/* ---------------------------------------------------------------------------------------- */
/* Python methods                                                                           */

static PyObject *Preparer_prepare(Preparer *p, PyObject *args) {
    PyObject *text;
    Py_ssize_t first_line;
    if (!PyArg_ParseTuple(args, "Un:prepare", &text, &first_line)) return NULL;
    if (first_line < 0 || first_line > PY_SSIZE_T_MAX / 4) {
        PyErr_SetString(PyExc_ValueError, "first_line out of range");
        return NULL;
    }
    if (!p->aes) {
        PyErr_SetString(PyExc_RuntimeError, "Preparer not initialised");
        return NULL;
    }
    if (p->busy) {
        PyErr_SetString(PyExc_RuntimeError, "Preparer.prepare is not re-entrant");
        return NULL;
    }
    Py_ssize_t size;
    const char *s = PyUnicode_AsUTF8AndSize(text, &size);
    if (!s) return NULL;
    PyObject *keys = PyList_New(0), *lines = PyList_New(0), *back = PyList_New(0);
    PyObject *payload = NULL, *result = NULL;
    Buf out = {0}, scratch = {0};
    p->busy = 1;
    if (!keys || !lines || !back) goto done;
    if (buf_reserve(&out, size + size / 2 + 4096) < 0) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t index = 0, start = 0;
    while (start <= size) {
        const char *nl = memchr(s + start, '\n', (size_t)(size - start));
        Py_ssize_t end = nl ? nl - s : size;
        Py_ssize_t rn = end - start;
        if (rn > 0) {
            const unsigned char *rec = (const unsigned char *)s + start;
            int r = prepare_record(p, rec, rn, &out, &scratch);
            if (r < 0) goto done;
            PyObject *line = PyLong_FromSsize_t(first_line + index);
            if (!line) goto done;
            if (r == 1) {
                PyObject *key = PyUnicode_FromStringAndSize((const char *)rec + p->cell_start[p->pos[C_USCC]], 18);
                int bad = !key || PyList_Append(keys, key) < 0 || PyList_Append(lines, line) < 0;
                Py_XDECREF(key);
                Py_DECREF(line);
                if (bad) goto done;
            } else {
                PyObject *record = PyUnicode_DecodeUTF8((const char *)rec, rn, "strict");
                PyObject *pair = record ? PyTuple_Pack(2, line, record) : NULL;
                int bad = !pair || PyList_Append(back, pair) < 0;
                Py_XDECREF(pair);
                Py_XDECREF(record);
                Py_DECREF(line);
                if (bad) goto done;
            }
        }
        index++;
        if (!nl) break;
        start = end + 1;
    }
    payload = PyBytes_FromStringAndSize(out.data, out.len);
    if (payload) result = PyTuple_Pack(4, payload, keys, lines, back);
done:
    p->busy = 0;
    /* The buffers hold the row text and ciphertext (what the payload holds), no key material. */
    PyMem_Free(out.data);
    PyMem_Free(scratch.data);
    Py_XDECREF(payload);
    Py_XDECREF(keys);
    Py_XDECREF(lines);
    Py_XDECREF(back);
    return result;
}

static PyObject *Preparer_set_nonces(Preparer *p, PyObject *args) {
    Py_buffer view;
    int fixed = 0;
    if (!PyArg_ParseTuple(args, "y*|p:_set_nonces", &view, &fixed)) return NULL;
    if (fixed) {
        if (view.len != NONCE) {
            PyBuffer_Release(&view);
            PyErr_SetString(PyExc_ValueError, "a fixed nonce is 12 bytes");
            return NULL;
        }
        memcpy(p->fixed_nonce, view.buf, NONCE);
        p->has_fixed_nonce = 1;
    } else {
        unsigned char *copy = PyMem_Malloc(view.len ? (size_t)view.len : 1);
        if (!copy) {
            PyBuffer_Release(&view);
            return PyErr_NoMemory();
        }
        memcpy(copy, view.buf, (size_t)view.len);
        PyMem_Free(p->injected);
        p->injected = copy;
        p->injected_pos = 0;
        p->injected_len = view.len;
        p->has_fixed_nonce = 0;
    }
    PyBuffer_Release(&view);
    Py_RETURN_NONE;
}

/* ---------------------------------------------------------------------------------------- */
/* construction                                                                             */

static char *copy_str(PyObject *o, Py_ssize_t *n) {
    Py_ssize_t len;
    const char *s = PyUnicode_AsUTF8AndSize(o, &len);
    if (!s) return NULL;
    if (len > MAX_VALUE) {
        PyErr_SetString(PyExc_ValueError, "lookup text too long");
        return NULL;
    }
    char *c = PyMem_Malloc((size_t)len + 1);
    if (!c) {
        PyErr_NoMemory();
        return NULL;
    }
    memcpy(c, s, (size_t)len);
    c[len] = 0;
    *n = len;
    return c;
}

static void free_table(Table *t) {
    for (Py_ssize_t i = 0; i < t->n; i++) {
        PyMem_Free(t->items[i].raw);
        PyMem_Free(t->items[i].value);
        PyMem_Free(t->items[i].extra);
    }
    PyMem_Free(t->items);
    t->items = NULL;
    t->n = 0;
}

/* dict[str, str] or dict[str, tuple[str, str]] */
static int load_table(Table *t, PyObject *d, int pairs) {
    if (!PyDict_Check(d) || PyDict_GET_SIZE(d) > MAX_TABLE) {
        PyErr_SetString(PyExc_TypeError, "a lookup table is a dict of at most 512 entries");
        return -1;
    }
    t->items = PyMem_Calloc((size_t)PyDict_GET_SIZE(d) + 1, sizeof(Entry));
    if (!t->items) {
        PyErr_NoMemory();
        return -1;
    }
    PyObject *k, *v;
    Py_ssize_t i = 0;
    while (PyDict_Next(d, &i, &k, &v)) {
        Entry *e = &t->items[t->n++];
        PyObject *value = v, *extra = NULL;
        if (pairs) {
            if (!PyTuple_Check(v) || PyTuple_GET_SIZE(v) != 2) {
                PyErr_SetString(PyExc_TypeError, "expected (value, legal-person type) pairs");
                return -1;
            }
            value = PyTuple_GET_ITEM(v, 0);
            extra = PyTuple_GET_ITEM(v, 1);
        }
        if (!PyUnicode_Check(k) || !PyUnicode_Check(value) || (extra && !PyUnicode_Check(extra))) {
            PyErr_SetString(PyExc_TypeError, "lookup tables hold text");
            return -1;
        }
        if (!(e->raw = copy_str(k, &e->raw_len))) return -1;
        if (!(e->value = copy_str(value, &e->value_len))) return -1;
        if (extra && !(e->extra = copy_str(extra, &e->extra_len))) return -1;
        if (extra && (size_t)e->extra_len >= sizeof(((Preparer *)0)->ptypes[0])) {
            PyErr_SetString(PyExc_ValueError, "legal-person type too long");
            return -1;
        }
    }
    return 0;
}

static int Preparer_init(Preparer *p, PyObject *args, PyObject *kw) {
    static char *kwlist[] = {"width",          "delimiter",     "positions",    "types",
                             "statuses",       "id_types",      "prefixes",
                             "provinces",      "segments",      "today",        "earliest_date",
                             "earliest_birth", "key_id",        "aes_key",      "hash_key",
                             "row_key",        NULL};
    Py_ssize_t width;
    int delimiter;
    PyObject *positions, *types, *statuses, *id_types, *prefixes, *key_id;
    Py_buffer provinces, segments, aes_key, hash_key, row_key;
    long today, earliest_date, earliest_birth;
    if (p->aes || p->cell_start) {
        PyErr_SetString(PyExc_RuntimeError, "Preparer already initialised");
        return -1;
    }
    if (!PyArg_ParseTupleAndKeywords(args, kw, "nCOO!O!O!O!y*y*lllUy*y*y*:Preparer", kwlist,
                                     &width, &delimiter, &positions, &PyDict_Type, &types,
                                     &PyDict_Type, &statuses, &PyDict_Type, &id_types,
                                     &PyDict_Type, &prefixes, &provinces, &segments,
                                     &today, &earliest_date, &earliest_birth, &key_id, &aes_key,
                                     &hash_key, &row_key))
        return -1;
    int rc = -1;
    memset(p->prefix_index, -1, sizeof p->prefix_index);
    p->nptypes = 0;
    if (width < 1 || width > 100000 || delimiter <= 0 || delimiter >= 0x80 || delimiter == '\n' ||
        delimiter == '"' || delimiter == '\\') {
        PyErr_SetString(PyExc_ValueError, "bad width or delimiter");
        goto out;
    }
    p->width = width;
    p->delimiter = (char)delimiter;
    PyObject *seq = PySequence_Fast(positions, "positions must be a sequence");
    if (!seq) goto out;
    if (PySequence_Fast_GET_SIZE(seq) != NCOLS) {
        Py_DECREF(seq);
        PyErr_SetString(PyExc_ValueError, "positions: 11 column indexes");
        goto out;
    }
    for (int k = 0; k < NCOLS; k++) {
        Py_ssize_t c = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(seq, k));
        if (c == -1 && PyErr_Occurred()) {
            Py_DECREF(seq);
            goto out;
        }
        if (c < 0 || c > width) {
            Py_DECREF(seq);
            PyErr_SetString(PyExc_ValueError, "column index out of range");
            goto out;
        }
        for (int j = 0; j < k; j++)
            if (c < width && p->pos[j] == c) {
                Py_DECREF(seq);
                PyErr_SetString(PyExc_ValueError, "two keys in one column");
                goto out;
            }
        p->pos[k] = c;
    }
    Py_DECREF(seq);
    if (p->pos[C_USCC] == width) {
        PyErr_SetString(PyExc_ValueError, "the USCC column is required");
        goto out;
    }
    p->cell_start = PyMem_Calloc((size_t)width + 1, sizeof(Py_ssize_t));
    p->cell_len = PyMem_Calloc((size_t)width + 1, sizeof(Py_ssize_t));
    if (!p->cell_start || !p->cell_len) {
        PyErr_NoMemory();
        goto out;
    }
    if (load_table(&p->types, types, 1) < 0 || load_table(&p->statuses, statuses, 0) < 0 ||
        load_table(&p->id_types, id_types, 1) < 0)
        goto out;
    PyObject *k, *v;
    Py_ssize_t i = 0;
    while (PyDict_Next(prefixes, &i, &k, &v)) {
        Py_ssize_t kn, vn;
        const char *ks, *vs;
        if (!PyUnicode_Check(k) || !PyUnicode_Check(v) || !(ks = PyUnicode_AsUTF8AndSize(k, &kn)) ||
            !(vs = PyUnicode_AsUTF8AndSize(v, &vn)) || kn != 2 || (ks[0] & 0x80) || (ks[1] & 0x80) ||
            vn < 1 || (size_t)vn >= sizeof p->ptypes[0] || p->nptypes >= 64) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "bad prefix table");
            goto out;
        }
        memcpy(p->ptypes[p->nptypes], vs, (size_t)vn + 1);
        p->prefix_index[(int)ks[0]][(int)ks[1]] = (signed char)p->nptypes++;
    }
    if (provinces.len != 100 || segments.len != SEGMENTS) {
        PyErr_SetString(PyExc_ValueError, "provinces: 100 bytes, segments: 10000 bytes");
        goto out;
    }
    memcpy(p->provinces, provinces.buf, 100);
    memcpy(p->segments, segments.buf, SEGMENTS);
    p->today = today;
    p->earliest_date = earliest_date;
    p->earliest_birth = earliest_birth;
    Py_ssize_t kid_n;
    const char *kid = PyUnicode_AsUTF8AndSize(key_id, &kid_n);
    if (!kid) goto out;
    if (kid_n < 1 || (size_t)kid_n >= sizeof p->key_id) {
        PyErr_SetString(PyExc_ValueError, "bad key id");
        goto out;
    }
    memcpy(p->key_id, kid, (size_t)kid_n);
    p->key_id_len = kid_n;
    if (aes_key.len != 32 || hash_key.len < 16 || row_key.len < 16 || row_key.len > 64) {
        PyErr_SetString(PyExc_ValueError, "bad key length");
        goto out;
    }
    /* HMAC-SHA256 pads, keyed once (RFC 2104) */
    unsigned char key[SHA256_CBLOCK], pad[SHA256_CBLOCK];
    memset(key, 0, sizeof key);
    if (hash_key.len > SHA256_CBLOCK)
        SHA256(hash_key.buf, (size_t)hash_key.len, key);
    else
        memcpy(key, hash_key.buf, (size_t)hash_key.len);
    for (int j = 0; j < SHA256_CBLOCK; j++) pad[j] = key[j] ^ 0x5c;
    SHA256_Init(&p->outer);
    SHA256_Update(&p->outer, pad, sizeof pad);
    for (int j = 0; j < SHA256_CBLOCK; j++) pad[j] = key[j] ^ 0x36;
    SHA256_Init(&p->id_inner);
    SHA256_Update(&p->id_inner, pad, sizeof pad);
    p->phone_inner = p->id_inner;
    SHA256_Update(&p->id_inner, "id_number", 10); /* with its NUL: purpose + b"\x00" */
    SHA256_Update(&p->phone_inner, "mobile", 7);
    OPENSSL_cleanse(key, sizeof key);
    OPENSSL_cleanse(pad, sizeof pad);
    /* keyed BLAKE2b-128 */
    p->mac = EVP_MAC_fetch(NULL, "BLAKE2BMAC", NULL);
    if (!p->mac || !(p->row_mac = EVP_MAC_CTX_new(p->mac))) {
        PyErr_SetString(PyExc_RuntimeError, "BLAKE2BMAC unavailable in libcrypto");
        goto out;
    }
    size_t size = 16;
    OSSL_PARAM params[] = {OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &size),
                           OSSL_PARAM_construct_end()};
    if (EVP_MAC_init(p->row_mac, row_key.buf, (size_t)row_key.len, params) != 1) {
        PyErr_SetString(PyExc_RuntimeError, "BLAKE2b keying failed");
        goto out;
    }
    /* AES-256-GCM, keyed once; each value sets only its IV */
    EVP_CIPHER_CTX *aes = EVP_CIPHER_CTX_new();
    if (!aes || EVP_EncryptInit_ex(aes, EVP_aes_256_gcm(), NULL, aes_key.buf, NULL) != 1 ||
        EVP_CIPHER_CTX_ctrl(aes, EVP_CTRL_GCM_SET_IVLEN, NONCE, NULL) != 1) {
        EVP_CIPHER_CTX_free(aes);
        PyErr_SetString(PyExc_RuntimeError, "AES-GCM keying failed");
        goto out;
    }
    p->aes = aes;
    rc = 0;
out:
    PyBuffer_Release(&provinces);
    PyBuffer_Release(&segments);
    PyBuffer_Release(&aes_key);
    PyBuffer_Release(&hash_key);
    PyBuffer_Release(&row_key);
    return rc;
}

static void Preparer_dealloc(Preparer *p) {
    EVP_CIPHER_CTX_free(p->aes); /* cleanses the key schedule */
    EVP_MAC_CTX_free(p->row_mac);
    EVP_MAC_free(p->mac);
    OPENSSL_cleanse(&p->outer, sizeof p->outer);
    OPENSSL_cleanse(&p->id_inner, sizeof p->id_inner);
    OPENSSL_cleanse(&p->phone_inner, sizeof p->phone_inner);
    OPENSSL_cleanse(p->nonces, sizeof p->nonces);
    free_table(&p->types);
    free_table(&p->statuses);
    free_table(&p->id_types);
    PyMem_Free(p->injected);
    PyMem_Free(p->cell_start);
    PyMem_Free(p->cell_len);
    Py_TYPE(p)->tp_free((PyObject *)p);
}

static PyMethodDef Preparer_methods[] = {
    {"prepare", (PyCFunction)Preparer_prepare, METH_VARARGS,
     "prepare(text, first_line) -> (payload, keys, lines, back)"},
    {"_set_nonces", (PyCFunction)Preparer_set_nonces, METH_VARARGS,
     "_set_nonces(data, fixed=False): tests only: use these nonces (or always this one)"},
    {NULL, NULL, 0, NULL}};

static PyTypeObject PreparerType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "zhengwu_native._rows.Preparer",
    .tp_basicsize = sizeof(Preparer),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Prepares the plain valid rows of a clean chunk as COPY text.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Preparer_init,
    .tp_dealloc = (destructor)Preparer_dealloc,
    .tp_methods = Preparer_methods,
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "zhengwu_native._rows",
    .m_doc = "Native fast path of the registry import.",
    .m_size = -1,
};

PyMODINIT_FUNC PyInit__rows(void) {
    init_gb32100();
    if (PyType_Ready(&PreparerType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    if (PyModule_AddObjectRef(m, "Preparer", (PyObject *)&PreparerType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
