/* icons_png.h - the PNG icons of the page (web/icons/icon-SIZE.png, drawn by
 * scripts/make-icons.py), compiled in as byte arrays by gateway/CMakeLists.txt. */
#ifndef GW_ICONS_PNG_H
#define GW_ICONS_PNG_H

#include <stddef.h>

extern const unsigned char icon_png_180[], icon_png_192[], icon_png_512[];
extern const size_t icon_png_180_len, icon_png_192_len, icon_png_512_len;

#endif
