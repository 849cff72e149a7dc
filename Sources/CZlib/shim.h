#ifndef WINNOW_CZLIB_SHIM_H
#define WINNOW_CZLIB_SHIM_H
#include <zlib.h>

/** deflateInit2 is a macro; this starts a gzip-wrapped (windowBits 31) deflate stream. */
static inline int winnow_deflate_init_gzip(z_streamp stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
}

/** inflateInit2 is a macro; this starts an inflate stream that accepts gzip or zlib (windowBits 47). */
static inline int winnow_inflate_init_auto(z_streamp stream) {
    return inflateInit2(stream, 47);
}
#endif
