/*
 * Translated text.  Every string meant for people is written _("...")
 * (or N_("...") in a table, translated where it is shown, and
 * ngettext(one, many, n) where a number is shown); codes, JSON and
 * commands never are.  po/ holds the catalogs; `scripts/update-po`
 * extracts the strings and merges them into po/zh_CN.po.
 *
 * Two ways to look a string up, chosen by meson.build:
 *   - gettext (Linux): dgettext() on the installed portdoctor.mo, with the
 *     language from LANGUAGE, LC_ALL, LC_MESSAGES and LANG as gettext
 *     reads them;
 *   - the built-in catalog (Windows, or any build without libintl): the
 *     .po files turned into C tables at build time (po/po2c.py) and
 *     compiled into the program, so the exe needs no libintl DLL.
 * Either way the CLI picks the language (src/cli/lang.c) and can force
 * English, which --lang en and --json do (JSON is the same in every
 * language).
 */
#ifndef PD_I18N_H
#define PD_I18N_H

#include <stdbool.h>

#include "pd_config.h"

#if PD_ENABLE_NLS && !PD_BUILTIN_CATALOG
#include <libintl.h>
#endif

/* glibc may define ngettext as a macro; ours decides between English,
 * gettext and the built-in catalog. */
#undef ngettext

#if defined(__GNUC__)
#define PD_FORMAT_ARG(n) __attribute__((format_arg(n)))
#else
#define PD_FORMAT_ARG(n)
#endif

/* The translation of msgid, or msgid itself.  The result lives as long as
 * the program; never NULL for a non-NULL msgid. */
const char *pd_gettext(const char *msgid) PD_FORMAT_ARG(1);
/* one or many chosen by n through the catalog's plural rule; English
 * (n == 1 ? one : many) when there is no translation. */
const char *pd_ngettext(const char *one, const char *many, unsigned long n)
	PD_FORMAT_ARG(1) PD_FORMAT_ARG(2);

#define _(s) pd_gettext(s)
#define N_(s) s
#define ngettext(one, many, n) pd_ngettext(one, many, (unsigned long)(n))

/* English for every message from now on (true), or the language chosen
 * by pd_i18n_use() / the environment again (false). */
void pd_i18n_force_english(bool on);
/* The language a language tag or locale name names among the catalogs
 * compiled in or installed (PD_LINGUAS): "zh_CN" for "zh_CN.UTF-8",
 * "zh-CN", "zh-Hans-CN", "zh_SG" or "zh"; "en" for "en", "en_US...", "C",
 * "POSIX"; NULL for anything else (no catalog: English). */
const char *pd_i18n_match(const char *name);
/* Built-in catalog: use the catalog of lang (a pd_i18n_match() result);
 * "en" or NULL means English.  With gettext this does nothing: the
 * environment picks the catalog. */
void pd_i18n_use(const char *lang);

#endif
