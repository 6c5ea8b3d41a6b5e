package e2etest

import (
	"context"
	"testing"

	"gotaegis/sdk/alertshistory"
	"gotaegis/sdk/assets2"
	"gotaegis/sdk/audits"
	"gotaegis/sdk/clients"
	"gotaegis/sdk/detectors"
	"gotaegis/sdk/eventsearch"
	"gotaegis/sdk/investigations2"
	"gotaegis/sdk/llmservice"
	"gotaegis/sdk/queries"
	"gotaegis/sdk/rules"
	"gotaegis/sdk/sharelinks"
	"gotaegis/sdk/subjects"
	"gotaegis/sdk/tenants"
	"gotaegis/sdk/tenants4"
	"gotaegis/sdk/threat"
	"gotaegis/sdk/users"
)

// TestEveryService calls each generated service once and checks the answer is real data.
func TestEveryService(t *testing.T) {
	srv := startEmulator(t, nil)
	tenant := srv.TenantIDs()[0]
	c := client(t, srv, tenant)
	ctx := context.Background()
	alertID := srv.Dataset().AlertsOf(tenant)[0]["id"].(string)

	tests := []struct {
		service string
		call    func() (bool, error)
	}{
		{"alertshistory", func() (bool, error) {
			r, err := alertshistory.New(c).AlertHistoryByID(ctx, alertID)
			return err == nil && len(r) > 0 && r[0].GetType() ==
				alertshistory.AlertOperationTypeCreate && r[0].GetAlert().GetID() == alertID, err
		}},
		{"llmservice", func() (bool, error) {
			r, err := llmservice.New(c).NlSearchV2(ctx, llmservice.NLSearchInputsV2{
				Query: ptr("high severity alerts in the last day")})
			return err == nil && r.GetQL() == "FROM alert WHERE severity >= 0.6 EARLIEST=-1d" &&
				r.GetStatus() == llmservice.NLSearchStatusComplete && r.GetID() != "", err
		}},
		{"assets2", func() (bool, error) {
			r, err := assets2.New(c).AssetsV2(ctx, assets2.AssetsV2Args{First: ptr(2)})
			return err == nil && len(r.Assets) == 2 && r.GetPageInfo().GetHasNextPage(), err
		}},
		{"audits", func() (bool, error) {
			r, err := audits.New(c).ApplicationEvents(ctx)
			return len(r) > 0, err
		}},
		{"clients", func() (bool, error) {
			r, err := clients.New(c).CreateClient(ctx, "notebooks", nil)
			return err == nil && r.GetClientSecret() != "", err
		}},
		{"detectors", func() (bool, error) {
			r, err := detectors.New(c).Detectors(ctx, nil)
			return len(r) > 0, err
		}},
		{"eventsearch", func() (bool, error) {
			r, err := eventsearch.New(c).AuxiliaryEventsSearch(ctx,
				eventsearch.AuxiliaryEventsSearchInput{Query: ptr("FROM process"),
					Limit: ptr(3)})
			return err == nil && len(r.Events) == 3, err
		}},
		{"investigations2", func() (bool, error) {
			inv, err := investigations2.New(c).CreateInvestigationV2(ctx,
				investigations2.CreateInvestigationInput{Title: "hunt", Alerts: []string{alertID}})
			if err != nil {
				return false, err
			}
			r, err := investigations2.New(c).InvestigationsV2(ctx,
				investigations2.InvestigationsV2Arguments{CQL: ptr("title = 'hunt'")})
			return err == nil && r.TotalCount == 1 && inv.GetAlertsEvidenceCount() == 1, err
		}},
		{"queries", func() (bool, error) {
			r, err := queries.New(c).AddQLQueryToHistory(ctx,
				queries.AddQLQueryToHistoryInput{RawQuery: "FROM process"})
			return err == nil && r.RN != "", err
		}},
		{"rules", func() (bool, error) {
			list, err := rules.New(c).Rules(ctx, rules.RulesArgs{PerPage: ptr(1)})
			if err != nil || len(list) == 0 {
				return false, err
			}
			r, err := rules.New(c).DisableRule(ctx, list[0].ID)
			if err != nil {
				return false, err
			}
			again, err := rules.New(c).Rule(ctx, list[0].ID)
			return err == nil && !r.GetEnabled() && !again.GetEnabled(), err
		}},
		{"sharelinks", func() (bool, error) {
			r, err := sharelinks.New(c).CreateShareLink(ctx, sharelinks.ShareLinkCreateInput{
				TenantID: tenant, LinkType: "alertV2Id", LinkRef: alertID})
			if err != nil {
				return false, err
			}
			got, err := sharelinks.New(c).ShareLinkByID(ctx, r.ID)
			return err == nil && got.GetLinkRef() == alertID, err
		}},
		{"subjects", func() (bool, error) {
			r, err := subjects.New(c).CurrentSubject(ctx, nil)
			return err == nil && r.ID != "", err
		}},
		{"tenants", func() (bool, error) {
			r, err := tenants.New(c).Tenants(ctx, tenants.TenantsQuery{MaxResults: ptr(1)})
			return err == nil && len(r.Results) == 1 && r.GetHasMore(), err
		}},
		{"tenants4", func() (bool, error) {
			r, err := tenants4.New(c).Tenant(ctx, tenant)
			return err == nil && r.ID == tenant, err
		}},
		{"threat", func() (bool, error) {
			r, err := threat.New(c).ThreatLatestPublications(ctx, nil, ptr(2))
			return err == nil && len(r.Publications) > 0, err
		}},
		{"users", func() (bool, error) {
			r, err := users.New(c).CurrentTDRUser(ctx)
			return err == nil && len(r.Tenants) > 0, err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.service, func(t *testing.T) {
			ok, err := tt.call()
			if err != nil || !ok {
				t.Fatalf("%s: ok=%v err=%v", tt.service, ok, err)
			}
		})
	}
}
