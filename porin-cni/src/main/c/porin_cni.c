// SPDX-License-Identifier: Apache-2.0
/*
 * porin-cni: the CNI plugin executable of Porin.
 *
 * A container runtime execs a CNI plugin for every pod (CNI spec 1.0/1.1), so
 * the plugin must start fast. This program does no networking itself: it
 * hands the request to the Porin agent over the agent's Unix socket and
 * prints the agent's answer. All CNI logic (parsing, validation, results,
 * error codes) lives in the agent. What follows is the contract with it.
 *
 * Input: all of stdin (the network configuration, any size) and the CNI_*
 * environment variables.
 *
 * CNI_COMMAND unset or empty: print a CNI error with code 4, exit 1.
 *
 * CNI_COMMAND=VERSION: answered here, without the agent, in the cniVersion of
 * the request when this plugin speaks it (else 1.1.0):
 *	{"cniVersion":"1.0.0","supportedVersions":["0.3.0","0.3.1","0.4.0","1.0.0","1.1.0"]}
 *
 * Any other command: connect to the agent's Unix stream socket, whose path is
 * the top-level string "socketPath" of the configuration if present and not
 * empty, else /var/run/porin/porin.sock, and send one request:
 *
 *	POST /v1/cni HTTP/1.1\r\n
 *	Host: porin\r\n
 *	Content-Type: application/json\r\n
 *	Content-Length: <n>\r\n
 *	Connection: close\r\n
 *	Cni-Command: <CNI_COMMAND>\r\n
 *	Cni-Containerid: <CNI_CONTAINERID>\r\n
 *	Cni-Netns: <CNI_NETNS>\r\n
 *	Cni-Ifname: <CNI_IFNAME>\r\n
 *	Cni-Args: <CNI_ARGS>\r\n
 *	Cni-Path: <CNI_PATH>\r\n
 *	\r\n
 *	<stdin, verbatim>
 *
 * A Cni-* header is present only when its variable is set (set but empty
 * gives an empty value). In header values every byte <= 0x20 (the space too:
 * HTTP would trim it), >= 0x7f and '%' itself is sent as %XX (uppercase hex);
 * every other byte as is. The write
 * side is never shut down: the agent knows the end of the request from
 * Content-Length.
 *
 * The agent answers with a Content-Length response (no chunked encoding) and
 * closes the connection; the response is read until EOF and its body must be
 * exactly Content-Length bytes. Status 200: the body goes to stdout as is,
 * exit 0. Any other status: the body is a CNI error object; it goes to stdout,
 * exit 1. A complete response is used even if the agent closed before
 * reading the whole request (it may refuse a request early).
 *
 * Errors of the plugin itself are printed as
 *	{"cniVersion":"<v>","code":<n>,"msg":"...","details":"..."}
 * where <v> is the top-level string "cniVersion" of the configuration, or
 * 1.1.0 when there is none:
 *	 4  CNI_COMMAND unset or empty
 *	 5  I/O failure: stdin unreadable, connection broken, malformed or
 *	    truncated response, no complete answer within 5 minutes
 *	11  the agent is not reachable (no socket, refused, no permission, busy)
 * Malformed configuration JSON is still forwarded: the agent reports it
 * precisely (code 6). The top-level "cniVersion" and "socketPath" read before
 * the JSON went wrong still count.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define CNI_VERSION	"1.1.0"
#define DEFAULT_SOCKET	"/var/run/porin/porin.sock"
#ifndef AGENT_TIMEOUT_MS
#define AGENT_TIMEOUT_MS (5 * 60 * 1000)
#endif

enum {
	CNI_ERR_ENV = 4,	/* invalid necessary environment variables */
	CNI_ERR_IO = 5,		/* I/O failure */
	CNI_ERR_AGAIN = 11,	/* try again later */
};

/* The cniVersion that the plugin's own error objects carry. */
static const char *err_version = CNI_VERSION;

struct buf {
	char *p;
	size_t len;
	size_t cap;
};

/* ---- output ---- */

