/*
 * Every option of the command line, for the completions (completion.c).
 * A new option goes into options.c (parsing), usage.c (--help),
 * docs/options/NAME.md and here; tests/e2e/completion fails when one of
 * them is missing.  Help words go into shell quotes: no apostrophes.
 */
#include "cli_optable.h"

const cli_option cli_options[] = {
	{"--json", NULL, CLI_V_NONE, NULL, "machine-readable output"},
	{"--verbose", "-v", CLI_V_NONE, NULL, "every owner detail"},
	{"--help", "-h", CLI_V_NONE, NULL, "the usage"},
	{"--version", "-V", CLI_V_NONE, NULL, "the version"},
	{"--color", NULL, CLI_V_WHEN, NULL, "colour: auto, always, never"},
	{"--no-color", NULL, CLI_V_NONE, NULL, "no colour"},
	{"--snapshot", NULL, CLI_V_FILE, NULL, "a recorded snapshot"},
	{"--no-engine", NULL, CLI_V_NONE, NULL, "do not ask Docker or Podman"},
	{"--windows-exe", NULL, CLI_V_FILE, NULL, "the Windows portdoctor.exe (WSL)"},
	{"--tcp", "-t", CLI_V_NONE, "list", "TCP only"},
	{"--udp", "-u", CLI_V_NONE, "list reserve free", "UDP"},
	{"--output", "-o", CLI_V_FILE, "snapshot", "write to a file"},
	{"--from-netsh", NULL, CLI_V_FILE, "check ranges", "pasted netsh output"},
	{"--file", "-f", CLI_V_FILE, "explain compose", "input file"},
	{"--offline", NULL, CLI_V_NONE, "explain", "check nothing here"},
	{"--profile", NULL, CLI_V_TEXT, "compose", "enable a profile"},
	{"--env-file", NULL, CLI_V_FILE, "compose", "variables file"},
	{"--project-directory", NULL, CLI_V_DIR, "compose", "project folder"},
	{"--project-name", "-p", CLI_V_TEXT, "compose", "project name"},
	{"--apply", NULL, CLI_V_NONE, "fix reserve docker-plugin",
	 "change the system"},
	{"--yes", "-y", CLI_V_NONE, "fix reserve kill", "do not ask"},
	{"--remedy", NULL, CLI_V_REMEDY, "fix", "this remedy"},
	{"--root", NULL, CLI_V_DIR, "fix reserve", "persistent files under"},
	{"--binary", NULL, CLI_V_FILE, "fix", "program for setcap"},
	{"--no-reserve", NULL, CLI_V_NONE, "fix", "restart winnat only"},
	{"--remove", NULL, CLI_V_NONE, "reserve", "release the ports"},
	{"--signal", NULL, CLI_V_SIGNAL, "kill", "the signal"},
	{"--count", NULL, CLI_V_TEXT, "free", "how many ports"},
	{"--near", NULL, CLI_V_PORT, "free", "nearest to this port"},
	{"--range", NULL, CLI_V_TEXT, "free", "within LO-HI"},
	{"--interval", NULL, CLI_V_TEXT, "watch", "seconds between looks"},
	{"--until-free", NULL, CLI_V_NONE, "watch", "exit when free"},
	{"--until-taken", NULL, CLI_V_NONE, "watch", "exit when taken"},
	{"--picture", NULL, CLI_V_NONE, "ranges doctor", "draw the port space"},
	{"--hooks", NULL, CLI_V_NONE, "docker-plugin", "turn on the Docker CLI hooks"},
};
const size_t cli_n_options = sizeof(cli_options) / sizeof(cli_options[0]);

const cli_command_help cli_command_helps[] = {
	{"doctor", "health report (default)", NULL},
	{"check", "can these targets be bound", "ports"},
	{"list", "listening sockets and owners", NULL},
	{"ranges", "dynamic, reserved, excluded ranges", NULL},
	{"snapshot", "record the state as JSON", "ports"},
	{"explain", "read a pasted error", NULL},
	{"compose", "check a Compose project", NULL},
	{"fix", "remedies, --apply to act", "ports"},
	{"reserve", "keep ports from ephemeral use", NULL},
	{"free", "ports free now", NULL},
	{"kill", "end what holds a port", "ports"},
	{"watch", "report changes of a target", "ports"},
	{"docker-plugin", "install docker portdoctor", "install remove"},
};
const size_t cli_n_command_helps =
	sizeof(cli_command_helps) / sizeof(cli_command_helps[0]);
