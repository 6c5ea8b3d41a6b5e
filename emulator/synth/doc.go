// Package synth generates deterministic synthetic Taegis data for the local emulator: a tenant
// hierarchy (partners, organizations, tenants), assets, events of the common event types,
// alerts raised by named detectors, custom rules, detectors and threat publications.
//
// Every record is a JSON-shaped map (map[string]any with string, float64, int64, bool, nil,
// []any and map[string]any values) whose keys are the field names the Taegis GraphQL API and
// its event schemas use, so the CQL engine can filter records and the emulator's resolvers can
// return them without translation. Records are shared: callers must treat them as read-only
// and copy a record before changing it.
//
// # Determinism and size
//
// Generation is a pure function of Config: the same Seed and Now give the same data, with
// every timestamp relative to Now. Tenants, assets, alerts, rules, detectors, publications and
// the planted attack events are built by Generate. Background events are not stored: each one
// is derived from its tenant, event type and index when it is asked for, and its id carries
// those three, so Dataset.Event rebuilds exactly that event. Events keeps the most recently
// used tenant and type slices in a cache of bounded size; ScanEvents streams without it.
//
// With the defaults (20 tenants, scale 1) a tenant holds about 23,000 events over the last
// seven days and the dataset about 2,400 alerts; Generate takes a fraction of a second and the
// dataset holds about 25 MiB, under 100 MiB with a full event cache. Scale multiplies events
// and benign alerts: Scale 5 gives more than 10,000 alerts, and Scale 20 more than 100,000
// process events in every tenant. Alerts stay in memory, about 1 MiB per tenant at scale 1,
// so Config.Validate refuses a Tenants times Scale above MaxVolume.
//
// # Records
//
// Tenants follow tenants4 TenantV4 (id, name, enabled, parentTenantID, partnerTenantID,
// partnerName, organizationTenantID, organizationName, isPartner, isOrganization, labels,
// subscriptions, enabledAtEnvironments, createdAt, updatedAt, ...); LegacyTenants follow the
// legacy tenants service's Tenant (snake_case, with environments, services and
// granted_services). Ids are numeric strings: partners from 10001, organizations from 30001,
// customer tenants, the only ones with data, from 50001.
//
// Assets follow assets2 AssetV2 (id and hostId, hostnames, ipAddresses, ethernetAddresses,
// users, tags, endpointType, osFamily, osRelease, createdAt, lastSeenAt, ...).
//
// Every event has id, tenant_id, event_type, timestamp (RFC 3339, UTC, milliseconds),
// event_time_usec and ingest_time_usec (microseconds since the epoch). Endpoint events add
// host_id, hostname, sensor_type and resource_id (the asset's rn). By type:
//
//   - process: commandline, image_path, program, username, process_id, parent_process_id,
//     process_correlation_id, parent_process_correlation_id, parent_image_path, sha256, md5
//   - netflow: source_address, source_port, destination_address, destination_port, protocol,
//     direction, bytes_sent, bytes_received, packets_sent, packets_received, image_path,
//     process_correlation_id, process_id
//   - dnsquery: query_name, query_type, response_code, answers, source_address,
//     destination_address, image_path
//   - auth: username, target_username, logon_type, auth_method, auth_result, failure_reason,
//     source_address, destination_address, program
//   - http: url, domain, http_method, http_status_code, user_agent, source_address,
//     destination_address, destination_port, bytes_received, content_type
//   - filemod: file_path, file_name, action, sha256, md5, file_size, username, image_path,
//     process_correlation_id
//   - cloudaudit: cloud_provider, cloud_account_id, cloud_region, action, service, username,
//     user_arn, source_address, user_agent, resource_id (an ARN), result, mfa_used
//
// Event ids read event://priv:<type>:<tenant>:<epoch ms>:<b|p><index>:<check>, b for
// background and p for planted events; ParseEventID splits them.
//
// Alerts follow Alert2: id (alert://priv:<detector>:<tenant>:<epoch ms>:<uuid>), tenant_id,
// tenant{id}, status, resolution_reason, metadata{title, description, severity, confidence,
// created_at{seconds, nanos}, creator{detector{detector_id, detector_name, version}}, ...},
// entities{entities, relationships}, event_ids [{id}], attack_technique_ids,
// mitre_attack_info, insights, sensor_types, group_key and events_metadata. Every event id
// of an alert resolves with Dataset.Event to an event of the alert's tenant. Severities span
// the INFO to CRITICAL bands of SeverityName.
//
// Detectors follow RegisteredDetector, rules follow Rule (QL rules carry eventQL, REGEX and
// some SUPPRESSION rules carry filters; deleted rules have deletedAt) and publications follow
// ThreatPublication, with their indicators in iocs.
//
// # Planted scenarios
//
// About three fifths of the tenants, chosen from the seed, hold one or two planted scenarios;
// the others hold only benign background activity, in which none of the planted indicators
// appear. Dataset.Planted lists each scenario with its tenant, host, user, time span, events
// and alerts; PlantedIn, CleanTenants and Summary answer the usual questions.
//
//   - encoded-powershell: WINWORD.EXE starts cmd.exe, which starts
//     `powershell.exe -nop -w hidden -enc <base64 of UTF-16LE StagerScript>`; the stager
//     resolves StagingDomain, fetches from StagingIP and writes stage2.ps1.
//   - credential-dumping: procdump64.exe -ma lsass.exe, rundll32 comsvcs.dll MiniDump and
//     mimikatz sekurlsa::logonpasswords under one cmd.exe, the dump files written, then an NTLM
//     logon as CORP\Administrator to the domain controller.
//   - beaconing: ImplantImage resolves BadDomain and connects to BadIP:443 every
//     BeaconInterval, BeaconCount times, with a few seconds of jitter.
//
// Within a scenario, events are linked the way a hunter pivots: process_correlation_id from
// each network or file event to its process, parent_process_correlation_id up the process
// tree, and host_id throughout.
//
// Limitation: the long-running parents of background processes (explorer.exe, services.exe,
// svchost.exe, sshd, launchd, ...) have no process event of their own, as if they started
// before the window; their children of one day on one host share the parent's
// process_correlation_id and process_id, so pivots across siblings work. Emitting them
// would mean storing them, which the lazy background is there to avoid.
package synth
