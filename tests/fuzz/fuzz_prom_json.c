/* libFuzzer target for every parser of Prometheus and Alertmanager replies
 * (probes/prom_json.c): each input goes to all of them, as a buffer with
 * its length and, for the string parsers, as a NUL-terminated copy. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "probes/prom_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The parsers get what the HTTP wrapper hands them: a buffer with a
	 * NUL after it. */
	char *buf = malloc(size + 1);
	struct prom_result r;
	struct prom_alerts a;
	struct prom_silences s;
	struct err err;
	char text[256];
	int64_t ms;
	double v;

	if (buf == NULL) {
		return 0;
	}
	memcpy(buf, data, size);
	buf[size] = '\0';
	if (prom_json_parse_result(buf, size, &r, &err) == 0) {
		size_t i;

		for (i = 0; i < r.n_series; i++) {
			(void)prom_series_label(&r.series[i], "service");
		}
		prom_result_finish(&r);
	}
	if (prom_json_parse_am_alerts(buf, size, &a, &err) == 0) {
		size_t i;

		for (i = 0; i < a.n; i++) {
			(void)prom_label_get(a.v[i].annotations,
					     a.v[i].n_annotations, "summary");
		}
		prom_alerts_finish(&a);
	}
	if (prom_json_parse_prom_alerts(buf, size, &a, &err) == 0) {
		prom_alerts_finish(&a);
	}
	if (prom_json_parse_am_silences(buf, size, &s, &err) == 0) {
		prom_silences_finish(&s);
	}
	if (prom_json_parse_am_silence(buf, size, &s, &err) == 0) {
		prom_silences_finish(&s);
	}
	(void)prom_json_parse_silence_id(buf, size, text, sizeof(text), &err);
	(void)prom_json_error_text(buf, size, text, sizeof(text));
	if (prom_parse_time(buf, &ms) == 0) {
		prom_format_time(ms, text, sizeof(text));
	}
	(void)prom_parse_double(buf, &v);
	free(buf);
	return 0;
}
