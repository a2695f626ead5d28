/*
 * cmd_io.c - muxctl console, events and peek: a domain's console, the
 * hypervisor's event stream, and a look at guest memory through a mapping.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "muxctl_cli.h"

#define FOLLOW_POLL_MS 100
#define CONSOLE_ESCAPE 0x1d   /* Ctrl-] leaves an interactive console */

static volatile sig_atomic_t io_stop;

static void io_on_signal(int sig)
{
	(void)sig;
	io_stop = 1;
}

static void io_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = io_on_signal;   /* no SA_RESTART: poll() returns */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* -f alone, for events. */
static int follow_flag(int argc, char **argv, bool *follow)
{
	static const struct option opts[] = {
		{ "follow", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	while ((ch = getopt_long(argc, argv, "f", opts, NULL)) != -1) {
		if (ch != 'f')
			return cli_usage("%s: bad option", argv[0]);
		*follow = true;
	}
	return 0;
}

/* Prints what the console has from *seq on; returns 0 or a library error. */
static int console_drain(struct cli *c, uint32_t domid, uint64_t *seq)
{
	static char buf[MUXV_CTL_BUF_MAX];
	for (;;) {
		uint64_t lost = 0;
		int n = muxctl_console_read(c->h, domid, seq, buf, sizeof buf, &lost);
		if (n < 0)
			return n;
		if (lost)
			fprintf(stderr, "muxctl: %llu console bytes were lost before these\n",
				(unsigned long long)lost);
		if (n == 0)
			return 0;
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			return -EIO;
		fflush(stdout);
	}
}

/* Forwards what was typed; returns 1 on the escape key, 0, or an error. */
static int console_type(struct cli *c, uint32_t domid)
{
	char buf[256];
	ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
	if (n <= 0)
		return n == 0 ? 1 : 0;
	char *esc = memchr(buf, CONSOLE_ESCAPE, (size_t)n);
	size_t len = esc ? (size_t)(esc - buf) : (size_t)n;
	int rc = len ? muxctl_console_write(c->h, domid, buf, len) : 0;
	if (rc == -EAGAIN)
		rc = 0;   /* the guest's input is full: those keys are dropped */
	return rc ? rc : (esc ? 1 : 0);
}

static int console_follow(struct cli *c, uint32_t domid, uint64_t *seq)
{
	bool tty = isatty(STDIN_FILENO);
	struct termios saved, raw;
	if (tty && tcgetattr(STDIN_FILENO, &saved) == 0) {
		raw = saved;
		cfmakeraw(&raw);
		raw.c_oflag |= OPOST;   /* our own stderr lines keep their \r\n */
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
		fprintf(stderr, "muxctl: console of domain %u; Ctrl-] leaves\r\n", domid);
	} else {
		tty = false;
	}
	int rc = 0;
	while (!io_stop && !rc) {
		struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
		int n = poll(&p, tty ? 1 : 0, FOLLOW_POLL_MS);
		if (n > 0 && (rc = console_type(c, domid)) != 0)
			break;
		rc = console_drain(c, domid, seq);
	}
	if (tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	return rc > 0 ? 0 : rc;
}

/* console's options: -f, and -s TEXT (sent with a newline, as if typed). */
static int console_flags(int argc, char **argv, bool *follow, const char **send)
{
	static const struct option opts[] = {
		{ "follow", no_argument, NULL, 'f' },
		{ "send", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	while ((ch = getopt_long(argc, argv, "fs:", opts, NULL)) != -1) {
		if (ch == 'f')
			*follow = true;
		else if (ch == 's')
			*send = optarg;
		else
			return cli_usage("console: bad option");
	}
	if (*send && strlen(*send) + 1 > MUXV_CTL_BUF_MAX)
		return cli_usage("console: --send takes at most %u bytes", MUXV_CTL_BUF_MAX - 1);
	return 0;
}

/* Types text and a newline into the domain's console. */
static int console_send(struct cli *c, uint32_t domid, const char *text)
{
	size_t len = strlen(text);
	char *line = malloc(len + 1);
	if (!line)
		return -ENOMEM;
	memcpy(line, text, len);
	line[len] = '\n';
	int rc = muxctl_console_write(c->h, domid, line, len + 1);
	free(line);
	return rc;
}

int cmd_console(struct cli *c, int argc, char **argv)
{
	bool follow = false;
	const char *send = NULL;
	uint32_t domid;
	int rc = console_flags(argc, argv, &follow, &send);
	if (rc)
		return rc;
	if (optind + 1 != argc)
		return cli_usage("console wants one DOMAIN (id or name)");
	if ((rc = cli_domain(c, argv[optind], &domid)))
		return rc;
	io_signals();
	uint64_t seq = 0;
	if (send) {
		/* -s alone only types; with -f the console is shown and followed
		 * as without -s. */
		if ((rc = console_send(c, domid, send)))
			return cli_fail(rc);
		if (!follow)
			return EXIT_OK;
	}
	rc = console_drain(c, domid, &seq);
	if (!rc && follow)
		rc = console_follow(c, domid, &seq);
	if (rc == -ESRCH && follow) {
		fprintf(stderr, "muxctl: domain %u is gone\n", domid);
		return EXIT_OK;
	}
	return rc ? cli_fail(rc) : EXIT_OK;
}

static void event_print(struct cli *c, const struct muxv_event *e)
{
	char detail[sizeof e->detail + 1];
	memcpy(detail, e->detail, sizeof e->detail);
	detail[sizeof e->detail] = '\0';
	if (c->json) {
		printf("{\"seq\":%llu,\"time_ns\":%llu,\"domid\":%u,\"type\":\"%s\",\"detail\":",
		       (unsigned long long)e->seq, (unsigned long long)e->time_ns, e->domid,
		       muxctl_event_name(e->type));
		cli_json_str(stdout, detail);
		printf("}\n");
	} else {
		printf("%llu %llu.%09llu d%u %s%s%s\n", (unsigned long long)e->seq,
		       (unsigned long long)(e->time_ns / 1000000000ull),
		       (unsigned long long)(e->time_ns % 1000000000ull), e->domid,
		       muxctl_event_name(e->type), detail[0] ? " " : "", detail);
	}
}

/* Prints every record from *seq on; returns 0 or an error. */
static int events_drain(struct cli *c, uint64_t *seq)
{
	struct muxv_event ev[64];
	for (;;) {
		uint64_t lost = 0;
		int n = muxctl_events_read(c->h, seq, ev, 64, &lost);
		if (n < 0)
			return n;
		if (lost)
			fprintf(stderr, "muxctl: %llu events were lost before these\n",
				(unsigned long long)lost);
		for (int i = 0; i < n; i++)
			event_print(c, &ev[i]);
		fflush(stdout);
		if (n < 64)
			return 0;
	}
}

int cmd_events(struct cli *c, int argc, char **argv)
{
	bool follow = false;
	int rc = follow_flag(argc, argv, &follow);
	if (rc)
		return rc;
	if (optind < argc)
		return cli_usage("events: unexpected argument '%s'", argv[optind]);
	if ((rc = cli_open(c)))
		return rc;
	io_signals();
	uint64_t seq = 0;
	rc = events_drain(c, &seq);
	while (!rc && follow && !io_stop) {
		rc = muxctl_events_wait(c->h, 1000);
		if (rc >= 0)
			rc = events_drain(c, &seq);
		if (io_stop)
			rc = 0;
	}
	return rc ? cli_fail(rc) : EXIT_OK;
}

#define PEEK_MAX (64u * 1024)

/* A mapped domain destroyed meanwhile: its pages are gone (SIGBUS). */
static sigjmp_buf peek_gone;

static void peek_on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(peek_gone, 1);
}

/* Each line's bytes are read before any of it is printed, so a SIGBUS
 * leaves no half line behind. */
static void peek_dump(const volatile unsigned char *p, uint64_t gpa, uint64_t len)
{
	for (uint64_t off = 0; off < len; off += 16) {
		unsigned char line[16];
		uint64_t n = len - off < 16 ? len - off : 16;
		for (uint64_t i = 0; i < n; i++)
			line[i] = p[off + i];
		printf("%#llx:", (unsigned long long)(gpa + off));
		for (uint64_t i = 0; i < n; i++)
			printf(" %02x", line[i]);
		printf("\n");
		fflush(stdout);
	}
}

/* peek DOMAIN GPA [LEN] [-n N]: positional words and -n; 0 or usage. */
static int peek_parse(int argc, char **argv, char **pos, uint32_t *repeat)
{
	static const struct option opts[] = {
		{ "repeat", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	int ch, npos;
	while ((ch = getopt_long(argc, argv, "n:", opts, NULL)) != -1) {
		if (ch != 'n' || !cli_u32(optarg, 1, 86400, repeat))
			return cli_usage("peek: -n wants 1..86400");
	}
	npos = argc - optind;
	if (npos < 2 || npos > 3)
		return cli_usage("peek wants DOMAIN GPA [LEN]");
	for (int i = 0; i < npos; i++)
		pos[i] = argv[optind + i];
	return 0;
}

int cmd_peek(struct cli *c, int argc, char **argv)
{
	char *pos[3] = { NULL, NULL, NULL };
	uint64_t gpa, len = 64;
	uint32_t domid, repeat = 1;
	int rc = peek_parse(argc, argv, pos, &repeat);
	if (rc)
		return rc;
	if (!cli_u64(pos[1], &gpa))
		return cli_usage("peek: GPA '%s' is not a number", pos[1]);
	if (pos[2] && (!cli_u64(pos[2], &len) || len == 0 || len > PEEK_MAX))
		return cli_usage("peek: LEN wants 1..%u", PEEK_MAX);
	if ((rc = cli_domain(c, pos[0], &domid)))
		return rc;
	uint64_t first = gpa / 4096, count = (gpa % 4096 + len + 4095) / 4096;
	void *map;
	if ((rc = muxctl_map(c->h, domid, first, count, &map)))
		return cli_fail(rc);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = peek_on_sigbus;
	sigaction(SIGBUS, &sa, NULL);
	if (sigsetjmp(peek_gone, 1)) {
		muxctl_unmap(map, count);
		return cli_error(EXIT_NOT_FOUND, "domain %u's memory is gone (destroyed)", domid);
	}
	for (uint32_t i = 0; i < repeat; i++) {
		if (i)
			sleep(1);
		peek_dump((const volatile unsigned char *)map + gpa % 4096, gpa, len);
	}
	muxctl_unmap(map, count);
	return EXIT_OK;
}
