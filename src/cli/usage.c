/*
 * Usage text.  It mirrors the synopsis of the manual (docs/portdoctor.1.md);
 * change both together.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/i18n.h"

static const char synopsis[] =
	"usage: portdoctor [doctor] [--json] [--picture] [--snapshot FILE]\n"
	"       portdoctor check TARGET... [--json] [-v] [--snapshot FILE]\n"
	"       portdoctor list [--tcp] [--udp] [--json] [-v] [--snapshot FILE]\n"
	"       portdoctor ranges [--json] [--picture]\n"
	"                  [--snapshot FILE | --from-netsh FILE...]\n"
	"       portdoctor snapshot [-o FILE] [TARGET...]\n"
	"       portdoctor explain [TEXT... | -f FILE] [--offline] [--json] [-v]\n"
	"       portdoctor compose [-f FILE]... [--profile NAME]... [--env-file FILE]\n"
	"                  [--project-directory DIR] [-p NAME] [--json] [-v]\n"
	"                  [--snapshot FILE]\n"
	"       portdoctor fix [TARGET...] [--apply [--remedy ID] [--yes]] [--root DIR]\n"
	"                  [--binary PATH] [--no-reserve] [--json]\n"
	"       portdoctor reserve PORT|LO-HI... [--remove] [--udp] [--apply [--yes]]\n"
	"                  [--root DIR] [--json]\n"
	"       portdoctor free [--count N] [--near P] [--range LO-HI] [--udp] [--json] [-v]\n"
	"       portdoctor kill TARGET [--signal SIG] [--yes] [--json]\n"
	"       portdoctor watch TARGET... [--interval SECONDS]\n"
	"                  [--until-free | --until-taken] [--json]\n"
	"       portdoctor docker-plugin install|remove [--hooks] [--apply]\n"
	"       portdoctor PORT | TARGET...   (check)   portdoctor 'ERROR TEXT'   (explain)\n"
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
	"  explain    read pasted error text (Docker, Compose, Podman, servers;\n"
	"             or standard input), say what each port failure means and\n"
	"             check its endpoint on this machine (not with --offline)\n"
	"  compose    every host port the enabled services of a Compose project\n"
	"             would publish, checked, plus clashes between its services\n"
	"  fix        the remedies for each unavailable TARGET, best first, with\n"
	"             side effects and exact commands; --apply carries one out\n"
	"             and checks again (before/after)\n"
	"  reserve    keep ports from being handed out automatically (Linux:\n"
	"             ip_local_reserved_ports, merged; Windows: excluded range)\n"
	"  free       ports free now and outside every dynamic, reserved and\n"
	"             excluded range, verified by a real bind\n"
	"  kill       end what holds a port (containers through their engine;\n"
	"             never PID 1, kernel threads or critical services)\n"
	"  watch      a timestamped line whenever a target is taken, released,\n"
	"             reserved, or the dynamic range changes\n"
	"  docker-plugin  install or remove `docker portdoctor` (a link in\n"
	"             ~/.docker/cli-plugins; --hooks: Docker's error hooks)\n"
	"\n"
	"TARGET: 8080  8080/udp  3000-3010  127.0.0.1:8080  [::1]:8080\n"
	"        0.0.0.0:53/udp  localhost:3000  :8080\n"
	"  A bare port means every address, IPv4 and IPv6 (as docker run -p).\n"
	"\n"
	"Options:\n"
	"  --json             machine-readable output (schema portdoctor.*.v1)\n"
	"  --snapshot FILE    work on a recorded snapshot instead of this machine\n"
	"  --from-netsh FILE  check, ranges: judge a Windows machine from its pasted\n"
	"                     netsh output (excludedportrange, dynamicport); - = stdin\n"
	"  -o, --output FILE  snapshot: write to FILE instead of standard output\n"
	"  -f, --file FILE    explain: read the error text from FILE (- = stdin);\n"
	"                     compose: a Compose file (repeat to merge; default:\n"
	"                     compose.yaml ... and its override, as Compose)\n"
	"  --offline          explain: only read the text, check nothing here\n"
	"  --profile NAME     compose: enable a profile (repeatable)\n"
	"  --env-file FILE    compose: variables instead of PROJECT_DIR/.env\n"
	"  --project-directory DIR  compose: where .env and the files are\n"
	"  -p, --project-name NAME  compose: the project name\n"
	"  -t, --tcp          list: TCP only\n"
	"  -u, --udp          list: UDP only; reserve, free: UDP ports\n"
	"  --apply            fix, reserve: change the system (else: plan only)\n"
	"  --remedy ID        fix --apply: this remedy instead of the first\n"
	"  -y, --yes          do not ask for confirmation (needed without a terminal)\n"
	"  --root DIR         persistent files under DIR (default $PORTDOCTOR_ROOT, /)\n"
	"  --binary PATH      fix: the program for setcap_bind_service\n"
	"  --no-reserve       fix (Windows): restart winnat without reserving the port\n"
	"  --remove           reserve: release the ports instead\n"
	"  --count N, --near P, --range LO-HI   free: how many, nearest to, where\n"
	"  --signal SIG       kill: TERM (default), INT, HUP, KILL, ...\n"
	"  --interval SECONDS watch: how often to look (default 1)\n"
	"  --until-free, --until-taken   watch: exit 0 on that change\n"
	"  --picture          ranges, doctor: draw the port space also off a terminal\n"
	"  --hooks            docker-plugin install: turn on Docker's error hooks\n"
	"  -v, --verbose      every owner detail and every socket\n"
	"  --no-engine        do not ask Docker or Podman which container holds\n"
	"                     a port (DOCKER_HOST, docker context, usual sockets)\n"
	"  --windows-exe PATH inside WSL: the portdoctor.exe that answers for the\n"
	"                     Windows host (else beside this program or on PATH)\n"
	"  --color WHEN       auto (default), always or never; NO_COLOR is honoured\n"
	"  --no-color         same as --color never\n"
	"  -h, --help         this text\n"
	"  -V, --version      print the version\n"
	"\n"
	"Exit status: 0 available / nothing wrong, 1 some target unavailable,\n"
	"2 usage or input error (also: refused, declined, no privileges),\n"
	"3 the machine could not be inspected, or applying a remedy failed.\n";

void cli_usage(const char *command, bool to_stderr)
{
	FILE *f = to_stderr ? stderr : stdout;

	(void)command;
	cli_fprintf(f, "%s", _(synopsis));
	if (!to_stderr)
		cli_fprintf(f, "%s", _(details));
	else
		cli_fprintf(f, "%s",
		            _("Try 'portdoctor --help' for more information.\n"));
}