/*
 * Waits, without a deadline, for an inherited descriptor that the runtime
 * may have left non-blocking. Returns 0, or -1 with errno set.
 */
static int wait_std(int fd, short events)
{
	struct pollfd pfd = { .fd = fd, .events = events };

	while (poll(&pfd, 1, -1) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

static int write_all(int fd, const void *data, size_t n)
{
	const char *p = data;

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if ((errno == EAGAIN || errno == EWOULDBLOCK) && !wait_std(fd, POLLOUT))
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void emit(const void *data, size_t n)
{
	if (write_all(STDOUT_FILENO, data, n) < 0) {
		/* The runtime reads stdout only; stderr is the last resort. */
		dprintf(STDERR_FILENO, "porin-cni: cannot write to stdout: %s\n", strerror(errno));
		exit(1);
	}
}

static __attribute__((noreturn)) void oom(void)
{
	static const char msg[] =
		"{\"cniVersion\":\"" CNI_VERSION "\",\"code\":5,\"msg\":\"porin-cni: out of memory\"}\n";

	emit(msg, sizeof(msg) - 1);
	exit(1);
}

/* ---- growable buffers: every allocation failure ends in oom() ---- */

static void buf_reserve(struct buf *b, size_t extra)
{
	size_t cap = b->cap ? b->cap : 256;
	char *p;

	if (b->cap - b->len >= extra)
		return;
	if (b->len > SIZE_MAX / 2 || extra > SIZE_MAX / 2 - b->len)
		oom();
	while (cap - b->len < extra)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p)
		oom();
	b->p = p;
	b->cap = cap;
}

static void buf_put(struct buf *b, const void *data, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->p + b->len, data, n);
	b->len += n;
}

static void buf_putc(struct buf *b, char c)
{
	buf_reserve(b, 1);
	b->p[b->len++] = c;
}

static void buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

static __attribute__((format(printf, 2, 0)))
void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		oom();
	buf_reserve(b, (size_t)n + 1);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

static __attribute__((format(printf, 2, 3)))
void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

/* NUL-terminates without counting the terminator, so b->p is a C string. */
static char *buf_cstr(struct buf *b)
{
	buf_reserve(b, 1);
	b->p[b->len] = '\0';
	return b->p;
}

/* ---- CNI error objects ---- */

/* Length of the well-formed UTF-8 sequence at p (RFC 3629), 0 if ill-formed. */
static size_t utf8_len(const unsigned char *p)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		if (p[0] == 0xe0)
			lo = 0xa0;	/* overlong */
		if (p[0] == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		if (p[0] == 0xf0)
			lo = 0x90;	/* overlong */
		if (p[0] == 0xf4)
			hi = 0x8f;	/* beyond U+10FFFF */
	} else {
		return 0;
	}
	/* Stops at the first bad byte, so never reads past the NUL. */
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

/* Paths are bytes, not text: ill-formed UTF-8 becomes U+FFFD. */
static void json_string(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	buf_putc(b, '"');
	while (*p) {
		size_t n = utf8_len(p);

		if (n == 0) {
			buf_puts(b, "\\ufffd");
			p++;
		} else if (n > 1) {
			buf_put(b, p, n);
			p += n;
		} else if (*p == '"' || *p == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, (char)*p++);
		} else if (*p < 0x20 || *p == 0x7f) {
			buf_printf(b, "\\u%04x", *p++);
		} else {
			buf_putc(b, (char)*p++);
		}
	}
	buf_putc(b, '"');
}

static __attribute__((noreturn, format(printf, 3, 4)))
void fail(int code, const char *details, const char *fmt, ...)
{
	struct buf msg = { 0 }, out = { 0 };
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);

	buf_puts(&out, "{\"cniVersion\":");
	json_string(&out, err_version);
	buf_printf(&out, ",\"code\":%d,\"msg\":", code);
	json_string(&out, buf_cstr(&msg));
	if (details && *details) {
		buf_puts(&out, ",\"details\":");
		json_string(&out, details);
	}
	buf_puts(&out, "}\n");
	emit(out.p, out.len);
	free(msg.p);
	free(out.p);
	exit(1);
}

