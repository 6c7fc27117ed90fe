/*
 * src/wsl/: WSL's own settings, read as text (wslconfig.c).  Pure: no OS
 * calls, no I/O.  May include: include/portdoctor.  Included by:
 * src/probe/win (it reads %UserProfile%\.wslconfig and hands the text
 * over).
 *
 * Why it matters: in mirrored networking mode WSL shares Windows' port
 * space and reserves ports for its distributions that show in no excluded
 * range and no socket list; Windows programs then fail to bind them with
 * 10013 or 10048 until `wsl --shutdown` (microsoft/WSL#40169, #12228).
 */
#ifndef PD_WSL_H
#define PD_WSL_H

#include <stddef.h>

#include "portdoctor/portdoctor.h"

/* Longer .wslconfig files fail with PD_ETOOBIG: real ones are a few
 * hundred bytes. */
#define PD_WSLCONFIG_MAX_INPUT (1024u * 1024u)

typedef enum pd_wsl_netmode {
	PD_WSL_NET_NAT = 0,      /* the default: not set, or "nat" */
	PD_WSL_NET_MIRRORED = 1, /* networkingMode=mirrored */
	PD_WSL_NET_OTHER = 2     /* "none", "virtioproxy", "bridged", ... */
} pd_wsl_netmode;

/*
 * The networking mode that %UserProfile%\.wslconfig sets: text[0..len),
 * never read past len, need not be NUL-terminated.  0 with *ret_mode, or
 * PD_EINVAL (NULL arguments) or PD_ETOOBIG; *ret_mode is then untouched.
 */
int pd_wslconfig_netmode(const char *text, size_t len,
                         pd_wsl_netmode *ret_mode);

#endif
