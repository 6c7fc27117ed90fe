/*
 * Where output goes: standard output, standard error, files.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#ifdef _WIN32
#include <io.h>
#include <process.h>
#define isatty _isatty
#define fileno _fileno
#else
#include <unistd.h>
#endif
#ifndef O_BINARY
#define O_BINARY 0
#endif

#include "cli.h"
#include "core/sanitize.h"

/* Every line for people goes through here, so that on a Windows console
 * it is written as UTF-16 (wincon.c) and elsewhere as the UTF-8 bytes. */
int cli_write(FILE *f, const char *text, size_t n)
{
	int c = n ? cli_console_write(f, text, n) : 0;

	if (c != 0)
		return c > 0 ? 0 : -1;
	if (fwrite(text, 1, n, f) != n || fflush(f) != 0)
		return -1;
	return 0;
}

static int vout(FILE *f, const char *fmt, va_list ap)
{
	pd_buf b;
	int r;

	pd_buf_init(&b, 0);
	pd_buf_vprintf(&b, fmt, ap);
	r = pd_buf_error(&b) ? -1 : cli_write(f, b.data ? b.data : "", b.len);
	pd_buf_done(&b);
	return r;
}

int cli_printf(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vout(stdout, fmt, ap);
	va_end(ap);
	return r;
}

int cli_fprintf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vout(f, fmt, ap);
	va_end(ap);
	return r;
}

/* Every message goes through the one sanitizer (pd__term_escape): many
 * carry names from the machine (a process's comm, a container's name, a
 * file name), and an escape code in one must never reach the terminal. */
void cli_error(const char *fmt, ...)
{
	pd_buf msg, b;
	va_list ap;

	fflush(stdout);
	pd_buf_init(&msg, 64u * 1024u);
	pd_buf_init(&b, 0);
	va_start(ap, fmt);
	pd_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	pd_buf_puts(&b, "portdoctor: ");
	if (msg.data)
		pd__term_escape(&b, msg.data, msg.len, 0);
	else
		pd_buf_puts(&b, "(message lost: out of memory)");
	pd_buf_putc(&b, '\n');
	if (!pd_buf_error(&b))
		cli_write(stderr, b.data, b.len);
	pd_buf_done(&msg);
	pd_buf_done(&b);
}

int cli_write_stdout(const char *text)
{
	if (cli_write(stdout, text, strlen(text)) < 0) {
		/* A reader that went away (| head) is not an error to report. */
		if (errno == EPIPE)
			return 1;
		cli_error("cannot write output: %s", strerror(errno));
		return -1;
	}
	return 0;
}

bool cli_color(const cli_opts *o)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	/* --color=always still never sends escape codes to a Windows console
	 * that would print them as text. */
	if (o->color >= 0)
		return o->color == 1 && cli_console_color_ok();
	if (nc && *nc)
		return false;
	if (term && strcmp(term, "dumb") == 0)
		return false;
	return isatty(fileno(stdout)) != 0 && cli_console_color_ok();
}

int cli_picture(const cli_opts *o, const pd_snapshot *s, const pd_report *r)
{
	pd_render_opts ro;
	char *text = NULL;
	int rc;

	if (o->json || (!o->picture && !isatty(fileno(stdout))))
		return EXIT_OK;
	memset(&ro, 0, sizeof(ro));
	ro.color = cli_color(o);
	rc = pd_render_picture_text(s, r, &ro, &text);
	if (rc < 0) {
		cli_error("cannot format the output: %s", pd_strerror(rc));
		return EXIT_PROBE;
	}
	rc = cli_write_stdout(text);
	free(text);
	return rc < 0 ? EXIT_PROBE : EXIT_OK;
}

/* Writes all of text to an open descriptor; -1 with errno on failure. */
static int write_all(int fd, const char *text, size_t n)
{
	while (n) {
		ssize_t w = write(fd, text, n > 65536 ? 65536 : n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		text += w;
		n -= (size_t)w;
	}
	return 0;
}

/* A target that exists and is not a regular file (/dev/stdout, a FIFO,
 * /dev/full) is written in place: renaming over it would replace a device
 * node with a file. */
static int write_in_place(const char *path, const char *text, size_t n)
{
	int fd = open(path, O_WRONLY | O_APPEND);
	int saved;

	if (fd < 0 || write_all(fd, text, n) < 0) {
		saved = errno;
		if (fd >= 0)
			close(fd);
		cli_error("%s: %s", path, strerror(saved));
		return -1;
	}
	if (close(fd) != 0) {
		cli_error("%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Write to a new temporary file beside path (O_EXCL: never through a
 * planted link, never shared with a concurrent run), then rename it over
 * path, so a full disk or an interrupted run never leaves a half-written
 * snapshot. */
int cli_write_file(const char *path, const char *text)
{
	size_t n = strlen(text), plen = strlen(path);
	char *tmp = malloc(plen + 32);
	struct stat st;
	unsigned seed = (unsigned)time(NULL) ^ ((unsigned)getpid() << 8);
	int fd = -1, tries, saved;

	if (!tmp) {
		cli_error("out of memory");
		return -1;
	}
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		free(tmp);
		return write_in_place(path, text, n);
	}
	for (tries = 0; tries < 100 && fd < 0; tries++) {
		seed = seed * 1103515245u + 12345u;
		snprintf(tmp, plen + 32, "%s.tmp%08x", path, seed);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_BINARY, 0644);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		cli_error("%s: %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	if (write_all(fd, text, n) < 0) {
		saved = errno;
		close(fd);
		remove(tmp);
		cli_error("%s: %s", path, strerror(saved));
		free(tmp);
		return -1;
	}
	if (close(fd) != 0) {
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
