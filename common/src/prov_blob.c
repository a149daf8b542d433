/* prov_blob.c - CRC and writer of the provisioning blob (latchkey/prov_blob.h). */
#include "latchkey/prov_blob.h"

#include <string.h>

uint32_t lk_prov_crc32(const uint8_t *p, size_t len)
{
    uint32_t crc = 0xFFFFFFFFu;
    size_t i;
    int k;

    for (i = 0; i < len; i++) {
        crc ^= p[i];
        for (k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static void put_le(uint8_t *p, uint64_t v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

void lk_prov_begin(struct lk_prov_writer *w, uint8_t *buf, size_t cap)
{
    w->buf = buf;
    w->cap = cap < LK_PROV_BLOB_MAX ? cap : LK_PROV_BLOB_MAX;
    w->len = LK_PROV_HEADER;
    w->count = 0;
    w->overflow = w->cap < LK_PROV_HEADER + LK_PROV_TRAILER;
}

int lk_prov_add(struct lk_prov_writer *w, enum lk_prov_tag tag, const void *v, size_t len)
{
    if (w->overflow || len > 0xFFFFu || w->count >= 0xFFFFu ||
        w->cap - LK_PROV_TRAILER - w->len < LK_PROV_RECORD_HEAD + len) {
        w->overflow = 1;
        return -1;
    }
    w->buf[w->len] = (uint8_t)tag;
    w->buf[w->len + 1] = 0;
    put_le(w->buf + w->len + 2, len, 2);
    if (len > 0)
        memcpy(w->buf + w->len + LK_PROV_RECORD_HEAD, v, len);
    w->len += LK_PROV_RECORD_HEAD + len;
    w->count++;
    return 0;
}

int lk_prov_add_uint(struct lk_prov_writer *w, enum lk_prov_tag tag, uint64_t v, size_t bytes)
{
    uint8_t b[8];

    if (bytes > sizeof b) {
        w->overflow = 1;
        return -1;
    }
    put_le(b, v, bytes);
    return lk_prov_add(w, tag, b, bytes);
}

size_t lk_prov_finish(struct lk_prov_writer *w)
{
    size_t total = w->len + LK_PROV_TRAILER;

    if (w->overflow)
        return 0;
    memcpy(w->buf, LK_PROV_MAGIC, 4); /* NOLINT(bugprone-not-null-terminated-result): 4 bytes */
    put_le(w->buf + 4, LK_PROV_VERSION, 2);
    put_le(w->buf + 6, w->count, 2);
    put_le(w->buf + 8, total, 4);
    put_le(w->buf + w->len, lk_prov_crc32(w->buf, w->len), 4);
    return total;
}
