/* enroll_http.h - the HTTP of enroll's one-time download endpoint (pure, unit tested). */
#ifndef LK_CERTS_ENROLL_HTTP_H
#define LK_CERTS_ENROLL_HTTP_H

#include <stddef.h>

#define LK_ENROLL_REQ_MAX 4096 /* a request head larger than this is refused */
enum lk_enroll_req {
    LK_REQ_INCOMPLETE,  /* head not complete yet: read more */
    LK_REQ_BAD,         /* not an HTTP/1.x request line: 400 */
    LK_REQ_METHOD,      /* not GET: 405 */
    LK_REQ_OTHER_PATH,  /* not under /enroll/: 404, not counted */
    LK_REQ_WRONG_TOKEN, /* under /enroll/ but not token-shaped: 404, counted */
    LK_REQ_TOKEN        /* GET /enroll/<token>: *tok, *toklen point into buf */
};
enum lk_enroll_req lk_enroll_parse(const char *buf, size_t len, const char **tok, size_t *toklen);
const char *lk_enroll_status_text(int status);
/* End of the request head ("\r\n\r\n" or "\n\n"), or NULL if not complete yet. */
const char *lk_enroll_head_end(const char *buf, size_t len);

#endif
