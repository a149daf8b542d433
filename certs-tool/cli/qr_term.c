/* qr_term.c - shows a short text (the enrollment link) as a QR code in a terminal with
 * libqrencode: UTF-8 half blocks, two module rows per text line, light modules drawn,
 * with a quiet zone; optionally forced white-on-black with ANSI colours. */
#include "qr_term.h"

#include <qrencode.h>

#include "diag.h"

#define QUIET 2 /* modules of light border around the code */

int lk_qr_print(FILE *f, const char *text, int ansi)
{
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    int size, y, x, ok = 1;
    if (qr == NULL) {
        lk_err("cannot encode the link as a QR code");
        return -1;
    }
    size = qr->width + 2 * QUIET;
    for (y = 0; y < size && ok; y += 2) {
        if (ansi && fputs("\033[40;97m", f) < 0)
            ok = 0;
        for (x = 0; x < size && ok; x++) {
            /* light = outside the code, or a module whose lowest bit (dark) is clear */
            int mx = x - QUIET, ty = y - QUIET, by = y + 1 - QUIET;
            int top = mx < 0 || mx >= qr->width || ty < 0 || ty >= qr->width ||
                      !(qr->data[ty * qr->width + mx] & 1);
            int bottom = y + 1 >= size ? 0 :
                         (mx < 0 || mx >= qr->width || by < 0 || by >= qr->width ||
                          !(qr->data[by * qr->width + mx] & 1));
            const char *glyph = top && bottom ? "\xe2\x96\x88" /* full block */
                              : top           ? "\xe2\x96\x80" /* upper half */
                              : bottom        ? "\xe2\x96\x84" /* lower half */
                                              : " ";
            if (fputs(glyph, f) < 0)
                ok = 0;
        }
        if (ok && fputs(ansi ? "\033[0m\n" : "\n", f) < 0)
            ok = 0;
    }
    QRcode_free(qr);
    if (!ok) {
        lk_err("cannot write the QR code");
        return -1;
    }
    return 0;
}
