/* enroll_http.c - the little HTTP/1.x the enrollment endpoint understands: is a request
 * head complete, is it "GET /enroll/<token>", and the fixed responses. Pure functions on
 * buffers (unit tested); the TLS server around them is enroll.c. */
#include "enroll_http.h"

#include <string.h>

const char *lk_enroll_head_end(const char *buf, size_t len)
{
    size_t i;
    for (i = 0; i + 1 < len; i++) {
        if (buf[i] == '\n' && buf[i + 1] == '\n')
            return buf + i + 2;
        if (i + 3 < len && memcmp(buf + i, "\r\n\r\n", 4) == 0)
            return buf + i + 4;
    }
    return NULL;
}

static int token_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

enum lk_enroll_req lk_enroll_parse(const char *buf, size_t len, const char **tok, size_t *toklen)
{
    const char *end = lk_enroll_head_end(buf, len), *sp1, *sp2, *eol, *target;
    static const char prefix[] = "/enroll/";
    size_t i, tlen;

    *tok = NULL;
    *toklen = 0;
    if (end == NULL)
        return LK_REQ_INCOMPLETE;
    eol = memchr(buf, '\n', (size_t)(end - buf));
    if (eol == NULL || memchr(buf, '\0', (size_t)(end - buf)) != NULL)
        return LK_REQ_BAD;
    if (eol > buf && eol[-1] == '\r')
        eol--;
    sp1 = memchr(buf, ' ', (size_t)(eol - buf));
    if (sp1 == NULL)
        return LK_REQ_BAD;
    sp2 = memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1));
    if (sp2 == NULL || (size_t)(eol - sp2 - 1) != 8 || memcmp(sp2 + 1, "HTTP/1.", 7) != 0 ||
        (sp2[8] != '0' && sp2[8] != '1'))
        return LK_REQ_BAD;
    if ((size_t)(sp1 - buf) != 3 || memcmp(buf, "GET", 3) != 0)
        return LK_REQ_METHOD;
    target = sp1 + 1;
    tlen = (size_t)(sp2 - target);
    if (tlen <= sizeof prefix - 1 || memcmp(target, prefix, sizeof prefix - 1) != 0)
        return LK_REQ_OTHER_PATH;
    target += sizeof prefix - 1;
    tlen -= sizeof prefix - 1;
    if (tlen > 64)
        return LK_REQ_WRONG_TOKEN; /* under /enroll/ but cannot be a token: counted */
    for (i = 0; i < tlen; i++)
        if (!token_char(target[i]))
            return LK_REQ_WRONG_TOKEN;
    *tok = target;
    *toklen = tlen;
    return LK_REQ_TOKEN;
}

const char *lk_enroll_status_text(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    default: return "Error";
    }
}
