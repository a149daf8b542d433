/* result.c - names, HTTP statuses and messages of action results (docs/protocol.md,
 * "Gateway answers"). */
#include "result.h"

const char *gw_result_name(enum gw_result r)
{
    switch (r) {
    case GW_OPENED: return "opened";
    case GW_REJECTED: return "rejected";
    case GW_WRONG_PIN: return "wrong-pin";
    case GW_FORBIDDEN: return "forbidden";
    case GW_NOT_CONFIRMED: return "not-confirmed";
    case GW_BROKER_UNAVAILABLE: return "broker-unavailable";
    case GW_BAD_REQUEST: return "bad-request";
    case GW_LOCKED: return "locked";
    case GW_AUDIT_UNAVAILABLE: return "audit-unavailable";
    case GW_BUSY: return "busy";
    case GW_UNCONFIRMED: return "unconfirmed";
    case GW_OUTSIDE_SCHEDULE: return "outside-schedule";
    case GW_OFFLINE: return "offline";
    case GW_UNLOCKED_NOT_OPENED: return "unlocked-not-opened";
    case GW_UNLOCKED: return "unlocked";
    }
    return "bad-request";
}

unsigned int gw_result_http_status(enum gw_result r)
{
    switch (r) {
    case GW_OPENED: return 200;
    case GW_REJECTED: return 409;
    case GW_WRONG_PIN:
    case GW_FORBIDDEN: return 403;
    case GW_NOT_CONFIRMED: return 504;
    case GW_BROKER_UNAVAILABLE: return 503;
    case GW_BAD_REQUEST: return 400;
    case GW_LOCKED: return 403;
    case GW_AUDIT_UNAVAILABLE: return 503;
    case GW_BUSY: return 429;
    case GW_UNCONFIRMED: return 502;
    case GW_OUTSIDE_SCHEDULE: return 403;
    case GW_OFFLINE: return 503;
    case GW_UNLOCKED_NOT_OPENED:
    case GW_UNLOCKED: return 200; /* the command was carried out: the door was unlocked */
    }
    return 400;
}

const char *gw_result_message(enum gw_result r)
{
    switch (r) {
    case GW_OPENED: return "The door was opened.";
    case GW_REJECTED: return "The door refused the command.";
    case GW_WRONG_PIN: return "Wrong PIN.";
    case GW_FORBIDDEN: return "You may not open this door.";
    case GW_NOT_CONFIRMED: return "The door did not confirm in time. It may or may not have opened.";
    case GW_BROKER_UNAVAILABLE: return "The door service is unreachable right now. Nothing was sent.";
    case GW_BAD_REQUEST: return "Bad request.";
    case GW_LOCKED: return "Too many wrong PINs: locked for now.";
    case GW_AUDIT_UNAVAILABLE:
        return "The gateway cannot record this attempt right now, so it opens nothing. Nothing was sent.";
    case GW_BUSY: return "Too much is waiting right now. Nothing was sent; try again in a moment.";
    case GW_UNCONFIRMED:
        return "The door's answer could not be verified. It may or may not have opened.";
    case GW_OUTSIDE_SCHEDULE:
        return "Not now: outside your schedule for this door. Nothing was sent.";
    case GW_OFFLINE: return "The door is offline. Nothing was sent.";
    case GW_UNLOCKED_NOT_OPENED: return "Unlocked, but the door was not opened.";
    case GW_UNLOCKED: return "The door was unlocked; its sensor did not say whether it was opened.";
    }
    return "Bad request.";
}
