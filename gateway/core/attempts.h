/* attempts.h - the table of door actions under way, one slot each from the request to the
 * moment its owner takes the outcome, addressed by one handle (slot + generation, so a
 * stale handle never reaches a reused slot). A slot's state runs
 *   DECIDING -> CHECKING_PIN -> DECIDING -> AWAITING_ACK -> DONE -> DECIDING -> FINISHED
 * (the PIN check is skipped for a PIN pin_cache.h remembers; an attempt refused early goes
 * from DECIDING straight to FINISHED). On a door with a sensor an ok ack is followed by
 *   DONE -> DECIDING -> AWAITING_ENTRY -> DONE
 * while the device's verdict on whether the door really opened is awaited (entry_hold.h). DECIDING, CHECKING_PIN and FINISHED belong to the
 * lws loop (action.c works on the slot's attempt); AWAITING_ACK may be ended from Paho's
 * thread (ack, failed publish); DONE waits for the loop's finisher (outcome.h). Every state
 * change holds the table's mutex. Sized so that every stage has its own bound: a new
 * attempt always finds a slot. Waiting for an ack is bounded three ways: in all
 * (ATTEMPTS_ACK_MAX), per user and per door (struct attempt_limits, from the config), so
 * that one user or one silent door cannot take every place (docs/security.md, "Waiting
 * actions"); an attempt awaiting its entry verdict still holds its place. The owner (the waiting HTTP connection) is opaque here. */
#ifndef GW_ATTEMPTS_H
#define GW_ATTEMPTS_H

#include <pthread.h>
#include <stdint.h>

#include "ack_verify.h"
#include "audit.h"
#include "latchkey/cmd_format.h"
#include "pin_cache.h"
#include "pin_hash.h"
#include "pin_worker.h"
#include "result.h"

#define ATTEMPTS_PIN_MAX PIN_WORKER_SLOTS /* attempts whose PIN is being checked */
#define ATTEMPTS_ACK_MAX 64               /* published, waiting for the device's ack */
/* + 1: the one attempt the loop is deciding (action_start, or a verdict being applied) */
#define ATTEMPTS_MAX (ATTEMPTS_PIN_MAX + ATTEMPTS_ACK_MAX + 1)
#define ATTEMPT_REASON_MAX 32
#define ACTION_DETAIL_MAX 160

/* The door sensor's verdict on one command (the device's retained state, docs/protocol.md). */
enum attempt_entry { ENTRY_NONE = 0, ENTRY_OPENED, ENTRY_NOT_OPENED };

struct attempt_handle {
    int slot;           /* -1: none */
    uint32_t gen;
};

/* How many attempts may wait for an ack at once for one user and for one door (each
 * 1..ATTEMPTS_ACK_MAX; larger values mean no bound of their own). */
struct attempt_limits {
    int per_user, per_door;
};

/* Whether one more attempt may wait for an ack, and which bound is reached if not. */
enum attempt_room {
    ROOM_FREE = 0,
    ROOM_USER_FULL,    /* the user has per_user attempts waiting */
    ROOM_DOOR_FULL,    /* the door has per_door attempts waiting */
    ROOM_GATEWAY_FULL  /* ATTEMPTS_ACK_MAX attempts wait */
};

/* What the requester is told. */
struct action_outcome {
    enum gw_result result;
    char reason[ATTEMPT_REASON_MAX + 1]; /* short token for the log and the audit */
    char detail[ACTION_DETAIL_MAX];      /* a sentence for the page, "" if none */
    char door[LK_NAME_MAX + 1];          /* the door as audited ("?" if none or invalid) */
    int tries_left;       /* wrong-pin: wrong PINs still allowed before a lock (0: none to say) */
    int64_t locked_until; /* wrong-pin that locked, or locked: end of the lock (unix s), else 0 */
};

/* What of the attempt's audit row is on disk. */
enum attempt_row {
    ROW_NONE = 0,   /* nothing yet: the finisher appends the whole row */
    ROW_PENDING,    /* written as "pending" before the command left: the finisher completes it */
    ROW_FAILED      /* a write failed (the outcome says so): nothing more is written */
};

