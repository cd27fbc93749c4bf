// SPDX-License-Identifier: Apache-2.0
/*
 * pbench: the small measuring tools of the benchmark scripts, compiled on the fly.
 *
 *   pbench serve ADDR PORT
 *	Accept connections one at a time: read one byte, close. Runs until killed.
 *
 *   pbench connect ADDR PORT SECONDS
 *	For SECONDS: connect, send one byte, close, and again. Prints the
 *	completed connections per second. Any failed connection ends the run
 *	with exit status 1: a rate that hides errors is no rate.
 *
 *   pbench echo ADDR PORT
 *	Accept connections, one process each: echo what arrives until the peer
 *	closes. Runs until killed.
 *
 *   pbench rr ADDR PORT RATE SECONDS
 *	Request/response at a fixed rate over one connection: every 1/RATE s,
 *	send 64 bytes and wait for them to come back. Prints the exchanges done
 *	per second. Falls behind rather than bursting if an exchange is late.
 *
 *   pbench run OUTFILE PROGRAM [ARG...]
 *	Runs PROGRAM with this process's stdin and environment, its stdout in
 *	OUTFILE, and prints the wall time from fork to its exit in microseconds.
 *	Exits with PROGRAM's exit status.
 *
 *   pbench until ADDR PORT open|closed OUTFILE PROGRAM [ARG...]
 *	How long after PROGRAM (run as with "run") returns the path to ADDR:PORT
 *	is open, or closed. Checks first that it is in the other state, then runs
 *	PROGRAM and, from its exit on, tries new connections one after the other,
 *	each from a new socket (a new source port, so a new flow for any policy):
 *	one that connects within ATTEMPT_MS sees "open", one that does not within
 *	CLOSED_MS sees "closed" (confirmed by one more that does not connect within
 *	CONFIRM_MS). Prints the microseconds from PROGRAM's exit to the start of
 *	the first attempt that saw the new state, the attempts made, and PROGRAM's
 *	own run time (fork to exit) in microseconds. Gives up
 *	after 10 s (exit status 3); exit status 4 if the state was already there.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct sockaddr_in address(const char *ip, const char *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(port)) };

	if (inet_pton(AF_INET, ip, &sa.sin_addr) != 1) {
		fprintf(stderr, "pbench: not an IPv4 address: %s\n", ip);
		exit(2);
	}
	return sa;
}

static int serve(const char *ip, const char *port)
{
	struct sockaddr_in sa = address(ip, port);
	int one = 1, s = socket(AF_INET, SOCK_STREAM, 0);
	char byte;

	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 4096) < 0) {
		fprintf(stderr, "pbench serve: %s:%s: %s\n", ip, port, strerror(errno));
		return 1;
	}
	for (;;) {
		int c = accept(s, NULL, NULL);

		if (c < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			fprintf(stderr, "pbench serve: accept: %s\n", strerror(errno));
			return 1;
		}
		while (read(c, &byte, 1) < 0 && errno == EINTR)
			;
		close(c);
	}
}

static int connect_loop(const char *ip, const char *port, const char *seconds)
{
	struct sockaddr_in sa = address(ip, port);
	double start = now(), end = start + atof(seconds), t;
	unsigned long done = 0;

	while ((t = now()) < end) {
		int c = socket(AF_INET, SOCK_STREAM, 0);

		if (c < 0 || connect(c, (struct sockaddr *)&sa, sizeof(sa)) < 0 || write(c, "x", 1) != 1) {
			fprintf(stderr, "pbench connect: %s:%s after %lu connections: %s\n", ip, port, done,
				strerror(errno));
			return 1;
		}
		close(c);
		done++;
	}
	printf("%.1f\n", (double)done / (t - start));
	return 0;
}

static int echo(const char *ip, const char *port)
{
	struct sockaddr_in sa = address(ip, port);
	int one = 1, s = socket(AF_INET, SOCK_STREAM, 0);
	char buf[4096];

	signal(SIGCHLD, SIG_IGN);
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 128) < 0) {
		fprintf(stderr, "pbench echo: %s:%s: %s\n", ip, port, strerror(errno));
		return 1;
	}
	for (;;) {
		int c = accept(s, NULL, NULL);
		ssize_t n;

		if (c < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			fprintf(stderr, "pbench echo: accept: %s\n", strerror(errno));
			return 1;
		}
		if (fork() == 0) {
			close(s);
			setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			while ((n = read(c, buf, sizeof(buf))) > 0)
				if (write(c, buf, (size_t)n) != n)
					break;
			_exit(0);
		}
		close(c);
	}
}

static int rr(const char *ip, const char *port, const char *rate, const char *seconds)
{
	struct sockaddr_in sa = address(ip, port);
	int one = 1, c = socket(AF_INET, SOCK_STREAM, 0);
	double start, end, period = 1.0 / atof(rate), next, t;
	unsigned long done = 0;
	char msg[64] = { 0 }, buf[64];

	if (c < 0 || connect(c, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "pbench rr: %s:%s: %s\n", ip, port, strerror(errno));
		return 1;
	}
	setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	start = now();
	end = start + atof(seconds);
	for (next = start; (t = now()) < end; next += period) {
		size_t got = 0;

		if (next > t) {
			struct timespec ts = { .tv_sec = (time_t)(next - t), .tv_nsec = (long)((next - t - (double)(time_t)(next - t)) * 1e9) };

			nanosleep(&ts, NULL);
		} else if (t - next > 1) {
			next = t; /* more than a second behind: start the schedule again */
		}
		if (write(c, msg, sizeof(msg)) != (ssize_t)sizeof(msg)) {
			fprintf(stderr, "pbench rr: write: %s\n", strerror(errno));
			return 1;
		}
		while (got < sizeof(buf)) {
			ssize_t n = read(c, buf, sizeof(buf) - got);

			if (n <= 0) {
				fprintf(stderr, "pbench rr: read: %s\n", n < 0 ? strerror(errno) : "closed");
				return 1;
			}
			got += (size_t)n;
		}
		done++;
	}
	printf("%.1f\n", (double)done / (now() - start));
	close(c);
	return 0;
}

