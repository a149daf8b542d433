/* wire_fold_scan.c - the HTTP/1.1 framing follower that spots obs-fold (see wire_fold.h).
 * It frames only what the gateway accepts (bodies by Content-Length); what it cannot frame
 * it stops following rather than guess. */
#include "wire_fold.h"

#include <string.h>

enum { ST_REQUEST_LINE, ST_LINE_START, ST_EMPTY_CR, ST_NAME, ST_VALUE, ST_BODY, ST_STOP };
enum { HDR_OTHER, HDR_LENGTH, HDR_UNFRAMED };

#define LENGTH_MAX 1000000000000ULL /* past this a Content-Length is not read as one */

void wire_fold_scan_init(struct wire_fold_scan *w)
{
    memset(w, 0, sizeof *w);
    w->state = ST_REQUEST_LINE;
}

static void header_named(struct wire_fold_scan *w)
{
    static const char *const unframed[] = {"transfer-encoding", "upgrade"};
    size_t i;

    w->header = HDR_OTHER;
    if (w->name_len > sizeof w->name)
        return;
    if (w->name_len == 14 && memcmp(w->name, "content-length", 14) == 0) {
        w->header = HDR_LENGTH;
        w->length = 0;
        return;
    }
    for (i = 0; i < sizeof unframed / sizeof unframed[0]; i++)
        if (w->name_len == strlen(unframed[i]) && memcmp(w->name, unframed[i], w->name_len) == 0)
            w->unframed = 1;
}

static void block_ended(struct wire_fold_scan *w)
{
    if (w->unframed)
        w->state = ST_STOP;
    else if (w->length > 0) {
        w->body_left = w->length;
        w->state = ST_BODY;
    } else
        w->state = ST_REQUEST_LINE;
}

static void value_byte(struct wire_fold_scan *w, unsigned char c)
{
    if (w->header != HDR_LENGTH || c == ' ' || c == '\t' || c == '\r')
        return;
    if (c < '0' || c > '9' || w->length > LENGTH_MAX)
        w->unframed = 1;
    else
        w->length = w->length * 10 + (unsigned long long)(c - '0');
}

static void name_byte(struct wire_fold_scan *w, unsigned char c)
{
    if (w->name_len < sizeof w->name)
        w->name[w->name_len] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    if (w->name_len <= sizeof w->name)
        w->name_len++;
}

static void line_start(struct wire_fold_scan *w, unsigned char c)
{
    w->header = HDR_OTHER;
    if (c == '\r')
        w->state = ST_EMPTY_CR;
    else if (c == '\n')
        block_ended(w);
    else if (c == ' ' || c == '\t') {
        w->folded = 1;
        w->state = ST_VALUE;
    } else {
        w->name_len = 0;
        name_byte(w, c);
        w->state = ST_NAME;
    }
}

void wire_fold_scan_feed(struct wire_fold_scan *w, const unsigned char *p, size_t n)
{
    size_t i = 0;

    while (i < n && w->state != ST_STOP) {
        unsigned char c = p[i];
        if (w->state == ST_BODY) {
            size_t take = w->body_left < n - i ? (size_t)w->body_left : n - i;
            w->body_left -= take;
            i += take;
            if (w->body_left == 0)
                w->state = ST_REQUEST_LINE;
            continue;
        }
        i++;
        switch (w->state) {
        case ST_REQUEST_LINE:
            if (c == '\n') {
                w->length = 0;
                w->unframed = 0;
                w->state = ST_LINE_START;
            }
            break;
        case ST_LINE_START: line_start(w, c); break;
        case ST_EMPTY_CR:
            if (c == '\n')
                block_ended(w);
            else
                line_start(w, c);
            break;
        case ST_NAME:
            if (c == ':') {
                header_named(w);
                w->state = ST_VALUE;
            } else if (c == '\n')
                w->state = ST_LINE_START;
            else
                name_byte(w, c);
            break;
        case ST_VALUE:
            if (c == '\n')
                w->state = ST_LINE_START;
            else
                value_byte(w, c);
            break;
        default: break;
        }
    }
}
