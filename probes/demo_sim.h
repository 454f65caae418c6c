/* Shared between the demo's files (probes/demo*.c) only: the simulation
 * state that actions change, the deterministic noise and the scripted
 * signals one pane borrows from another (alerts read them all).
 * The state is guarded by one mutex (demo_sim_lock); snapshot builders
 * work on a private copy (demo_sim_copy) without holding it. */
#ifndef WARROOM_DEMO_SIM_H
#define WARROOM_DEMO_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/action.h"
#include "core/kind.h"
#include "core/snapshot.h"

/* "Never" in scenario seconds. */
#define DEMO_NEVER 1e12

/* The first line of every describe(). */
#define DEMO_DESCRIBE_HEAD \
	"Demo: runs against the simulated scenario, no real backend is touched."

/* ---- Kubernetes ---- */
#define DEMO_N_DEPLOYS 10
#define DEMO_API 0              /* index of prod/api */
#define DEMO_SEARCH 5           /* index of prod/search-indexer */
#define DEMO_MAX_SLOTS 100      /* replicas are 0..100 */
#define DEMO_MAX_EPOCHS 12
#define DEMO_MAX_KEVENTS 24

/* One pod template in force from `at` on. */
struct demo_epoch {
	double at;              /* scenario s */
	int revision;
	char hash[12];          /* pod-template-hash */
	bool bad;               /* its pods crash-loop */
	int image;              /* 0: the deployment's image, 1: the new one */
};

/* One replica position; a new gen (or a new epoch) is a new pod. */
struct demo_slot {
	double born;            /* scenario s the pod was created */
	int gen;
};

struct demo_deploy_sim {
	int replicas;
	int prev_replicas;      /* before scaled_at */
	double scaled_at;
	int n_epochs;           /* sorted by at */
	struct demo_epoch epochs[DEMO_MAX_EPOCHS];
	struct demo_slot slots[DEMO_MAX_SLOTS];
};

/* An event an action caused (the script's own are computed). */
struct demo_kevent {
	double at;
	char type[8];
	char reason[24];
	char object[128];
	char message[160];
};

/* ---- PostgreSQL ---- */
#define DEMO_MAX_PG_ACTS 64

struct demo_pg_act {
	int pid;
	double at;
	bool terminate;         /* else cancel */
};

/* ---- Redis ---- */
#define DEMO_MAX_REDIS_ACTS 48

enum demo_redis_op {
	DEMO_REDIS_DELETE,      /* fam_mask families deleted */
	DEMO_REDIS_FLUSH,
	DEMO_REDIS_KILL,        /* client_id */
	DEMO_REDIS_SLOWLOG_RESET,
};

struct demo_redis_act {
	double at;
	enum demo_redis_op op;
	unsigned fam_mask;
	int64_t client_id;
};

/* ---- Alertmanager ---- */
#define DEMO_MAX_SILENCES 16

struct demo_silence {
	char id[40];
	/* What it matches: every label of one alert (fingerprint), or the
	 * operator's matchers when n_m > 0. */
	char fingerprint[24];
	struct alerts_matcher m[ALERTS_MATCHERS_MAX];
	size_t n_m;
	double created;         /* scenario s */
	double ends;            /* scenario s; moved to now when expired */
	char comment[128];
};

struct demo_sim {
	bool started;
	int64_t start_mono_ms;
	int64_t start_wall_ms;
	double speed;
	uint64_t seq;           /* ids made by actions */
	struct demo_deploy_sim deploys[DEMO_N_DEPLOYS];
	struct demo_kevent kevents[DEMO_MAX_KEVENTS];   /* ring */
	size_t n_kevents;       /* total ever added */
	struct demo_pg_act pg_acts[DEMO_MAX_PG_ACTS];
	size_t n_pg_acts;
	struct demo_redis_act redis_acts[DEMO_MAX_REDIS_ACTS];
	size_t n_redis_acts;
	struct demo_silence silences[DEMO_MAX_SILENCES];
	size_t n_silences;
};

/* demo.c: the state */
struct demo_sim *demo_sim_lock(void);
void demo_sim_unlock(void);
/* A private copy (xmalloc'd; the caller frees). */
struct demo_sim *demo_sim_copy(void);
double demo_sim_now(const struct demo_sim *sim);
int64_t demo_sim_wall(const struct demo_sim *sim, double t);

/* demo.c: deterministic noise (no rand()) and shaping */
uint64_t demo_hash(uint64_t a, uint64_t b);
uint64_t demo_str_hash(const char *s);
/* Uniform in [0, 1) for lattice point i of a series. */
double demo_noise01(uint64_t series, int64_t i);
/* Smooth value noise in [-1, 1]; changes over about `period` seconds. */
double demo_vnoise(uint64_t series, double t, double period);
/* 0 before a, 1 after b, smooth in between. */
double demo_ramp(double t, double a, double b);
/* Fills a history series of n samples every step_s seconds ending at t,
 * aligned to multiples of step_s (the last sample is t itself), from fn. */
void demo_history(struct snapshot *s, struct series *out, size_t n,
		  double step_s, double t,
		  double (*fn)(const struct demo_sim *, double, const void *),
		  const struct demo_sim *sim, const void *arg);

