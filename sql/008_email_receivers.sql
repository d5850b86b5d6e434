-- 008: email receivers (docs/alerts.md, "Email"): kind 'email' sends the
-- notification through the local sendmail; its `url` holds the recipients,
-- a comma-separated list of plain addresses ("ops@council.example,
-- head.of.service@council.example"): dot-atom local part, host-name domain,
-- ASCII only, no display names, no quoting, at most 20.  The daemon and
-- steadyctl validate exactly (notify_email_list() in daemon/notify.c) and
-- store the list normalised as "a@x, b@y"; this CHECK is the backstop for
-- rows written with psql: it refuses anything with a CR, LF or other
-- character outside the address syntax, so no receiver can inject headers.
-- The delivery machinery (outbox, leases, backoff, give-up) is the webhooks'
-- one; for email, status columns hold sendmail's exit status.

ALTER TABLE alert_receiver DROP CONSTRAINT alert_receiver_kind_check;
ALTER TABLE alert_receiver DROP CONSTRAINT alert_receiver_url_check;
ALTER TABLE alert_receiver ADD CONSTRAINT alert_receiver_kind_check
	CHECK (kind IN ('json', 'teams', 'slack', 'email'));
-- <a> is one address: dot-atom local part @ host-name labels
ALTER TABLE alert_receiver ADD CONSTRAINT alert_receiver_url_check CHECK (CASE WHEN kind = 'email' THEN
	length(url) <= 2000 AND url ~ replace('^ *<a>( *, *<a>)* *$', '<a>',
		$re$[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$re$ ||
		$re$@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$re$)
	ELSE url ~ '^https?://' END);
