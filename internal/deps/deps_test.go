package deps

import (
	_ "github.com/caarlos0/env/v11"
	_ "github.com/hashicorp/go-retryablehttp"
	_ "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	_ "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	_ "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/cloudtest/v1"
	_ "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/cpts/v1"
	_ "github.com/jstemmer/go-junit-report/v2/junit"
	_ "github.com/sethvargo/go-githubactions"
	_ "go.yaml.in/yaml/v3"
)