/* ---- the top level of the configuration ---- */

/*
 * A strict JSON scanner that decodes only what it needs: the string values of
 * top-level keys. Everything else is checked and skipped. Nesting is tracked
 * on a heap stack, so no input can exhaust the C stack.
 */
struct scan {
	const unsigned char *p;
	const unsigned char *end;
};

static void skip_ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static bool next_is(struct scan *s, char c)
{
	return s->p < s->end && *s->p == (unsigned char)c;
}

static int hex_digit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Scans the string at s->p (which is a '"'), decoding it into out if out is
 * not NULL. *ascii becomes false if a \u escape is NUL or beyond ASCII: such
 * a value is not used, since decoding it is never needed for a version
 * string or a socket path worth supporting.
 */
static int scan_string(struct scan *s, struct buf *out, bool *ascii)
{
	s->p++;
	for (;;) {
		unsigned char c;

		if (s->p == s->end)
			return -1;
		c = *s->p++;
		if (c == '"')
			return 0;
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			if (s->p == s->end)
				return -1;
			c = *s->p++;
			switch (c) {
			case '"': case '\\': case '/':
				break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'u': {
				unsigned v = 0;

				if (s->end - s->p < 4)
					return -1;
				for (int i = 0; i < 4; i++) {
					int d = hex_digit(*s->p++);

					if (d < 0)
						return -1;
					v = v << 4 | (unsigned)d;
				}
				if (v == 0 || v > 0x7f) {
					*ascii = false;
					continue;
				}
				c = (unsigned char)v;
				break;
			}
			default:
				return -1;
			}
		}
		if (out)
			buf_putc(out, (char)c);
	}
}

static void skip_digits(struct scan *s)
{
	while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
		s->p++;
}

static int scan_number(struct scan *s)
{
	const unsigned char *start;

	if (next_is(s, '-'))
		s->p++;
	if (next_is(s, '0'))
		s->p++;
	else if (s->p < s->end && *s->p >= '1' && *s->p <= '9')
		skip_digits(s);
	else
		return -1;
	if (next_is(s, '.')) {
		s->p++;
		start = s->p;
		skip_digits(s);
		if (s->p == start)
			return -1;
	}
	if (next_is(s, 'e') || next_is(s, 'E')) {
		s->p++;
		if (next_is(s, '+') || next_is(s, '-'))
			s->p++;
		start = s->p;
		skip_digits(s);
		if (s->p == start)
			return -1;
	}
	return 0;
}

static int scan_scalar(struct scan *s)
{
	static const char *const literals[] = { "true", "false", "null" };
	bool ascii;

	if (s->p == s->end)
		return -1;
	if (*s->p == '"')
		return scan_string(s, NULL, &ascii);
	if (*s->p == '-' || (*s->p >= '0' && *s->p <= '9'))
		return scan_number(s);
	for (size_t i = 0; i < sizeof(literals) / sizeof(literals[0]); i++) {
		size_t n = strlen(literals[i]);

		if ((size_t)(s->end - s->p) >= n && !memcmp(s->p, literals[i], n)) {
			s->p += n;
			return 0;
		}
	}
	return -1;
}

/* Scans `"key" :` inside an object, without decoding the key. */
static int scan_member_key(struct scan *s)
{
	bool ascii;

	skip_ws(s);
	if (!next_is(s, '"') || scan_string(s, NULL, &ascii) < 0)
		return -1;
	skip_ws(s);
	if (!next_is(s, ':'))
		return -1;
	s->p++;
	return 0;
}

