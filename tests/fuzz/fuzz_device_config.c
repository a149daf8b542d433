/* fuzz_device_config.c - libFuzzer harness for the device's INI config parser
 * (lkp_config_parse, text only, no file access). Invariants: the one-line error is set
 * exactly when parsing fails, and an accepted config holds valid names and ranges. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_entry.h"
#include "config.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lkp_config cfg;
    char err[256];
    char *text = malloc(size + 1);
    int rc;

    CHECK(text != NULL);
    if (size > 0)
        memcpy(text, data, size);
    text[size] = '\0';
    rc = lkp_config_parse(text, "fuzz.conf", &cfg, err, sizeof err);
    CHECK(memchr(err, '\0', sizeof err) != NULL && strchr(err, '\n') == NULL);
    if (rc == 0) {
        CHECK(lk_name_valid(cfg.site, strlen(cfg.site)) && lk_name_valid(cfg.door, strlen(cfg.door)));
        CHECK(cfg.host[0] != '\0' && cfg.port >= 1 && cfg.ca[0] && cfg.cert[0] && cfg.key[0]);
        CHECK(cfg.pulse_ms >= LK_RELAY_PULSE_MIN_MS && cfg.pulse_ms <= LK_RELAY_PULSE_MAX_MS);
        CHECK(cfg.keepalive_s >= LKP_KEEPALIVE_S_MIN && cfg.keepalive_s <= LKP_KEEPALIVE_S_MAX);
        CHECK(cfg.backend == LKP_RELAY_SIM && cfg.sim_log[0] != '\0');
    } else {
        CHECK(rc == -1 && err[0] != '\0');
    }
    /* A tiny error buffer is never overrun. */
    CHECK(lkp_config_parse(text, "fuzz.conf", &cfg, err, 8) == rc);
    CHECK(memchr(err, '\0', 8) != NULL);
    free(text);
    return 0;
}
