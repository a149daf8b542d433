/* html.c - growable HTML buffer with escaping and the gateway's page frame. */
#include "html.h"

#include <stdlib.h>
#include <string.h>

void html_init(struct html_buf *b, size_t pre)
{
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
    b->pre = pre;
    b->failed = 0;
}

void html_free(struct html_buf *b)
{
    free(b->p);
    html_init(b, b->pre);
}

char *html_data(struct html_buf *b)
{
    return b->p != NULL ? b->p + b->pre : NULL;
}

static void append(struct html_buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->p == NULL || b->pre + b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 2048;
        char *np;
        while (b->pre + b->len + n + 1 > cap)
            cap *= 2;
        np = realloc(b->p, cap);
        if (np == NULL) {
            b->failed = 1;
            return;
        }
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->pre + b->len, s, n);
    b->len += n;
    b->p[b->pre + b->len] = '\0';
}

void html_bytes(struct html_buf *b, const void *p, size_t n)
{
    append(b, p, n);
}

void html_raw(struct html_buf *b, const char *s)
{
    append(b, s, strlen(s));
}

void html_text(struct html_buf *b, const char *s)
{
    const char *start = s;
    for (; *s != '\0'; s++) {
        const char *rep;
        switch (*s) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        append(b, start, (size_t)(s - start));
        html_raw(b, rep);
        start = s + 1;
    }
    append(b, start, (size_t)(s - start));
}

void html_begin(struct html_buf *b, const char *title)
{
    html_raw(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                "<meta name=\"color-scheme\" content=\"light dark\">"
                "<meta name=\"theme-color\" content=\"#1d4ed8\">"
                "<title>");
    html_text(b, title);
    html_raw(b,
             "</title><link rel=\"stylesheet\" href=\"/style.css\">"
             "<link rel=\"manifest\" href=\"/manifest.webmanifest\">"
             "<link rel=\"icon\" href=\"/icon.svg\" type=\"image/svg+xml\">"
             "<link rel=\"apple-touch-icon\" href=\"/apple-touch-icon.png\">"
             "</head>\n<body><main>\n");
}

void html_end(struct html_buf *b)
{
    html_raw(b, "</main></body></html>\n");
}

void html_status_page(struct html_buf *b, const char *name, const char *message,
                      const char *detail)
{
    html_begin(b, "Latchkey");
    html_raw(b, "<h1>Latchkey</h1>\n<p class=\"result\" role=\"status\" data-result=\"");
    html_raw(b, name);
    html_raw(b, "\">");
    html_text(b, message);
    html_raw(b, "</p>\n");
    if (detail != NULL && detail[0] != '\0') {
        html_raw(b, "<p class=\"detail\">");
        html_text(b, detail);
        html_raw(b, "</p>\n");
    }
    html_raw(b, "<p><a class=\"back\" href=\"/\">Back</a></p>\n");
    html_end(b);
}

void html_result_page(struct html_buf *b, enum gw_result r, const char *detail)
{
    html_status_page(b, gw_result_name(r), gw_result_message(r), detail);
}
