/*
 * Compose variable interpolation and .env files.
 *
 * The rules are compose-go's template package: "$$" is a literal "$";
 * "$NAME" and "${NAME}" substitute; inside braces ":-" and "-" give a
 * default (":-" also when the value is empty, "-" only when unset), ":?"
 * and "?" make the variable required, ":+" and "+" give a replacement when
 * it is set.  Defaults may hold further interpolation ("${A:-${B}}").  A
 * "$" that starts no name is kept; "${" that starts no valid name is an
 * error, as in Compose.  An unset variable becomes "" (Compose warns).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "compose.h"

#define MAX_DEPTH 16 /* nesting of ${A:-${B:-...}} */

const char *pd_compose_env_get(const pd_compose_env *env, const char *key,
                               size_t keylen)
{
	size_t i;

	for (i = 0; env && i < env->n_vars; i++) {
		const char *kv = env->vars[i];

		if (strncmp(kv, key, keylen) == 0 && kv[keylen] == '=')
			return kv + keylen + 1;
	}
	return NULL;
}

static bool name_start(char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool name_char(char c)
{
	return name_start(c) || (c >= '0' && c <= '9');
}

typedef struct interp {
	const pd_compose_env *env;
	char *unset_var;
	size_t unset_size;
	char *err;
	size_t errsize;
} interp;

static void note_unset(interp *in, const char *name, size_t n)
{
	if (in->unset_var && in->unset_size && !in->unset_var[0])
		snprintf(in->unset_var, in->unset_size, "%.*s", (int)n, name);
}

/* The end of the braced expression starting after "${" at s[i]: the
 * index of its closing brace, counting nested "${...}", or len. */
static size_t closing_brace(const char *s, size_t i, size_t len)
{
	int depth = 0;

	for (; i < len; i++) {
		if (s[i] == '$' && i + 1 < len && s[i + 1] == '{') {
			depth++;
			i++;
		} else if (s[i] == '}') {
			if (!depth)
				return i;
			depth--;
		}
	}
	return len;
}

static int expand(interp *in, const char *s, size_t len, int depth, pd_buf *b);

/* One "${...}" body (between the braces). */
static int braced(interp *in, const char *s, size_t len, int depth, pd_buf *b)
{
	size_t n = 0;
	const char *val, *op, *arg;
	bool colon = false;
	size_t oplen = 0, arglen;

	while (n < len && name_char(s[n]))
		n++;
	if (!n || !name_start(s[0]))
		goto invalid;
	val = pd_compose_env_get(in->env, s, n);
	op = s + n;
	if (n == len) {
		if (!val)
			note_unset(in, s, n);
		return pd_buf_puts(b, val ? val : "");
	}
	if (*op == ':') {
		colon = true;
		op++;
		oplen = 1;
	}
	if ((size_t)(op - s) >= len || (*op != '-' && *op != '?' && *op != '+'))
		goto invalid;
	oplen++;
	arg = s + n + oplen;
	arglen = len - n - oplen;
	switch (*op) {
	case '-':
		if (val && (!colon || *val))
			return pd_buf_puts(b, val);
		return expand(in, arg, arglen, depth + 1, b);
	case '+':
		if (val && (!colon || *val))
			return expand(in, arg, arglen, depth + 1, b);
		return 0;
	default: /* '?' */
		if (val && (!colon || *val))
			return pd_buf_puts(b, val);
		{
			pd_buf m;
			char *msg;

			pd_buf_init(&m, 4096);
			expand(in, arg, arglen, depth + 1, &m);
			msg = pd_buf_steal(&m);
			pd_buf_done(&m);
			snprintf(in->err, in->errsize,
			         "required variable %.*s is missing a value%s%s",
			         (int)n, s, msg && *msg ? ": " : "", msg ? msg : "");
			free(msg);
		}
		return PD_EPARSE;
	}
invalid:
	snprintf(in->err, in->errsize, "invalid interpolation format \"${%.*s}\"",
	         (int)(len > 60 ? 60 : len), s);
	return PD_EPARSE;
}

static int expand(interp *in, const char *s, size_t len, int depth, pd_buf *b)
{
	size_t i = 0;
	int r;

	if (depth > MAX_DEPTH) {
		snprintf(in->err, in->errsize, "interpolation nested too deeply");
		return PD_EPARSE;
	}
	while (i < len) {
		size_t start = i, end;

		while (i < len && s[i] != '$')
			i++;
		pd_buf_append(b, s + start, i - start);
		if (i >= len)
			break;
		if (i + 1 < len && s[i + 1] == '$') {
			pd_buf_putc(b, '$');
			i += 2;
		} else if (i + 1 < len && s[i + 1] == '{') {
			end = closing_brace(s, i + 2, len);
			if (end >= len) {
				snprintf(in->err, in->errsize,
				         "invalid interpolation format: unclosed \"${\"");
				return PD_EPARSE;
			}
			r = braced(in, s + i + 2, end - i - 2, depth, b);
			if (r < 0)
				return r;
			i = end + 1;
		} else if (i + 1 < len && name_start(s[i + 1])) {
			const char *val;
			size_t n = 1;

			while (i + 1 + n < len && name_char(s[i + 1 + n]))
				n++;
			val = pd_compose_env_get(in->env, s + i + 1, n);
			if (!val)
				note_unset(in, s + i + 1, n);
			pd_buf_puts(b, val ? val : "");
			i += 1 + n;
		} else {
			pd_buf_putc(b, '$');
			i++;
		}
		if (pd_buf_error(b))
			break;
	}
	return pd_buf_error(b);
}

int pd_compose_interpolate(const char *text, size_t len,
                           const pd_compose_env *env, char *unset_var,
                           size_t unset_size, char *err, size_t errsize,
                           char **ret)
{
	interp in = {env, unset_var, unset_size, err, errsize};
	pd_buf b;
	char *out;
	int r;

	pd_buf_init(&b, PD_COMPOSE_MAX_VALUE);
	r = expand(&in, text, len, 0, &b);
	if (!r)
		r = pd_buf_error(&b);
	if (r < 0) {
		if (r != PD_EPARSE)
			snprintf(err, errsize, "%s", r == PD_ETOOBIG ?
			         "interpolated value too long" : pd_strerror(r));
		pd_buf_done(&b);
		return r;
	}
	out = pd_buf_steal(&b);
	pd_buf_done(&b);
	if (!out)
		return PD_ENOMEM;
	*ret = out;
	return 0;
}

void pd_compose_vars_free(char **vars, size_t n)
{
	size_t i;

	for (i = 0; vars && i < n; i++)
		free(vars[i]);
	free(vars);
}

/* A variable lookup over the caller's env, then the lines read so far
 * (Compose: the process environment wins over .env). */
typedef struct both_env {
	char **vars;
	size_t n;
} both_env;

/* Adds KEY=VALUE after index first, replacing an earlier line with the
 * same key (in a .env file the last line wins). */
static int push_var(char ***vars, size_t *n, size_t first, const char *key,
                    size_t klen, const char *val, size_t vlen)
{
	char **arr, *kv = malloc(klen + vlen + 2);
	size_t j;

	if (!kv)
		return PD_ENOMEM;
	memcpy(kv, key, klen);
	kv[klen] = '=';
	memcpy(kv + klen + 1, val, vlen);
	kv[klen + 1 + vlen] = '\0';
	for (j = first; j < *n; j++)
		if (strncmp((*vars)[j], kv, klen + 1) == 0) {
			free((*vars)[j]);
			(*vars)[j] = kv;
			return 0;
		}
	arr = pd__reallocarray(*vars, *n + 1, sizeof(*arr));
	if (!arr) {
		free(kv);
		return PD_ENOMEM;
	}
	*vars = arr;
	arr[(*n)++] = kv;
	return 0;
}

/* A double-quoted .env value: backslash escapes \n \t \" \\. */
static int unquote_double(const char *s, size_t len, pd_buf *b)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len) {
			i++;
			switch (s[i]) {
			case 'n':
				pd_buf_putc(b, '\n');
				break;
			case 't':
				pd_buf_putc(b, '\t');
				break;
			case 'r':
				pd_buf_putc(b, '\r');
				break;
			default:
				pd_buf_putc(b, s[i]);
			}
		} else {
			pd_buf_putc(b, s[i]);
		}
	}
	return pd_buf_error(b);
}