static int skip_value(struct scan *s, struct buf *stack)
{
	stack->len = 0;
	for (;;) {
		/* A value starts here. */
		skip_ws(s);
		if (next_is(s, '{') || next_is(s, '[')) {
			char open = (char)*s->p++;

			buf_putc(stack, open);
			skip_ws(s);
			if (next_is(s, open == '{' ? '}' : ']')) {
				s->p++;
				stack->len--;
			} else {
				if (open == '{' && scan_member_key(s) < 0)
					return -1;
				continue;
			}
		} else if (scan_scalar(s) < 0) {
			return -1;
		}
		/* A value ended: close containers, or go on to the next element. */
		for (;;) {
			char open;

			if (stack->len == 0)
				return 0;
			open = stack->p[stack->len - 1];
			skip_ws(s);
			if (next_is(s, open == '{' ? '}' : ']')) {
				s->p++;
				stack->len--;
				continue;
			}
			if (!next_is(s, ','))
				return -1;
			s->p++;
			if (open == '{' && scan_member_key(s) < 0)
				return -1;
			break;
		}
	}
}

struct conf {
	char *cni_version;	/* NULL when absent */
	char *socket_path;
};

/* Where the string value of a top-level key goes, or NULL if it is not wanted. */
static char **conf_field(struct conf *c, const struct buf *key, bool ascii)
{
	if (!ascii)
		return NULL;
	if (key->len == strlen("cniVersion") && !memcmp(key->p, "cniVersion", key->len))
		return &c->cni_version;
	if (key->len == strlen("socketPath") && !memcmp(key->p, "socketPath", key->len))
		return &c->socket_path;
	return NULL;
}

/*
 * Fills c from the top level of the object in data; returns -1 if data is not
 * a well-formed JSON object, with c holding what was read before the error. As
 * in the agent's decoder, a repeated key takes
 * its last value. A value that is not a string, is empty or escapes non-ASCII
 * counts as absent.
 */
static int scan_conf(const char *data, size_t len, struct conf *c)
{
	struct scan s = { (const unsigned char *)data, (const unsigned char *)data + len };
	struct buf key = { 0 }, val = { 0 }, stack = { 0 };
	int ret = -1;

	skip_ws(&s);
	if (!next_is(&s, '{'))
		goto out;
	s.p++;
	skip_ws(&s);
	if (next_is(&s, '}')) {
		s.p++;
	} else {
		for (;;) {
			bool key_ascii = true, val_ascii = true;
			char **field;

			skip_ws(&s);
			key.len = 0;
			if (!next_is(&s, '"') || scan_string(&s, &key, &key_ascii) < 0)
				goto out;
			skip_ws(&s);
			if (!next_is(&s, ':'))
				goto out;
			s.p++;
			skip_ws(&s);
			field = conf_field(c, &key, key_ascii);
			if (field) {
				free(*field);
				*field = NULL;
			}
			if (field && next_is(&s, '"')) {
				val.len = 0;
				if (scan_string(&s, &val, &val_ascii) < 0)
					goto out;
				if (val_ascii && val.len) {
					*field = strdup(buf_cstr(&val));
					if (!*field)
						oom();
				}
			} else if (skip_value(&s, &stack) < 0) {
				goto out;
			}
			skip_ws(&s);
			if (next_is(&s, '}')) {
				s.p++;
				break;
			}
			if (!next_is(&s, ','))
				goto out;
			s.p++;
		}
	}
	skip_ws(&s);
	if (s.p == s.end)
		ret = 0;
out:
	free(key.p);
	free(val.p);
	free(stack.p);
	return ret;
}

/* ---- stdin ---- */

static int read_all(int fd, struct buf *b)
{
	for (;;) {
		ssize_t n;

		buf_reserve(b, 64 * 1024);
		n = read(fd, b->p + b->len, b->cap - b->len);
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if ((errno == EAGAIN || errno == EWOULDBLOCK) && !wait_std(fd, POLLIN))
				continue;
			return errno;
		}
		b->len += (size_t)n;
	}
}

/* ---- the request ---- */

static void put_header(struct buf *b, const char *name, const char *var)
{
	const unsigned char *v = (const unsigned char *)getenv(var);

	if (!v)
		return;
	buf_puts(b, name);
	buf_puts(b, ": ");
	for (; *v; v++) {
		if (*v <= 0x20 || *v >= 0x7f || *v == '%')
			buf_printf(b, "%%%02X", *v);
		else
			buf_putc(b, (char)*v);
	}
	buf_puts(b, "\r\n");
}

