/*
 * HTTP/1.1 response framing for the engine client.  Pure: the probe reads
 * bytes into a buffer and asks, after each read, whether the response is
 * whole yet.
 *
 * Only what an engine sends is handled: a status line, headers, and a
 * body delimited by Content-Length, by chunked transfer-coding (Docker's
 * Go server chunks any body larger than its 4 KiB write buffer), or by the
 * end of the connection (we send "Connection: close").  Everything is
 * bounded: 64 KiB of header, max_body of body, 8 hex digits of chunk size.
 * Header names compare without tolower(), which depends on the locale.
 */
#include <stdlib.h>
#include <string.h>

#include "core/ascii.h"
#include "core/buf.h"
#include "docker.h"

#define HEADER_MAX (64u * 1024u)

static bool has_token(const char *s, size_t n, const char *w)
{
	size_t wl = strlen(w), i;

	for (i = 0; i + wl <= n; i++)
		if (pd__ascii_ieq(s + i, wl, w))
			return true;
	return false;
}

/* Where the header ends: the offset of the body, or 0 when not yet seen.
 * Bare LF line ends are accepted too. */
static size_t header_end(const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (buf[i + 1] == '\n')
			return i + 2;
		if (buf[i + 1] == '\r' && i + 2 < len && buf[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

static size_t trim_len(const char *s, size_t n)
{
	while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n;
}

static int parse_decimal(const char *s, size_t n, size_t max, size_t *ret)
{
	size_t v = 0, i;

	if (!n)
		return PD_EPARSE;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return PD_EPARSE;
		if (v > (max - (size_t)(s[i] - '0')) / 10)
			return PD_ETOOBIG;
		v = v * 10 + (size_t)(s[i] - '0');
	}
	*ret = v;
	return 0;
}

typedef struct head {
	int status;
	bool chunked;
	bool has_length;
	size_t length;
	const char *server;
	size_t server_len;
} head;

static int parse_head(const char *buf, size_t hlen, size_t max_body, head *h)
{
	const char *p = buf, *end = buf + hlen, *nl, *cl = NULL;
	size_t n, cl_len = 0;
	int r;

	memset(h, 0, sizeof(*h));
	nl = memchr(p, '\n', (size_t)(end - p));
	if (!nl)
		return PD_EPARSE;
	n = trim_len(p, (size_t)(nl - p));
	/* "HTTP/1.1 200 OK" */
	if (n < 12 || memcmp(p, "HTTP/1.", 7) != 0 || p[8] != ' ' ||
	    p[9] < '1' || p[9] > '5' || p[10] < '0' || p[10] > '9' ||
	    p[11] < '0' || p[11] > '9' || (n > 12 && p[12] != ' '))
		return PD_EPARSE;
	h->status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
	for (p = nl + 1; p < end; p = nl + 1) {
		const char *colon, *v;
		size_t vn;

		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;
		n = trim_len(p, (size_t)(nl - p));
		if (!n)
			break; /* the blank line */
		colon = memchr(p, ':', n);
		if (!colon || colon == p)
			return PD_EPARSE;
		v = colon + 1;
		while (v < p + n && (*v == ' ' || *v == '\t'))
			v++;
		vn = (size_t)(p + n - v);
		if (pd__ascii_ieq(p, (size_t)(colon - p), "content-length")) {
			cl = v;
			cl_len = vn;
		} else if (pd__ascii_ieq(p, (size_t)(colon - p), "transfer-encoding")) {
			h->chunked = has_token(v, vn, "chunked");
		} else if (pd__ascii_ieq(p, (size_t)(colon - p), "server")) {
			h->server = v;
			h->server_len = vn;
		}
	}
	/* Transfer-Encoding overrides Content-Length (RFC 9112 6.3). */
	if (cl && !h->chunked) {
		r = parse_decimal(cl, cl_len, max_body, &h->length);
		if (r < 0)
			return r;
		h->has_length = true;
	}
	return 0;
}

/* Walks the chunks of b[0, n).  With out, copies the data there (the
 * caller sized it from a first walk).  Returns 1 when the last chunk and
 * the trailer were seen (*ret_size: the data's size), 0 when more input is
 * needed, or a PD_E* code. */
static int walk_chunks(const char *b, size_t n, size_t max_body, char *out,
                       size_t *ret_size)
{
	size_t pos = 0, total = 0;

	for (;;) {
		size_t size = 0, digits = 0, eol;
		const char *nl;

		nl = memchr(b + pos, '\n', n - pos);
		if (!nl)
			return n - pos > 1024 ? PD_EPARSE : 0;
		eol = (size_t)(nl - b);
		while (pos < eol && pd__hexval((unsigned char)b[pos]) >= 0) {
			if (++digits > 8)
				return PD_ETOOBIG;
			size = size * 16 + (size_t)pd__hexval((unsigned char)b[pos]);
			pos++;
		}
		/* Chunk extensions (";name=value") are allowed and ignored. */
		if (!digits || (pos < eol && b[pos] != ';' && b[pos] != '\r' &&
		                b[pos] != ' ' && b[pos] != '\t'))
			return PD_EPARSE;
		pos = eol + 1;
		if (size == 0)
			break;
		if (size > max_body - total)
			return PD_ETOOBIG;
		if (n - pos < size)
			return 0;
		if (out)
			memcpy(out + total, b + pos, size);
		total += size;
		pos += size;
		/* The CRLF after the data. */
		if (pos < n && b[pos] == '\r')
			pos++;
		if (pos >= n)
			return 0;
		if (b[pos] != '\n')
			return PD_EPARSE;
		pos++;
	}
	/* Trailer fields, then a blank line. */
	for (;;) {
		const char *nl = memchr(b + pos, '\n', n - pos);
		size_t ln;

		if (!nl)
			return n - pos > HEADER_MAX ? PD_ETOOBIG : 0;
		ln = trim_len(b + pos, (size_t)(nl - (b + pos)));
		pos = (size_t)(nl - b) + 1;
		if (!ln)
			break;
	}
	*ret_size = total;
	return 1;
}

int pd__http_parse(const char *buf, size_t len, bool eof, size_t max_body,
                   bool *ret_complete, pd_http_response *ret)
{
	size_t hlen = header_end(buf, len), avail, size = 0;
	const char *body;
	pd_http_response resp;
	head h;
	int r;

	if (!hlen) {
		if (len > HEADER_MAX)
			return PD_ETOOBIG;
		if (eof)
			return PD_EPARSE;
		*ret_complete = false;
		return 0;
	}
	if (hlen > HEADER_MAX)
		return PD_ETOOBIG;
	r = parse_head(buf, hlen, max_body, &h);
	if (r < 0)
		return r;
	body = buf + hlen;
	avail = len - hlen;
	if (h.status == 204 || h.status == 304 || h.status < 200) {
		size = 0;
	} else if (h.chunked) {
		r = walk_chunks(body, avail, max_body, NULL, &size);
		if (r < 0)
			return r;
		if (r == 0) {
			if (eof)
				return PD_EPARSE;
			*ret_complete = false;
			return 0;
		}
	} else if (h.has_length) {
		if (avail < h.length) {
			if (eof)
				return PD_EPARSE;
			*ret_complete = false;
			return 0;
		}
		size = h.length;
	} else {
		if (avail > max_body)
			return PD_ETOOBIG;
		if (!eof) {
			*ret_complete = false;
			return 0;
		}
		size = avail;
	}
	memset(&resp, 0, sizeof(resp));
	resp.status = h.status;
	resp.body = malloc(size + 1);
	if (!resp.body)
		return PD_ENOMEM;
	/* size is 0 when the status has no body (1xx, 204, 304), even if the
	 * head says chunked: then nothing was sized, so nothing is copied. */
	if (h.chunked && size)
		walk_chunks(body, avail, max_body, resp.body, &size);
	else
		memcpy(resp.body, body, size);
	resp.body[size] = '\0';
	resp.body_len = size;
	if (h.server) {
		resp.server = pd__strndup(h.server, h.server_len);
		if (!resp.server) {
			free(resp.body);
			return PD_ENOMEM;
		}
	}
	*ret = resp;
	*ret_complete = true;
	return 0;
}

void pd__http_response_done(pd_http_response *r)
{
	if (!r)
		return;
	free(r->body);
	free(r->server);
	memset(r, 0, sizeof(*r));
}
