/* Configuration: the INI loader's accepted files and exact error messages
 * against the registry's backends, durations, booleans, the environment
 * fallback and the default path; and what a spec handed in decides
 * (aliases, pattern keys, required keys, key types, defaults, the
 * environment variable), with spec tables of the tests' own. Each test
 * runs in its own process with its own temporary directory. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config.h"
#include "core/xalloc.h"
#include "probes/probe.h"

static char tmpdir[] = "/tmp/warroom-config-XXXXXX";
static char *written[16];
static size_t n_written;

static void
setup(void)
{
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void
teardown(void)
{
	size_t i;

	for (i = 0; i < n_written; i++) {
		unlink(written[i]);
		free(written[i]);
	}
	rmdir(tmpdir);
}

/* Writes text to a fresh file in the temporary directory; returns its path
 * (freed by teardown). */
static const char *
write_file(const char *name, const char *text)
{
	char *path;
	FILE *f;

	cr_assert(n_written < sizeof(written) / sizeof(written[0]));
	path = xasprintf("%s/%s", tmpdir, name);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	cr_assert_eq(fwrite(text, 1, strlen(text), f), strlen(text));
	cr_assert_eq(fclose(f), 0);
	written[n_written++] = path;
	return path;
}

static const struct config_section *
find_section(const struct config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->n_sections; i++) {
		if (strcmp(cfg->sections[i].name, name) == 0) {
			return &cfg->sections[i];
		}
	}
	return NULL;
}

/* ---- bad files: exact messages ---------------------------------------- */

/* Parameters are copied into each test's process (which may not share the
 * parent's addresses), so they hold arrays, not pointers. */
struct bad_case {
	char text[112];
	char want[160];         /* after "PATH:" */
};

/* Loads text against specs: it must fail with "PATH:" + want, and no
 * message may quote a secret. */
static void
expect_load_error(const char *text,
		  const struct config_backend_spec *const *specs,
		  const char *want_after_path)
{
	struct config cfg = { 0 };
	struct err err = { { 0 } };
	const char *path = write_file("bad.ini", text);
	char want[2 * ERR_MSG_MAX];

	snprintf(want, sizeof(want), "%s:%s", path, want_after_path);
	cr_assert_eq(config_load_file(&cfg, path, specs, &err), -1,
		     "accepted: %s", text);
	cr_assert_str_eq(err.msg, want);
	cr_assert_null(strstr(err.msg, "s3cretpw"), "leaked: %s", err.msg);
	config_finish(&cfg);
}