static int run(const char *outfile, char **argv)
{
	int out = open(outfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600), status;
	double start;
	pid_t pid;

	if (out < 0) {
		fprintf(stderr, "pbench run: %s: %s\n", outfile, strerror(errno));
		return 2;
	}
	start = now();
	pid = fork();
	if (pid == 0) {
		dup2(out, STDOUT_FILENO);
		execv(argv[0], argv);
		fprintf(stderr, "pbench run: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		fprintf(stderr, "pbench run: %s\n", strerror(errno));
		return 2;
	}
	printf("%.0f\n", (now() - start) * 1e6);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

enum attempt { OPEN, CLOSED };

/* One connection attempt from a new socket; CLOSED if it did not connect within timeout_ms. */
static enum attempt attempt(const struct sockaddr_in *sa, int timeout_ms)
{
	int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), err = 0;
	socklen_t len = sizeof(err);
	struct pollfd p = { .fd = c, .events = POLLOUT };
	enum attempt r = CLOSED;

	if (c < 0) {
		fprintf(stderr, "pbench until: socket: %s\n", strerror(errno));
		exit(2);
	}
	if (connect(c, (const struct sockaddr *)sa, sizeof(*sa)) == 0) {
		r = OPEN;
	} else if (errno != EINPROGRESS) {
		fprintf(stderr, "pbench until: connect: %s\n", strerror(errno));
		exit(2);
	} else if (poll(&p, 1, timeout_ms) == 1) {
		getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err == 0) {
			r = OPEN;
		} else if (err != ETIMEDOUT && err != EHOSTUNREACH) {
			/* A refusal means no server: that is no policy verdict. */
			fprintf(stderr, "pbench until: connect: %s\n", strerror(err));
			exit(2);
		}
	}
	if (r == OPEN)
		(void)!write(c, "x", 1);
	close(c);
	return r;
}

#define ATTEMPT_MS 2
#define CLOSED_MS 20
#define CONFIRM_MS 200

static enum attempt probe(const struct sockaddr_in *sa, enum attempt want)
{
	if (want == OPEN)
		return attempt(sa, ATTEMPT_MS);
	if (attempt(sa, CLOSED_MS) == OPEN)
		return OPEN;
	return attempt(sa, CONFIRM_MS);
}

static int until(const char *ip, const char *port, const char *state, const char *outfile, char **argv)
{
	struct sockaddr_in sa = address(ip, port);
	enum attempt want = strcmp(state, "open") == 0 ? OPEN : CLOSED;
	int out = open(outfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600), status;
	unsigned long tries = 0;
	double t0, start, forked;
	pid_t pid;

	if (out < 0 || (want == CLOSED && strcmp(state, "closed") != 0)) {
		fprintf(stderr, "pbench until: %s\n", out < 0 ? strerror(errno) : "want open or closed");
		return 2;
	}
	if (probe(&sa, want) == want) {
		fprintf(stderr, "pbench until: %s:%s is %s already\n", ip, port, state);
		return 4;
	}
	forked = now();
	pid = fork();
	if (pid == 0) {
		dup2(out, STDOUT_FILENO);
		execv(argv[0], argv);
		fprintf(stderr, "pbench until: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		fprintf(stderr, "pbench until: %s\n", strerror(errno));
		return 2;
	}
	t0 = now();
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	do {
		start = now();
		tries++;
		if (probe(&sa, want) == want) {
			printf("%.0f %lu %.0f\n", (start - t0) * 1e6, tries, (t0 - forked) * 1e6);
			return 0;
		}
	} while (start - t0 < 10);
	fprintf(stderr, "pbench until: %s:%s not %s 10 s after the program returned\n", ip, port, state);
	return 3;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "serve") == 0)
		return serve(argv[2], argv[3]);
	if (argc == 5 && strcmp(argv[1], "connect") == 0)
		return connect_loop(argv[2], argv[3], argv[4]);
	if (argc == 4 && strcmp(argv[1], "echo") == 0)
		return echo(argv[2], argv[3]);
	if (argc == 6 && strcmp(argv[1], "rr") == 0)
		return rr(argv[2], argv[3], argv[4], argv[5]);
	if (argc >= 4 && strcmp(argv[1], "run") == 0)
		return run(argv[2], argv + 3);
	if (argc >= 7 && strcmp(argv[1], "until") == 0)
		return until(argv[2], argv[3], argv[4], argv[5], argv + 6);
	fprintf(stderr, "usage: pbench serve ADDR PORT | connect ADDR PORT SECONDS | echo ADDR PORT\n"
			"       | rr ADDR PORT RATE SECONDS | run OUTFILE PROGRAM [ARG...]\n"
			"       | until ADDR PORT open|closed OUTFILE PROGRAM [ARG...]\n");
	return 2;
}
