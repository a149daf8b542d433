/* qr_term.h - a QR code on the terminal (enroll's link). */
#ifndef LK_CERTS_QR_TERM_H
#define LK_CERTS_QR_TERM_H

#include <stdio.h>

/* Prints text as a QR code of UTF-8 half blocks (two module rows per line) on f; with
 * ansi, forces white-on-black colours so it scans on any terminal background. */
int lk_qr_print(FILE *f, const char *text, int ansi);

#endif
