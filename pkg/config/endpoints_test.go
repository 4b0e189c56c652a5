package config

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/region"
	ctregion "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/cloudtest/v1/region"
	cptsregion "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/cpts/v1/region"
	iamregion "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v3/region"
)

// sdkRegions lists the regions of one of the SDK's region tables. The SDK exports no list, but
// its error for an unknown region names every supported one.
func sdkRegions(t *testing.T, valueOf func(string) (*region.Region, error)) []string {
	t.Helper()
	_, err := valueOf("xx-nowhere-0")
	if err == nil {
		t.Fatal("the SDK knows region xx-nowhere-0")
	}
	m := regexp.MustCompile(`supported regions of service '[^']*': \[([^\]]*)\]`).FindStringSubmatch(err.Error())
	if m == nil {
		t.Fatalf("cannot read the SDK's region list from %q", err)
	}
	ids := strings.Split(m[1], ", ")
	if len(ids) < 5 {
		t.Fatalf("the SDK lists only %v", ids)
	}
	return ids
}

// TestDefaultEndpointsMatchTheSDK compares our table with the official SDK's for every region of
// every service, in both directions.
func TestDefaultEndpointsMatchTheSDK(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		service string
		ours    serviceEndpoints
		valueOf func(string) (*region.Region, error)
	}{
		{"cpts", cptsEndpoints, cptsregion.SafeValueOf},
		{"testplan", testPlanEndpoints, ctregion.SafeValueOf},
		{"iam", iamEndpoints, iamregion.SafeValueOf},
	} {
		t.Run(tc.service, func(t *testing.T) {
			t.Parallel()
			sdk := sdkRegions(t, tc.valueOf)
			for _, id := range sdk {
				r, err := tc.valueOf(id)
				if err != nil || len(r.Endpoints) == 0 {
					t.Fatalf("SDK region %s: %v", id, err)
				}
				got, known := tc.ours.url(id)
				if !known {
					t.Errorf("region %s: the SDK has %s, our table lacks the region", id, r.Endpoints[0])
				}
				if got != r.Endpoints[0] {
					t.Errorf("region %s: ours %s, the SDK's %s", id, got, r.Endpoints[0])
				}
			}
			for _, id := range tc.ours.regions {
				if !slices.Contains(sdk, id) {
					t.Errorf("our table lists region %s that the SDK does not know", id)
				}
			}
			for id := range tc.ours.parent {
				if !slices.Contains(tc.ours.regions, id) {
					t.Errorf("parent domain for unlisted region %s", id)
				}
			}
		})
	}
}

func TestEndpointDefaults(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name             string
		s                Settings
		cpts, iam, tplan string
	}{
		{"cn-north-4", Settings{Connection: Connection{Region: "cn-north-4"}}, "https://cpts.cn-north-4.myhuaweicloud.com",
			"https://iam.cn-north-4.myhuaweicloud.com", "https://cloudtest-ext.cn-north-4.myhuaweicloud.com"},
		{"TestPlan in cn-east-2 is on .cn", Settings{Connection: Connection{Region: "cn-east-2"}}, "https://cpts.cn-east-2.myhuaweicloud.com",
			"https://iam.cn-east-2.myhuaweicloud.com", "https://cloudtest-ext.cn-east-2.myhuaweicloud.cn"},
		{"IAM in eu-west-101 is on .eu", Settings{Connection: Connection{Region: "eu-west-101"}}, "https://cpts.eu-west-101.myhuaweicloud.com",
			"https://iam.eu-west-101.myhuaweicloud.eu", "https://cloudtest-ext.eu-west-101.myhuaweicloud.com"},
		{"unknown region: the usual form", Settings{Connection: Connection{Region: "xx-new-7"}}, "https://cpts.xx-new-7.myhuaweicloud.com",
			"https://iam.xx-new-7.myhuaweicloud.com", "https://cloudtest-ext.xx-new-7.myhuaweicloud.com"},
		{"settings win", Settings{Connection: Connection{Region: "cn-east-2", CPTSEndpoint: "http://a/", IAMEndpoint: "http://b"}, CodeArts: CodeArts{TestPlanEP: "http://c//"}},
			"http://a", "http://b", "http://c"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.s.Endpoint(); got != tc.cpts {
				t.Errorf("cpts %s, want %s", got, tc.cpts)
			}
			if got := tc.s.IAM(); got != tc.iam {
				t.Errorf("iam %s, want %s", got, tc.iam)
			}
			if got := tc.s.TestPlanEndpoint(); got != tc.tplan {
				t.Errorf("testplan %s, want %s", got, tc.tplan)
			}
		})
	}
}
