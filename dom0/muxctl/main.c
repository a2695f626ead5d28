/*
 * main.c - muxctl, the operator's command line for Muxvisor in dom0
 * (docs/muxctl.md): global options, the command table, exit codes.
 */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "muxctl_cli.h"

struct command {
	const char *name;
	int (*run)(struct cli *c, int argc, char **argv);
	const char *args;
	const char *help;
};

static const struct command commands[] = {
	{ "info", cmd_info, "", "host capacity, free memory, hypervisor version" },
	{ "list", cmd_list, "",
	  "domains: id, name, state, vCPUs, memory and balloon, weight, reservation, cap, CPU%, steal%" },
	{ "top", cmd_top, "[-b] [-v] [-n N] [-i SECONDS|MSms]",
	  "live CPU, steal and blocked % per domain (-v: per vCPU too)" },
	{ "create", cmd_create, "--name NAME (--test-kernel ELF | --kernel BZIMAGE [--initrd FILE]) [options]",
	  "create and start a domain; prints its id" },
	{ "destroy", cmd_destroy, "DOMAIN", "destroy a domain" },
	{ "pause", cmd_pause, "DOMAIN", "pause a running domain" },
	{ "unpause", cmd_unpause, "DOMAIN", "start a created domain or resume a paused one" },
	{ "sched", cmd_sched, "DOMAIN [--weight N] [--reservation PCT] [--cap PCT] "
	  "[--burst-baseline PCT] [--burst-max-ms MS]", "show or change scheduler parameters" },
	{ "balloon", cmd_balloon, "DOMAIN [SIZE]",
	  "show a Linux domain's balloon and guest memory; with SIZE set its target" },
	{ "console", cmd_console, "DOMAIN [-f] [-s TEXT]",
	  "print the domain's console; -f follows (and types, on a tty); -s types TEXT + newline" },
	{ "events", cmd_events, "[-f]", "print hypervisor events; -f follows" },
	{ "peek", cmd_peek, "DOMAIN GPA [LEN] [-n N]",
	  "read guest memory through a mapping (hex); -n: N times, a second apart" },
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
	fprintf(f, "usage: muxctl [--device PATH] [--json] [-H] COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-8s %s%s%s\n", commands[i].name, commands[i].args,
			commands[i].args[0] ? "\n           " : "", commands[i].help);
	fprintf(f, "\nDOMAIN is an id or a name. Exit codes: 0 ok, 1 usage, 2 not found,\n"
		   "3 refused or invalid, 4 no hypervisor, 5 other (docs/muxctl.md).\n");
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'D' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli c = { .device = NULL };
	int ch;
	/* '+': stop at the command; its own options are its own */
	while ((ch = getopt_long(argc, argv, "+HhD:", opts, NULL)) != -1) {
		switch (ch) {
		case 'D': c.device = optarg; break;
		case 'j': c.json = true; break;
		case 'H': c.no_header = true; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	const struct command *cmd = find_command(argv[optind]);
	if (!cmd)
		return cli_usage("unknown command '%s'", argv[optind]);
	int sub_argc = argc - optind;
	char **sub_argv = argv + optind;
	optind = 0;   /* getopt starts afresh for the command */
	int code = cmd->run(&c, sub_argc, sub_argv);
	if (c.h)
		muxctl_close(c.h);
	return code;
}
