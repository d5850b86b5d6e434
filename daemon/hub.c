/*
 * hub.c -- live-message envelopes and the send-queue policy.  See hub.h.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "hub.h"

#define SNAPSHOT_HEAD "{\"type\":\"snapshot\",\"data\":"
#define UPDATE_HEAD "{\"type\":\"update\",\"data\":"

struct hub {
	int has_data;
	struct buf snapshot;   /* {"type":"snapshot","data":...} */
	struct buf update;     /* {"type":"update","data":...}, empty before the first publish */
};

static int envelope(struct buf *out, const char *head, const char *data, size_t len)
{
	if (buf_puts(out, head) < 0 || buf_append(out, data, len) < 0 || buf_putc(out, '}') < 0)
		return -1;
	return 0;
}

struct hub *hub_new(void)
{
	struct hub *h = calloc(1, sizeof *h);
	if (!h)
		goto fail;
	if (envelope(&h->snapshot, SNAPSHOT_HEAD, "null", 4) < 0)
		goto fail;
	return h;
fail:
	hub_free(h);
	return NULL;
}

void hub_free(struct hub *h)
{
	if (!h)
		return;
	buf_free(&h->snapshot);
	buf_free(&h->update);
	free(h);
}

/* Trim JSON whitespace so that the envelope holds the value only. */
static void trim(const char **p, size_t *len)
{
	static const char ws[] = " \t\r\n";
	while (*len && memchr(ws, (*p)[0], sizeof ws - 1)) {
		(*p)++;
		(*len)--;
	}
	while (*len && memchr(ws, (*p)[*len - 1], sizeof ws - 1))
		(*len)--;
}

int hub_publish(struct hub *h, const char *data_json, const char **why)
{
	struct buf snap = BUF_INIT, upd = BUF_INIT;
	const char *data = data_json ? data_json : "null";
	size_t len = strlen(data);

	/* Exactly one JSON value, nothing after it: a malformed publish would
	 * break every dashboard at once.  (len + 1: cJSON wants to see the NUL
	 * inside the buffer when asked to check that the input ends there.) */
	cJSON *v = cJSON_ParseWithLengthOpts(data, len + 1, NULL, 1);
	if (!v) {
		*why = "not a single JSON value";
		goto fail;
	}
	cJSON_Delete(v);
	trim(&data, &len);
	if (envelope(&snap, SNAPSHOT_HEAD, data, len) < 0 ||
	    envelope(&upd, UPDATE_HEAD, data, len) < 0) {
		*why = "out of memory";
		goto fail;
	}
	buf_free(&h->snapshot);
	buf_free(&h->update);
	h->snapshot = snap;
	h->update = upd;
	h->has_data = 1;
	return 0;
fail:
	buf_free(&snap);
	buf_free(&upd);
	return -1;
}

int hub_has_data(const struct hub *h)
{
	return h->has_data;
}

const char *hub_snapshot(const struct hub *h, size_t *len)
{
	*len = h->snapshot.len;
	return h->snapshot.data;
}

const char *hub_update(const struct hub *h, size_t *len)
{
	*len = h->update.len;
	return h->update.len ? h->update.data : NULL;
}

int hub_heartbeat(struct buf *out, time_t now)
{
	struct tm tm;
	char ts[32];
	if (!gmtime_r(&now, &tm) || strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return -1;
	buf_reset(out);
	return buf_printf(out, "{\"type\":\"heartbeat\",\"ts\":\"%s\"}", ts);
}

enum hub_client_msg hub_client_message(const char *msg, size_t len)
{
	enum hub_client_msg kind = HUB_MSG_IGNORE;
	cJSON *v = cJSON_ParseWithLength(msg, len);
	if (!v)
		return HUB_MSG_IGNORE;
	const cJSON *type = cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, "type") : NULL;
	if (cJSON_IsString(type) && strcmp(type->valuestring, "ping") == 0)
		kind = HUB_MSG_PING;
	cJSON_Delete(v);
	return kind;
}

int hub_should_drop(size_t pending, size_t msg_len, size_t max_queue)
{
	if (pending == 0)
		return 0;
	return pending > max_queue || msg_len > max_queue - pending;
}