enum attempt_state {
    ATTEMPT_FREE = 0,
    ATTEMPT_DECIDING,
    ATTEMPT_CHECKING_PIN,
    ATTEMPT_AWAITING_ACK,
    ATTEMPT_AWAITING_ENTRY, /* acked ok: the door sensor's verdict is awaited */
    ATTEMPT_DONE,
    ATTEMPT_FINISHED
};

struct attempt {
    struct attempt_handle self;
    struct audit_rec rec;     /* user, door, serial, peer, command id; grows along the way */
    enum attempt_row row;
    int64_t start_ms;         /* monotonic */
    int64_t deadline_ms;      /* AWAITING_ACK: monotonic */
    void *owner;              /* NULL once the requester went away */
    int unattended;           /* 1: nobody ever waits (an MQTT request, request_queue.h) */
    struct action_outcome out;
    /* The door's ack key (ack_verify.h), set by the loop before attempts_await_ack. */
    uint8_t ack_key[LK_PUBKEY_LEN];
    int has_ack_key;
    /* AWAITING_ACK: "ack-unsigned" / "ack-bad-signature" once such an ack came; the
     * timeout then ends it unconfirmed with that reason (a valid ack still ends it). */
    char ack_flaw[ATTEMPT_REASON_MAX + 1];
    /* The door's sensor wait (conf_sensor.h; 0: no sensor, the ack ends it), set with the
     * ack key; entry_hold.h clears it when the wait starts. acked_ms: monotonic time the
     * loop took the ok ack of such a door (0: none yet), for the ack latency. */
    int entry_wait_ms;
    int64_t acked_ms;
    /* CHECKING_PIN only (wiped with the slot: PIN-derived) */
    char phc[PIN_HASH_MAX];                 /* the stored hash the PIN is checked against */
    unsigned char mac[PIN_CACHE_MAC_LEN];   /* pin_cache entry value if the PIN is right */
    int have_mac;
};

struct attempts {
    pthread_mutex_t lock;
    enum attempt_state state[ATTEMPTS_MAX];
    uint32_t gen[ATTEMPTS_MAX];
    struct attempt a[ATTEMPTS_MAX];
    uint8_t entry[ATTEMPTS_MAX]; /* enum attempt_entry: a verdict seen for the slot's command */
    uint32_t next_gen;
    void (*wake)(void *arg); /* called (unlocked) after an attempt becomes done off-loop */
    void *wake_arg;
};

int attempts_init(struct attempts *t, void (*wake)(void *), void *wake_arg);
void attempts_destroy(struct attempts *t);

/* Loop. A fresh attempt in DECIDING (zeroed, self set), or NULL if every slot is taken
 * (cannot happen while each stage keeps its bound). */
struct attempt *attempts_new(struct attempts *t);

/* Loop. The attempt of a live handle (any state), or NULL. Its fields belong to the loop
 * in DECIDING, CHECKING_PIN and FINISHED; in AWAITING_ACK and DONE read it only through
 * the calls below. */
struct attempt *attempts_get(struct attempts *t, struct attempt_handle h);

/* State of a live handle, or ATTEMPT_FREE. */
enum attempt_state attempts_state(struct attempts *t, struct attempt_handle h);

/* Loop: DECIDING -> CHECKING_PIN. -1 (unchanged) if ATTEMPTS_PIN_MAX are checking. */
int attempts_check_pin(struct attempts *t, struct attempt_handle h);

/* Loop: CHECKING_PIN -> DECIDING (the verdict is in). */
void attempts_decide(struct attempts *t, struct attempt_handle h);

/* Whether an attempt of user on door could wait for an ack now (lim NULL: only the bound of
 * ATTEMPTS_ACK_MAX). The user's bound is checked first, then the door's, then the table's. */
enum attempt_room attempts_room(struct attempts *t, const char *user, const char *door,
                                const struct attempt_limits *lim);

