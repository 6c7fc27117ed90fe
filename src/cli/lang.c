/*
 * Which language messages are printed in (src/core/i18n.h looks them up).
 *
 * `--lang zh_CN|en` wins everywhere.  Without it:
 *   - gettext (Linux): LANGUAGE, LC_ALL, LC_MESSAGES and LANG, exactly as
 *     gettext reads them (C and POSIX give English); the catalogs are
 *     looked up under $PORTDOCTOR_LOCALEDIR, else the install's localedir;
 *   - the built-in catalog (Windows): the same variables in the same
 *     order, then the user's Windows display language.
 * Text inside portdoctor is UTF-8 from end to end: the library formats
 * messages and the renderers check and escape outside text as UTF-8
 * (src/core/sanitize.c), so gettext must hand out UTF-8.  A locale whose
 * charset is not UTF-8 but holds Chinese (zh_CN.GB18030, zh_CN.GBK) gets
 * its own bytes: standard output and error convert on the way out
 * (charset.c).  One that cannot hold Chinese (en_US.ISO-8859-1) gets
 * English, rather than bytes its terminal would turn into mojibake.  An
 * explicit --lang zh_CN in the C locale (whose "charset" is ASCII:
 * usually no locale set at all, as in a container, not an ASCII
 * terminal) gets UTF-8.
 */
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/i18n.h"
#ifdef _WIN32
#include <windows.h>
#elif PD_ENABLE_NLS && !PD_BUILTIN_CATALOG
#include <langinfo.h>
#endif

/* The value of --lang (or --lang=...) before "--", or NULL. */
static const char *lang_arg(int argc, char **argv)
{
	const char *v = NULL;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strncmp(argv[i], "--lang=", 7) == 0)
			v = argv[i] + 7;
		else if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc)
			v = argv[++i];
	}
	return v;
}

#if PD_BUILTIN_CATALOG
/* The first of LC_ALL, LC_MESSAGES, LANG that is set, as the C library
 * picks the locale of messages. */
static const char *locale_env(void)
{
	static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
	size_t i;

	for (i = 0; i < 3; i++) {
		const char *v = getenv(vars[i]);

		if (v && *v)
			return v;
	}
	return NULL;
}

/* LANGUAGE (a colon-separated list, first one with a catalog) unless the
 * locale is C, then the locale variables; false when none is set. */
static bool env_language(const char **ret)
{
	const char *loc = locale_env(), *list = getenv("LANGUAGE");
	char item[64];

	if (list && *list && !(loc && (strcmp(loc, "C") == 0 ||
	                               strcmp(loc, "POSIX") == 0))) {
		while (*list) {
			size_t n = strcspn(list, ":");

			if (n && n < sizeof(item)) {
				memcpy(item, list, n);
				item[n] = '\0';
				if (pd_i18n_match(item)) {
					*ret = pd_i18n_match(item);
					return true;
				}
			}
			list += n + (list[n] == ':');
		}
	}
	if (!loc)
		return false;
	*ret = pd_i18n_match(loc);
	return true;
}

#ifdef _WIN32
/* The user's display language: the first of GetUserPreferredUILanguages
 * (language names such as "zh-CN", a list ending in two NULs;
 * https://learn.microsoft.com/windows/win32/api/winnls/nf-winnls-getuserpreferreduilanguages),
 * else the LANGID of GetUserDefaultUILanguage. */
static const char *system_language(void)
{
	WCHAR names[256];
	ULONG n = 0, size = sizeof(names) / sizeof(names[0]);
	char name[64];
	size_t i;
	LANGID id;

	if (GetUserPreferredUILanguages(MUI_LANGUAGE_NAME, &n, names, &size) &&
	    n > 0) {
		for (i = 0; i + 1 < sizeof(name) && names[i] && names[i] < 0x80; i++)
			name[i] = (char)names[i];
		name[i] = '\0';
		return pd_i18n_match(name);
	}
	id = GetUserDefaultUILanguage();
	if (PRIMARYLANGID(id) == LANG_CHINESE &&
	    (SUBLANGID(id) == SUBLANG_CHINESE_SIMPLIFIED ||
	     SUBLANGID(id) == SUBLANG_CHINESE_SINGAPORE))
		return "zh_CN";
	return NULL;
}
#else
static const char *system_language(void)
{
	return NULL;
}
#endif

static void choose(const char *lang)
{
	if (!lang && !env_language(&lang))
		lang = system_language();
	pd_i18n_use(lang);
}

#elif PD_ENABLE_NLS
static void choose(const char *lang)
{
	const char *dir = getenv("PORTDOCTOR_LOCALEDIR");
	const char *msg, *cs;

	bindtextdomain(PD_PACKAGE, dir && *dir ? dir : PD_LOCALEDIR);
	if (lang && strcmp(lang, "en") == 0) {
		pd_i18n_force_english(true);
		return;
	}
	if (lang) {
		/* gettext reads LANGUAGE first, but not in the C locale. */
		setenv("LANGUAGE", lang, 1);
		msg = setlocale(LC_MESSAGES, NULL);
		if (!msg || strcmp(msg, "C") == 0 || strcmp(msg, "POSIX") == 0)
			setlocale(LC_MESSAGES, "C.UTF-8");
	}
	cs = nl_langinfo(CODESET);
	if (strcmp(cs, "UTF-8") == 0)
		return;
	if ((lang && (strcmp(cs, "ANSI_X3.4-1968") == 0 ||
	              strcmp(cs, "ASCII") == 0)) || cli_charset_convert(cs) == 0)
		bind_textdomain_codeset(PD_PACKAGE, "UTF-8");
	else
		pd_i18n_force_english(true);
}

#else
static void choose(const char *lang)
{
	(void)lang;
}
#endif

void cli_lang_machine_output(void)
{
	pd_i18n_force_english(true);
	cli_charset_restore();
}

int cli_lang_init(int argc, char **argv, char *err, size_t errsize)
{
	const char *v = lang_arg(argc, argv), *lang = NULL;

	setlocale(LC_ALL, "");
	if (v) {
		lang = pd_i18n_match(v);
		if (!lang) {
			choose(NULL);
			snprintf(err, errsize,
			         _("--lang takes zh_CN or en, not '%s'"), v);
			return -1;
		}
	}
	choose(lang);
	return 0;
}
