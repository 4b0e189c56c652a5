package sim

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/region"
	cloudtest "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/cloudtest/v1"
	ctmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/cloudtest/v1/model"
	cpts "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/cpts/v1"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/cpts/v1/model"
)

// sdkKeys makes access keys of its own for each SDK client: the SDK caches a looked-up project
// per AK and region for the whole process, so a shared AK would skip the look-up under test.
var sdkKeys atomic.Int64

// TestOfficialSDKLooksUpTheProject is the oracle of issue 11: the official SDK's CPTS and
// CloudTest clients, built with a region and AK/SK but no project id, find the project through
// the simulator's IAM (GET /v3/projects?name={region}) and then call the services with it in
// X-Project-Id (and in CPTS paths) — with permanent and with temporary keys.
func TestOfficialSDKLooksUpTheProject(t *testing.T) {
	t.Parallel()
	for _, temporary := range []bool{false, true} {
		t.Run(fmt.Sprintf("temporary keys %v", temporary), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, Options{Now: time.Now})
			newCred := func() *basic.Credentials {
				n := sdkKeys.Add(1)
				ak, sk := fmt.Sprintf("SIMSDKAK%012d", n), fmt.Sprintf("SimSdkSK%032d", n)
				b := basic.NewCredentialsBuilder().WithAk(ak).WithSk(sk).WithIamEndpointOverride(h.base)
				if temporary {
					st := fmt.Sprintf("security-token-%d", n)
					h.s.AddTemporaryCredential(ak, sk, st)
					b = b.WithSecurityToken(st)
				} else {
					h.s.AddCredential(ak, sk)
				}
				cred, err := b.SafeBuild()
				if err != nil {
					t.Fatal(err)
				}
				return cred
			}
			reg := region.NewRegion(DemoProjectName, h.base)

			hc, err := cpts.CptsClientBuilder().WithRegion(reg).WithCredential(newCred()).SafeBuild()
			if err != nil {
				t.Fatal("CPTS client (project look-up):", err)
			}
			sets, err := cpts.NewCptsClient(hc).ListProjectSets(&model.ListProjectSetsRequest{})
			if err != nil || len(*sets.Projects) == 0 || *(*sets.Projects)[0].Name != DemoSuiteName {
				t.Fatalf("ListProjectSets: %v %+v", err, sets)
			}

			hc, err = cloudtest.CloudtestClientBuilder().WithRegion(reg).WithCredential(newCred()).SafeBuild()
			if err != nil {
				t.Fatal("CloudTest client (project look-up):", err)
			}
			plans, err := cloudtest.NewCloudtestClient(hc).ShowPlanList(&ctmodel.ShowPlanListRequest{
				ProjectId: DemoCodeArtsProjectID, Offset: 0, Limit: 10})
			if err != nil || len(*plans.Body) == 0 {
				t.Fatalf("ShowPlanList: %v %+v", err, plans)
			}

			lookups := 0
			for _, r := range h.s.Requests() {
				switch {
				case r.Path == "/v3/auth/tokens":
				case r.Path == "/v3/projects":
					lookups++
					if r.Status != 200 || r.Auth != AuthAKSK || r.RawQuery != "name="+DemoProjectName || r.ProjectID != "" {
						t.Errorf("look-up %+v", r)
					}
				default:
					if r.Status < 200 || r.Status > 299 || r.Auth != AuthAKSK || r.ProjectID != DemoProjectID {
						t.Errorf("service call %+v: want 2xx, AK/SK, X-Project-Id %s", r, DemoProjectID)
					}
				}
			}
			if lookups != 2 {
				t.Errorf("%d project look-ups, want one per client", lookups)
			}
		})
	}
}