ParameterizedTestParameters(config, bad_files)
{
	static struct bad_case cases[] = {
		{ "[mysql.main]\ndsn = host=db\n",
		  "1: unknown backend 'mysql' in section [mysql.main]" },
		{ "; comment\n\nurl = http://x\n",
		  "3: key outside a section" },
		{ "[redis.cache]\nurl = redis://h\n\n\n\n\n\n\ninterval = 5x\n",
		  "9: bad duration '5x' for interval" },
		{ "[redis.cache]\nurl = redis://h\ntimeout = 0\n",
		  "3: bad duration '0' for timeout" },
		{ "[postgres.main]\ndsn = x\nlong_query = -1s\n",
		  "3: bad duration '-1s' for long_query" },
		{ "[redis.cache]\nurl = redis://a\n[redis.cache]\n",
		  "3: duplicate section [redis.cache]" },
		{ "\n[redis.cache]\ninterval = 1s\n[postgres.main]\ndsn = x\n",
		  "2: missing required key 'url' in [redis.cache]" },
		{ "[k8s.prod]\n[postgres.events]\nlong_query = 1s\n",
		  "2: missing required key 'dsn' in [postgres.events]" },
		{ "[kafka.events]\nbrokers = k:9092\nwindow = 2 m\n",
		  "3: bad duration '2 m' for window" },
		{ "[kafka.events]\nbrokers = k:9092\nsasl.a.b.c.d = x\n",
		  "3: unknown key 'sasl.a.b.c.d' in [kafka.events]" },
		{ "[kafka.events]\nmetrics_url = ftp://prom\n",
		  "2: bad value for metrics_url in [kafka.events] (expected "
		  "http://HOST[:PORT][/PATH] or https://...)" },
		{ "[prometheus.prod]\n",
		  "1: missing required key 'url' in [prometheus.prod]" },
		{ "[redis.cache]\nurl = redis://h\nx = 1\n",
		  "3: unknown key 'x' in [redis.cache]" },
		{ "[k8s.prod]\ndsn = x\n",
		  "2: unknown key 'dsn' in [k8s.prod]" },
		{ "[redis]\nurl = redis://h\n",
		  "1: section [redis] needs a name, e.g. [redis.main]" },
		{ "[foo]\n",
		  "1: unknown section [foo] (expected [warroom], [incident], "
		  "[layout] or [BACKEND.NAME])" },
		{ "[redis.a b]\n",
		  "1: bad source name in section [redis.a b] (use up to 48 "
		  "letters, digits, '_' and '-')" },
		{ "[redis.a.b]\n",
		  "1: bad source name in section [redis.a.b] (use up to 48 "
		  "letters, digits, '_' and '-')" },
		{ "[redis.]\n",
		  "1: bad source name in section [redis.] (use up to 48 "
		  "letters, digits, '_' and '-')" },
		{ "[]\n", "1: empty section name" },
		{ "[redis.cache\nurl = redis://h\n",
		  "1: unterminated section header (missing ']')" },
		{ "[redis.cache] url = redis://h\n",
		  "1: unexpected text after section header" },
		{ "[redis.cache]\nurl = redis://h\njust some words\n",
		  "3: expected 'key = value'" },
		{ "[redis.cache]\n= redis://h\n",
		  "2: expected 'key = value'" },
		{ "[redis.cache]\nurl = redis://a\nurl = redis://b\n",
		  "3: duplicate key 'url' in [redis.cache]" },
		{ "[redis.cache]\nurl =\n",
		  "2: empty value for url in [redis.cache]" },
		{ "[warroom]\nread_only = maybe\n",
		  "2: bad boolean 'maybe' for read_only (use true or false)" },
		{ "[warroom]\ncolour = red\n",
		  "2: unknown key 'colour' in [warroom]" },
		{ "[warroom]\ntheme = light\ntheme = dark\n",
		  "3: duplicate key 'theme' in [warroom]" },
		{ "[warroom]\n[warroom]\n",
		  "2: duplicate section [warroom]" },
		{ "[redis.cache]\nurl = redis://h\ninterval = 50ms\n",
		  "3: interval '50ms' is too short (at least 100ms)" },
		{ "[kafka.events]\nbrokers = a:9092,b:99999\n",
		  "2: bad value for brokers in [kafka.events] (expected "
		  "HOST:PORT[,HOST:PORT...])" },
		{ "[kafka.events]\nbrokers = a:9092\ngroups = a,,b\n",
		  "3: bad value for groups in [kafka.events] (expected "
		  "NAME[,NAME...])" },
		{ "[redis.cache]\nurl = http://h:6379\n",
		  "2: bad value for url in [redis.cache] (expected "
		  "redis://HOST[:PORT][/DB] or unix:///PATH)" },
		{ "[prometheus.prod]\nurl = prom:9090\n",
		  "2: bad value for url in [prometheus.prod] (expected "
		  "http://HOST[:PORT][/PATH] or https://...)" },
		{ "[alertmanager.prod]\nurl = http://am\ntls_verify = sure\n",
		  "3: bad boolean 'sure' for tls_verify (use true or false)" },
		{ "[prometheus.prod]\nurl = http://p\nbearer_token_env = a-b\n",
		  "3: bad value for bearer_token_env in [prometheus.prod] "
		  "(expected the name of an environment variable)" },
		{ "[redis.cache]\nurl = redis://h\npassword = pw\n",
		  "3: unknown key 'password' in [redis.cache] (give secrets "
		  "as a file: password_file, bearer_token_file)" },
		/* Only the first error is reported. */
		{ "[redis.cache]\nurl = redis://h\ninterval = 1y\n[foo.bar]\n",
		  "3: bad duration '1y' for interval" },
		/* An indented line is a key, not a continuation. */
		{ "[redis.cache]\n  url = redis://h\n  bogus = 1\n",
		  "3: unknown key 'bogus' in [redis.cache]" },
	};

	return cr_make_param_array(struct bad_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct bad_case *c, config, bad_files, .init = setup,
		  .fini = teardown)
{
	expect_load_error(c->text, probe_config_specs(), c->want);
}

Test(config, line_too_long, .init = setup, .fini = teardown)
{
	char text[400], want[2 * ERR_MSG_MAX];
	struct config cfg = { 0 };
	struct err err = { { 0 } };
	const char *path;

	snprintf(text, sizeof(text), "[postgres.main]\ndsn = %0250d\n", 7);
	path = write_file("long.ini", text);
	cr_assert_eq(config_load_file(&cfg, path, probe_config_specs(),
				      &err), -1);
	snprintf(want, sizeof(want),
		 "%s:2: line too long (at most 198 characters)", path);
	cr_assert_str_eq(err.msg, want);
	config_finish(&cfg);
}

Test(config, missing_file, .init = setup, .fini = teardown)
{
	struct config cfg = { 0 };
	struct err err = { { 0 } };
	char path[128], want[2 * ERR_MSG_MAX];

	snprintf(path, sizeof(path), "%s/nope.ini", tmpdir);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	cr_assert_eq(config_load_file(&cfg, path, probe_config_specs(),
				      &err), -1);
	cr_assert_str_eq(err.msg, want);
	cr_assert_str_eq(cfg.path, path);
	config_finish(&cfg);
	cr_assert_null(cfg.path);
}

Test(config, directory_is_an_error, .init = setup, .fini = teardown)
{
	struct config cfg = { 0 };
	struct err err = { { 0 } };
	char want[2 * ERR_MSG_MAX];

	snprintf(want, sizeof(want), "%s: Is a directory", tmpdir);
	cr_assert_eq(config_load_file(&cfg, tmpdir, probe_config_specs(),
				      &err), -1);
	cr_assert_str_eq(err.msg, want);
	config_finish(&cfg);
}

/* ---- secrets never reach a message ------------------------------------ */

struct secret_case {
	char text[96];
};

ParameterizedTestParameters(config, secret_not_echoed)
{
	static struct secret_case cases[] = {
		{ "[prometheus.prod]\nurl = htp://admin:s3cretpw@prom\n" },
		{ "[alertmanager.prod]\nurl = https:///s3cretpw\n" },
		{ "[redis.cache]\nurl = redis//:s3cretpw@cache:6379\n" },
		{ "[redis.cache]\nurl = redis://:s3cretpw@cache :6379\n" },
		{ "[kafka.events]\nbrokers = user:s3cretpw@kafka:x\n" },
		{ "[postgres.main]\ndsn = password=s3cretpw\x01\n" },
		{ "[redis.cache]\nurl = redis://h\npassword = s3cretpw\n" },
		{ "[redis.cache]\nurl = redis://h\npassword s3cretpw\n" },
		{ "[redis.cache]\npassword s3cretpw: x\n" },
		{ "[prometheus.p]\nurl = http://p\n"
		  "bearer_token_env = s3cretpw.x\n" },
		{ "[redis.cache]\nurl = redis://:s3cretpw@h\n"
		  "url = redis://h\n" },
		{ "url = redis://:s3cretpw@h\n" },
	};

	return cr_make_param_array(struct secret_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct secret_case *c, config, secret_not_echoed,
		  .init = setup, .fini = teardown)
{
	struct config cfg = { 0 };
	struct err err = { { 0 } };
	const char *path = write_file("secret.ini", c->text);

	cr_assert_eq(config_load_file(&cfg, path, probe_config_specs(),
				      &err), -1, "accepted: %s",
		     c->text);
	cr_assert(err.msg[0] != '\0');
	cr_assert_null(strstr(err.msg, "s3cretpw"), "leaked: %s", err.msg);
	config_finish(&cfg);
}

/* ---- good files ------------------------------------------------------- */

static const char realistic[] =
	"; warroom configuration\n"
	"# both comment styles\n"
	"[warroom]\n"
	"theme = high-contrast\n"
	"read_only = yes\n"
	"\n"
	"[postgres.main]\n"
	"dsn = host=db1 dbname=app user=warroom\n"
	"long_query = 10s\n"
	"\n"
	"[postgres.billing]\n"
	"dsn = postgresql://warroom@db2:5432/billing?sslmode=require\n"
	"password_file = /run/secrets/billing-db\n"
	"interval = 500ms\n"
	"timeout = 2s\n"
	"\n"
	"[redis.cache]\n"
	"    url = redis://cache:6379/0   ; indented, inline comment\n"
	"    user = warroom\n"
	"\n"
	"[prometheus.prod]\n"
	"url = https://prometheus.example:9090/\n"
	"bearer_token_file = /run/secrets/prom-token\n"
	"tls_verify = false\n"
	"[alertmanager.prod]\n"
	"url: http://alertmanager:9093\n"
	"interval = 1m\n"
	"[kafka.events]\n"
	"brokers = k1:9092, k2:9092,k3\n"
	"groups = billing,shipping\n"
	"[k8s.prod]\n";

Test(config, realistic_file, .init = setup, .fini = teardown)
{
	struct config cfg = { 0 };
	struct err err = { { 0 } };
	const char *path = write_file("config.ini", realistic);
	const struct config_section *s;

	cr_assert_eq(config_load_file(&cfg, path, probe_config_specs(),
				      &err), 0, "%s", err.msg);
	cr_assert_str_eq(cfg.path, path);
	cr_assert_not(cfg.from_env);
	cr_assert_str_eq(cfg.theme, "high-contrast");
	cr_assert(cfg.read_only);
	cr_assert_eq(cfg.n_sections, 7);
	cr_assert_str_eq(cfg.sections[0].name, "postgres.main");
	cr_assert_str_eq(cfg.sections[6].name, "k8s.prod");

	s = find_section(&cfg, "postgres.main");
	cr_assert_str_eq(s->backend, "postgres");
	cr_assert_str_eq(s->instance, "main");
	cr_assert_eq(s->line, 7);
	cr_assert_eq(s->interval_ms, 2000);
	cr_assert_eq(s->timeout_ms, 5000);
	cr_assert_str_eq(config_get(s, "dsn"),
			 "host=db1 dbname=app user=warroom");
	cr_assert_str_eq(config_get(s, "long_query"), "10s");

	s = find_section(&cfg, "postgres.billing");
	cr_assert_eq(s->interval_ms, 500);
	cr_assert_eq(s->timeout_ms, 2000);
	cr_assert_str_eq(config_get(s, "password_file"),
			 "/run/secrets/billing-db");
	cr_assert_str_eq(config_get(s, "long_query"), "5s");

	s = find_section(&cfg, "redis.cache");
	cr_assert_str_eq(config_get(s, "url"), "redis://cache:6379/0");
	cr_assert_str_eq(config_get(s, "user"), "warroom");
	cr_assert_null(config_get(s, "password_file"));

	s = find_section(&cfg, "prometheus.prod");
	cr_assert_eq(s->interval_ms, 5000);
	cr_assert_str_eq(config_get(s, "tls_verify"), "false");

	s = find_section(&cfg, "alertmanager.prod");
	cr_assert_str_eq(config_get(s, "url"), "http://alertmanager:9093");
	cr_assert_eq(s->interval_ms, 60000);
	cr_assert_str_eq(config_get(s, "tls_verify"), "true");

	s = find_section(&cfg, "kafka.events");
	cr_assert_str_eq(config_get(s, "brokers"), "k1:9092, k2:9092,k3");
	cr_assert_str_eq(config_get(s, "groups"), "billing,shipping");

	s = find_section(&cfg, "k8s.prod");
	/* Nothing set but the one default: watch, not re-list. */
	cr_assert_eq(s->n_kv, 1);
	cr_assert_str_eq(config_get(s, "watch"), "true");
	cr_assert_eq(s->line, 31);
	cr_assert_eq(s->interval_ms, 2000);
	config_finish(&cfg);
	cr_assert_eq(cfg.n_sections, 0);
}

Test(config, crlf_bom_and_defaults, .init = setup, .fini = teardown)
{
	struct config cfg = { 0 };
	struct err err = { { 0 } };
	const char *path = write_file("crlf.ini",
		"\xef\xbb\xbf[redis.a-1_B]\r\nurl = unix:///run/redis.sock\r\n"
		"[ k8s.x ] ; spaced\r\ncontext = prod\r\n");
	const struct config_section *s;

	cr_assert_eq(config_load_file(&cfg, path, probe_config_specs(),
				      &err), 0, "%s", err.msg);
	cr_assert_null(cfg.theme);
	cr_assert_not(cfg.read_only);
	cr_assert_eq(cfg.n_sections, 2);
	s = find_section(&cfg, "redis.a-1_B");
	cr_assert_not_null(s);
	cr_assert_str_eq(config_get(s, "url"), "unix:///run/redis.sock");
	s = find_section(&cfg, "k8s.x");
	cr_assert_not_null(s);
	cr_assert_str_eq(config_get(s, "context"), "prod");
	cr_assert_eq(s->line, 3);
	config_finish(&cfg);
}

Test(config, empty_file_has_no_sections, .init = setup, .fini = teardown)
{
	struct config cfg = { 0 };
	struct err err = { { 0 } };
	const char *path = write_file("empty.ini", "; nothing yet\n");

	cr_assert_eq(config_load_file(&cfg, path, probe_config_specs(),
				      &err), 0, "%s", err.msg);
	cr_assert_eq(cfg.n_sections, 0);
	config_finish(&cfg);
}

/* ---- durations and booleans ------------------------------------------ */

struct duration_case {
	char text[32];
	int ms;                 /* -1: rejected */
};

ParameterizedTestParameters(config, durations)
{
	static struct duration_case cases[] = {
		{ "2s", 2000 }, { "500ms", 500 }, { "1m", 60000 },
		{ "1h", 3600000 }, { "3", 3000 }, { "1.5s", 1500 },
		{ "0.25", 250 }, { "1ms", 1 }, { "24h", 86400000 },
		{ "1440m", 86400000 }, { "007s", 7000 },
		{ "", -1 }, { "-1s", -1 }, { "5x", -1 }, { "1.5.2s", -1 },
		{ "0", -1 }, { "0s", -1 }, { "0.0001s", -1 }, { "1.5ms", -1 },
		{ "25h", -1 }, { "86400001ms", -1 },
		{ "99999999999999999999s", -1 }, { "4294967297", -1 },
		{ "s", -1 }, { ".5s", -1 }, { "5.s", -1 }, { " 2s", -1 },
		{ "2 s", -1 }, { "2s ", -1 }, { "2S", -1 }, { "1e3", -1 },
		{ "+1s", -1 }, { "2sec", -1 }, { "1d", -1 },
	};

	return cr_make_param_array(struct duration_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct duration_case *c, config, durations)
{
	int ms = -12345;
	int rc = config_parse_duration(c->text, &ms);

	if (c->ms < 0) {
		cr_assert_eq(rc, -1, "'%s' accepted as %d", c->text, ms);
		cr_assert_eq(ms, -12345);
	} else {
		cr_assert_eq(rc, 0, "'%s' rejected", c->text);
		cr_assert_eq(ms, c->ms, "'%s' gave %d", c->text, ms);
	}
}

Test(config, duration_null)
{
	int ms = 0;

	cr_assert_eq(config_parse_duration(NULL, &ms), -1);
}

Test(config, booleans)
{
	static const char *yes[] = { "true", "yes", "1", "on", "TRUE", "Yes" };
	static const char *no[] = { "false", "no", "0", "off", "False" };
	static const char *bad[] = { "", "maybe", "2", "tru", "yes ", NULL };
	bool b;
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		b = false;
		cr_assert_eq(config_parse_bool(yes[i], &b), 0, "%s", yes[i]);
		cr_assert(b, "%s", yes[i]);
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		b = true;
		cr_assert_eq(config_parse_bool(no[i], &b), 0, "%s", no[i]);
		cr_assert_not(b, "%s", no[i]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(config_parse_bool(bad[i], &b), -1, "%s", bad[i]);
	}
}

/* ---- environment fallback -------------------------------------------- */

static void
clear_env(void)
{
	static const char *const vars[] = {
		"DATABASE_URL", "REDIS_URL", "PROMETHEUS_URL",
		"ALERTMANAGER_URL", "KAFKA_BROKERS", "KUBECONFIG",
	};
	size_t i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		unsetenv(vars[i]);
	}
}

Test(config, env_all_variables)
{
	struct config cfg = { 0 };
	const struct config_section *s;

	clear_env();
	setenv("DATABASE_URL", "postgres://u:pw@db/app", 1);
	setenv("REDIS_URL", "redis://cache:6379", 1);
	setenv("PROMETHEUS_URL", "http://prom:9090", 1);
	setenv("ALERTMANAGER_URL", "http://am:9093", 1);
	setenv("KAFKA_BROKERS", "k1:9092,k2:9092", 1);
	setenv("KUBECONFIG", "/etc/kube/config", 1);
	cr_assert_eq(config_from_env(&cfg, probe_config_specs()), 6);
	cr_assert(cfg.from_env);
	cr_assert_eq(cfg.n_sections, 6);

	s = find_section(&cfg, "postgres.env");
	cr_assert_not_null(s);
	cr_assert_str_eq(s->backend, "postgres");
	cr_assert_str_eq(s->instance, "env");
	cr_assert_eq(s->line, 0);
	cr_assert_eq(s->interval_ms, 2000);
	cr_assert_eq(s->timeout_ms, 5000);
	cr_assert_str_eq(config_get(s, "dsn"), "postgres://u:pw@db/app");
	cr_assert_str_eq(config_get(find_section(&cfg, "redis.env"), "url"),
			 "redis://cache:6379");
	s = find_section(&cfg, "prometheus.env");
	cr_assert_str_eq(config_get(s, "url"), "http://prom:9090");
	cr_assert_eq(s->interval_ms, 5000);
	cr_assert_str_eq(config_get(find_section(&cfg, "alertmanager.env"),
				    "url"), "http://am:9093");
	cr_assert_str_eq(config_get(find_section(&cfg, "kafka.env"),
				    "brokers"), "k1:9092,k2:9092");
	cr_assert_str_eq(config_get(find_section(&cfg, "kubernetes.env"),
				    "kubeconfig"), "/etc/kube/config");
	config_finish(&cfg);
}

Test(config, env_empty_values_ignored)
{
	struct config cfg = { 0 };

	clear_env();
	setenv("DATABASE_URL", "", 1);
	setenv("REDIS_URL", "redis://cache", 1);
	cr_assert_eq(config_from_env(&cfg, probe_config_specs()), 1);
	cr_assert(cfg.from_env);
	cr_assert_eq(cfg.n_sections, 1);
	cr_assert_str_eq(cfg.sections[0].name, "redis.env");
	config_finish(&cfg);
}

Test(config, env_nothing_set)
{
	struct config cfg = { 0 };

	clear_env();
	cr_assert_eq(config_from_env(&cfg, probe_config_specs()), 0);
	cr_assert_not(cfg.from_env);
	cr_assert_eq(cfg.n_sections, 0);
	config_finish(&cfg);
}

/* ---- default path ----------------------------------------------------- */

Test(config, default_path_xdg)
{
	char *p;

	setenv("XDG_CONFIG_HOME", "/srv/cfg", 1);
	setenv("HOME", "/home/op", 1);
	p = config_default_path();
	cr_assert_str_eq(p, "/srv/cfg/warroom/config.ini");
	free(p);
}

Test(config, default_path_home)
{
	char *p;

	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", "/home/op", 1);
	p = config_default_path();
	cr_assert_str_eq(p, "/home/op/.config/warroom/config.ini");
	free(p);
}

Test(config, default_path_relative_xdg_ignored)
{
	char *p;

	setenv("XDG_CONFIG_HOME", "relative/dir", 1);
	setenv("HOME", "/home/op", 1);
	p = config_default_path();
	cr_assert_str_eq(p, "/home/op/.config/warroom/config.ini");
	free(p);
}

/* ---- building by hand ------------------------------------------------- */

Test(config, add_section_and_set)
{
	struct config cfg = { .specs = probe_config_specs() };
	struct config_section *s;

	s = config_add_section(&cfg, "alertmanager.lab");
	cr_assert_str_eq(s->backend, "alertmanager");
	cr_assert_str_eq(s->instance, "lab");
	cr_assert_eq(s->interval_ms, 5000);
	cr_assert_str_eq(config_get(s, "tls_verify"), "true");
	config_section_set(s, "url", "http://a");
	config_section_set(s, "url", "http://b");
	cr_assert_str_eq(config_get(s, "url"), "http://b");
	cr_assert_eq(s->n_kv, 2);
	cr_assert_null(config_get(s, "nope"));

	s = config_add_section(&cfg, "demo");
	cr_assert_str_eq(s->backend, "demo");
	cr_assert_str_eq(s->instance, "");
	cr_assert_eq(s->interval_ms, 2000);
	cr_assert_eq(cfg.n_sections, 2);
	config_finish(&cfg);
}

Test(config, backends_list)
{
	static const char *const want[] = {
		"kubernetes", "postgres", "redis", "kafka", "prometheus",
		"alertmanager", "http", "diagnosis",
	};
	const struct config_backend_spec *const *specs = probe_config_specs();
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		cr_assert_str_eq(specs[i]->name, want[i]);
	}
	cr_assert_null(specs[i]);
	cr_assert_eq(config_backend_find(specs, "k8s"), specs[0]);
	cr_assert_eq(config_backend_find(specs, "kubernetes"), specs[0]);
	cr_assert_null(config_backend_find(specs, "prometheus-alerts"));
	cr_assert_null(config_backend_find(specs, "demo"));
	cr_assert_null(config_backend_find(NULL, "redis"));
}

/* ---- aliases of the real backends -------------------------------------- */

Test(config, k8s_loads_as_kubernetes, .init = setup, .fini = teardown)
{
	struct config cfg = { 0 };
	struct err err = { { 0 } };
	const char *path = write_file("k8s.ini",
		"[k8s.x]\ncontext = prod\n[kubernetes.y]\nnamespace = web\n");
	const struct config_section *s;

	cr_assert_eq(config_load_file(&cfg, path, probe_config_specs(),
				      &err), 0, "%s", err.msg);
	cr_assert_eq(cfg.n_sections, 2);
	s = find_section(&cfg, "k8s.x");
	cr_assert_not_null(s);
	cr_assert_str_eq(s->backend, "kubernetes");
	cr_assert_str_eq(s->instance, "x");
	cr_assert_eq(s->interval_ms, 2000);
	cr_assert_str_eq(config_get(s, "context"), "prod");
	s = find_section(&cfg, "kubernetes.y");
	cr_assert_not_null(s);
	cr_assert_str_eq(s->backend, "kubernetes");
	cr_assert_eq(probe_find(s->backend), probe_find("k8s"));
	config_finish(&cfg);
}

/* ---- a spec handed in decides --------------------------------------- */

/* A backend of the tests' own, with a key of every type. */
static const struct config_key_spec toy_keys[] = {
	{ .name = "host", .type = CONFIG_TEXT, .required = true,
	  .env = "WARROOM_TEST_TOY", .help = "where it runs" },
	{ .name = "wait", .type = CONFIG_DURATION, .def = "3s",
	  .help = "how long" },
	{ .name = "verbose", .type = CONFIG_BOOL, .def = "no",
	  .help = "whether to say more" },
	{ .name = "api", .type = CONFIG_HTTP_URL, .help = "an API" },
	{ .name = "cache", .type = CONFIG_REDIS_URL, .help = "a Redis" },
	{ .name = "db", .type = CONFIG_DSN, .secret = true,
	  .help = "a database" },
	{ .name = "brokers", .type = CONFIG_BROKERS,
	  .env = "WARROOM_TEST_BROKERS", .help = "a Kafka" },
	{ .name = "names", .type = CONFIG_LIST, .help = "some names" },
	{ .name = "var", .type = CONFIG_ENV_NAME, .help = "a variable" },
	{ .name = "pin", .type = CONFIG_DURATION, .secret = true,
	  .help = "a secret duration" },
	{ .name = "gauge.NAME.limit", .type = CONFIG_DURATION,
	  .pattern = true, .help = "a limit per gauge" },
	{ .name = "gauge.NAME.label", .type = CONFIG_TEXT, .pattern = true,
	  .help = "a label per gauge" },
	{ .name = "pair.A.B", .type = CONFIG_BOOL, .pattern = true,
	  .help = "two placeholders" },
	{ .name = NULL },
};

static const struct config_key_spec toy_shared_keys[] = {
	{ .name = "site", .type = CONFIG_TEXT, .required = true,
	  .env = "WARROOM_TEST_SITE", .help = "shared with other backends" },
	{ .name = NULL },
};

static const char *const toy_aliases[] = { "tk", "toy2", NULL };

static const struct config_backend_spec toy_spec = {
	.name = "toy",
	.aliases = toy_aliases,
	.interval_ms = 750,
	.keys = toy_keys,
	.shared_keys = toy_shared_keys,
};

/* No keys of its own, the default interval. */
static const struct config_backend_spec bare_spec = {
	.name = "bare",
};

static const struct config_backend_spec *const toy_specs[] = {
	&toy_spec, &bare_spec, NULL,
};

/* Loads text against toy_specs: the loader's rc, with cfg to finish. */
static int
load_toy(struct config *cfg, const char *text, struct err *err)
{
	return config_load_file(cfg, write_file("toy.ini", text), toy_specs,
				err);
}

Test(config, spec_values_of_every_type, .init = setup, .fini = teardown)
{
	struct config cfg = { 0 };
	struct err err = { { 0 } };
	const struct config_section *s;

	cr_assert_eq(load_toy(&cfg,
		"[toy.a]\nhost = h\nsite = s\nwait = 250ms\nverbose = on\n"
		"api = https://api:8443/v1\ncache = redis://c:6379/2\n"
		"db = host=db1 dbname=app\nbrokers = k1:9092, k2\n"
		"names = a,b\nvar = TOKEN_1\npin = 2s\n"
		"gauge.cpu.limit = 1m\ngauge.cpu.label = CPU time\n"
		"pair.x.y = false\n[bare.b]\n", &err), 0, "%s", err.msg);
	cr_assert_eq(cfg.specs, toy_specs);
	s = find_section(&cfg, "toy.a");
	cr_assert_str_eq(s->backend, "toy");
	cr_assert_eq(s->interval_ms, 750);
	cr_assert_str_eq(config_get(s, "wait"), "250ms");
	cr_assert_str_eq(config_get(s, "verbose"), "on");
	cr_assert_str_eq(config_get(s, "brokers"), "k1:9092, k2");
	cr_assert_str_eq(config_get(s, "gauge.cpu.label"), "CPU time");
	cr_assert_str_eq(config_get(s, "pair.x.y"), "false");
	cr_assert_eq(s->n_kv, 14);
	s = find_section(&cfg, "bare.b");
	cr_assert_str_eq(s->backend, "bare");
	cr_assert_eq(s->interval_ms, CONFIG_INTERVAL_DEFAULT_MS);
	cr_assert_eq(s->n_kv, 0);
	config_finish(&cfg);
}

Test(config, spec_defaults_fill_a_new_section, .init = setup,
     .fini = teardown)
{
	struct config cfg = { 0 };
	struct err err = { { 0 } };
	const struct config_section *s;

	cr_assert_eq(load_toy(&cfg, "[toy.a]\nhost = h\nsite = s\n"
			      "wait = 1s\n", &err), 0, "%s", err.msg);
	s = &cfg.sections[0];
	cr_assert_str_eq(config_get(s, "wait"), "1s", "a set key wins");
	cr_assert_str_eq(config_get(s, "verbose"), "no");
	cr_assert_null(config_get(s, "api"));
	cr_assert_eq(s->timeout_ms, 5000);
	config_finish(&cfg);
}

ParameterizedTestParameters(config, spec_errors)
{
	static struct bad_case cases[] = {
		/* A key of each type with a bad value. */
		{ "[toy.a]\nhost = h\nsite = s\nhost2 = x\n",
		  "4: unknown key 'host2' in [toy.a]" },
		{ "[toy.a]\nhost = a\x01z\nsite = s\n",
		  "2: bad value for host in [toy.a] (control character)" },
		{ "[toy.a]\nhost = h\nsite = s\nwait = 5x\n",
		  "4: bad duration '5x' for wait" },
		{ "[toy.a]\nhost = h\nsite = s\nverbose = maybe\n",
		  "4: bad boolean 'maybe' for verbose (use true or false)" },
		{ "[toy.a]\nhost = h\nsite = s\napi = ftp://x\n",
		  "4: bad value for api in [toy.a] (expected "
		  "http://HOST[:PORT][/PATH] or https://...)" },
		{ "[toy.a]\nhost = h\nsite = s\ncache = http://c\n",
		  "4: bad value for cache in [toy.a] (expected "
		  "redis://HOST[:PORT][/DB] or unix:///PATH)" },
		{ "[toy.a]\nhost = h\nsite = s\ndb = x\x02y\n",
		  "4: bad value for db in [toy.a] (control character)" },
		{ "[toy.a]\nhost = h\nsite = s\nbrokers = k:0\n",
		  "4: bad value for brokers in [toy.a] (expected "
		  "HOST:PORT[,HOST:PORT...])" },
		{ "[toy.a]\nhost = h\nsite = s\nnames = a,,b\n",
		  "4: bad value for names in [toy.a] (expected "
		  "NAME[,NAME...])" },
		{ "[toy.a]\nhost = h\nsite = s\nvar = 1x\n",
		  "4: bad value for var in [toy.a] (expected the name of an "
		  "environment variable)" },
		/* A secret is not echoed even where its type would be. */
		{ "[toy.a]\nhost = h\nsite = s\npin = s3cretpw\n",
		  "4: bad duration for pin" },
		/* Pattern keys: the key is named as written. */
		{ "[toy.a]\nhost = h\nsite = s\ngauge.cpu.limit = 5x\n",
		  "4: bad duration '5x' for gauge.cpu.limit" },
		{ "[toy.a]\nhost = h\nsite = s\npair.x.y = perhaps\n",
		  "4: bad boolean 'perhaps' for pair.x.y (use true or false)" },
		{ "[toy.a]\nhost = h\nsite = s\ngauge.cpu.color = red\n",
		  "4: unknown key 'gauge.cpu.color' in [toy.a]" },
		{ "[toy.a]\nhost = h\nsite = s\ngauge..limit = 1s\n",
		  "4: unknown key 'gauge..limit' in [toy.a]" },
		{ "[toy.a]\nhost = h\nsite = s\ngauge.cpu = 1s\n",
		  "4: unknown key 'gauge.cpu' in [toy.a]" },
		{ "[toy.a]\nhost = h\nsite = s\ngauge.a.b.limit = 1s\n",
		  "4: unknown key 'gauge.a.b.limit' in [toy.a]" },
		{ "[toy.a]\nhost = h\nsite = s\ngauge.cpu.limit.x = 1s\n",
		  "4: unknown key 'gauge.cpu.limit.x' in [toy.a]" },
		/* A placeholder stands for at most 32 characters. */
		{ "[toy.a]\nhost = h\nsite = s\n"
		  "pair.abcdefghijklmnopqrstuvwxyz0123456.y = on\n",
		  "4: unknown key 'pair.abcdefghijklmnopqrstuvwxyz0123456.y' "
		  "in [toy.a]" },
		{ "[toy.a]\nhost = h\nsite = s\ngauge.c!u.limit = 1s\n",
		  "4: malformed key in [toy.a]" },
		{ "[toy.a]\nhost = h\nsite = s\nGAUGE.cpu.limit = 1s\n",
		  "4: unknown key 'GAUGE.cpu.limit' in [toy.a]" },
		{ "[toy.a]\nhost = h\nsite = s\ngauge.cpu.limit = 1s\n"
		  "gauge.cpu.limit = 2s\n",
		  "5: duplicate key 'gauge.cpu.limit' in [toy.a]" },
		/* Required keys: its own first, then the shared ones. */
		{ "[toy.a]\nsite = s\n",
		  "1: missing required key 'host' in [toy.a]" },
		{ "\n[toy.a]\nhost = h\n[bare.b]\n",
		  "2: missing required key 'site' in [toy.a]" },
		{ "[toy.a]\n", "1: missing required key 'host' in [toy.a]" },
		/* Only the backends handed in exist. */
		{ "[redis.cache]\nurl = redis://h\n",
		  "1: unknown backend 'redis' in section [redis.cache]" },
		{ "[bare.b]\nhost = h\n", "2: unknown key 'host' in [bare.b]" },
		{ "[bare.b]\ninterval = 20ms\n",
		  "2: interval '20ms' is too short (at least 100ms)" },
		/* Aliases name the same backend. */
		{ "[tk]\n", "1: section [tk] needs a name, e.g. [tk.main]" },
		{ "[tk.x]\nhost = h\nsite = s\n[toy.x]\n",
		  "4: duplicate section [toy.x]" },
		{ "[toy2.x]\nhost = h\nsite = s\n[tk.x]\n",
		  "4: duplicate section [tk.x]" },
	};

	return cr_make_param_array(struct bad_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct bad_case *c, config, spec_errors, .init = setup,
		  .fini = teardown)
{
	expect_load_error(c->text, toy_specs, c->want);
}

Test(config, spec_aliases, .init = setup, .fini = teardown)
{
	struct config cfg = { 0 };
	struct err err = { { 0 } };
	const struct config_section *s;

	cr_assert_eq(load_toy(&cfg, "[tk.one]\nhost = h\nsite = s\n"
			      "[toy2.two]\nhost = h\nsite = s\n", &err), 0,
		     "%s", err.msg);
	s = find_section(&cfg, "tk.one");
	cr_assert_not_null(s);
	cr_assert_str_eq(s->backend, "toy");
	cr_assert_str_eq(s->instance, "one");
	cr_assert_eq(s->interval_ms, 750);
	cr_assert_str_eq(config_get(s, "verbose"), "no");
	s = find_section(&cfg, "toy2.two");
	cr_assert_not_null(s);
	cr_assert_str_eq(s->backend, "toy");
	config_finish(&cfg);
}

Test(config, spec_env_fallback)
{
	struct config cfg = { 0 };
	const struct config_section *s;

	clear_env();
	setenv("WARROOM_TEST_TOY", "h1", 1);
	setenv("WARROOM_TEST_BROKERS", "k1:9092", 1);
	setenv("WARROOM_TEST_SITE", "ignored: a shared key's", 1);
	setenv("DATABASE_URL", "postgres://db/app", 1);
	cr_assert_eq(config_from_env(&cfg, toy_specs), 1,
		     "only the specs handed in have variables");
	cr_assert(cfg.from_env);
	cr_assert_eq(cfg.specs, toy_specs);
	cr_assert_eq(cfg.n_sections, 1);
	s = &cfg.sections[0];
	cr_assert_str_eq(s->name, "toy.env");
	cr_assert_str_eq(s->backend, "toy");
	cr_assert_str_eq(s->instance, "env");
	cr_assert_eq(s->line, 0);
	cr_assert_eq(s->interval_ms, 750);
	cr_assert_str_eq(config_get(s, "host"), "h1");
	cr_assert_str_eq(config_get(s, "brokers"), "k1:9092",
			 "two variables, one section");
	cr_assert_null(config_get(s, "site"));
	cr_assert_str_eq(config_get(s, "wait"), "3s");
	config_finish(&cfg);

	unsetenv("WARROOM_TEST_TOY");
	unsetenv("WARROOM_TEST_BROKERS");
	cr_assert_eq(config_from_env(&cfg, toy_specs), 0);
	cr_assert_not(cfg.from_env);
	config_finish(&cfg);
	cr_assert_eq(config_from_env(&cfg, NULL), 0);
	config_finish(&cfg);
}

Test(config, spec_key_find)
{
	const struct config_key_spec *k;

	cr_assert_eq(config_key_find(&toy_spec, "interval"),
		     &config_common_keys[0]);
	cr_assert_eq(config_key_find(NULL, "timeout"),
		     &config_common_keys[1]);
	cr_assert_null(config_key_find(NULL, "host"));
	cr_assert_eq(config_key_find(&toy_spec, "host"), &toy_keys[0]);
	cr_assert_eq(config_key_find(&toy_spec, "site"), &toy_shared_keys[0]);
	k = config_key_find(&toy_spec, "gauge.x_1-2.limit");
	cr_assert_not_null(k);
	cr_assert_str_eq(k->name, "gauge.NAME.limit");
	cr_assert_str_eq(config_key_find(&toy_spec, "pair.a.b")->name,
			 "pair.A.B");
	cr_assert_null(config_key_find(&toy_spec, "pair.a"));
	cr_assert_not_null(config_key_find(&toy_spec,
		"pair.abcdefghijklmnopqrstuvwxyz012345.y"));
	cr_assert_null(config_key_find(&toy_spec,
		"pair.abcdefghijklmnopqrstuvwxyz0123456.y"));
	cr_assert_null(config_key_find(&toy_spec, "gauge.x.limit."));
	cr_assert_null(config_key_find(&bare_spec, "host"));
}

Test(config, add_section_with_and_without_specs)
{
	struct config cfg = { 0 };
	struct config_section *s;

	s = config_add_section(&cfg, "tk.a");
	cr_assert_str_eq(s->backend, "tk", "no specs: the name as written");
	cr_assert_eq(s->interval_ms, 2000);
	cr_assert_eq(s->n_kv, 0);
	cfg.specs = toy_specs;
	s = config_add_section(&cfg, "tk.b");
	cr_assert_str_eq(s->name, "tk.b");
	cr_assert_str_eq(s->backend, "toy");
	cr_assert_eq(s->interval_ms, 750);
	cr_assert_eq(s->n_kv, 2);
	cr_assert_str_eq(config_get(s, "wait"), "3s");
	cr_assert_str_eq(config_get(s, "verbose"), "no");
	config_finish(&cfg);
}

/* ---- [layout] ------------------------------------------------------------ */

ParameterizedTestParameters(config, layout_errors)
{
	static struct bad_case cases[] = {
		{ "[layout]\ntop = pods, nope\n",
		  "2: unknown pane 'nope' in [layout] (use pods, database, "
		  "redis, kafka, metrics, alerts, endpoints, timeline)" },
		{ "[layout]\ntop = database\nmiddle = db\n",
		  "3: pane 'database' is in two rows of [layout] (top and "
		  "middle)" },
		{ "[layout]\nbottom = redis, Redis\n",
		  "2: pane 'redis' is named twice in bottom in [layout]" },
		{ "[layout]\nheights = 50, 50\n",
		  "2: heights in [layout]: expected three numbers from 1 to 100 "
		  "(top, middle, bottom), e.g. 50, 20, 30" },
		{ "[layout]\nheights = 50, 0, 50\n",
		  "2: heights in [layout]: expected three numbers from 1 to 100 "
		  "(top, middle, bottom), e.g. 50, 20, 30" },
		{ "[layout]\nheights = 50, 20, 30, 40\n",
		  "2: heights in [layout]: expected three numbers from 1 to 100 "
		  "(top, middle, bottom), e.g. 50, 20, 30" },
		{ "[layout]\ndatabase.width = 11\n",
		  "2: database.width in [layout]: expected a whole number from "
		  "1 to 10" },
		{ "[layout]\ndb.width = 2x\n",
		  "2: database.width in [layout]: expected a whole number from "
		  "1 to 10" },
		{ "[layout]\nmysql.width = 2\n",
		  "2: unknown pane 'mysql' in [layout] (use pods, database, "
		  "redis, kafka, metrics, alerts, endpoints, timeline)" },
		{ "[layout]\nredis.width = 2\nredis.width = 3\n",
		  "3: duplicate key 'redis.width' in [layout]" },
		{ "[layout]\nleft = pods\n",
		  "2: unknown key 'left' in [layout] (use top, middle, bottom, "
		  "heights, hide or PANE.width)" },
		{ "[layout]\ntop = pods\ntop = redis\n",
		  "3: duplicate key 'top' in [layout]" },
		{ "[layout]\n[layout]\n", "2: duplicate section [layout]" },
		{ "[layout]\ntop = pods,,redis\n",
		  "2: top in [layout]: empty pane name (separate names with "
		  "commas)" },
		{ "[layout]\nhide =\n", "2: empty value for hide in [layout]" },
		{ "[layout]\nhide = timeline, bogus\n",
		  "2: unknown pane 'bogus' in [layout] (use pods, database, "
		  "redis, kafka, metrics, alerts, endpoints, timeline)" },
	};

	return cr_make_param_array(struct bad_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct bad_case *c, config, layout_errors, .init = setup,
		  .fini = teardown)
{
	expect_load_error(c->text, probe_config_specs(), c->want);
}

Test(config, layout_read, .init = setup, .fini = teardown)
{
	const char *path = write_file("layout.ini",
		"[redis.cache]\nurl = redis://h\n"
		"[layout]\n"
		"top = redis, db\n"
		"middle = prom\n"
		"bottom = alerts , timeline\n"
		"heights = 60, 10, 30\n"
		"database.width = 2\n"
		"hide = timeline, pods\n"
		"[postgres.main]\ndsn = host=db\n");
	struct config cfg = { 0 };
	struct err err = { { 0 } };
	const struct config_layout *l = &cfg.layout;

	cr_assert_eq(config_load_file(&cfg, path, probe_config_specs(),
				      &err), 0, "%s", err.msg);
	cr_expect_eq(cfg.n_sections, 2, "the sections around it still read");
	cr_expect(l->set);
	cr_expect_eq(l->pane[SNAP_REDIS].row, 1);
	cr_expect_eq(l->pane[SNAP_REDIS].pos, 0);
	cr_expect_eq(l->pane[SNAP_PG].row, 1);
	cr_expect_eq(l->pane[SNAP_PG].pos, 1);
	cr_expect_eq(l->pane[SNAP_PG].width, 2);
	cr_expect_eq(l->pane[SNAP_METRICS].row, 2);
	cr_expect_eq(l->pane[SNAP_ALERTS].row, 3);
	cr_expect_eq(l->pane[CONFIG_PANE_TIMELINE].row, 3);
	cr_expect_eq(l->pane[CONFIG_PANE_TIMELINE].pos, 1);
	cr_expect(l->pane[CONFIG_PANE_TIMELINE].hidden);
	cr_expect(l->pane[SNAP_PODS].hidden);
	cr_expect_eq(l->pane[SNAP_PODS].row, 0, "not placed: its own row");
	cr_expect_eq(l->pane[SNAP_KAFKA].width, 0);
	cr_expect_eq(l->heights[0], 60);
	cr_expect_eq(l->heights[1], 10);
	cr_expect_eq(l->heights[2], 30);
	config_finish(&cfg);

	/* Without [layout], nothing is placed. */
	path = write_file("plain.ini", "[redis.cache]\nurl = redis://h\n");
	cr_assert_eq(config_load_file(&cfg, path, probe_config_specs(),
				      &err), 0, "%s", err.msg);
	cr_expect_not(cfg.layout.set);
	for (int i = 0; i < CONFIG_PANES; i++) {
		cr_expect_eq(cfg.layout.pane[i].row, 0);
		cr_expect_not(cfg.layout.pane[i].hidden);
	}
	config_finish(&cfg);
}

Test(config, layout_pane_names)
{
	cr_expect_eq(config_layout_pane("database"), SNAP_PG);
	cr_expect_eq(config_layout_pane("DB"), SNAP_PG);
	cr_expect_eq(config_layout_pane("postgres"), SNAP_PG);
	cr_expect_eq(config_layout_pane("k8s"), SNAP_PODS);
	cr_expect_eq(config_layout_pane("Prometheus"), SNAP_METRICS);
	cr_expect_eq(config_layout_pane("am"), SNAP_ALERTS);
	cr_expect_eq(config_layout_pane("timeline"), CONFIG_PANE_TIMELINE);
	cr_expect_eq(config_layout_pane("mysql"), -1);
	cr_expect_eq(config_layout_pane(""), -1);
	cr_expect_str_eq(config_layout_pane_name(SNAP_PG), "database");
	cr_expect_str_eq(config_layout_pane_name(CONFIG_PANE_TIMELINE),
			 "timeline");
}