/* demo_k8s.c */
struct demo_deploy_def {
	const char *ns;
	const char *name;
	const char *container;
	const char *image;
	int replicas;
	int containers;
	int revision;
	const char *hash;
	double cpu_m;           /* typical use, millicores */
	double mem_mib;         /* typical use */
	double limit_mib;
	double age_s;           /* the pods started this long before t = 0 */
};

extern const struct demo_deploy_def demo_deploy_defs[DEMO_N_DEPLOYS];

enum demo_pod_stage {
	DEMO_POD_CREATING,
	DEMO_POD_RUNNING,       /* healthy */
	DEMO_POD_CRASH_RUN,     /* started, not ready, about to crash */
	DEMO_POD_BACKOFF,       /* waiting to be restarted */
};

/* One pod as the builder and the actions see it. */
struct demo_pod {
	char name[96];
	int deploy;
	int slot;
	int epoch;
	double start;           /* pod created, scenario s */
	enum demo_pod_stage stage;
	int restarts;
	double since;           /* s into the current stage */
	double last_crash;      /* scenario s, NAN when none */
	double run_s;           /* how long a crashing container lives */
};

void demo_k8s_init(struct demo_sim *sim);
/* Index of the template in force at t. */
int demo_epoch_at(const struct demo_deploy_sim *ds, double t);
int demo_replicas_at(const struct demo_deploy_sim *ds, double t);
const char *demo_epoch_image(int d, const struct demo_epoch *e);
/* A pod-template-hash (9 characters) from h. */
void demo_make_hash(char *out, size_t n, uint64_t h);
/* Where pod slot i of deployment d stands at t. */
void demo_pod_at(const struct demo_sim *sim, int d, int i, double t,
		 struct demo_pod *ps);
/* When the scripted bad deploy of api ended (a restart or rollback), or
 * DEMO_NEVER. */
double demo_api_fix_time(const struct demo_sim *sim);
/* 0 (healthy) .. 1 (the bad deploy at its worst), noise-free. */
double demo_api_badness(const struct demo_sim *sim, double t);
void *demo_build_pods(struct snapshot *s, const struct demo_sim *sim,
		      double t);
extern const struct action_impl demo_pods_actions[];
/* The pod "NAMESPACE/NAME" at t into *ps; false when there is none. */
bool demo_find_pod(const struct demo_sim *sim, const char *target, double t,
		   struct demo_pod *ps);
/* demo_k8s_detail.c: the answer to the Pods pane's focus (a pod's logs,
 * a description) at t, into d in s's memory. */
void demo_pods_detail(struct snapshot *s, const struct demo_sim *sim,
		      double t, const char *focus, struct pods_detail *d);

/* demo_pg.c */
#define DEMO_PG_MAX_SESSIONS 128

/* One session as the builder and the actions see it. */
struct demo_pg_sess {
	int pid;
	const char *user;
	const char *app;
	const char *state;
	const char *wait_event;
	const char *query;
	char client[40];
	double start;           /* backend start, scenario s */
	double query_s;
	double xact_s;
	int blocked_by;         /* 0: none */
	const char *lock_mode;
	double wait_s;
};

/* Every session at t into out (DEMO_PG_MAX_SESSIONS); returns how many. */
size_t demo_pg_sessions(const struct demo_sim *sim, double t,
			struct demo_pg_sess *out);
/* pg_stat_activity.backend_start in us for a backend started at start. */
int64_t demo_pg_start_us(const struct demo_sim *sim, double start);
/* When the blocker (pid 4242) was terminated, or DEMO_NEVER. */
double demo_pg_release_time(const struct demo_sim *sim);
/* 0 .. 1: how much the lock pile-up weighs on billing, noise-free. */
double demo_pg_lock_effect(const struct demo_sim *sim, double t);
/* The longest current lock wait, seconds (0 when none). */
double demo_pg_max_wait(const struct demo_sim *sim, double t);
void *demo_build_pg(struct snapshot *s, const struct demo_sim *sim,
		    double t);
extern const struct action_impl demo_pg_actions[];

/* demo_redis.c */
/* used/maxmemory, noise-free. */
double demo_redis_mem_ratio(const struct demo_sim *sim, double t);
void *demo_build_redis(struct snapshot *s, const struct demo_sim *sim,
		       double t);
extern const struct action_impl demo_redis_actions[];

/* demo_metrics.c */
/* 5xx ratio of service ("api", "web", "billing"), noise-free. */
double demo_err_ratio(const struct demo_sim *sim, const char *service,
		      double t);
/* Total lag of billing-consumer, noise-free; *rate gets its growth/s. */
double demo_kafka_billing_lag(const struct demo_sim *sim, double t,
			      double *rate);
/* Seconds into the catalog reindex that search-indexer cannot keep up
 * with (0 before it). */
double demo_reindex_s(double t);
void *demo_build_metrics(struct snapshot *s, const struct demo_sim *sim,
			 double t);
void *demo_build_kafka(struct snapshot *s, const struct demo_sim *sim,
		       double t);

/* demo_http.c */
void *demo_build_http(struct snapshot *s, const struct demo_sim *sim,
		      double t);

/* demo_alerts.c */
void *demo_build_alerts(struct snapshot *s, const struct demo_sim *sim,
			double t);
extern const struct action_impl demo_alerts_actions[];

#endif