/* One "KEY=VALUE" line (without its newline), already known not to be a
 * comment or blank. */
static int env_line(const char *s, size_t len, size_t lineno,
                    const pd_compose_env *env, char *err, size_t errsize,
                    char ***vars, size_t *n_vars, size_t first)
{
	size_t i = 0, k, kend, vstart, vend;
	char *expanded = NULL, *raw = NULL;
	pd_buf b;
	int r = 0;

	if (len >= 7 && strncmp(s, "export", 6) == 0 && (s[6] == ' ' ||
	                                                 s[6] == '\t'))
		for (i = 7; i < len && (s[i] == ' ' || s[i] == '\t'); i++)
			;
	k = i;
	while (i < len && s[i] != '=' && s[i] != ' ' && s[i] != '\t')
		i++;
	kend = i;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (kend == k || !name_start(s[k])) {
		snprintf(err, errsize, "line %zu: expected KEY=VALUE", lineno);
		return PD_EPARSE;
	}
	for (size_t j = k; j < kend; j++)
		if (!name_char(s[j]) && s[j] != '.' && s[j] != '-') {
			snprintf(err, errsize, "line %zu: bad variable name", lineno);
			return PD_EPARSE;
		}
	if (i >= len || s[i] != '=') {
		/* "KEY" alone: Compose takes it from the environment. */
		const char *v = pd_compose_env_get(env, s + k, kend - k);

		return v ? push_var(vars, n_vars, first, s + k, kend - k, v,
		                    strlen(v)) : 0;
	}
	i++;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	pd_buf_init(&b, PD_COMPOSE_MAX_VALUE);
	if (i < len && (s[i] == '\'' || s[i] == '"')) {
		char q = s[i];

		vstart = ++i;
		while (i < len && s[i] != q) {
			if (q == '"' && s[i] == '\\' && i + 1 < len)
				i++;
			i++;
		}
		if (i >= len) {
			pd_buf_done(&b);
			snprintf(err, errsize, "line %zu: unterminated quoted value",
			         lineno);
			return PD_EPARSE;
		}
		vend = i;
		if (q == '\'') {
			r = push_var(vars, n_vars, first, s + k, kend - k, s + vstart,
			             vend - vstart);
			pd_buf_done(&b);
			return r;
		}
		unquote_double(s + vstart, vend - vstart, &b);
	} else {
		vstart = i;
		vend = len;
		/* An unquoted value ends at " #" (an inline comment). */
		for (; i < len; i++)
			if (s[i] == '#' && i > vstart && (s[i - 1] == ' ' ||
			                                  s[i - 1] == '\t')) {
				vend = i;
				break;
			}
		while (vend > vstart && (s[vend - 1] == ' ' || s[vend - 1] == '\t' ||
		                         s[vend - 1] == '\r'))
			vend--;
		pd_buf_append(&b, s + vstart, vend - vstart);
	}
	raw = pd_buf_steal(&b);
	pd_buf_done(&b);
	if (!raw)
		return PD_ENOMEM;
	{
		/* Earlier lines count, after the caller's environment. */
		char **all = NULL;
		size_t n_all = 0, j;
		pd_compose_env e;

		all = pd__reallocarray(NULL, (env ? env->n_vars : 0) +
		                       (*n_vars - first) + 1, sizeof(*all));
		if (!all) {
			free(raw);
			return PD_ENOMEM;
		}
		for (j = 0; env && j < env->n_vars; j++)
			all[n_all++] = env->vars[j];
		for (j = first; j < *n_vars; j++)
			all[n_all++] = (*vars)[j];
		e.vars = all;
		e.n_vars = n_all;
		r = pd_compose_interpolate(raw, strlen(raw), &e, NULL, 0, err,
		                           errsize, &expanded);
		free(all);
	}
	free(raw);
	if (r < 0) {
		char tmp[256];

		snprintf(tmp, sizeof(tmp), "%s", err);
		snprintf(err, errsize, "line %zu: %s", lineno, tmp);
		return r;
	}
	r = push_var(vars, n_vars, first, s + k, kend - k, expanded,
	             strlen(expanded));
	free(expanded);
	return r;
}

int pd_compose_env_file_parse(const char *text, size_t len,
                              const pd_compose_env *env, char *err,
                              size_t errsize, char ***vars, size_t *n_vars)
{
	size_t i = 0, lineno = 0, first = *n_vars;
	int r;

	if (len > PD_COMPOSE_MAX_BYTES) {
		snprintf(err, errsize, "larger than %u bytes", PD_COMPOSE_MAX_BYTES);
		return PD_ETOOBIG;
	}
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		i = 3; /* a byte order mark from a Windows editor */
	while (i < len) {
		size_t start = i, end, s;

		while (i < len && text[i] != '\n')
			i++;
		end = i;
		if (i < len)
			i++;
		lineno++;
		if (end > start && text[end - 1] == '\r')
			end--;
		for (s = start; s < end && (text[s] == ' ' || text[s] == '\t'); s++)
			;
		if (s == end || text[s] == '#')
			continue;
		if (memchr(text + s, '\0', end - s)) {
			snprintf(err, errsize, "line %zu: NUL byte", lineno);
			return PD_EPARSE;
		}
		r = env_line(text + s, end - s, lineno, env, err, errsize, vars,
		             n_vars, first);
		if (r < 0)
			return r;
	}
	return 0;
}
