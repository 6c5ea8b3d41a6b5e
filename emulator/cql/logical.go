package cql

// defaultLogical holds the default logical fields; DefaultLogical hands out copies.
var defaultLogical = map[string][]string{
	"ip": {
		"source_address", "destination_address", "ip_address", "source_ip_address",
		"destination_ip_address", "target_address", "target_ip_address", "sender_ip",
		"receiver_ip", "nat_source_address", "nat_destination_address", "answers",
	},
	"domain": {
		"query_name", "domain", "domain_name", "host", "uri_host", "fqdn",
		"source_hostname_fqdn", "target_hostname_fqdn", "sender_domain",
	},
	"host": {
		"hostname", "host_name", "source_hostname", "destination_hostname",
		"target_hostname", "computer_name", "workstation_name",
	},
	"hash": {
		"md5", "sha1", "sha256", "sha512", "file_md5", "file_sha1", "file_sha256",
		"image_md5", "image_sha1", "image_sha256", "hash_md5", "hash_sha1", "hash_sha256",
		"parent_image_sha256",
	},
	"user": {
		"username", "user_name", "target_username", "source_username", "target_user_name",
		"source_user_name", "user", "account_name",
	},
}

// DefaultLogical returns a fresh copy of the default logical fields, keyed by name without
// the '@': @ip, @domain, @host, @hash and @user over Taegis event field names (process,
// netflow, dnsquery, auth, http, filemod). The caller may change the copy and pass it in
// Options.Logical.
func DefaultLogical() map[string][]string {
	out := make(map[string][]string, len(defaultLogical))
	for k, v := range defaultLogical {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// AlertAliases returns a fresh copy of the short field names alert searches use, mapped to
// where Alert2 records hold them: severity >= 0.6 reads metadata.severity. Each lists its
// own name first, so a record with a top-level field of that name still matches. Pass it,
// changed or not, in Options.Aliases.
func AlertAliases() map[string][]string {
	m := map[string][]string{}
	for _, f := range []string{"title", "description", "severity", "confidence", "created_at"} {
		m[f] = []string{f, "metadata." + f}
	}
	for name, target := range map[string]string{
		"detector":     "metadata.creator.detector.detector_id",
		"detector_id":  "metadata.creator.detector.detector_id",
		"entity":       "entities.entities",
		"entities":     "entities.entities",
		"tenant":       "tenant_id",
		"resolution":   "status",
		"technique_id": "attack_technique_ids",
	} {
		m[name] = []string{name, target}
	}
	return m
}
