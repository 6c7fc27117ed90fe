/*
 * Where output goes: standard output, standard error, files.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <io.h>
#define isatty _isatty
#define fileno _fileno
#else
#include <unistd.h>
#endif

#include "cli.h"

void cli_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("portdoctor: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_write_stdout(const char *text)
{
	size_t n = strlen(text);

	if (fwrite(text, 1, n, stdout) != n || fflush(stdout) != 0) {
		/* A reader that went away (| head) is not an error to report. */
		if (errno == EPIPE)
			return 0;
		cli_error("cannot write output: %s", strerror(errno));
		return -1;
	}
	return 0;
}

bool cli_color(const cli_opts *o)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	if (o->color >= 0)
		return o->color == 1;
	if (nc && *nc)
		return false;
	if (term && strcmp(term, "dumb") == 0)
		return false;
	return isatty(fileno(stdout)) != 0;
}

/* Write to a temporary file beside path, then rename over it, so a full
 * disk or an interrupted run never leaves a half-written snapshot. */
int cli_write_file(const char *path, const char *text)
{
	size_t n = strlen(text), plen = strlen(path);
	char *tmp = malloc(plen + 16);
	FILE *f;
	int saved;

	if (!tmp) {
		cli_error("out of memory");
		return -1;
	}
	snprintf(tmp, plen + 16, "%s.tmp%05u", path, (unsigned)(rand() % 100000));
	f = fopen(tmp, "wb");
	if (!f) {
		cli_error("%s: %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	if (fwrite(text, 1, n, f) != n || fflush(f) != 0) {
		saved = errno;
		fclose(f);
		remove(tmp);
		cli_error("%s: %s", path, strerror(saved));
		free(tmp);
		return -1;
	}
	if (fclose(f) != 0) {
		saved = errno;
		remove(tmp);
		cli_error("%s: %s", path, strerror(saved));
		free(tmp);
		return -1;
	}
#ifdef _WIN32
	remove(path); /* rename() does not replace on Windows */
#endif
	if (rename(tmp, path) != 0) {
		saved = errno;
		remove(tmp);
		cli_error("%s: %s", path, strerror(saved));
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}