static void build_request(struct buf *b, size_t body_len)
{
	buf_printf(b, "POST /v1/cni HTTP/1.1\r\n"
		      "Host: porin\r\n"
		      "Content-Type: application/json\r\n"
		      "Content-Length: %zu\r\n"
		      "Connection: close\r\n", body_len);
	put_header(b, "Cni-Command", "CNI_COMMAND");
	put_header(b, "Cni-Containerid", "CNI_CONTAINERID");
	put_header(b, "Cni-Netns", "CNI_NETNS");
	put_header(b, "Cni-Ifname", "CNI_IFNAME");
	put_header(b, "Cni-Args", "CNI_ARGS");
	put_header(b, "Cni-Path", "CNI_PATH");
	buf_puts(b, "\r\n");
}

/* ---- the connection ---- */

static int64_t now_ms(void)
{
	struct timespec ts;

	/* Cannot fail with a valid clock and pointer. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Connects to the agent; returns the socket or -1 with errno set. A
 * connect() that waits for room in a full backlog gives up at the deadline
 * with EAGAIN.
 */
static int agent_connect(const char *path, int64_t deadline)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int64_t left = deadline - now_ms();
	struct timeval tv = { .tv_sec = left / 1000, .tv_usec = (left % 1000) * 1000 };
	size_t n = strlen(path);
	int fd, dirfd = -1, err = 0;

	if (n < sizeof(sa.sun_path)) {
		memcpy(sa.sun_path, path, n);
	} else {
		/*
		 * sun_path holds 108 bytes. A longer path is reached through a
		 * descriptor of its directory, whose /proc/self/fd alias is short.
		 */
		const char *slash = strrchr(path, '/');
		char *dir;
		int r;

		if (!slash) {
			errno = ENAMETOOLONG;
			return -1;
		}
		dir = strndup(path, (size_t)(slash - path) + 1);
		if (!dir)
			oom();
		dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		free(dir);
		if (dirfd < 0)
			return -1;
		r = snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/%s", dirfd, slash + 1);
		if (r < 0 || (size_t)r >= sizeof(sa.sun_path)) {
			close(dirfd);
			errno = ENAMETOOLONG;
			return -1;
		}
	}

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
		goto fail;
	while (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		/* A Unix connect() interrupted while waiting has not connected yet. */
		if (errno == EINTR)
			continue;
		if (errno == EISCONN)
			break;
		goto fail;
	}
	/* From here on every wait goes through poll(), which knows the deadline. */
	if (fcntl(fd, F_SETFL, O_NONBLOCK) < 0)
		goto fail;
	if (dirfd >= 0)
		close(dirfd);
	return fd;
fail:
	err = errno;
	if (fd >= 0)
		close(fd);
	if (dirfd >= 0)
		close(dirfd);
	errno = err;
	return -1;
}

/* Returns 0 when fd is ready (or in error: the next call says which), else an errno. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = events };
		int64_t left = deadline - now_ms();
		int r;

		if (left <= 0)
			return ETIMEDOUT;
		r = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return errno;
	}
}

static int send_all(int fd, const char *p, size_t n, int64_t deadline)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		int err;

		if (w >= 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return errno;
		err = wait_fd(fd, POLLOUT, deadline);
		if (err)
			return err;
	}
	return 0;
}

static int recv_all(int fd, struct buf *b, int64_t deadline)
{
	for (;;) {
		ssize_t r;
		int err;

		buf_reserve(b, 64 * 1024);
		r = recv(fd, b->p + b->len, b->cap - b->len, 0);
		if (r > 0) {
			b->len += (size_t)r;
			continue;
		}
		if (r == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return errno;
		err = wait_fd(fd, POLLIN, deadline);
		if (err)
			return err;
	}
}

/* ---- the response ---- */

struct response {
	int status;
	const char *body;
	size_t body_len;
};

/* Next line of [*p, end) without its CRLF (or bare LF); false if there is no complete line. */
static bool next_line(const char **p, const char *end, const char **line, size_t *len)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));

	if (!nl)
		return false;
	*line = *p;
	*len = (size_t)(nl - *p);
	if (*len && nl[-1] == '\r')
		(*len)--;
	*p = nl + 1;
	return true;
}

