/*
 * Display width of UTF-8 text, for tables that line up in a terminal in
 * every language: a CJK character takes two columns, a combining mark
 * none.
 */
#ifndef PD_WIDTH_H
#define PD_WIDTH_H

#include <stddef.h>

#include "buf.h"

/* The columns s takes on a terminal.  Bytes that are not valid UTF-8
 * count one column each; control characters none. */
size_t pd_text_width(const char *s);
/* Appends s, then spaces up to cols columns (none when s is wider). */
int pd_buf_put_padded(pd_buf *b, const char *s, size_t cols);

#endif
