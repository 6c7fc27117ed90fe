/*
 * Looking a message up in a built-in catalog (catalog.h): a binary search
 * over the table po/po2c.py sorted by msgid.  Used instead of libintl
 * where there is none (the Windows exe): a static libintl would also need
 * a static libiconv cross-built beside it, and its catalogs would be files
 * to ship beside the exe; a table in the program is neither.
 */
#include <string.h>

#include "catalog.h"

const pd__catalog *pd__catalog_find(const char *lang)
{
	size_t i;

	for (i = 0; lang && i < pd__n_catalogs; i++)
		if (strcmp(pd__catalogs[i].lang, lang) == 0)
			return &pd__catalogs[i];
	return NULL;
}

const char *pd__catalog_lookup(const pd__catalog *c, const char *msgid,
                               unsigned long form)
{
	size_t lo = 0, hi = c->n_entries;
	const char *s;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = strcmp(msgid, c->entries[mid].msgid);

		if (d == 0) {
			s = c->entries[mid].msgstr;
			/* Step over the forms before the one asked for; an
			 * empty form (none written) means untranslated. */
			while (form-- > 0 && *s)
				s += strlen(s) + 1;
			return *s ? s : NULL;
		}
		if (d < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}
