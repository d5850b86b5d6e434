/*
 * test_sdnotify.c -- sdnotify.c: datagrams reach $NOTIFY_SOCKET (path and
 * abstract), nothing happens without it, and the watchdog interval is half
 * of $WATCHDOG_USEC and only for our own pid.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sdnotify.h"

static int bound(const char *name, int abstract)
{
	struct sockaddr_un sa;
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", name);
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(name));
	if (abstract)
		sa.sun_path[0] = '\0';
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, len), 0);
	return fd;
}

static void receive(int fd, const char *want)
{
	char buf[256];
	ssize_t n = recv(fd, buf, sizeof buf - 1, MSG_DONTWAIT);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, want);
}

static void to_a_path(void **state)
{
	(void)state;
	char path[64];
	snprintf(path, sizeof path, "/tmp/steady-sdnotify-%ld", (long)getpid());
	unlink(path);
	int fd = bound(path, 0);
	setenv("NOTIFY_SOCKET", path, 1);
	assert_int_equal(sdnotify_send("READY=1"), 0);
	receive(fd, "READY=1");
	assert_int_equal(sdnotify_send("STOPPING=1"), 0);
	receive(fd, "STOPPING=1");
	close(fd);
	unlink(path);
	/* nobody listening any more: an error, not a crash */
	assert_int_equal(sdnotify_send("READY=1"), -1);
	unsetenv("NOTIFY_SOCKET");
}

static void abstract(void **state)
{
	(void)state;
	char name[64];
	snprintf(name, sizeof name, "@steady-sdnotify-%ld", (long)getpid());
	int fd = bound(name, 1);
	setenv("NOTIFY_SOCKET", name, 1);
	assert_int_equal(sdnotify_send("WATCHDOG=1"), 0);
	receive(fd, "WATCHDOG=1");
	close(fd);
	unsetenv("NOTIFY_SOCKET");
}

static void without_systemd(void **state)
{
	(void)state;
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(sdnotify_send("READY=1"), 0);
	setenv("NOTIFY_SOCKET", "relative/path", 1);
	assert_int_equal(sdnotify_send("READY=1"), -1);
	unsetenv("NOTIFY_SOCKET");
}

static void watchdog_interval(void **state)
{
	(void)state;
	assert_int_equal(sdnotify_watchdog_interval("30000000", NULL, 42), 15000000);
	assert_int_equal(sdnotify_watchdog_interval("30000000", "42", 42), 15000000);
	assert_int_equal(sdnotify_watchdog_interval("30000000", "43", 42), 0);
	assert_int_equal(sdnotify_watchdog_interval(NULL, NULL, 42), 0);
	assert_int_equal(sdnotify_watchdog_interval("", NULL, 42), 0);
	assert_int_equal(sdnotify_watchdog_interval("abc", NULL, 42), 0);
	assert_int_equal(sdnotify_watchdog_interval("0", NULL, 42), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(to_a_path),
		cmocka_unit_test(abstract),
		cmocka_unit_test(without_systemd),
		cmocka_unit_test(watchdog_interval),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
