/*
 * First contact: what people type before they have read --help.
 *
 *   portdoctor 8080                 -> portdoctor check 8080
 *   portdoctor :8080 127.0.0.1:53/udp -> check (every operand a target)
 *   portdoctor "Error ... bind: address already in use"
 *                                   -> portdoctor explain "..."
 *   portdoctor chek 80              -> one line: did you mean 'check'?
 *
 * killport and fuser users type the port alone; people who just saw an
 * error paste it.  Both are unambiguous: no command is a number or an
 * address, and a command name never contains a port-binding failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_first.h"
#include "cli_optable.h"
#include "core/i18n.h"
#include "explain/errmsg.h"

/* Edit distance between two short words (commands, options); capped
 * inputs keep the table on the stack. */
size_t cli_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[65];

	if (la > 64)
		la = 64;
	if (lb > 64)
		lb = 64;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

/* The name in names[] closest to word; a name that starts with word
 * ("ran" -> "ranges") counts as closest. */
const char *cli_closest(const char *word, const char *const *names,
                        size_t n)
{
	const char *best = NULL;
	size_t i, bd = (size_t)-1;

	for (i = 0; i < n; i++) {
		size_t d = strncmp(names[i], word, strlen(word)) == 0 && *word ? 0 :
		           cli_distance(word, names[i]);

		if (d < bd) {
			bd = d;
			best = names[i];
		}
	}
	return best;
}

static bool all_targets(const cli_opts *o)
{
	size_t i;

	for (i = 0; i < o->n_args; i++) {
		pd_target t;

		if (pd_target_parse(o->args[i], &t) < 0)
			return false;
	}
	return true;
}

static bool holds_bind_failure(const cli_opts *o)
{
	size_t i, len = 0, n = 0;
	pd_errmsg *errs = NULL;
	char *text;
	bool found;

	for (i = 0; i < o->n_args; i++)
		len += strlen(o->args[i]) + 1;
	if (len > PD_ERRMSG_MAX_INPUT)
		return false;
	text = malloc(len + 1);
	if (!text)
		return false;
	text[0] = '\0';
	for (i = 0; i < o->n_args; i++) {
		strcat(text, o->args[i]);
		strcat(text, " ");
	}
	found = pd_errmsg_parse(text, strlen(text), &errs, &n) == 0 && n > 0;
	pd_errmsg_free(errs, n);
	free(text);
	return found;
}

int cli_first_contact(cli_opts *o, char *err, size_t errsize)
{
	const char *word = o->args[0], *near, *names[64];
	size_t i, n = 0;

	if (all_targets(o)) {
		o->command = "check";
		return 0;
	}
	if (holds_bind_failure(o)) {
		o->command = "explain";
		return 0;
	}
	/* A port mistyped ("99999", ":80800") is a target all the same:
	 * check says what is wrong with it. */
	if ((*word >= '0' && *word <= '9') || *word == ':' || *word == '[') {
		o->command = "check";
		return 0;
	}
	if (strcmp(word, "help") == 0 || strcmp(word, "version") == 0) {
		snprintf(err, errsize, _("unknown command '%s': did you mean "
		         "'portdoctor --%s'?"), word, word);
		return CLI_PARSE_SAID;
	}
	for (i = 0; i < cli_n_command_helps && n < 64; i++)
		names[n++] = cli_command_helps[i].name;
	near = cli_closest(word, names, n);
	snprintf(err, errsize,
	         _("unknown command '%.60s': did you mean '%s'? "
	           "See 'portdoctor --help'."), word, near ? near : "doctor");
	return CLI_PARSE_SAID;
}