static bool header_is(const char *line, size_t len, const char *name)
{
	size_t n = strlen(name);

	return len > n && line[n] == ':' && !strncasecmp(line, name, n);
}

/* Parses a Content-Length value: digits between optional blanks. */
static int parse_length(const char *v, size_t len, size_t *out)
{
	size_t i = 0, n = 0;

	while (i < len && (v[i] == ' ' || v[i] == '\t'))
		i++;
	if (i == len || v[i] < '0' || v[i] > '9')
		return -1;
	for (; i < len && v[i] >= '0' && v[i] <= '9'; i++) {
		if (n > (SIZE_MAX - 9) / 10)
			return -1;
		n = n * 10 + (size_t)(v[i] - '0');
	}
	while (i < len && (v[i] == ' ' || v[i] == '\t'))
		i++;
	if (i != len)
		return -1;
	*out = n;
	return 0;
}

/* Returns 0 if data holds one complete, well-formed response; else -1 and what is wrong in why. */
static int parse_response(const char *data, size_t n, struct response *r, struct buf *why)
{
	const char *p = data, *end = data + n, *line;
	size_t len, content_length = 0, avail;
	bool has_length = false;

	if (!n || !next_line(&p, end, &line, &len)) {
		buf_puts(why, "it ends before the end of its status line");
		return -1;
	}
	if (len < 12 || memcmp(line, "HTTP/1.", 7) || line[7] < '0' || line[7] > '9' ||
	    line[8] != ' ' || line[9] < '1' || line[9] > '9' || line[10] < '0' || line[10] > '9' ||
	    line[11] < '0' || line[11] > '9' || (len > 12 && line[12] != ' ')) {
		buf_puts(why, "bad status line: ");
		buf_put(why, line, len > 64 ? 64 : len);
		return -1;
	}
	r->status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
	for (;;) {
		size_t v;

		if (!next_line(&p, end, &line, &len)) {
			buf_puts(why, "it ends inside its header");
			return -1;
		}
		if (!len)
			break;
		if (header_is(line, len, "Transfer-Encoding")) {
			buf_puts(why, "it has a Transfer-Encoding, which the protocol excludes");
			return -1;
		}
		if (!header_is(line, len, "Content-Length"))
			continue;
		line += strlen("Content-Length:");
		len -= strlen("Content-Length:");
		if (parse_length(line, len, &v) < 0 || (has_length && v != content_length)) {
			buf_puts(why, "bad Content-Length");
			return -1;
		}
		content_length = v;
		has_length = true;
	}
	if (!has_length) {
		buf_puts(why, "it has no Content-Length");
		return -1;
	}
	avail = (size_t)(end - p);
	if (avail < content_length) {
		buf_printf(why, "it was truncated: %zu of %zu body bytes arrived", avail, content_length);
		return -1;
	}
	if (avail > content_length) {
		buf_printf(why, "%zu bytes follow its %zu-byte body", avail - content_length,
			   content_length);
		return -1;
	}
	r->body = p;
	r->body_len = content_length;
	return 0;
}

/* ---- main ---- */

static const char *const supported_versions[] = { "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0" };

/*
 * The spec has the answer carry the cniVersion the runtime asked in; a version
 * this plugin does not speak (or none) is answered in the newest one.
 */
static void print_version(const char *requested)
{
	const char *version = CNI_VERSION;
	char out[256];
	size_t i;
	int n;

	for (i = 0; requested && i < sizeof(supported_versions) / sizeof(supported_versions[0]); i++)
		if (!strcmp(requested, supported_versions[i]))
			version = supported_versions[i];
	n = snprintf(out, sizeof(out), "{\"cniVersion\":\"%s\",\"supportedVersions\":"
		     "[\"0.3.0\",\"0.3.1\",\"0.4.0\",\"1.0.0\",\"1.1.0\"]}\n", version);
	emit(out, (size_t)n);
}

