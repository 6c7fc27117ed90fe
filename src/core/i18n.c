/*
 * Looking messages up (i18n.h).  The state is one flag and one catalog
 * pointer, set once by the CLI before any message is formatted, like the
 * C library's own locale.
 */
#include <stddef.h>
#include <string.h>

#include "i18n.h"
#if PD_BUILTIN_CATALOG
#include "catalog.h"
#endif

static bool english;
#if PD_BUILTIN_CATALOG
static const pd__catalog *active;
#endif

void pd_i18n_force_english(bool on)
{
	english = on;
}

void pd_i18n_use(const char *lang)
{
#if PD_BUILTIN_CATALOG
	active = pd__catalog_find(lang);
#else
	(void)lang;
#endif
}

const char *pd_gettext(const char *msgid)
{
#if PD_BUILTIN_CATALOG
	const char *s;

	if (english || !active || !msgid || !*msgid)
		return msgid;
	s = pd__catalog_lookup(active, msgid, 0);
	return s ? s : msgid;
#elif PD_ENABLE_NLS
	/* "" would return the catalog's header. */
	return english || !msgid || !*msgid ? msgid : dgettext(PD_PACKAGE, msgid);
#else
	return msgid;
#endif
}

const char *pd_ngettext(const char *one, const char *many, unsigned long n)
{
#if PD_BUILTIN_CATALOG
	const char *s;

	if (!english && active) {
		s = pd__catalog_lookup(active, one, active->plural(n));
		if (s)
			return s;
	}
#elif PD_ENABLE_NLS
	if (!english)
		return dngettext(PD_PACKAGE, one, many, n);
#endif
	return n == 1 ? one : many;
}

/* Copies the language part of a locale name or language tag: up to '.'
 * or '@', '-' made '_', letters lower-cased in the language and
 * upper-cased after it ("zh-hans-cn" -> "zh_HANS_CN").  Written by hand:
 * tolower() depends on the locale. */
static void normalize(const char *name, char *out, size_t size)
{
	size_t i = 0;
	bool lang = true;

	for (; *name && *name != '.' && *name != '@' && i + 1 < size; name++) {
		char c = *name == '-' ? '_' : *name;

		if (c == '_')
			lang = false;
		else if (lang && c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		else if (!lang && c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		out[i++] = c;
	}
	out[i] = '\0';
}

/* Chinese written in simplified characters: zh, zh_CN, zh_SG, zh_Hans*.
 * zh_TW, zh_HK, zh_MO and zh_Hant* are traditional: no catalog. */
static bool simplified_chinese(const char *n)
{
	if (strncmp(n, "zh", 2) != 0 || (n[2] && n[2] != '_'))
		return false;
	if (!n[2] || strncmp(n + 3, "HANS", 4) == 0)
		return true;
	return strcmp(n + 3, "CN") == 0 || strcmp(n + 3, "SG") == 0;
}

const char *pd_i18n_match(const char *name)
{
	char n[32];

	if (!name || !*name)
		return NULL;
	if (strcmp(name, "C") == 0 || strncmp(name, "C.", 2) == 0 ||
	    strcmp(name, "POSIX") == 0)
		return "en";
	normalize(name, n, sizeof(n));
	if (strcmp(n, "en") == 0 || strncmp(n, "en_", 3) == 0)
		return "en";
	/* The languages of po/LINGUAS; only zh_CN so far. */
	if (simplified_chinese(n))
		return "zh_CN";
	return NULL;
}
