// Package synth generates deterministic synthetic Taegis data for the local emulator: a tenant
// hierarchy (partners, organizations, tenants), assets, events of the common event types,
// alerts raised by named detectors, custom rules, detectors and threat publications.
//
// Every record is a JSON-shaped map (map[string]any with string, float64, int64, bool, nil,
// []any and map[string]any values) whose keys are the field names the Taegis GraphQL API and
// its event schemas use, so the CQL engine can filter records and the emulator's resolvers can
// return them without translation.
//
// Generation is a pure function of Config: the same Seed and Now give byte-for-byte the same
// data, with every timestamp relative to Now. Tenants, assets, alerts, rules, detectors,
// publications and the planted attack events are built eagerly by Generate. Background events
// are not stored: each one is derived from its tenant, event type and index when it is asked
// for, which keeps a default Dataset to a few MiB however many events it describes. Event IDs
// carry the tenant, type and index, so looking one up regenerates exactly that event.
//
// Some tenants hold planted attack activity (encoded PowerShell, LSASS credential dumping,
// beaconing to known bad infrastructure), listed in Dataset.Planted; the others hold only
// benign background activity, and none of the planted indicators appear in them.
//
// Records returned by a Dataset are shared: callers must treat them as read-only and copy a
// record before changing it.
package synth
