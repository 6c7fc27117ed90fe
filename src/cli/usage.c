/*
 * Usage text.  It mirrors the synopsis of the manual (docs/portdoctor.1.md);
 * change both together.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "i18n.h"

static const char synopsis[] =
	"usage: portdoctor [doctor] [--json] [--snapshot FILE]\n"
	"       portdoctor check TARGET... [--json] [-v] [--snapshot FILE]\n"
	"       portdoctor list [--tcp] [--udp] [--json] [-v] [--snapshot FILE]\n"
	"       portdoctor ranges [--json] [--snapshot FILE]\n"
	"       portdoctor snapshot [-o FILE] [TARGET...]\n"
	"       portdoctor --version | --help\n";

static const char details[] =
	"\n"
	"Why can't this port be bound or published, and what to do about it.\n"
	"\n"
	"Commands:\n"
	"  doctor     one-screen health report: port ranges and the usual\n"
	"             development ports (the default command)\n"
	"  check      for each TARGET: can it be bound now, and if not, every\n"
	"             reason with its evidence and the fix\n"
	"  list       listening sockets with the processes that own them\n"
	"  ranges     ephemeral/dynamic range, reserved and excluded ports,\n"
	"             unprivileged-port start, each with a verdict\n"
	"  snapshot   record the probed state as JSON (replay with --snapshot)\n"
	"\n"
	"TARGET: 8080  8080/udp  3000-3010  127.0.0.1:8080  [::1]:8080\n"
	"        0.0.0.0:53/udp  localhost:3000  :8080\n"
	"  A bare port means every address, IPv4 and IPv6 (as docker run -p).\n"
	"\n"
	"Options:\n"
	"  --json             machine-readable output (schema portdoctor.*.v1)\n"
	"  --snapshot FILE    work on a recorded snapshot instead of this machine\n"
	"  -o, --output FILE  snapshot: write to FILE instead of standard output\n"
	"  -t, --tcp          list: TCP only\n"
	"  -u, --udp          list: UDP only\n"
	"  -v, --verbose      every owner detail and every socket\n"
	"  --color WHEN       auto (default), always or never; NO_COLOR is honoured\n"
	"  --no-color         same as --color never\n"
	"  -h, --help         this text\n"
	"  -V, --version      print the version\n"
	"\n"
	"Exit status: 0 available / nothing wrong, 1 some target unavailable,\n"
	"2 usage or input error, 3 the machine could not be inspected.\n";

void cli_usage(const char *command, bool to_stderr)
{
	FILE *f = to_stderr ? stderr : stdout;

	(void)command;
	fputs(_(synopsis), f);
	if (!to_stderr)
		fputs(_(details), f);
	else
		fputs(_("Try 'portdoctor --help' for more information.\n"), f);
}
