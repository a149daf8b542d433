/* html.h - building the gateway's HTML pages: a growable buffer, text escaping and the
 * shared page frame. No inline script or style (the CSP forbids both). */
#ifndef GW_HTML_H
#define GW_HTML_H

#include <stddef.h>

#include "result.h"

struct html_buf {
    char *p;
    size_t len, cap;
    size_t pre;   /* bytes reserved in front of p (LWS_PRE for lws_write) */
    int failed;   /* out of memory: the page must not be sent */
};

void html_init(struct html_buf *b, size_t pre);
void html_free(struct html_buf *b);
void html_raw(struct html_buf *b, const char *s);
/* Appends n bytes as they are (binary: an asset's body). */
void html_bytes(struct html_buf *b, const void *p, size_t n);
/* Appends s with & < > " ' escaped: safe in text and in quoted attribute values. */
void html_text(struct html_buf *b, const char *s);
/* Start of a page up to and including <main>; title is escaped. */
void html_begin(struct html_buf *b, const char *title);
void html_end(struct html_buf *b);
/* Page with <p class="result" data-result="name">message</p> and optional detail; name is
 * a fixed token (not escaped), message and detail are escaped. */
void html_status_page(struct html_buf *b, const char *name, const char *message,
                      const char *detail);
/* Whole result page: <p class="result" data-result="NAME">message</p>, optional detail. */
void html_result_page(struct html_buf *b, enum gw_result r, const char *detail);
/* Pointer to the text (just after the reserved prefix). */
char *html_data(struct html_buf *b);

#endif
