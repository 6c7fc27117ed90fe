/*
 * Output in the locale's own character set.  Inside portdoctor text is
 * UTF-8 from end to end (gettext hands it out so, src/core/sanitize.c
 * checks outside text as UTF-8), but a terminal in a zh_CN.GB18030 locale
 * shows GB18030: there, standard output and standard error become
 * streams that convert what is written to them on its way out, so
 * Chinese arrives as the terminal's own bytes.  A charset that cannot
 * hold the catalog (ISO-8859-1) is not converted to: the CLI prints
 * English there instead (lang.c).  JSON is UTF-8 by definition and is
 * written unconverted (cli_charset_restore()).
 *
 * fopencookie() (glibc) is what makes a FILE from two functions; glibc
 * lets a program assign stdout and stderr.  Without it (Windows, where
 * the console takes UTF-16 anyway) nothing is converted.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "pd_config.h"
#if PD_HAVE_FOPENCOOKIE
#include <iconv.h>
#include <sys/types.h>
#endif

#if PD_HAVE_FOPENCOOKIE
typedef struct conv {
	FILE *to;          /* the stream this one replaced */
	iconv_t cd;        /* UTF-8 -> the locale's charset */
	char carry[4];     /* an incomplete UTF-8 sequence from the last write */
	size_t n_carry;
} conv;

static FILE *replaced[2], *wrapper[2];

/* The length of the UTF-8 sequence that starts with byte b (1 for a
 * byte that starts none), so an unconvertible character becomes one '?'. */
static size_t seq_len(unsigned char b)
{
	return b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
}

/* Converts in[0..*len) to c->to; what is left of an incomplete sequence at
 * the end stays in c->carry.  -1 when c->to refuses the bytes. */
static int put_converted(conv *c, char *in, size_t len)
{
	char out[8192];

	while (len) {
		char *o = out;
		size_t room = sizeof(out), r = iconv(c->cd, &in, &len, &o, &room);
		int e = errno;

		if (o > out && fwrite(out, 1, (size_t)(o - out), c->to) !=
		               (size_t)(o - out))
			return -1;
		if (r != (size_t)-1 || e == E2BIG)
			continue;
		if (e == EINVAL && len < sizeof(c->carry)) {
			memcpy(c->carry, in, len);
			c->n_carry = len;
			return 0;
		}
		/* EILSEQ: not UTF-8, or a character the charset lacks. */
		if (fputc('?', c->to) == EOF)
			return -1;
		r = seq_len((unsigned char)*in);
		r = r < len ? r : len;
		in += r;
		len -= r;
	}
	return 0;
}

static ssize_t conv_write(void *cookie, const char *buf, size_t n)
{
	conv *c = cookie;
	char in[4096 + sizeof(c->carry)];
	size_t done = 0;

	while (done < n) {
		size_t take = n - done < 4096 ? n - done : 4096, len = c->n_carry;

		memcpy(in, c->carry, len);
		memcpy(in + len, buf + done, take);
		c->n_carry = 0;
		done += take;
		if (put_converted(c, in, len + take) < 0)
			return -1;
	}
	return fflush(c->to) == 0 ? (ssize_t)n : -1;
}

static int conv_close(void *cookie)
{
	conv *c = cookie;
	int r = fflush(c->to);

	iconv_close(c->cd);
	free(c);
	return r;
}

/* Whether cs can write Chinese: converts a sample, "端口" (port). */
static bool holds_catalog(const char *cs)
{
	char sample[] = "\xe7\xab\xaf\xe5\x8f\xa3", out[16];
	char *in = sample, *o = out;
	size_t inleft = sizeof(sample) - 1, outleft = sizeof(out);
	iconv_t cd = iconv_open(cs, "UTF-8");
	bool ok;

	if (cd == (iconv_t)-1)
		return false;
	ok = iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1 && !inleft;
	iconv_close(cd);
	return ok;
}

int cli_charset_convert(const char *cs)
{
	cookie_io_functions_t fns = {NULL, conv_write, NULL, conv_close};
	int i;

	if (wrapper[0] || !holds_catalog(cs))
		return -1;
	for (i = 0; i < 2; i++) {
		FILE *std = i ? stderr : stdout;
		conv *c = calloc(1, sizeof(*c));

		if (!c)
			break;
		c->to = std;
		c->cd = iconv_open(cs, "UTF-8");
		wrapper[i] = c->cd == (iconv_t)-1 ? NULL :
		             fopencookie(c, "w", fns);
		if (!wrapper[i]) {
			if (c->cd != (iconv_t)-1)
				iconv_close(c->cd);
			free(c);
			break;
		}
		/* Line by line, as a terminal expects; errors at once. */
		setvbuf(wrapper[i], NULL, i ? _IONBF : _IOLBF, 0);
		replaced[i] = std;
	}
	if (!wrapper[0] || !wrapper[1]) {
		cli_charset_restore();
		return -1;
	}
	stdout = wrapper[0];
	stderr = wrapper[1];
	/* At exit: flush what is left and free the converters. */
	atexit(cli_charset_restore);
	return 0;
}

void cli_charset_restore(void)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (!wrapper[i])
			continue;
		fclose(wrapper[i]);
		if (i)
			stderr = replaced[i];
		else
			stdout = replaced[i];
		wrapper[i] = NULL;
	}
}
#else
int cli_charset_convert(const char *cs)
{
	(void)cs;
	return -1;
}

void cli_charset_restore(void)
{
}
#endif
