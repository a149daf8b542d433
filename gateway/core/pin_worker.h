/* pin_worker.h - runs the scrypt PIN checks (pin_hash_verify, ~100-150 ms of CPU and 32 MiB
 * each) on a thread of their own, so the lws event loop keeps serving every other client
 * meanwhile. The loop submits a job and gets on with its work; the worker runs the jobs
 * in order, then wakes the loop, which collects the verdicts. Fixed slots, no malloc; the
 * PIN of a job is wiped as soon as it has been checked (or dropped).
 * One job per user at a time: a second PIN check of a user whose first one is still
 * running is refused, so parallel requests cannot try more PINs than the lockout allows. */
#ifndef GW_PIN_WORKER_H
#define GW_PIN_WORKER_H

#include <pthread.h>
#include <stdint.h>

#include "latchkey/cmd_format.h"
#include "pepper.h"
#include "pin_hash.h"

#define PIN_WORKER_SLOTS 16 /* checks queued or running at once (each ~0.1 s) */

enum pin_job_state { PIN_JOB_FREE = 0, PIN_JOB_QUEUED, PIN_JOB_RUNNING, PIN_JOB_DONE };

struct pin_job {
    enum pin_job_state state;
    uint64_t seq;                 /* submission order: the oldest queued job runs first */
    char user[LK_BY_MAX + 1];
    char pin[PIN_MAX_LEN + 1];
    char phc[PIN_HASH_MAX];
    enum pin_verify verdict;      /* set when DONE */
    void *ctx;                    /* the submitter's, handed back with the verdict */
};

struct pin_worker {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    pthread_t thread;
    int started, stopping;
    const struct pepper *pepper;
    struct pin_job jobs[PIN_WORKER_SLOTS];
    uint64_t next_seq;
    void (*wake)(void *arg);      /* called (unlocked) from the worker after a verdict */
    void *wake_arg;
};

/* Starts the thread. pepper must outlive the worker. 0, or -1 (thread not created). */
int pin_worker_start(struct pin_worker *w, const struct pepper *pepper, void (*wake)(void *),
                     void *wake_arg);

/* Stops the thread (a check under way finishes first, queued ones are dropped), joins it
 * and wipes every slot. Safe on a worker that never started. */
void pin_worker_stop(struct pin_worker *w);

enum pin_submit { PIN_SUBMITTED = 0, PIN_SUBMIT_FULL = -1, PIN_SUBMIT_USER_BUSY = -2,
                  PIN_SUBMIT_INVALID = -3 };

/* Queues a check of pin against phc for user (all three copied). ctx comes back with the
 * verdict. PIN_SUBMIT_INVALID: a string does not fit its slot (the caller treats it as a
 * wrong PIN or a bad hash: nothing is queued). */
enum pin_submit pin_worker_submit(struct pin_worker *w, const char *user, const char *pin,
                                  const char *phc, void *ctx);

/* Loop thread: calls done(arg, ctx, user, verdict) for every finished job and frees it.
 * Returns how many. */
int pin_worker_collect(struct pin_worker *w,
                       void (*done)(void *arg, void *ctx, const char *user, enum pin_verify v),
                       void *arg);

/* Number of jobs queued or running (for tests and metrics). */
int pin_worker_busy(struct pin_worker *w);

#endif
