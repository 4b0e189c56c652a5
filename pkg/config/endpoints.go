package config

import (
	"slices"
	"strings"
)

// Default endpoints per region. The hosts follow "{service}.{region}.{parent domain}", but not
// every region lives under myhuaweicloud.com: this table lists, per service, the regions the
// official Go SDK (v0.1.207, services/{cpts/v1,cloudtest/v1,iam/v3}/region) knows and the
// parent domain of each where it is not the usual one. endpoints_test.go compares it with the
// SDK's own tables, region by region, in both directions.
//
// A region the table does not list gets the usual form, https://{service}.{region}.myhuaweicloud.com
// (the SDK refuses such a region; the user can always set the endpoint).

// defaultParent is the parent domain of most regional endpoints.
const defaultParent = "myhuaweicloud.com"

// serviceEndpoints is one service's table.
type serviceEndpoints struct {
	host    string            // first label of the host: cpts, cloudtest-ext, iam
	regions []string          // regions the SDK lists for the service
	parent  map[string]string // region → parent domain, where it is not defaultParent
}

var (
	cptsEndpoints = serviceEndpoints{host: "cpts", regions: []string{
		"af-south-1", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "cn-east-2", "cn-east-3",
		"cn-north-1", "cn-north-4", "cn-south-1", "cn-southwest-2", "la-south-2", "sa-brazil-1",
	}}
	testPlanEndpoints = serviceEndpoints{host: "cloudtest-ext", regions: []string{
		"ap-southeast-3", "cn-east-2", "cn-east-3", "cn-north-1", "cn-north-4", "cn-south-1",
		"la-north-2", "sa-brazil-1",
	}, parent: map[string]string{"cn-east-2": "myhuaweicloud.cn"}}
	iamEndpoints = serviceEndpoints{host: "iam", regions: []string{
		"ae-ad-1", "af-south-1", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
		"cn-east-2", "cn-east-3", "cn-east-4", "cn-east-5", "cn-north-1", "cn-north-12", "cn-north-2",
		"cn-north-4", "cn-north-9", "cn-south-1", "cn-south-2", "cn-southwest-2", "eu-west-0",
		"eu-west-101", "la-north-2", "la-south-2", "me-east-1", "my-kualalumpur-1", "na-mexico-1",
		"ru-moscow-1", "sa-brazil-1", "tr-west-1",
	}, parent: map[string]string{"eu-west-101": "myhuaweicloud.eu"}}
)

// url returns the default endpoint of the service in region and whether the SDK lists it.
func (e serviceEndpoints) url(region string) (string, bool) {
	parent := defaultParent
	if p, ok := e.parent[region]; ok {
		parent = p
	}
	return "https://" + e.host + "." + region + "." + parent, slices.Contains(e.regions, region)
}

// endpoint returns the endpoint set (without a trailing slash), else the region's default.
func (e serviceEndpoints) endpoint(set, region string) string {
	if set != "" {
		return strings.TrimRight(set, "/")
	}
	u, _ := e.url(region)
	return u
}

// Endpoint returns the CPTS endpoint: the setting, or the region's default.
func (s *Settings) Endpoint() string { return cptsEndpoints.endpoint(s.CPTSEndpoint, s.Region) }

// IAM returns the IAM endpoint: the setting, or the region's default.
func (s *Settings) IAM() string { return iamEndpoints.endpoint(s.IAMEndpoint, s.Region) }

// TestPlanEndpoint returns the TestPlan endpoint: the setting, or the region's default.
func (s *Settings) TestPlanEndpoint() string {
	return testPlanEndpoints.endpoint(s.TestPlanEP, s.Region)
}