static __attribute__((noreturn)) void fail_unreachable(const char *path, int err)
{
	const char *details;

	switch (err) {
	case EACCES:
	case EPERM:
		details = "porin-cni must run as a user that may connect to the agent's socket";
		break;
	case EAGAIN:
		details = "the agent is not accepting connections fast enough; try again later";
		break;
	default:
		details = "start it with \"porin agent\"";
		break;
	}
	fail(CNI_ERR_AGAIN, details, "porin agent is not reachable at %s: %s", path, strerror(err));
}

int main(void)
{
	struct buf in = { 0 }, req = { 0 }, resp = { 0 }, why = { 0 };
	struct conf conf = { 0 };
	struct response r = { 0 };
	const char *command = getenv("CNI_COMMAND");
	const char *path;
	int in_err, send_err, recv_err, fd;
	int64_t deadline;

	/* A closed socket must give an error object, not a silent death. */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		fail(CNI_ERR_IO, NULL, "cannot ignore SIGPIPE: %s", strerror(errno));

	/* Always drained, so that the runtime's write of the configuration never fails. */
	in_err = read_all(STDIN_FILENO, &in);
	/*
	 * A malformed configuration still yields the top-level keys read before
	 * the error: they say where the agent is, and the agent reports the
	 * error precisely.
	 */
	if (!in_err) {
		scan_conf(in.p, in.len, &conf);
		if (conf.cni_version)
			err_version = conf.cni_version;
	}
	path = conf.socket_path ? conf.socket_path : DEFAULT_SOCKET;

	if (!command || !*command)
		fail(CNI_ERR_ENV, "porin-cni is a CNI plugin: a container runtime runs it with the CNI_* variables set",
		     "CNI_COMMAND is %s", command ? "empty" : "not set");
	if (!strcmp(command, "VERSION")) {
		print_version(conf.cni_version);
		free(in.p);
		free(conf.cni_version);
		free(conf.socket_path);
		return 0;
	}
	if (in_err)
		fail(CNI_ERR_IO, NULL, "cannot read the network configuration from stdin: %s",
		     strerror(in_err));

	deadline = now_ms() + AGENT_TIMEOUT_MS;
	fd = agent_connect(path, deadline);
	if (fd < 0)
		fail_unreachable(path, errno);

	build_request(&req, in.len);
	send_err = send_all(fd, req.p, req.len, deadline);
	if (!send_err)
		send_err = send_all(fd, in.p, in.len, deadline);
	/*
	 * If the agent stopped reading (EPIPE, ECONNRESET), it may still have
	 * answered, e.g. to refuse the request: read what it sent.
	 */
	if (send_err && send_err != EPIPE && send_err != ECONNRESET)
		recv_err = send_err;
	else
		recv_err = recv_all(fd, &resp, deadline);
	close(fd);
	free(req.p);

	if (parse_response(resp.p, resp.len, &r, &why) < 0) {
		if (recv_err == ETIMEDOUT)
			fail(CNI_ERR_IO, NULL, "porin agent at %s did not answer within %d seconds",
			     path, AGENT_TIMEOUT_MS / 1000);
		if (send_err)
			fail(CNI_ERR_IO, NULL, "porin agent at %s did not take the request: %s",
			     path, strerror(send_err));
		if (recv_err)
			fail(CNI_ERR_IO, NULL, "porin agent at %s broke the connection: %s",
			     path, strerror(recv_err));
		if (!resp.len)
			fail(CNI_ERR_IO, NULL, "porin agent at %s closed the connection without answering",
			     path);
		fail(CNI_ERR_IO, NULL, "porin agent at %s sent a malformed response: %s", path,
		     buf_cstr(&why));
	}
	if (r.status != 200 && !r.body_len)
		fail(CNI_ERR_IO, NULL, "porin agent at %s answered HTTP %d without an error object",
		     path, r.status);
	emit(r.body, r.body_len);

	free(in.p);
	free(resp.p);
	free(why.p);
	free(conf.cni_version);
	free(conf.socket_path);
	return r.status == 200 ? 0 : 1;
}
