/*
 * Translation-ready text.  Every user-facing string is written as _("...")
 * so that a message catalog (a Chinese one first) can follow without
 * touching the code.  Builds without gettext (the Windows build) get the
 * English text.
 */
#ifndef PD_I18N_H
#define PD_I18N_H

#include "pd_config.h"

#if PD_ENABLE_NLS
#include <libintl.h>
#define _(s) dgettext(PD_PACKAGE, s)
#else
#define _(s) (s)
#endif
#define N_(s) s

#endif