/* Loop: DECIDING -> AWAITING_ACK until deadline_ms (monotonic), for the command id in
 * a->rec.cmd_id, if attempts_room() for its user and door is ROOM_FREE: 0. Otherwise
 * unchanged: the enum attempt_room that refused (> 0), or -1 if h is not DECIDING. */
int attempts_await_ack(struct attempts *t, struct attempt_handle h, int64_t deadline_ms,
                       const struct attempt_limits *lim);

/* Loop: AWAITING_ACK -> DECIDING: the publish was refused, nothing was sent. */
void attempts_withdraw(struct attempts *t, struct attempt_handle h);

/* Any thread. A parsed ack (ack_parse) that came on door's topic of site: checked with the
 * waiting attempt's ack key (ack_check). ACK_VALID: the attempt is done, opened or rejected
 * with the ack's reason; ACK_NO_KEY: done, unconfirmed ("ack-no-key"); ACK_UNSIGNED and
 * ACK_BAD_SIGNATURE: remembered, the attempt waits on (a forger cannot hide the real ack);
 * ACK_UNKNOWN_ID: no attempt waits for that id on that door. The loop is woken when one is
 * done. */
enum ack_verdict attempts_ack(struct attempts *t, const char *site, const char *door,
                              const struct gw_ack *ack);

/* Any thread. The door sensor's verdict e for command id on door (the device's state):
 * remembered for the attempt of that command in whatever state it is (the state may come
 * before the ack); one in AWAITING_ENTRY is done at once: opened, or unlocked-not-opened,
 * reason "door-sensor" (the loop is woken). 1 if an attempt has that command, else 0. */
int attempts_entry(struct attempts *t, const char *door, const char *id, enum attempt_entry e);

/* Loop: a DECIDING attempt whose command its device acked ok. If its verdict came already
 * it is returned and the attempt stays DECIDING (the caller finishes it); else ENTRY_NONE
 * and it waits in AWAITING_ENTRY until deadline_ms (monotonic), then ends unlocked,
 * reason "no-entry-report" (attempts_expire). -1 if h is not DECIDING. */
int attempts_await_entry(struct attempts *t, struct attempt_handle h, int64_t deadline_ms);

/* Any thread. Ends a waiting attempt early with result (e.g. the publish failed). */
void attempts_fail(struct attempts *t, struct attempt_handle h, enum gw_result result,
                   const char *reason);

/* Attempts waiting past their deadline are done: not-confirmed ("timeout"), or unconfirmed
 * with the flaw of the bad ack that came meanwhile; one awaiting its entry verdict
 * unlocked ("no-entry-report"). How many. */
int attempts_expire(struct attempts *t, int64_t now_ms);

/* Earliest deadline of a waiting attempt (ack or entry verdict), or -1 if none waits. */
int64_t attempts_next_deadline(struct attempts *t);

/* Loop: every DONE attempt goes back to DECIDING (for the finisher); their handles go into
 * done (at most cap). Returns how many. */
int attempts_collect(struct attempts *t, struct attempt_handle *done, int cap);

/* Loop: a DECIDING attempt with its outcome written and finished: FINISHED if its owner
 * still waits (returns the owner, to be woken), else freed (returns NULL). */
void *attempts_settle(struct attempts *t, struct attempt_handle h);

/* Loop: the owner's turn. A FINISHED attempt: copies its outcome to *out, frees it and
 * returns ATTEMPT_FINISHED. Else its state (ATTEMPT_FREE: not a live handle). */
enum attempt_state attempts_take(struct attempts *t, struct attempt_handle h,
                                 struct action_outcome *out);

/* Loop: the owner went away. An attempt still under way goes on and is finished without
 * anyone to tell; a FINISHED one is freed. */
void attempts_detach(struct attempts *t, struct attempt_handle h);

/* Owners of the attempts waiting for an ack or an entry verdict (owner not gone), at most
 * cap. How many. */
int attempts_waiting_owners(struct attempts *t, void **owners, int cap);

/* Loop: frees an attempt (wiped). */
void attempts_free(struct attempts *t, struct attempt_handle h);

#endif
