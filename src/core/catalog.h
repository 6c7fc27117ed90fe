/*
 * The built-in message catalogs: po/<lang>.po turned into C tables by
 * po/po2c.py at build time (the generated pd_catalog.c), for builds
 * without libintl (the Windows exe).  Private to src/core (i18n.c) and the
 * unit test of the lookup.
 */
#ifndef PD_CATALOG_H
#define PD_CATALOG_H

#include <stddef.h>

typedef struct pd__catalog_entry {
	const char *msgid;
	/* The translation; for a plural message every form in order, each
	 * ended by a NUL (as in a .mo file). */
	const char *msgstr;
} pd__catalog_entry;

typedef struct pd__catalog {
	const char *lang; /* "zh_CN" */
	const pd__catalog_entry *entries; /* sorted by strcmp() of msgid */
	size_t n_entries;
	unsigned long (*plural)(unsigned long n); /* the Plural-Forms rule */
} pd__catalog;

extern const pd__catalog pd__catalogs[];
extern const size_t pd__n_catalogs;

/* The catalog of lang, or NULL. */
const pd__catalog *pd__catalog_find(const char *lang);
/* The translation of msgid (form: which plural form), or NULL when the
 * catalog has none. */
const char *pd__catalog_lookup(const pd__catalog *c, const char *msgid,
                               unsigned long form);

#endif
