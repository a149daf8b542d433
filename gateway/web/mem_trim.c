/* mem_trim.c - trims the heap after bursts of handshakes or closed websockets (see
 * mem_trim.h): a debounce on an lws_sul timer of the loop. */
#include "mem_trim.h"

#include <libwebsockets.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

static struct {
    struct lws_context *ctx;
    lws_sorted_usec_list_t sul;
    int armed;         /* the timer is scheduled */
    lws_usec_t first;  /* first note since the last trim */
    lws_usec_t last;   /* newest note */
} mt;

static void on_timer(lws_sorted_usec_list_t *sul)
{
    lws_usec_t now = lws_now_usecs(), quiet = (lws_usec_t)MEM_TRIM_QUIET_MS * LWS_US_PER_MS;

    (void)sul;
    if (now - mt.last < quiet && now - mt.first < (lws_usec_t)MEM_TRIM_BUSY_MAX_MS * LWS_US_PER_MS) {
        lws_sul_schedule(mt.ctx, 0, &mt.sul, on_timer, quiet - (now - mt.last));
        return;
    }
    mt.armed = 0;
#if defined(__GLIBC__)
    malloc_trim(0); /* its result (whether anything was released) changes nothing here */
#endif
}

void mem_trim_start(struct lws_context *ctx)
{
    mt.ctx = ctx;
    mt.armed = 0;
}

void mem_trim_note(void)
{
    if (mt.ctx == NULL)
        return;
    mt.last = lws_now_usecs();
    if (mt.armed)
        return;
    mt.first = mt.last;
    mt.armed = 1;
    lws_sul_schedule(mt.ctx, 0, &mt.sul, on_timer, (lws_usec_t)MEM_TRIM_QUIET_MS * LWS_US_PER_MS);
}

void mem_trim_stop(void)
{
    if (mt.ctx != NULL && mt.armed)
        lws_sul_cancel(&mt.sul);
    mt.armed = 0;
    mt.ctx = NULL;
}
