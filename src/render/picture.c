/*
 * The port space 0-65535 as one line of 64 cells, 1024 ports each, for
 * ranges and doctor on a terminal: what a port range looks like is
 * quicker seen than read.  Each cell shows the strongest thing in it:
 *
 *   X  excluded (Windows)   R  reserved (Linux)   ~  dynamic/ephemeral
 *   P  privileged (below the unprivileged start)  .  nothing
 *
 * and a line under it marks the development ports: '!' where one cannot
 * be bound, '?' where one is at risk (inside the dynamic range), '^'
 * where they are fine.  The
 * shapes carry the meaning; colour (when on) only repeats it, so the
 * picture reads the same with NO_COLOR or in a log.
 */
#include <stdio.h>
#include <string.h>

#include "core/i18n.h"
#include "render.h"

#define CELLS 64
#define CELL_PORTS 1024

enum { C_FREE, C_PRIV, C_DYN, C_RES, C_EXCL };

static const char glyph[] = {'.', 'P', '~', 'R', 'X'};
static const char *const color[] = {"\033[2m", "\033[34m", "\033[33m",
                                    "\033[35m", "\033[1;31m"};

static void paint(unsigned char *cell, const pd_range *r, size_t n, int kind)
{
	size_t i;
	unsigned c;

	for (i = 0; i < n; i++)
		for (c = r[i].start / CELL_PORTS; c <= r[i].end / CELL_PORTS &&
		     c < CELLS; c++)
			if (cell[c] < kind)
				cell[c] = (unsigned char)kind;
}

static bool in_ranges(const pd_range *r, size_t n, uint16_t port)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (port >= r[i].start && port <= r[i].end)
			return true;
	return false;
}

/* The mark under a cell: the worst of its ports wins. */
static void set_mark(char *marks, uint16_t port, char m)
{
	static const char order[] = " ^?!";
	char *c = &marks[port / CELL_PORTS];

	if (strchr(order, m) > strchr(order, *c))
		*c = m;
}

/* '!' a port that cannot be bound (or lies in an excluded or reserved
 * range), '?' one at risk (a warning: inside the dynamic range), '^' a
 * port that is fine. */
static void mark(char *marks, const pd_snapshot *s, const pd_report *r)
{
	size_t i, k;

	memset(marks, ' ', CELLS);
	marks[CELLS] = '\0';
	if (r && r->n_results) {
		for (i = 0; i < r->n_results; i++) {
			const pd_result *res = &r->results[i];
			char m = res->available ? '^' : '!';

			for (k = 0; m == '^' && k < res->n_findings; k++)
				if (res->findings[k].severity >= PD_SEV_WARNING)
					m = '?';
			set_mark(marks, res->port, m);
		}
		return;
	}
	for (i = 0; i < pd_n_common_ports; i++) {
		uint16_t p = pd_common_ports[i];

		if (in_ranges(s->excluded, s->n_excluded, p) ||
		    in_ranges(s->reserved, s->n_reserved, p))
			set_mark(marks, p, '!');
		else if (in_ranges(s->dynamic, s->n_dynamic, p))
			set_mark(marks, p, '?');
		else
			set_mark(marks, p, '^');
	}
}

static void put_legend(pd_buf *b, const pd_render_opts *o, int kind,
                       const char *words)
{
	char g[2] = {glyph[kind], '\0'};

	pd_buf_puts(b, "  ");
	pd__put_colored(b, o, color[kind], g);
	pd_buf_printf(b, " %s", words);
}

static void put_picture(pd_buf *b, const pd_snapshot *s, const pd_report *r,
                        const pd_render_opts *o)
{
	unsigned char cell[CELLS];
	char marks[CELLS + 1], g[2] = {0, 0};
	int start = s->unprivileged_port_start;
	pd_range priv;
	size_t i;

	memset(cell, C_FREE, sizeof(cell));
	if (start < 0) /* Windows and unknown: the classic 1024 */
		start = 1024;
	if (start > 0) {
		memset(&priv, 0, sizeof(priv));
		priv.end = (uint16_t)(start - 1);
		paint(cell, &priv, 1, C_PRIV);
	}
	paint(cell, s->dynamic, s->n_dynamic, C_DYN);
	paint(cell, s->reserved, s->n_reserved, C_RES);
	paint(cell, s->excluded, s->n_excluded, C_EXCL);
	mark(marks, s, r);
	for (i = CELLS; i > 0 && marks[i - 1] == ' '; i--)
		marks[i - 1] = '\0';
	pd_buf_puts(b, _("Port space 0-65535, one cell = 1024 ports:\n"));
	pd_buf_puts(b, "  |");
	for (i = 0; i < CELLS; i++) {
		g[0] = glyph[cell[i]];
		pd__put_colored(b, o, color[cell[i]], g);
	}
	pd_buf_printf(b, "|\n%s%s\n", *marks ? "   " : "", marks);
	/* The scale: 0, 16384, 32768, 49152 at their cells, 65535 at the
	 * end. */
	pd_buf_printf(b, "   %-16s%-16s%-16s%-13s%s\n", "0", "16384", "32768",
	              "49152", "65535");
	put_legend(b, o, C_EXCL, _("excluded"));
	put_legend(b, o, C_RES, _("reserved"));
	put_legend(b, o, C_DYN, _("dynamic"));
	put_legend(b, o, C_PRIV, _("privileged"));
	put_legend(b, o, C_FREE, _("none"));
	pd_buf_puts(b, r && r->n_results ?
	            _("\n  under it, the development ports: ! cannot be bound   "
	              "? at risk (a warning)   ^ fine\n") :
	            _("\n  under it, the development ports: ! excluded or "
	              "reserved   ? in the dynamic range   ^ fine\n"));
}

int pd_render_picture_text(const pd_snapshot *s, const pd_report *r,
                           const pd_render_opts *o, char **ret)
{
	pd_buf b;

	pd_buf_init(&b, 0);
	put_picture(&b, s, r, o);
	pd_buf_putc(&b, '\n');
	return pd__buf_finish(&b, ret);
}
