/*
 * api_ceiling.c - the smallest useful libmicrohttpd server: every request
 * gets the same fixed JSON body. make bench-api measures it beside muxd
 * with the same threading (epoll, a pool of 2 workers) as the ceiling of
 * what libmicrohttpd does on this machine.
 *
 * usage: api-ceiling PORT   (runs until SIGTERM/SIGINT)
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <microhttpd.h>

static const char body[] = "{\"status\":\"ok\"}";

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	(void)cls; (void)url; (void)method; (void)version; (void)upload; (void)upload_size;
	static int first_call_marker;
	/* Answer on the second call, as muxd does: queueing a response before
	 * libmicrohttpd has seen the whole request makes it close the
	 * connection afterwards, which would measure reconnects, not serving. */
	if (!*con_cls) {
		*con_cls = &first_call_marker;
		return MHD_YES;
	}
	struct MHD_Response *r = MHD_create_response_from_buffer(sizeof body - 1, (void *)body,
								 MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s PORT\n", argv[0]);
		return 2;
	}
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL,
						(uint16_t)atoi(argv[1]), NULL, NULL, answer, NULL,
						MHD_OPTION_THREAD_POOL_SIZE, 2u,
						MHD_OPTION_CONNECTION_LIMIT, 1000u, MHD_OPTION_END);
	if (!d) {
		perror("MHD_start_daemon");
		return 1;
	}
	int sig;
	sigwait(&sigs, &sig);
	MHD_stop_daemon(d);
	return 0;
}
