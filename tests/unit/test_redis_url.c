/* The Redis probe's pure parts: URL parsing (a table of good and bad URLs,
 * messages that never show the password), where the password comes from
 * (URL, password_file, REDISCLI_AUTH), and redis_clip() for model text. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "core/xalloc.h"
#include "probes/redis.h"

/* ---- good URLs ---------------------------------------------------------- */

/* Parameters are copied into each test's process, so they hold arrays. */
struct good_case {
	char url[96];
	bool is_unix;
	char host[48];
	int port;
	char path[48];
	int db;
	char user[24];
	char password[24];
	char addr[48];
};

ParameterizedTestParameters(redis_url, good)
{
	static struct good_case cases[] = {
		{ "redis://localhost", false, "localhost", 6379, "", 0, "",
		  "", "localhost:6379" },
		{ "redis://127.0.0.1:6380/2", false, "127.0.0.1", 6380, "", 2,
		  "", "", "127.0.0.1:6380" },
		{ "REDIS://cache.internal:6379/0", false, "cache.internal",
		  6379, "", 0, "", "", "cache.internal:6379" },
		{ "redis://:s3cret@cache:7000/1", false, "cache", 7000, "", 1,
		  "", "s3cret", "cache:7000" },
		{ "redis://alice:p%40ss%3Aw%2Fd@cache", false, "cache", 6379,
		  "", 0, "alice", "p@ss:w/d", "cache:6379" },
		{ "redis://al%69ce:pw@h", false, "h", 6379, "", 0, "alice",
		  "pw", "h:6379" },
		/* As redis-cli reads it: userinfo without ':' is a password. */
		{ "redis://hunter2@h:1", false, "h", 1, "", 0, "", "hunter2",
		  "h:1" },
		/* A raw '@' or '/' in a password: the host follows the last
		 * '@'. */
		{ "redis://u:p@s/s@host:2/3", false, "host", 2, "", 3, "u",
		  "p@s/s", "host:2" },
		{ "redis://[::1]:6390/4", false, "::1", 6390, "", 4, "", "",
		  "[::1]:6390" },
		{ "redis://[fe80::1]", false, "fe80::1", 6379, "", 0, "", "",
		  "[fe80::1]:6379" },
		{ "redis://h/", false, "h", 6379, "", 0, "", "", "h:6379" },
		{ "redis://h?db=5", false, "h", 6379, "", 5, "", "",
		  "h:6379" },
		{ "redis://h:65535/15", false, "h", 65535, "", 15, "", "",
		  "h:65535" },
		{ "unix:///run/redis/redis.sock", true, "", 0,
		  "/run/redis/redis.sock", 0, "", "",
		  "/run/redis/redis.sock" },
		{ "unix:///tmp/r.sock?db=2", true, "", 0, "/tmp/r.sock", 2,
		  "", "", "/tmp/r.sock" },
	};

	return cr_make_param_array(struct good_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct good_case *c, redis_url, good)
{
	struct redis_url u;
	struct err err = { "" };
	char addr[64];

	cr_assert_eq(redis_url_parse(c->url, &u, &err), 0, "%s: %s", c->url,
		     err.msg);
	cr_expect_eq(u.is_unix, c->is_unix, "%s", c->url);
	cr_expect_str_eq(u.host, c->host, "%s", c->url);
	cr_expect_eq(u.port, c->port, "%s", c->url);
	cr_expect_str_eq(u.path, c->path, "%s", c->url);
	cr_expect_eq(u.db, c->db, "%s", c->url);
	cr_expect_str_eq(u.user, c->user, "%s", c->url);
	cr_expect_str_eq(u.password, c->password, "%s", c->url);
	cr_expect_eq(u.has_password, c->password[0] != '\0', "%s", c->url);
	redis_url_addr(&u, addr, sizeof(addr));
	cr_expect_str_eq(addr, c->addr, "%s", c->url);
}

/* ---- bad URLs ----------------------------------------------------------- */

struct bad_case {
	char url[96];
	char want[96];          /* a part of the message */
};

ParameterizedTestParameters(redis_url, bad)
{
	static struct bad_case cases[] = {
		{ "", "no Redis URL" },
		{ "http://h:6379", "starts with redis:// or unix://" },
		{ "rediss://:hunter2@h", "TLS (rediss://) is not supported" },
		{ "redis://", "no host" },
		{ "redis://:hunter2@:6379", "no host" },
		{ "redis://:hunter2@h:0", "bad port" },
		{ "redis://:hunter2@h:65536", "bad port" },
		{ "redis://:hunter2@h:abc", "bad port" },
		{ "redis://:hunter2@h:", "bad port" },
		{ "redis://:hunter2@h/x", "bad database number" },
		{ "redis://:hunter2@h/1/2", "bad database number" },
		{ "redis://:hunter2@h/99999999", "bad database number" },
		{ "redis://a:%zzhunter2@h", "bad percent-encoding in the "
		  "password" },
		{ "redis://a:hunter2%4@h", "bad percent-encoding" },
		{ "redis://a%00:hunter2@h", "NUL byte in the user" },
		{ "redis://:hunter2@[::1", "unterminated [IPv6]" },
		{ "redis://:hunter2@[::1]x", "unexpected text" },
		{ "redis://:hunter2@h?timeout=5", "only ?db=N" },
		{ "redis://:hunter2@h?db=", "only ?db=N" },
		{ "unix://relative.sock", "absolute path" },
		{ "unix://", "absolute path" },
		{ "unix:///tmp/r.sock?x=1", "only ?db=N" },
	};

	return cr_make_param_array(struct bad_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct bad_case *c, redis_url, bad)
{
	struct redis_url u;
	struct err err = { "" };

	memset(&u, 'x', sizeof(u));
	cr_assert_eq(redis_url_parse(c->url, &u, &err), -1, "%s", c->url);
	cr_expect(strstr(err.msg, c->want) != NULL, "%s: got \"%s\"", c->url,
		  err.msg);
	cr_expect(strstr(err.msg, "hunter2") == NULL, "%s: \"%s\"", c->url,
		  err.msg);
	/* Nothing half-decoded is left behind. */
	cr_expect_eq(u.password[0], '\0', "%s", c->url);
	cr_expect_eq(u.has_password, false, "%s", c->url);
}

Test(redis_url, socket_path_too_long)
{
	char url[256];
	struct redis_url u;
	struct err err;

	snprintf(url, sizeof(url), "unix:///%0150d", 0);
	cr_assert_eq(redis_url_parse(url, &u, &err), -1);
	cr_expect(strstr(err.msg, "longer than 107 bytes") != NULL, "%s",
		  err.msg);
}

/* ---- settings: where the password comes from ---------------------------- */

static struct config cfg;
static char dir[] = "/tmp/warroom-redis-url-XXXXXX";
static char pwfile[64];

static void
setup(void)
{
	FILE *f;

	memset(&cfg, 0, sizeof(cfg));
	unsetenv("REDISCLI_AUTH");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(pwfile, sizeof(pwfile), "%s/pw", dir);
	f = fopen(pwfile, "w");
	cr_assert_not_null(f);
	fputs("from-file\nsecond line\n", f);
	fclose(f);
}

static void
teardown(void)
{
	config_finish(&cfg);
	unlink(pwfile);
	rmdir(dir);
}

static struct config_section *
section(const char *url)
{
	struct config_section *sec = config_add_section(&cfg, "redis.t");

	config_section_set(sec, "url", url);
	return sec;
}

TestSuite(redis_settings, .init = setup, .fini = teardown);

Test(redis_settings, url_password_wins)
{
	struct config_section *sec = section("redis://bob:from-url@h:1/2");
	struct redis_settings set;
	struct err err;

	config_section_set(sec, "password_file", pwfile);
	config_section_set(sec, "user", "carol");
	setenv("REDISCLI_AUTH", "from-env", 1);
	cr_assert_eq(redis_settings_from_section(sec, &set, &err), 0, "%s",
		     err.msg);
	cr_expect_str_eq(set.url.password, "from-url");
	cr_expect_str_eq(set.url.user, "bob");
	cr_expect_str_eq(set.addr, "h:1");
	cr_expect_eq(set.url.db, 2);
	cr_expect_eq(set.timeout_ms, 5000);
	redis_settings_wipe(&set);
	cr_expect_eq(set.url.password[0], '\0');
}

Test(redis_settings, file_then_env)
{
	struct config_section *sec = section("redis://h");
	struct redis_settings set;
	struct err err;

	config_section_set(sec, "password_file", pwfile);
	config_section_set(sec, "user", "carol");
	setenv("REDISCLI_AUTH", "from-env", 1);
	cr_assert_eq(redis_settings_from_section(sec, &set, &err), 0, "%s",
		     err.msg);
	cr_expect_str_eq(set.url.password, "from-file");
	cr_expect_str_eq(set.url.user, "carol");
	cr_expect(set.url.has_password);

	sec = section("redis://h");
	sec->timeout_ms = 1500;
	cr_assert_eq(redis_settings_from_section(sec, &set, &err), 0);
	cr_expect_str_eq(set.url.password, "from-env");
	cr_expect_eq(set.timeout_ms, 1500);

	unsetenv("REDISCLI_AUTH");
	cr_assert_eq(redis_settings_from_section(sec, &set, &err), 0);
	cr_expect_eq(set.url.has_password, false);
	cr_expect_str_eq(set.url.password, "");
}

Test(redis_settings, bad_file)
{
	struct config_section *sec = section("redis://h");
	struct redis_settings set;
	struct err err;
	char empty[96];
	FILE *f;

	config_section_set(sec, "password_file", "/nonexistent/pw");
	cr_assert_eq(redis_settings_from_section(sec, &set, &err), -1);
	cr_expect_str_eq(err.msg, "password_file /nonexistent/pw: No such "
			 "file or directory");

	snprintf(empty, sizeof(empty), "%s/empty", dir);
	f = fopen(empty, "w");
	cr_assert_not_null(f);
	fclose(f);
	config_section_set(sec, "password_file", empty);
	cr_assert_eq(redis_settings_from_section(sec, &set, &err), -1);
	cr_expect(strstr(err.msg, "is empty") != NULL, "%s", err.msg);
	unlink(empty);
}

Test(redis_settings, bad_url_hides_password)
{
	struct config_section *sec = section("redis://:topsecret@h:99999");
	struct redis_settings set;
	struct err err;

	cr_assert_eq(redis_settings_from_section(sec, &set, &err), -1);
	cr_expect(strstr(err.msg, "topsecret") == NULL, "%s", err.msg);
	cr_expect_str_eq(set.url.password, "");
}

/* ---- clipping model text ------------------------------------------------ */

Test(redis_clip, ascii)
{
	char out[64];

	cr_expect_str_eq(redis_clip(out, sizeof(out), "GET k", 5, 20),
			 "GET k");
	cr_expect_str_eq(redis_clip(out, sizeof(out), "abcdefghij", 10, 4),
			 "abcd...");
	/* dst smaller than max: cut to fit with the dots. */
	cr_expect_str_eq(redis_clip(out, 8, "abcdefghij", 10, 100),
			 "abcd...");
}

Test(redis_clip, utf8_boundary)
{
	char out[64];
	const char *s = "ab\xe5\xb1\xb1\xe7\x94\xb0";     /* ab山田 */

	cr_expect_str_eq(redis_clip(out, sizeof(out), s, strlen(s), 6),
			 "ab\xe5\xb1\xb1...");
	cr_expect_str_eq(redis_clip(out, sizeof(out), s, strlen(s), 4),
			 "ab...");
	cr_expect_str_eq(redis_clip(out, sizeof(out), s, strlen(s), 8),
			 s);
	/* Invalid bytes and escapes stay as they are (one byte each). */
	cr_expect_str_eq(redis_clip(out, sizeof(out), "\xff\x1b[2J", 5, 10),
			 "\xff\x1b[2J");
}

Test(redis_clip, nul_bytes)
{
	char out[64];

	cr_expect_str_eq(redis_clip(out, sizeof(out), "a\0b", 3, 20),
			 "a\\x00b");
	cr_expect_str_eq(redis_clip(out, sizeof(out), "a\0b", 3, 4),
			 "a...");
	cr_expect_str_eq(redis_clip(out, sizeof(out), "a\0b", 3, 0), "...");
}
